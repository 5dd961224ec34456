// parse_reply() and parse_enhanced_status() (net/reply_parser.hpp) on arbitrary text, and the
// reply's text() and summary().
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "net/reply_parser.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using namespace smtp_probe;

void check_enhanced(std::string_view text) {
    const auto status = parse_enhanced_status(text);
    if (!status) {
        return;
    }
    SP_FUZZ_CHECK(text.size() >= 5);
    SP_FUZZ_CHECK(status->klass == 2 || status->klass == 4 || status->klass == 5);
    SP_FUZZ_CHECK(status->subject >= 0 && status->subject <= 999);
    SP_FUZZ_CHECK(status->detail >= 0 && status->detail <= 999);
    // The printed form reads back as the same code.
    SP_FUZZ_CHECK(parse_enhanced_status(status->to_string()) == status);
}

void check_reply(std::string_view input) {
    const auto reply = parse_reply(input);
    if (!reply) {
        return;
    }
    SP_FUZZ_CHECK(reply->code >= 200 && reply->code <= 559);
    SP_FUZZ_CHECK(!reply->lines.empty());
    SP_FUZZ_CHECK(reply->enhanced == parse_enhanced_status(reply->lines.front()));
    std::string joined;
    std::size_t text_bytes = 0;
    for (const auto& line : reply->lines) {
        SP_FUZZ_CHECK(line.find('\n') == std::string::npos && line.find('\0') == std::string::npos);
        joined += joined.empty() ? "" : " ";
        joined += line;
        text_bytes += line.size();
    }
    // The whole input was this one reply: its text cannot be longer than the input.
    SP_FUZZ_CHECK(text_bytes <= input.size());
    SP_FUZZ_CHECK(reply->text() == joined);  // lines joined by one space, empty ones skipped
    const auto summary = reply->summary();
    SP_FUZZ_CHECK(summary.substr(0, 3) == std::to_string(reply->code));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto input = smtp_probe::fuzz::as_text(data, size);
    check_enhanced(input);
    check_reply(input);
    return 0;
}
