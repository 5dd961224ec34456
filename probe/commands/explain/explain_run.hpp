// `smtp-probe explain`, run: input (argument or bounded stdin) in, report out, exit code.
#pragma once

#include <iosfwd>

#include "probe/commands/explain/explain_command.hpp"

namespace smtp_probe {

/// Explains cmd.text, an excerpt read from `in` (at most log_limits' bytes and lines), or lists
/// the categories, and prints text or JSON to `out`. Returns 0 when something was recognised (or
/// for the list), 2 when nothing was: then the text report says so in one sentence on `out`, and
/// with JSON the sentence goes to `err` so that `out` stays one JSON document.
[[nodiscard]] int run_explain(const explain_command& cmd, bool color, std::istream& in,
                              std::ostream& out, std::ostream& err);

}  // namespace smtp_probe
