#include "probe/report/report_nagios.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "probe/i18n/detail_text.hpp"
#include "probe/report/endpoint_text.hpp"
#include "probe/report/verdict_line.hpp"

namespace smtp_probe {
namespace {

std::string plugin_text(std::string_view s) {
    return nagios_text(s);
}

/// A number as performance data wants it: plain decimal, no exponent, no trailing zeros.
std::string perf_number(double v) {
    auto s = fmt::format("{:.6f}", v);
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.') {
        s.pop_back();
    }
    return s == "-0" ? "0" : s;
}

std::string endpoint_of(const probe_target& t) {
    return endpoint_text(t.host, t.port);
}

double seconds(duration_ms d) {
    return d.count() / 1000.0;
}

}  // namespace

std::string nagios_text(std::string_view s, std::size_t limit) {
    if (s.size() > limit) {
        while (limit > 0 && (static_cast<unsigned char>(s[limit]) & 0xC0) == 0x80) {
            --limit;  // never cut a UTF-8 sequence
        }
        s = s.substr(0, limit);
    }
    std::string out;
    out.reserve(s.size());
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '|') {
            out += '/';
        } else if (c == ';') {
            out += ',';  // Nagios 4 rewrites ';' in plugin output to ':' (base/checks.c)
        } else if (u < 0x20 || u == 0x7f) {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

std::string perf_label(std::string_view label) {
    std::string clean;
    bool quote = false;
    for (const char c : label) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) {
            continue;
        }
        if (c == ' ' || c == '=' || c == '\'') {
            quote = true;
        }
        clean += c;
        if (c == '\'') {
            clean += '\'';
        }
    }
    return quote ? "'" + clean + "'" : clean;
}

std::string format_perfdata(const std::vector<perf_value>& values) {
    std::string out;
    for (const auto& v : values) {
        if (!out.empty()) {
            out += ' ';
        }
        out += perf_label(v.label) + "=" + perf_number(v.value) + v.uom;
        const std::string fields[] = {plugin_text(v.warn), plugin_text(v.crit),
                                      v.min ? perf_number(*v.min) : "",
                                      v.max ? perf_number(*v.max) : ""};
        std::size_t last = 0;  // the fields up to the last one given
        for (std::size_t i = 0; i < 4; ++i) {
            if (!fields[i].empty()) {
                last = i + 1;
            }
        }
        for (std::size_t i = 0; i < last; ++i) {
            out += ';';
            out += fields[i];
        }
    }
    return out;
}

std::vector<perf_value> perfdata_of(const probe_result& r, const monitoring_thresholds& t) {
    const auto text = [](const std::optional<nagios_range>& range) {
        return range ? range->text : std::string();
    };
    std::vector<perf_value> out;
    out.push_back(
        {"time", seconds(r.duration), "s", text(t.time_warning), text(t.time_critical), 0.0, {}});
    for (const auto& rec : r.checks) {
        if (rec.status == phase_status::skip) {
            continue;
        }
        out.push_back({std::string(phase_name(rec.name)) + "_time",
                       seconds(rec.duration),
                       "s",
                       {},
                       {},
                       0.0,
                       {}});
    }
    out.push_back({"round_trips", static_cast<double>(r.round_trips), "", {}, {}, 0.0, {}});
    for (const auto& rec : r.checks) {
        if (rec.certificate) {
            out.push_back({"cert_days_left",
                           static_cast<double>(rec.certificate->days_left),
                           "",
                           text(t.cert_warning),
                           text(t.cert_critical),
                           {},
                           {}});
            break;
        }
    }
    return out;
}

std::string_view nagios_state_label(exit_status s) {
    // In exit_status's order, which is the plugin's exit code.
    static constexpr std::string_view labels[] = {"SMTP OK", "SMTP WARNING", "SMTP CRITICAL",
                                                  "SMTP UNKNOWN"};
    const auto i = static_cast<std::size_t>(s);
    return i < std::size(labels) ? labels[i] : labels[3];
}

