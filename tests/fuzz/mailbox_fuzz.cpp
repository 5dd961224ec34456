// Mailboxes (net/mailbox.hpp): an accepted address has one '@' outside quotes with a non-empty
// side each, no control byte, no space or '<' '>' '(' ')' outside quotes, fits the RFC 5321
// lengths, and always makes a MAIL FROM and a RCPT TO command.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "net/mailbox.hpp"
#include "net/smtp_commands.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace smtp_probe;
    const auto input = fuzz::as_text(data, size);
    if (!is_mailbox(input)) {
        return 0;
    }
    SP_FUZZ_CHECK(input.size() <= 254);
    bool quoted = false;
    bool escaped = false;
    std::size_t outside_ats = 0;
    std::size_t last_at = 0;
    for (std::size_t i = 0; i < input.size(); ++i) {
        const auto c = input[i];
        const auto u = static_cast<unsigned char>(c);
        SP_FUZZ_CHECK(u >= 0x20 && u != 0x7f);
        if (escaped) {
            escaped = false;
            continue;
        }
        if (quoted) {
            escaped = c == '\\';
            quoted = c != '"';
            continue;
        }
        SP_FUZZ_CHECK(c != ' ' && c != '<' && c != '>' && c != '(' && c != ')' && c != ';');
        if (c == '"') {
            quoted = true;
        } else if (c == '@') {
            ++outside_ats;
            last_at = i;
        }
    }
    SP_FUZZ_CHECK(!quoted);
    SP_FUZZ_CHECK(outside_ats == 1);
    SP_FUZZ_CHECK(last_at > 0 && last_at <= 64 && last_at + 1 < input.size());
    SP_FUZZ_CHECK(smtp_cmd::mail_from(input).has_value());
    SP_FUZZ_CHECK(smtp_cmd::rcpt_to(input).has_value());
    return 0;
}
