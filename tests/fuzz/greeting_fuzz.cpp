// The greeting rules (checks/greeting_rules.hpp): non_smtp_banner() on the first bytes a server
// sends, greeting_host() and judge_greeting() on the reply they parse to.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "checks/greeting_rules.hpp"
#include "net/reply_parser.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using namespace smtp_probe;

constexpr std::string_view protocols[] = {"SSH", "HTTP",  "POP3",   "IMAP", "FTP",
                                          "TLS", "MySQL", "Telnet", "VNC"};

bool host_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto input = smtp_probe::fuzz::as_text(data, size);

    if (const auto banner = non_smtp_banner(input)) {
        SP_FUZZ_CHECK(std::find(std::begin(protocols), std::end(protocols), *banner) !=
                      std::end(protocols));
    }

    const auto reply = parse_reply(input);
    if (!reply) {
        return 0;
    }
    const auto host = greeting_host(*reply);
    if (!host.empty()) {
        SP_FUZZ_CHECK(host.size() <= 253);
        SP_FUZZ_CHECK(std::all_of(host.begin(), host.end(), host_char));
        // It is a word of the first line.
        SP_FUZZ_CHECK(reply->lines.front().find(host) != std::string::npos);
    }

    const auto judgement = judge_greeting(*reply);
    if (reply->code == 220) {
        SP_FUZZ_CHECK(judgement.status == phase_status::pass && !judgement.cause);
    } else {
        SP_FUZZ_CHECK(judgement.status == phase_status::fail && judgement.cause.has_value());
    }
    return 0;
}
