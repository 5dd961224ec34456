#include "probe/report/report_text.hpp"
#include "probe/report/endpoint_text.hpp"

#include "probe/report/terminal_style.hpp"

#include <fmt/format.h>

#include <string.h>  // strerrorname_np (glibc)

#include <algorithm>
#include <string_view>

#include "checks/whmcs_rules.hpp"
#include "net/sanitize.hpp"
#include "probe/i18n/detail_text.hpp"
#include "probe/report/display_width.hpp"
#include "probe/report/utc_time.hpp"

namespace smtp_probe {
namespace {

/// Server text on one line, safe for a terminal.
std::string clean(std::string_view untrusted) {
    return sanitize_for_display(untrusted);
}

/// One decimal under 10 ms, whole milliseconds above.
std::string format_ms(duration_ms d) {
    const double ms = d.count();
    return ms < 10.0 ? fmt::format("{:.1f} ms", ms) : fmt::format("{:.0f} ms", ms);
}

std::string_view mark(phase_status s) {
    switch (s) {
        case phase_status::pass:
            return "✓";
        case phase_status::fail:
            return "✗";
        case phase_status::warn:
            return "!";
        case phase_status::skip:
            return "–";
    }
    return "?";
}

std::string_view mark_colour(phase_status s) {
    switch (s) {
        case phase_status::pass:
            return sgr::green;
        case phase_status::fail:
            return sgr::red;
        case phase_status::warn:
            return sgr::yellow;
        case phase_status::skip:
            return sgr::dim;
    }
    return sgr::dim;
}

std::string host_port(const probe_target& t) {
    return endpoint_text(clean(t.host), t.port);
}

/// "Cause: " / "原因：", before a value on the same line.
std::string label(ui_string s, language lang) {
    return fmt::format("{}{}", ui_text(s, lang), lang == language::zh ? "：" : ": ");
}

/// "What to do:" / "解决方法：", above an indented list.
std::string heading(ui_string s, language lang) {
    return fmt::format("{}{}", ui_text(s, lang), lang == language::zh ? "：" : ":");
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) {
            out += sep;
        }
        out += clean(item);
    }
    return out;
}

std::string errno_text(int e) {
    const char* name = strerrorname_np(e);
    return name != nullptr ? fmt::format("{} ({})", e, name) : std::to_string(e);
}

void append_steps(std::string& out, const std::vector<std::string_view>& steps,
                  std::string_view indent) {
    int n = 1;
    for (const auto step : steps) {
        out += fmt::format("{}{}. {}\n", indent, n++, step);
    }
}

void append_certificate(std::string& out, const certificate_facts& cert, language lang,
                        std::string_view indent) {
    out += fmt::format("{}{}{}\n", indent, label(ui_string::certificate, lang),
                       clean(cert.subject.empty() ? cert.common_name : cert.subject));
    out += fmt::format("{}  {} {} {} {} ({} {})\n", indent, ui_text(ui_string::cert_valid, lang),
                       iso8601_utc(cert.not_before), ui_text(ui_string::cert_to, lang),
                       iso8601_utc(cert.not_after), ui_text(ui_string::days_left, lang),
                       cert.days_left);
    std::vector<std::string> names = cert.dns_names;
    names.insert(names.end(), cert.ip_addresses.begin(), cert.ip_addresses.end());
    if (names.empty() && !cert.common_name.empty()) {
        names.push_back(cert.common_name);
    }
    if (!names.empty()) {
        out += fmt::format("{}  {}{}\n", indent, label(ui_string::cert_names, lang),
                           join(names, ", "));
    }
    if (!cert.issuer.empty()) {
        out += fmt::format("{}  {}{}\n", indent, label(ui_string::cert_issuer, lang),
                           clean(cert.issuer));
    }
    if (cert.verify_error != 0) {
        out += fmt::format("{}  {}{} ({})\n", indent, label(ui_string::cert_verify, lang),
                           clean(cert.verify_error_text), cert.verify_error);
    }
}

