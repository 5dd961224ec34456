#include "probe/commands/diagnose/diagnose_report.hpp"

#include "probe/report/terminal_style.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json/array.hpp>

#include "net/sanitize.hpp"
#include "probe/i18n/detail_text.hpp"
#include "probe/report/display_width.hpp"
#include "probe/report/report_json.hpp"
#include "probe/report/report_text.hpp"
#include "probe/report/verdict_line.hpp"

namespace smtp_probe {
namespace json = boost::json;

namespace {

std::string clean(std::string_view untrusted) {
    return sanitize_for_display(untrusted, 300);
}

std::string paint(bool on, std::string_view attribute, std::string_view text) {
    return painter(on)(attribute, text);
}

std::string with_port(ui_string s, language lang, std::uint16_t port) {
    return fmt::format(fmt::runtime(ui_text(s, lang)), fmt::arg("port", port));
}

/// "auto:starttls" / "auto:none" once the session showed what auto became.
std::string mode_text(const combination_result& c) {
    if (c.combo.security != security_mode::automatic) {
        return std::string(security_name(c.combo.security));
    }
    const auto* ehlo = c.result.find(phase::ehlo);
    if (ehlo == nullptr || ehlo->status == phase_status::fail ||
        ehlo->status == phase_status::skip) {
        return "auto";
    }
    return fmt::format("auto:{}", security_name(effective_security(c)));
}

std::string ssl_type_text(const combination_result& c) {
    if (c.combo.security == security_mode::automatic && mode_text(c) == "auto") {
        return "-";
    }
    return std::string(ssl_type_name(effective_security(c)));
}

std::string result_text(const combination_result& c, language lang) {
    if (works(c)) {
        return std::string(ui_text(ui_string::diag_works, lang)) +
               (c.result.warnings.empty() ? "" : " (!)");
    }
    if (c.password_refused_on) {
        return with_port(ui_string::diag_not_tried, lang, *c.password_refused_on);
    }
    const auto v = combination_verdict(c);
    return v.cause ? std::string(cause_id(*v.cause)) : std::string(category_id(v.category));
}

std::optional<std::int64_t> cert_days(const probe_result& r) {
    const auto* rec = r.find(phase::certificate);
    if (rec == nullptr || !rec->certificate) {
        return std::nullopt;
    }
    return rec->certificate->days_left;
}

std::string auth_text(const probe_result& r) {
    const auto* rec = r.find(phase::ehlo);
    if (rec == nullptr || rec->auth_mechanisms.empty()) {
        return "-";
    }
    std::string out;
    for (const auto& m : rec->auth_mechanisms) {
        out += (out.empty() ? "" : " ") + clean(m);
    }
    return out.size() > 40 ? out.substr(0, 40) : out;
}

std::string size_text(const probe_result& r) {
    const auto size = announced_size(r);
    if (!size) {
        return "-";
    }
    if (*size >= 1'000'000) {
        return fmt::format("{:.1f} MB", static_cast<double>(*size) / 1e6);
    }
    return fmt::format("{} B", *size);
}

std::string colon(language lang) {
    return lang == language::zh ? "：" : ":";
}

std::optional<ui_string> hint_string(combination_hint h) {
    switch (h) {
        case combination_hint::speaks_tls_first:
            return ui_string::diag_hint_speaks_tls_first;
        case combination_hint::expects_starttls:
            return ui_string::diag_hint_expects_starttls;
        case combination_hint::port_closed:
            return ui_string::diag_hint_port_closed;
        case combination_hint::no_starttls:
            return ui_string::diag_hint_no_starttls;
        case combination_hint::certificate:
            return ui_string::diag_hint_certificate;
        case combination_hint::password_refused:
            return ui_string::diag_hint_password_refused;
        case combination_hint::redirected:
            return ui_string::diag_hint_redirected;
        case combination_hint::none:
        case combination_hint::not_tried:
        case combination_hint::other:
            break;
    }
    return std::nullopt;
}

std::vector<probe_warning> all_warnings(const diagnose_outcome& d) {
    std::vector<probe_warning> out;
    if (d.advice.chosen) {
        out = d.combinations[*d.advice.chosen].result.warnings;
    }
    out.insert(out.end(), d.warnings.begin(), d.warnings.end());
    return out;
}

}  // namespace

std::string_view recommendation_reason(const combination_result& chosen) {
    switch (preference_rank(chosen)) {
        case 0:
            return "implicit_tls_465";
        case 1:
            return "starttls_587";
        case 2:
            return "starttls_other_port";
        case 3:
            return "implicit_tls_other_port";
        default:
            return "plaintext_only";
    }
}

std::string render_diagnose_text(const std::string& host, const diagnose_outcome& d,
                                 const text_options& options) {
    const auto lang = options.lang;
    const bool color = options.color;
    std::string out = paint(color, sgr::bold,
                            fmt::format(fmt::runtime(ui_text(ui_string::diag_heading, lang)),
                                        fmt::arg("host", clean(host)))) +
                      "\n\n";
    if (d.ran_as && d.ran_as->switched) {
        out +=
            fmt::format(fmt::runtime(ui_text(ui_string::diag_ran_as, lang)),
                        fmt::arg("user", clean(d.ran_as->user)), fmt::arg("uid", d.ran_as->uid)) +
            "\n\n";
    }
    if (d.dns_failure) {
        out += paint(color, sgr::red, verdict_line(d.dns_failure->outcome, lang)) + "\n";
        if (const auto* rec = d.dns_failure->find(phase::dns); rec && !rec->detail.empty()) {
            out += "  " + clean(localized(rec->detail, rec->notes, lang)) + "\n";
        }
        out += std::string(ui_text(ui_string::diag_dns_failed, lang)) + "\n";
        return out;
    }

    // The table.
    const std::vector<ui_string> columns{ui_string::diag_port,       ui_string::diag_mode,
                                         ui_string::diag_ssl_type,   ui_string::diag_result,
                                         ui_string::diag_time,       ui_string::diag_cert_days,
                                         ui_string::auth_mechanisms, ui_string::diag_size};
    std::vector<std::vector<std::string>> rows;
    rows.emplace_back();
    for (const auto c : columns) {
        rows.back().emplace_back(ui_text(c, lang));
    }
    for (const auto& c : d.combinations) {
        const auto days = cert_days(c.result);
        rows.push_back({std::to_string(c.combo.port), mode_text(c), ssl_type_text(c),
                        result_text(c, lang), fmt::format("{:.0f} ms", c.result.duration.count()),
                        days ? std::to_string(*days) : "-", auth_text(c.result),
                        size_text(c.result)});
    }
    std::vector<std::size_t> widths(columns.size(), 0);
    for (const auto& row : rows) {
        for (std::size_t i = 0; i < row.size(); ++i) {
            widths[i] = std::max(widths[i], display_width(row[i]));
        }
    }
    for (std::size_t r = 0; r < rows.size(); ++r) {
        std::string line;
        for (std::size_t i = 0; i < rows[r].size(); ++i) {
            line +=
                (i + 1 == rows[r].size()) ? rows[r][i] : pad_to_width(rows[r][i], widths[i] + 2);
        }
        while (!line.empty() && line.back() == ' ') {
            line.pop_back();
        }
        if (r == 0) {
            line = paint(color, sgr::bold, line);
        } else if (works(d.combinations[r - 1])) {
            line = paint(color, sgr::green, line);
        }
        out += line + "\n";
    }

    // What failed, combination by combination.
    std::string failures;
    for (const auto& c : d.combinations) {
        if (works(c) || c.password_refused_on) {
            continue;
        }
        failures += fmt::format("  {} {}: {}\n", c.combo.port, mode_text(c),
                                verdict_line(combination_verdict(c), lang));
        // The phase that failed, or for a pass answered by this machine the greeting that
        // gave it away.
        const auto shown = c.result.outcome.failed_phase.value_or(phase::greeting);
        if (const auto* rec = c.result.find(shown); rec && !rec->detail.empty()) {
            failures += fmt::format("      {}{}{}\n", phase_label(shown, lang),
                                    lang == language::zh ? "：" : ": ",
                                    clean(localized(rec->detail, rec->notes, lang)));
        }
    }
    if (!failures.empty()) {
        out += "\n" + std::string(ui_text(ui_string::diag_details, lang)) + colon(lang) + "\n" +
               failures;
    }

    // The recommendation.
    out += "\n" +
           paint(color, sgr::bold,
                 std::string(ui_text(ui_string::diag_recommend, lang)) + colon(lang)) +
           "\n";
    const auto& advice = d.advice;
    if (advice.chosen) {
        out += "  " +
               paint(color, sgr::green,
                     fmt::format(fmt::runtime(ui_text(ui_string::diag_enter, lang)),
                                 fmt::arg("port", advice.port),
                                 fmt::arg("ssl_type", advice.ssl_type))) +
               "\n  " + std::string(ui_text(ui_string::diag_where, lang)) + "\n";
        if (!advice.also_works.empty()) {
            std::string list;
            for (const auto i : advice.also_works) {
                const auto& c = d.combinations[i];
                list += fmt::format("{}{} {}", list.empty() ? "" : ", ", c.combo.port,
                                    ssl_type_name(effective_security(c)));
            }
            out += "  " +
                   fmt::format(fmt::runtime(ui_text(ui_string::diag_also_works, lang)),
                               fmt::arg("list", list)) +
                   "\n";
        }
    } else {
        out += "  " +
               paint(color, sgr::red, std::string(ui_text(ui_string::diag_none_works, lang))) +
               "\n";
        if (advice.deciding) {
            const auto& c = d.combinations[*advice.deciding];
            out += fmt::format("  {} {}: {}\n", c.combo.port, mode_text(c),
                               verdict_line(advice.outcome, lang));
            if (advice.outcome.cause) {
                for (const auto step : describe(*advice.outcome.cause, lang).remedy) {
                    out += fmt::format("    - {}\n", step);
                }
            }
        }
    }
    std::string hints;
    for (std::size_t i = 0; i < d.combinations.size() && i < advice.hints.size(); ++i) {
        if (advice.chosen && *advice.chosen == i) {
            continue;
        }
        const auto& c = d.combinations[i];
        if (const auto s = hint_string(advice.hints[i])) {
            hints += "  - " + with_port(*s, lang, c.combo.port) + "\n";
        } else if (advice.hints[i] == combination_hint::other && c.result.outcome.cause) {
            hints += fmt::format("  - {}{} {}\n", c.combo.port, colon(lang),
                                 describe(*c.result.outcome.cause, lang).title);
        }
    }
    if (!hints.empty()) {
        out += "\n" + std::string(ui_text(ui_string::diag_why_others, lang)) + colon(lang) + "\n" +
               hints;
    }
    if (d.sent) {
        const auto& sent = *d.sent;
        const auto* data = sent.find(phase::data);
        const std::string address = clean(d.sent_to.value_or(""));
        if (sent.ok()) {
            out += "\n  " +
                   paint(color, sgr::green,
                         fmt::format(fmt::runtime(ui_text(ui_string::diag_sent_ok, lang)),
                                     fmt::arg("to", address))) +
                   (data != nullptr
                        ? fmt::format(" ({})", clean(localized(data->detail, data->notes, lang)))
                        : std::string()) +
                   "\n";
        } else {
            out += "\n  " +
                   paint(color, sgr::red,
                         fmt::format(fmt::runtime(ui_text(ui_string::diag_sent_failed, lang)),
                                     fmt::arg("to", address))) +
                   "\n  " + verdict_line(sent.outcome, lang) + "\n";
        }
    }
    if (advice.redirect) {
        out += "\n" +
               paint(color, sgr::yellow, std::string(ui_text(ui_string::diag_redirect, lang))) +
               "\n" + std::string(ui_text(ui_string::diag_redirect_fix, lang)) + "\n";
    }
    if (d.ran_as && offer_as_user(*d.ran_as)) {
        out += "\n" + std::string(ui_text(ui_string::diag_offer_as_user, lang)) + "\n";
    }
    const auto warnings = all_warnings(d);
    if (!warnings.empty()) {
        out += "\n" + std::string(ui_text(ui_string::warnings, lang)) + colon(lang) + "\n";
        for (const auto& w : warnings) {
            out += fmt::format("  ! {}", describe(w.kind, lang).title);
            out += w.detail.empty()
                       ? "\n"
                       : fmt::format(" ({})\n", clean(localized(w.detail, w.notes, lang)));
            if (w.kind == warning_kind::size_limit_below_message && d.planned_size &&
                advice.chosen) {
                const auto limit = announced_size(d.combinations[*advice.chosen].result);
                out += "    " +
                       fmt::format(fmt::runtime(ui_text(ui_string::diag_size_note, lang)),
                                   fmt::arg("planned", *d.planned_size),
                                   fmt::arg("encoded", encoded_message_size(*d.planned_size)),
                                   fmt::arg("limit", limit.value_or(0))) +
                       "\n";
            }
        }
    }
    const bool tried_login = std::any_of(d.combinations.begin(), d.combinations.end(),
                                         [](const combination_result& c) { return c.tried_auth; });
    if (!tried_login && advice.chosen) {
        out += "\n" + std::string(ui_text(ui_string::diag_no_login, lang)) + "\n";
    }
    if (options.show_transcript) {
        for (const auto& c : d.combinations) {
            out += render_transcript(c.result, options,
                                     fmt::format("{} {}", c.combo.port, mode_text(c)));
        }
        if (d.sent) {
            out += render_transcript(*d.sent, options, "--send-to");
        }
    }
    return out;
}

json::object diagnose_json(const std::string& host, const diagnose_outcome& d,
                           bool include_transcript) {
    json::object out;
    out["target"] = json::object{{"host", clean(host)}};
    json::array combos;
    for (std::size_t i = 0; i < d.combinations.size(); ++i) {
        const auto& c = d.combinations[i];
        const auto hint = i < d.advice.hints.size() ? d.advice.hints[i] : hint_for(c);
        json::object one{
            {"port", c.combo.port},
            {"security", security_name(c.combo.security)},
            {"effective_security", security_name(effective_security(c))},
            {"ssl_type", ssl_type_name(effective_security(c))},
            {"works", works(c)},
            {"result", to_json(c.result, include_transcript)},
            {"tried_auth", c.tried_auth},
            {"note", hint == combination_hint::none ? json::value(nullptr)
                                                    : json::value(json::string(hint_id(hint)))},
            {"password_refused_on",
             c.password_refused_on ? json::value(*c.password_refused_on) : json::value(nullptr)},
        };
        combos.emplace_back(std::move(one));
    }
    out["combinations"] = std::move(combos);
    const auto& advice = d.advice;
    if (advice.chosen) {
        json::array also;
        for (const auto i : advice.also_works) {
            const auto& c = d.combinations[i];
            also.emplace_back(json::object{{"port", c.combo.port},
                                           {"security", security_name(effective_security(c))},
                                           {"ssl_type", ssl_type_name(effective_security(c))}});
        }
        out["recommendation"] =
            json::object{{"port", advice.port},
                         {"security", security_name(advice.security)},
                         {"ssl_type", advice.ssl_type},
                         {"reason", recommendation_reason(d.combinations[*advice.chosen])},
                         {"also_works", std::move(also)}};
    } else {
        out["recommendation"] = nullptr;
    }
    const bool send_failed = d.sent && !d.sent->ok();
    const verdict v = d.dns_failure ? d.dns_failure->outcome
                      : send_failed ? d.sent->outcome
                                    : advice.outcome;
    const bool ok = advice.chosen.has_value() && !send_failed;
    out["ok"] = ok;
    out["category"] = ok ? json::string(category_id(failure_category::ok))
                         : json::string(category_id(v.category));
    out["cause"] =
        !ok && v.cause ? json::value(json::string(cause_id(*v.cause))) : json::value(nullptr);
    if (!ok && advice.deciding) {
        const auto& c = d.combinations[*advice.deciding];
        out["deciding"] =
            json::object{{"port", c.combo.port}, {"security", security_name(c.combo.security)}};
    } else {
        out["deciding"] = nullptr;
    }
    out["redirect"] = advice.redirect;
    out["run_as"] = d.ran_as ? json::value(run_as_json(*d.ran_as)) : json::value(nullptr);
    json::array warnings;
    for (const auto& w : all_warnings(d)) {
        warnings.emplace_back(
            json::object{{"cause", warning_id(w.kind)}, {"detail", clean(w.detail)}});
    }
    out["warnings"] = std::move(warnings);
    out["dns"] = d.dns_failure ? json::value(to_json(*d.dns_failure, include_transcript))
                               : json::value(nullptr);
    // --send-to: the probe that sent the test message (its data phase holds the queue id).
    out["sent"] = d.sent
                      ? json::value(json::object{{"to", clean(d.sent_to.value_or(""))},
                                                 {"result", to_json(*d.sent, include_transcript)}})
                      : json::value(nullptr);
    return out;
}

}  // namespace smtp_probe
