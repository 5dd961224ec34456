#include "probe/commands/run/run_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json/array.hpp>
#include <map>

#include "net/sanitize.hpp"
#include "probe/i18n/detail_text.hpp"
#include "probe/report/display_width.hpp"
#include "probe/report/endpoint_text.hpp"
#include "probe/report/report_json.hpp"
#include "probe/report/report_nagios.hpp"
#include "probe/report/terminal_style.hpp"
#include "probe/report/verdict_line.hpp"

namespace smtp_probe {

namespace {

std::string clean(std::string_view untrusted) {
    return sanitize_for_display(untrusted, 300);
}

std::string server_text(const probe_request& r) {
    return endpoint_text(r.host, r.port);
}

}  // namespace

void finish(run_entry& entry, probe_outcome&& outcome) {
    entry.outcome = std::move(outcome);
    entry.state = entry.outcome.result ? monitoring_state(*entry.outcome.result, entry.thresholds)
                                       : monitoring_verdict{exit_status::failure, std::nullopt};
    entry.finished = true;
}

exit_status worst_status(const std::vector<run_entry>& entries) {
    auto status = exit_status::ok;
    for (const auto& e : entries) {
        if (e.finished) {
            status = std::max(status, e.state.state);
        }
    }
    return status;
}

boost::json::object target_json(const run_entry& entry, bool include_transcript) {
    boost::json::object out;
    out["name"] = entry.target->name;
    out["module"] = entry.target->module;
    boost::json::object labels;
    for (const auto& [key, value] : entry.target->labels) {
        labels[key] = value;
    }
    out["labels"] = std::move(labels);
    if (!entry.outcome.result) {
        out["ok"] = false;
        out["error"] = clean(entry.outcome.setup_error);
        out["monitoring_state"] = monitoring_state_id(entry.state.state);
        return out;
    }
    for (auto& [key, value] : to_json(*entry.outcome.result, include_transcript)) {
        out[key] = std::move(value);
    }
    out["monitoring_state"] = monitoring_state_id(entry.state.state);
    if (entry.state.raised_by) {
        out["monitoring_raised_by"] = *entry.state.raised_by;
    }
    return out;
}

run_counts count_run(const std::vector<run_entry>& entries) {
    run_counts c;
    for (const auto& e : entries) {
        if (!e.finished) {
            continue;
        }
        ++c.total;
        if (e.state.raised_by) {
            ++c.raised_by_threshold;
        }
        if (!e.outcome.result) {
            ++c.not_run;
            continue;
        }
        switch (e.state.state) {
            case exit_status::ok:
                ++c.ok;
                break;
            case exit_status::warning:
                ++c.warnings;
                break;
            default:
                ++c.failed;
        }
        // Categories and causes are the WHMCS verdict's, so only a verdict that failed counts.
        const auto& r = *e.outcome.result;
        if (!r.ok()) {
            ++c.by_category[std::string(category_id(r.outcome.category))];
            if (r.outcome.cause) {
                ++c.by_cause[std::string(cause_id(*r.outcome.cause))];
            }
        }
    }
    return c;
}

boost::json::object run_summary_json(const std::vector<run_entry>& entries,
                                     std::chrono::milliseconds elapsed) {
    const auto c = count_run(entries);
    boost::json::object out;
    out["targets"] = c.total;
    out["ok"] = c.ok;
    out["warnings"] = c.warnings;
    out["failed"] = c.failed;
    out["not_run"] = c.not_run;
    out["raised_by_threshold"] = c.raised_by_threshold;
    boost::json::object categories;
    for (const auto& [id, n] : c.by_category) {
        categories[id] = n;
    }
    boost::json::object causes;
    for (const auto& [id, n] : c.by_cause) {
        causes[id] = n;
    }
    out["by_category"] = std::move(categories);
    out["by_cause"] = std::move(causes);
    out["exit_code"] = static_cast<int>(worst_status(entries));
    out["duration_ms"] = elapsed.count();
    return out;
}

std::string render_run_text(const std::vector<run_entry>& entries, const text_options& options) {
    const auto lang = options.lang;
    const painter paint(options.color);
    std::vector<std::vector<std::string>> rows;
    rows.push_back({std::string(ui_text(ui_string::run_target, lang)),
                    std::string(ui_text(ui_string::run_server, lang)),
                    std::string(ui_text(ui_string::diag_mode, lang)),
                    std::string(ui_text(ui_string::diag_result, lang)),
                    std::string(ui_text(ui_string::diag_time, lang)),
                    std::string(ui_text(ui_string::cause, lang))});
    std::vector<exit_status> statuses;
    for (const auto& e : entries) {
        const auto status = e.state.state;
        statuses.push_back(status);
        const auto* r = e.outcome.result ? &*e.outcome.result : nullptr;
        const auto word = status == exit_status::ok        ? status_word(phase_status::pass, lang)
                          : status == exit_status::warning ? status_word(phase_status::warn, lang)
                                                           : status_word(phase_status::fail, lang);
        std::string cause = "-";
        if (r != nullptr && r->outcome.cause) {
            cause = std::string(cause_id(*r->outcome.cause));
        } else if (e.state.raised_by) {
            cause = "threshold";
        } else if (r == nullptr) {
            cause = "not_run";
        }
        rows.push_back({e.target->name, clean(server_text(e.request)),
                        std::string(security_name(e.request.security)), std::string(word),
                        r != nullptr ? fmt::format("{:.0f} ms", r->duration.count()) : "-", cause});
    }
    std::vector<std::size_t> widths(rows.front().size(), 0);
    for (const auto& row : rows) {
        for (std::size_t i = 0; i < row.size(); ++i) {
            widths[i] = std::max(widths[i], display_width(row[i]));
        }
    }
    std::string out;
    for (std::size_t r = 0; r < rows.size(); ++r) {
        std::string line;
        for (std::size_t i = 0; i < rows[r].size(); ++i) {
            line += i + 1 == rows[r].size() ? rows[r][i] : pad_to_width(rows[r][i], widths[i] + 2);
        }
        while (!line.empty() && line.back() == ' ') {
            line.pop_back();
        }
        if (r == 0) {
            line = paint(sgr::bold, line);
        } else if (statuses[r - 1] == exit_status::failure) {
            line = paint(sgr::red, line);
        } else if (statuses[r - 1] == exit_status::warning) {
            line = paint(sgr::yellow, line);
        }
        out += line + "\n";
    }

    std::string details;
    const std::string_view colon = lang == language::zh ? "：" : ": ";
    for (const auto& e : entries) {
        if (e.state.state != exit_status::failure) {
            continue;
        }
        if (!e.outcome.result) {
            details += fmt::format("  {}{}{}\n", e.target->name, colon,
                                   fmt::format(fmt::runtime(ui_text(ui_string::run_not_run, lang)),
                                               fmt::arg("error", clean(e.outcome.setup_error))));
            continue;
        }
        if (e.state.raised_by) {
            // Only a verdict that passed can be raised: a failed one is critical already.
            details +=
                fmt::format("  {}{}{} ({})\n", e.target->name, colon, clean(*e.state.raised_by),
                            ui_text(ui_string::run_threshold_note, lang));
            continue;
        }
        const auto& r = *e.outcome.result;
        details += fmt::format("  {}{}{}\n", e.target->name, colon, verdict_line(r.outcome, lang));
        if (r.outcome.failed_phase) {
            if (const auto* rec = r.find(*r.outcome.failed_phase); rec && !rec->detail.empty()) {
                details += fmt::format("      {}{}{}\n", phase_label(*r.outcome.failed_phase, lang),
                                       colon, clean(localized(rec->detail, rec->notes, lang)));
            }
        }
    }
    if (!details.empty()) {
        out += "\n" + std::string(ui_text(ui_string::run_failures, lang)) +
               (lang == language::zh ? "：" : ":") + "\n" + details;
    }

    const auto c = count_run(entries);
    out += "\n" +
           fmt::format(fmt::runtime(ui_text(ui_string::run_summary, lang)),
                       fmt::arg("total", c.total), fmt::arg("ok", c.ok),
                       fmt::arg("warnings", c.warnings), fmt::arg("failed", c.failed + c.not_run)) +
           "\n";
    return out;
}

std::string progress_text(std::size_t done, std::size_t total, std::size_t failing, language lang) {
    return fmt::format(fmt::runtime(ui_text(ui_string::run_progress, lang)), fmt::arg("done", done),
                       fmt::arg("total", total), fmt::arg("failing", failing));
}

std::string render_run_nagios(const std::vector<run_entry>& entries, language lang,
                              std::chrono::milliseconds elapsed, std::size_t max_lines) {
    const auto c = count_run(entries);
    const auto critical = c.failed + c.not_run;
    std::vector<const run_entry*> failing;
    std::vector<const run_entry*> not_ok;
    for (const auto& e : entries) {
        if (e.finished && e.state.state != exit_status::ok) {
            not_ok.push_back(&e);
            if (e.state.state != exit_status::warning) {
                failing.push_back(&e);
            }
        }
    }
    const auto state = worst_status(entries);
    const auto& named = failing.empty() ? not_ok : failing;
    std::string out(nagios_state_label(state));
    out += fmt::format(" - {} targets: {} ok, {} warning, {} critical", entries.size(), c.ok,
                       c.warnings, critical);
    if (!named.empty()) {
        // Not "; ": Nagios 4 shows a ';' of plugin output as ':'.
        out += failing.empty() ? " (warning: " : " (failing: ";
        for (std::size_t i = 0; i < named.size() && i < 5; ++i) {
            out += (i > 0 ? ", " : "") + nagios_text(named[i]->target->name, 64);
        }
        if (named.size() > 5) {
            out += fmt::format(" and {} more", named.size() - 5);
        }
        out += ')';
    }
    const auto count = [](const char* label, std::size_t n) {
        return perf_value{label, static_cast<double>(n), "", {}, {}, 0.0, {}};
    };
    out += " | " +
           format_perfdata(
               {count("targets", entries.size()),
                count("ok", c.ok),
                count("warning", c.warnings),
                count("critical", critical),
                count("not_run", c.not_run),
                {"time", static_cast<double>(elapsed.count()) / 1000.0, "s", {}, {}, 0.0, {}}});
    out += '\n';
    for (std::size_t i = 0; i < not_ok.size() && i < max_lines; ++i) {
        const auto& e = *not_ok[i];
        const auto word = nagios_state_label(e.state.state).substr(5);
        std::string said = e.state.raised_by ? *e.state.raised_by + ", " : "";
        said += e.outcome.result ? verdict_line(e.outcome.result->outcome, lang)
                                 : "not run: " + e.outcome.setup_error;
        out += fmt::format("{} {} {}: {}\n", word, nagios_text(e.target->name, 128),
                           nagios_text(server_text(e.request), 300), nagios_text(said));
    }
    if (not_ok.size() > max_lines) {
        out += fmt::format("... and {} more targets not OK\n", not_ok.size() - max_lines);
    }
    return out;
}

}  // namespace smtp_probe