/// What the failing phase produced that explains the failure.
void append_evidence(std::string& out, const phase_record& r, language lang) {
    if (r.reply) {
        out +=
            fmt::format("{}{}\n", label(ui_string::server_reply, lang), clean(r.reply->summary()));
    }
    if (r.sys_errno) {
        out += fmt::format("{}{}\n", label(ui_string::errno_label, lang), errno_text(*r.sys_errno));
    }
    if (!r.error_text.empty()) {
        out += fmt::format("{}{}\n", label(ui_string::error, lang),
                           clean(localized(r.error_text, r.error_notes, lang)));
    }
    if (r.certificate) {
        append_certificate(out, *r.certificate, lang, "");
    }
}

/// Facts of a phase that ran, under its line (verbose mode).
void append_facts(std::string& out, const phase_record& r, language lang) {
    constexpr std::string_view indent = "      ";
    if (!r.addresses.empty()) {
        out += fmt::format("{}{}{}\n", indent, label(ui_string::resolved_addresses, lang),
                           join(r.addresses, ", "));
    }
    if (r.peer) {
        out +=
            fmt::format("{}{}{}\n", indent, label(ui_string::connected_to, lang), clean(*r.peer));
    }
    if (!r.capabilities.empty()) {
        out += fmt::format("{}{}{}\n", indent, label(ui_string::capabilities, lang),
                           join(r.capabilities, " "));
    }
    if (!r.auth_mechanisms.empty()) {
        out += fmt::format("{}{}{}\n", indent, label(ui_string::auth_mechanisms, lang),
                           join(r.auth_mechanisms, " "));
    }
    if (r.used_helo) {
        out += fmt::format("{}{}\n", indent, ui_text(ui_string::used_helo, lang));
    }
    if (r.tls) {
        out += fmt::format("{}{}{} {}\n", indent, label(ui_string::tls_session, lang),
                           clean(r.tls->version), clean(r.tls->cipher));
    }
    if (r.certificate) {
        append_certificate(out, *r.certificate, lang, indent);
    }
}

void append_phases(std::string& out, const probe_result& result, const text_options& opt,
                   const painter& paint) {
    std::vector<const phase_record*> shown;
    for (const auto& r : result.checks) {
        if (r.name == phase::data && r.status == phase_status::skip) {
            continue;  // DATA only appears when a message was really sent
        }
        shown.push_back(&r);
    }
    std::size_t width = 0;
    for (const auto* r : shown) {
        width = std::max(width, display_width(phase_label(r->name, opt.lang)));
    }
    bool failed_before = false;
    for (const auto* r : shown) {
        std::string line = fmt::format("  {} {}", paint(mark_colour(r->status), mark(r->status)),
                                       pad_to_width(phase_label(r->name, opt.lang), width));
        if (r->status == phase_status::skip) {
            auto why = skip_reason_text(r->skipped, opt.lang);
            if (why.empty()) {
                why = ui_text(
                    failed_before ? ui_string::skipped_after_failure : ui_string::skipped_not_asked,
                    opt.lang);
            }
            line += paint(sgr::dim, fmt::format("  {:>8}  ({})", "", why));
            if (!r->detail.empty()) {
                line += ' ';
                line += clean(localized(r->detail, r->notes, opt.lang));
            }
        } else {
            line += fmt::format("  {:>8}", format_ms(r->duration));
            if (!r->detail.empty()) {
                line += "  ";
                line += clean(localized(r->detail, r->notes, opt.lang));
            }
        }
        // Trailing padding is noise when a line has nothing after the label.
        line.erase(line.find_last_not_of(' ') + 1);
        out += line;
        out += '\n';
        if (opt.verbosity > 0 && r->status != phase_status::skip) {
            append_facts(out, *r, opt.lang);
        }
        failed_before = failed_before || r->status == phase_status::fail;
    }
    out += paint(sgr::dim,
                 fmt::format("  {}{}{}{}{}", label(ui_string::round_trips, opt.lang),
                             result.round_trips, opt.lang == language::zh ? "，" : ", ",
                             label(ui_string::total_time, opt.lang), format_ms(result.duration)));
    out += '\n';
}

