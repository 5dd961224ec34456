// parse_duration() (probe/cli/duration_parse.hpp): an accepted duration lies within 1 ms ..
// max_duration, and an error message is one printable, bounded sentence.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "probe/cli/duration_parse.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace smtp_probe;
    const auto input = fuzz::as_text(data, size);
    const auto parsed = parse_duration(input);
    if (const auto* ms = std::get_if<std::chrono::milliseconds>(&parsed)) {
        SP_FUZZ_CHECK(ms->count() >= 1 && *ms <= max_duration);
        // Written back in milliseconds, it reads as the same duration.
        const auto again = parse_duration(std::to_string(ms->count()) + "ms");
        SP_FUZZ_CHECK(std::holds_alternative<std::chrono::milliseconds>(again));
        SP_FUZZ_CHECK(std::get<std::chrono::milliseconds>(again) == *ms);
        return 0;
    }
    const auto& error = std::get<std::string>(parsed);
    SP_FUZZ_CHECK(!error.empty() && error.size() <= 256);  // the text is quoted up to 64 bytes
    SP_FUZZ_CHECK(fuzz::free_of_controls(error));
    return 0;
}
