// parse_capabilities() (net/capabilities.hpp) over EHLO replies: the input parsed as one reply,
// or, when it is not one, its lines taken as the texts of a 250 reply (so that the keyword
// parsing is reached whatever the framing).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

#include "net/capabilities.hpp"
#include "net/reply_parser.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using namespace smtp_probe;

smtp_reply reply_from(std::string_view input) {
    if (auto parsed = parse_reply(input)) {
        return std::move(*parsed);
    }
    smtp_reply r;
    r.code = 250;
    while (!input.empty() && r.lines.size() < 512) {
        auto line = input.substr(0, input.find('\n'));
        input.remove_prefix(std::min(line.size() + 1, input.size()));
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        r.lines.emplace_back(line);
    }
    return r;
}

bool upper_name_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

bool contains(const std::vector<std::string>& list, std::string_view value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

bool unique(std::vector<std::string> list) {
    std::sort(list.begin(), list.end());
    return std::adjacent_find(list.begin(), list.end()) == list.end();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto reply = reply_from(smtp_probe::fuzz::as_text(data, size));
    const auto caps = parse_capabilities(reply);

    SP_FUZZ_CHECK(caps.server_name.size() <= 255);
    SP_FUZZ_CHECK(caps.server_name.find_first_of(" \t") == std::string::npos);

    // Each mechanism takes at least two bytes of the reply (a name and a space).
    SP_FUZZ_CHECK(caps.auth_mechanisms.size() <= size / 2 + 1);
    SP_FUZZ_CHECK(unique(caps.auth_mechanisms));
    for (const auto& mech : caps.auth_mechanisms) {  // RFC 4422 section 3.1
        SP_FUZZ_CHECK(!mech.empty() && mech.size() <= 20);
        SP_FUZZ_CHECK(std::all_of(mech.begin(), mech.end(), upper_name_char));
    }

    SP_FUZZ_CHECK(caps.keywords.size() <= reply.lines.size());
    SP_FUZZ_CHECK(unique(caps.keywords));
    for (const auto& keyword : caps.keywords) {
        SP_FUZZ_CHECK(!keyword.empty() && keyword.size() <= 64);
        SP_FUZZ_CHECK(keyword.front() != '-' && keyword.front() != '_');
        SP_FUZZ_CHECK(std::all_of(keyword.begin(), keyword.end(), upper_name_char));
    }
    // The flags agree with the keyword list.
    {
        SP_FUZZ_CHECK(caps.starttls == contains(caps.keywords, "STARTTLS"));
        SP_FUZZ_CHECK(caps.pipelining == contains(caps.keywords, "PIPELINING"));
        SP_FUZZ_CHECK(caps.eightbitmime == contains(caps.keywords, "8BITMIME"));
        SP_FUZZ_CHECK(caps.smtputf8 == contains(caps.keywords, "SMTPUTF8"));
        SP_FUZZ_CHECK(caps.enhanced_status_codes == contains(caps.keywords, "ENHANCEDSTATUSCODES"));
        SP_FUZZ_CHECK(caps.chunking == contains(caps.keywords, "CHUNKING"));
        SP_FUZZ_CHECK(caps.size.has_value() == contains(caps.keywords, "SIZE"));
        SP_FUZZ_CHECK(caps.auth_mechanisms.empty() || contains(caps.keywords, "AUTH"));
    }
    // Pure: the same reply reads the same.
    const auto again = parse_capabilities(reply);
    SP_FUZZ_CHECK(again.keywords == caps.keywords &&
                  again.auth_mechanisms == caps.auth_mechanisms && again.size == caps.size &&
                  again.server_name == caps.server_name);
    return 0;
}
