// The log-line matcher of `explain` (probe/commands/explain/explain.hpp): explain_text() on one
// pasted line, explain_log() on an excerpt, and the `smtp-probe check` command suggested from what
// a line reveals, which must stay safe to paste into a shell whatever the line held.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "checks/errors.hpp"
#include "probe/commands/explain/explain.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using namespace smtp_probe;

constexpr std::string_view shell_specials = "`$;|&<>\\\"'(){}*?!#~\n\r\t";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto input = fuzz::as_text(data, size);

    const auto matches = explain_text(input);
    SP_FUZZ_CHECK(matches.size() <= std::size(all_categories));
    for (const auto& m : matches) {
        SP_FUZZ_CHECK(m.category != failure_category::ok);
        SP_FUZZ_CHECK(category_id(m.category) != "unknown");
        if (m.cause) {
            SP_FUZZ_CHECK(cause_id(*m.cause) != "unknown");
        }
    }

    const auto facts = facts_of(input);
    if (const auto command = suggested_check(matches, facts)) {
        // Values taken from the line are only ever the shell-safe kind (host, port, address).
        SP_FUZZ_CHECK(command->find_first_of(shell_specials) == std::string::npos);
        SP_FUZZ_CHECK(command->rfind("smtp-probe check ", 0) == 0);
    }

    log_limits limits;
    limits.max_lines = 20;
    limits.max_bytes = 4096;
    const auto log = explain_log(input, limits);
    SP_FUZZ_CHECK(log.lines_read <= limits.max_lines);
    for (const auto& line : log.lines) {
        SP_FUZZ_CHECK(line.line_number >= 1 && line.line_number <= log.lines_read);
    }
    return 0;
}
