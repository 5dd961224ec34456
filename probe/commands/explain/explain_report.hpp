// What `smtp-probe explain` prints: the matches of explain.hpp as text (the look of the check
// report) or JSON (docs/json-schema.md, "explain"). Pasted text is untrusted: every piece of it is
// sanitised before it is printed.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "probe/commands/explain/explain.hpp"
#include "probe/i18n/i18n.hpp"

namespace smtp_probe {

struct explain_options {
    language lang = language::en;
    bool color = false;  ///< ANSI colours; only for a terminal
};

/// One input (an argument): the line, then a block per match; the suggested check command when a
/// probe can see one of the categories. An input without matches gives no_match_text().
[[nodiscard]] std::string render_explanation(std::string_view input,
                                             const std::vector<explain_match>& matches,
                                             const line_facts& facts, const explain_options& opt);

/// A pasted excerpt: how much was read, then each distinct matching line as above.
[[nodiscard]] std::string render_log_explanation(const log_explanation& log,
                                                 const explain_options& opt);

/// The ten categories, one line each, and how to ask about one.
[[nodiscard]] std::string render_category_list(const explain_options& opt);

/// One sentence: nothing was recognised, and the category ids that can be given instead.
[[nodiscard]] std::string no_match_text(language lang);

[[nodiscard]] boost::json::object explanation_json(std::string_view input,
                                                   const std::vector<explain_match>& matches,
                                                   const line_facts& facts, language lang);
[[nodiscard]] boost::json::object log_explanation_json(const log_explanation& log, language lang);
[[nodiscard]] boost::json::object category_list_json(language lang);

}  // namespace smtp_probe
