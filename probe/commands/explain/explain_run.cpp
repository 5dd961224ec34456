#include "probe/commands/explain/explain_run.hpp"

#include <istream>
#include <ostream>
#include <string>

#include "checks/evidence.hpp"
#include "probe/commands/explain/explain.hpp"
#include "probe/commands/explain/explain_report.hpp"
#include "probe/report/report_json.hpp"

namespace smtp_probe {
namespace {

/// At most one byte more than the limit, so that explain_log() sees the excerpt was cut.
std::string read_bounded(std::istream& in, std::size_t max_bytes) {
    std::string text(max_bytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(std::max<std::streamsize>(0, in.gcount())));
    return text;
}

int status(bool recognised) {
    return static_cast<int>(recognised ? exit_status::ok : exit_status::failure);
}

}  // namespace

int run_explain(const explain_command& cmd, bool color, std::istream& in, std::ostream& out,
                std::ostream& err) {
    const auto lang = language_from_name(cmd.output.lang).value_or(language::en);
    const bool json = cmd.output.fmt == output_options::format::json;
    const explain_options options{lang, color};

    if (cmd.from == explain_command::source::category_list) {
        out << (json ? serialize_json(category_list_json(lang)) + "\n"
                     : render_category_list(options));
        return status(true);
    }

    // An argument with line breaks is an excerpt too.
    const bool excerpt = cmd.from == explain_command::source::standard_input ||
                         cmd.text.find('\n') != std::string::npos;
    if (excerpt) {
        const log_limits limits;
        const auto text = cmd.from == explain_command::source::standard_input
                              ? read_bounded(in, limits.max_bytes)
                              : cmd.text;
        const auto log = explain_log(text, limits);
        if (json) {
            out << serialize_json(log_explanation_json(log, lang)) << '\n';
            if (log.lines.empty()) {
                err << "smtp-probe: " << no_match_text(lang) << '\n';
            }
        } else {
            out << render_log_explanation(log, options);
        }
        return status(!log.lines.empty());
    }

    const auto matches = explain_input(cmd.text);
    const auto facts = facts_of(cmd.text);
    if (json) {
        out << serialize_json(explanation_json(cmd.text, matches, facts, lang)) << '\n';
        if (matches.empty()) {
            err << "smtp-probe: " << no_match_text(lang) << '\n';
        }
    } else {
        out << render_explanation(cmd.text, matches, facts, options);
    }
    return status(!matches.empty());
}

}  // namespace smtp_probe