void append_addresses(std::string& out, const probe_result& result, const text_options& opt,
                      const painter& paint) {
    if (result.addresses.size() < 2) {
        return;
    }
    out += fmt::format("\n{}\n", paint(sgr::bold, heading(ui_string::addresses_tried, opt.lang)));
    for (const auto& a : result.addresses) {
        std::string line =
            fmt::format("  {} {} (IPv{})", paint(mark_colour(a.status), mark(a.status)),
                        clean(a.address), a.family);
        if (a.cause) {
            line +=
                fmt::format("  {} [{}]", describe(*a.cause, opt.lang).title, cause_id(*a.cause));
        }
        if (!a.error.empty()) {
            line += fmt::format("  {}", clean(localized(a.error, a.error_notes, opt.lang)));
        }
        out += line;
        out += '\n';
    }
}

const phase_record* failed_record(const probe_result& result) {
    if (result.outcome.failed_phase) {
        if (const auto* r = result.find(*result.outcome.failed_phase)) {
            return r;
        }
    }
    for (const auto& r : result.checks) {
        if (r.status == phase_status::fail) {
            return &r;
        }
    }
    return nullptr;
}

void append_verdict(std::string& out, const probe_result& result, const text_options& opt,
                    const painter& paint) {
    const auto lang = opt.lang;
    out += '\n';
    if (result.ok()) {
        const bool warned = !result.warnings.empty();
        out +=
            paint(warned ? sgr::yellow : sgr::green,
                  fmt::format(
                      "{} {}", warned ? "!" : "✓",
                      ui_text(warned ? ui_string::verdict_warnings : ui_string::verdict_ok, lang)));
        out += '\n';
        return;
    }

    const auto category = result.outcome.category;
    out += paint(sgr::red, fmt::format("✗ {}", ui_text(ui_string::verdict_failed, lang)));
    out += '\n';
    out += fmt::format("{}{} [{}]\n", label(ui_string::category, lang),
                       paint(sgr::bold, category_title(category, lang)), category_id(category));
    if (lang != language::en) {
        // System Logs may be in English whatever the admin reads here.
        out += fmt::format("  {}{}\n", label(ui_string::whmcs_english, lang),
                           category_title(category, language::en));
    }
    if (const auto* r = failed_record(result)) {
        out +=
            fmt::format("{}{}\n", label(ui_string::failed_phase, lang), phase_label(r->name, lang));
    }
    if (!result.outcome.cause) {
        return;
    }
    const auto& text = describe(*result.outcome.cause, lang);
    out += fmt::format("{}{} [{}]\n", label(ui_string::cause, lang), paint(sgr::bold, text.title),
                       cause_id(*result.outcome.cause));
    if (result.outcome.underlying_cause) {
        out += fmt::format("{}{} [{}]\n", label(ui_string::underlying_cause, lang),
                           describe(*result.outcome.underlying_cause, lang).title,
                           cause_id(*result.outcome.underlying_cause));
    }
    if (const auto* r = failed_record(result)) {
        append_evidence(out, *r, lang);
    }
    out += fmt::format("\n{}{}\n", label(ui_string::why, lang), text.why);
    out += fmt::format("{}\n", paint(sgr::bold, heading(ui_string::remedy, lang)));
    append_steps(out, text.remedy, "  ");
    if (text.see_also && *text.see_also != category) {
        out += fmt::format("{}{} [{}]\n", label(ui_string::see_also, lang),
                           category_title(*text.see_also, lang), category_id(*text.see_also));
    }
}

/// PHPMailer keeps a reply's CRLFs in its message; on a terminal they read as spaces.
std::string one_line(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c == '\r' || c == '\n') {
            if (!out.empty() && out.back() != ' ') {
                out += ' ';
            }
            continue;
        }
        out += c;
    }
    while (!out.empty() && out.back() == ' ') {
        out.pop_back();
    }
    return clean(out);
}