namespace {

/// What one result says after the state: the verdict, or the first warning when it passed; what
/// a threshold found, when it raised the state.
std::string summary_of(const probe_result& r, const monitoring_verdict& state, language lang) {
    if (state.raised_by) {
        return *state.raised_by + ", " + summary_of(r, {}, lang);
    }
    if (!r.ok()) {
        return verdict_line(r.outcome, lang);
    }
    if (!r.warnings.empty()) {
        std::string out(describe(r.warnings.front().kind, lang).title);
        if (r.warnings.size() > 1) {
            out += fmt::format(" (+{})", r.warnings.size() - 1);
        }
        return out;
    }
    return std::string(ui_text(ui_string::nagios_all_passed, lang));
}

/// The lines after the status line (Nagios's long output) that say what to change: the failed
/// step, what the server or the system said there, the remedy; or the warnings of a pass.
std::string detail_lines(const probe_result& r, language lang) {
    const auto line = [lang](ui_string label, std::string_view text) {
        return fmt::format("{}{}{}\n", ui_text(label, lang), lang == language::zh ? "：" : ": ",
                           plugin_text(text));
    };
    std::string out;
    if (r.ok()) {
        for (const auto& w : r.warnings) {
            out += line(ui_string::warnings,
                        fmt::format("{} ({})", describe(w.kind, lang).title, warning_id(w.kind)));
        }
        return out;
    }
    if (r.outcome.failed_phase) {
        out += line(ui_string::failed_phase, phase_label(*r.outcome.failed_phase, lang));
        if (const auto* rec = r.find(*r.outcome.failed_phase)) {
            if (rec->reply) {
                out += line(ui_string::server_reply, rec->reply->summary());
            } else if (!rec->error_text.empty()) {
                out += line(ui_string::error, localized(rec->error_text, rec->error_notes, lang));
            }
        }
    }
    if (r.outcome.cause) {
        for (const auto& step : describe(*r.outcome.cause, lang).remedy) {
            out += line(ui_string::remedy, step);
        }
    }
    return out;
}

}  // namespace

std::string nagios_unknown(std::string_view why) {
    return fmt::format("{} - {}\n", nagios_state_label(exit_status::cannot_run), plugin_text(why));
}

std::string render_nagios(const std::vector<probe_result>& results, language lang,
                          const monitoring_thresholds& t) {
    if (results.empty()) {
        return "SMTP UNKNOWN - nothing was probed\n";
    }
    std::vector<monitoring_verdict> states;
    states.reserve(results.size());
    for (const auto& r : results) {
        states.push_back(monitoring_state(r, t));
    }
    // The first worst address speaks for the line and gives the performance data.
    const auto at = static_cast<std::size_t>(
        std::max_element(states.begin(), states.end(),
                         [](const auto& a, const auto& b) { return a.state < b.state; }) -
        states.begin());
    const auto state = states[at].state;
    const auto* worst = &results[at];
    std::string out =
        fmt::format("{} - {}", nagios_state_label(state), plugin_text(endpoint_of(worst->target)));
    if (results.size() > 1) {
        const auto failing = std::count_if(results.begin(), results.end(),
                                           [](const probe_result& r) { return !r.ok(); });
        out += failing > 0 ? fmt::format(" ({} of {} addresses failing)", failing, results.size())
                           : fmt::format(" ({} addresses)", results.size());
    }
    out += fmt::format(": {} in {:.3f} s | {}\n", plugin_text(summary_of(*worst, states[at], lang)),
                       seconds(worst->duration), format_perfdata(perfdata_of(*worst, t)));
    if (results.size() > 1) {
        for (std::size_t i = 0; i < results.size(); ++i) {
            const auto& r = results[i];
            const auto* tcp = r.find(phase::tcp);
            const std::string address = tcp && tcp->peer ? *tcp->peer : endpoint_of(r.target);
            out += fmt::format("{} {}: {}\n", nagios_state_label(states[i].state).substr(5),
                               plugin_text(address), plugin_text(summary_of(r, states[i], lang)));
        }
    }
    out += detail_lines(*worst, lang);
    return out;
}

}  // namespace smtp_probe