/// The exact lines WHMCS's System Logs will show, and which guide heading their words name.
void append_whmcs_log(std::string& out, const probe_result& result, const text_options& opt,
                      const painter& paint) {
    if (result.whmcs_log.empty()) {
        return;
    }
    const auto lang = opt.lang;
    out += fmt::format("\n{}\n", paint(sgr::bold, heading(ui_string::whmcs_log, lang)));
    std::optional<failure_category> other;
    for (const auto& l : result.whmcs_log) {
        out += fmt::format("  PHPMailer {:<12} {}\n", phpmailer_era_id(l.era), one_line(l.text));
        if (lang == language::zh && !l.text_zh.empty() && l.text_zh != l.text) {
            out += fmt::format("  {:<22} {}\n", "", one_line(l.text_zh));
        }
        if (l.heading && *l.heading != result.outcome.category) {
            other = l.heading;
        }
    }
    if (other) {
        out += "  " +
               fmt::format(fmt::runtime(ui_text(ui_string::whmcs_log_heading, lang)),
                           fmt::arg("title", category_title(*other, language::en)),
                           fmt::arg("category", category_title(result.outcome.category, lang))) +
               "\n";
    }
}

/// What PHPMailer's automatic STARTTLS meant for this result, when WHMCS's SSL Type was None.
void append_auto_tls(std::string& out, const probe_result& result, const text_options& opt) {
    ui_string sentence{};
    switch (auto_tls_note_for(result)) {
        case auto_tls_note::none:
            return;
        case auto_tls_note::works_upgraded:
            sentence = ui_string::auto_tls_works_upgraded;
            break;
        case auto_tls_note::upgrade_failed:
            sentence = ui_string::auto_tls_upgrade_failed;
            break;
        case auto_tls_note::upgraded_failed_later:
            sentence = ui_string::auto_tls_upgraded_failed_later;
            break;
    }
    out += fmt::format("\n{}\n", ui_text(sentence, opt.lang));
}

void append_warnings(std::string& out, const probe_result& result, const text_options& opt,
                     const painter& paint) {
    if (result.warnings.empty()) {
        return;
    }
    const auto lang = opt.lang;
    out += fmt::format("\n{}\n", paint(sgr::bold, heading(ui_string::warnings, lang)));
    for (const auto& w : result.warnings) {
        const auto& text = describe(w.kind, lang);
        out +=
            fmt::format("  {} {} [{}]\n", paint(sgr::yellow, "!"), text.title, warning_id(w.kind));
        if (!w.detail.empty()) {
            out += fmt::format("    {}\n", clean(localized(w.detail, w.notes, lang)));
        }
        if (opt.verbosity > 0) {
            out += fmt::format("    {}\n", text.why);
        }
        append_steps(out, text.remedy, "    ");
        if (text.see_also) {
            out += fmt::format("    {}{} [{}]\n", label(ui_string::see_also, lang),
                               category_title(*text.see_also, lang), category_id(*text.see_also));
        }
    }
}

void append_transcript(std::string& out, const probe_result& result, const text_options& opt,
                       const painter& paint, std::string_view about = {}) {
    const std::string title =
        about.empty() ? heading(ui_string::transcript, opt.lang)
                      : fmt::format("{} ({}){}", ui_text(ui_string::transcript, opt.lang), about,
                                    opt.lang == language::zh ? "：" : ":");
    out += fmt::format("\n{}\n", paint(sgr::bold, title));
    for (const auto& t : result.transcript) {
        std::string_view arrow = "***";
        if (t.direction == transcript_direction::sent) {
            arrow = ">>>";
        } else if (t.direction == transcript_direction::received) {
            arrow = "<<<";
        }
        out +=
            fmt::format("  {} {} {}\n", paint(sgr::dim, fmt::format("{:>9.1f} ms", t.at.count())),
                        arrow, clean(t.text));
    }
}

}  // namespace

std::string render_text(const probe_result& result, const text_options& options) {
    const painter paint(options.color);
    std::string out = fmt::format("{}{} ({})\n", label(ui_string::target, options.lang),
                                  paint(sgr::bold, host_port(result.target)),
                                  security_name(result.target.security));
    append_phases(out, result, options, paint);
    append_addresses(out, result, options, paint);
    append_verdict(out, result, options, paint);
    append_whmcs_log(out, result, options, paint);
    append_auto_tls(out, result, options);
    append_warnings(out, result, options, paint);
    if (options.show_transcript) {
        append_transcript(out, result, options, paint);
    }
    return out;
}

std::string render_transcript(const probe_result& result, const text_options& options,
                              std::string_view about) {
    std::string out;
    append_transcript(out, result, options, painter(options.color), about);
    return out;
}

}  // namespace smtp_probe
