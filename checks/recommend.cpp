#include "checks/recommend.hpp"

#include <algorithm>
#include <string>

namespace smtp_probe {
namespace {

/// The cause that describes what the server did: under a redirect, the phase's own cause.
std::optional<probe_errc> own_cause(const verdict& v) {
    if (v.cause == probe_errc::smtp_restrictions_redirect && v.underlying_cause) {
        return v.underlying_cause;
    }
    return v.cause;
}

bool is_certificate_cause(std::optional<probe_errc> c) {
    return c == probe_errc::cert_expired || c == probe_errc::cert_untrusted ||
           c == probe_errc::cert_name_mismatch;
}

bool names_redirect(const probe_result& r) {
    if (r.outcome.cause == probe_errc::smtp_restrictions_redirect) {
        return true;
    }
    for (const auto& w : r.warnings) {
        if (w.kind == warning_kind::smtp_restrictions_redirect) {
            return true;
        }
    }
    return false;
}

// Headers, MIME boundaries and the text part of a typical WHMCS mail with an attachment.
constexpr std::uint64_t header_allowance = 8192;

}  // namespace

security_mode effective_security(const combination_result& c) {
    if (c.combo.security != security_mode::automatic) {
        return c.combo.security;
    }
    const auto* starttls = c.result.find(phase::starttls);
    const bool used = starttls != nullptr && (starttls->status == phase_status::pass ||
                                              starttls->status == phase_status::warn);
    return used ? security_mode::starttls : security_mode::none;
}

bool works(const combination_result& c) {
    // A pass answered by this machine's own server (the redirect) says nothing about the host
    // asked for, so it is never recommended.
    return c.result.ok() && !c.password_refused_on && !names_redirect(c.result);
}

verdict combination_verdict(const combination_result& c) {
    if (c.result.outcome.category == failure_category::ok && names_redirect(c.result)) {
        return verdict{failure_category::auth_failed, probe_errc::smtp_restrictions_redirect,
                       std::nullopt, std::nullopt};
    }
    return c.result.outcome;
}

int preference_rank(const combination_result& c) {
    switch (effective_security(c)) {
        case security_mode::tls:
            return c.combo.port == 465 ? 0 : 3;
        case security_mode::starttls:
            return c.combo.port == 587 ? 1 : 2;
        case security_mode::none:
        case security_mode::automatic:
            break;
    }
    return 4;
}

int failure_weight(const combination_result& c) {
    if (works(c) || c.password_refused_on) {
        return -1;
    }
    if (names_redirect(c.result)) {
        return 7;  // under a redirect nothing else seen is about the host asked for
    }
    const auto& v = c.result.outcome;
    const auto cause = own_cause(v);
    if (!v.failed_phase) {
        return 0;
    }
    switch (*v.failed_phase) {
        case phase::auth:
        case phase::mail_from:
        case phase::rcpt:
        case phase::data:
            return 6;
        default:
            break;
    }
    if (*v.failed_phase == phase::certificate || is_certificate_cause(cause)) {
        return 5;
    }
    if (cause == probe_errc::port_mode_mismatch) {
        return 4;
    }
    switch (*v.failed_phase) {
        case phase::starttls:
        case phase::tls:
            return 3;
        case phase::greeting:
        case phase::ehlo:
        case phase::quit:
            return 2;
        case phase::tcp:
            return 1;
        default:
            return 0;
    }
}

combination_hint hint_for(const combination_result& c) {
    if (works(c)) {
        return combination_hint::none;
    }
    if (c.password_refused_on) {
        return combination_hint::not_tried;
    }
    if (names_redirect(c.result)) {
        return combination_hint::redirected;
    }
    const auto cause = own_cause(c.result.outcome);
    if (!cause) {
        return combination_hint::other;
    }
    switch (*cause) {
        case probe_errc::port_mode_mismatch:
            return c.combo.security == security_mode::tls ? combination_hint::expects_starttls
                                                          : combination_hint::speaks_tls_first;
        case probe_errc::tcp_refused:
        case probe_errc::tcp_timeout:
        case probe_errc::no_route:
        case probe_errc::outbound_blocked:
            return combination_hint::port_closed;
        case probe_errc::starttls_unavailable:
            return combination_hint::no_starttls;
        case probe_errc::cert_expired:
        case probe_errc::cert_untrusted:
        case probe_errc::cert_name_mismatch:
            return combination_hint::certificate;
        case probe_errc::bad_credentials:
            return combination_hint::password_refused;
        default:
            return combination_hint::other;
    }
}

std::string_view hint_id(combination_hint h) {
    switch (h) {
        case combination_hint::none:
            return "none";
        case combination_hint::speaks_tls_first:
            return "speaks_tls_first";
        case combination_hint::expects_starttls:
            return "expects_starttls";
        case combination_hint::port_closed:
            return "port_closed";
        case combination_hint::no_starttls:
            return "no_starttls";
        case combination_hint::certificate:
            return "certificate";
        case combination_hint::password_refused:
            return "password_refused";
        case combination_hint::not_tried:
            return "not_tried";
        case combination_hint::redirected:
            return "redirected";
        case combination_hint::other:
            return "other";
    }
    return "other";
}

recommendation recommend(const std::vector<combination_result>& results) {
    recommendation rec;
    for (std::size_t i = 0; i < results.size(); ++i) {
        const auto& c = results[i];
        rec.hints.push_back(hint_for(c));
        rec.redirect = rec.redirect || names_redirect(c.result);
        if (!rec.password_refused_on) {
            if (c.password_refused_on) {
                rec.password_refused_on = c.password_refused_on;
            } else if (own_cause(c.result.outcome) == probe_errc::bad_credentials) {
                rec.password_refused_on = c.combo.port;
            }
        }
        if (works(c) &&
            (!rec.chosen || preference_rank(c) < preference_rank(results[*rec.chosen]))) {
            rec.chosen = i;
        }
    }
    if (rec.chosen) {
        const auto& c = results[*rec.chosen];
        rec.port = c.combo.port;
        rec.security = effective_security(c);
        rec.ssl_type = ssl_type_name(rec.security);
        rec.outcome = c.result.outcome;
        for (std::size_t i = 0; i < results.size(); ++i) {
            if (i != *rec.chosen && works(results[i])) {
                rec.also_works.push_back(i);
            }
        }
        std::stable_sort(rec.also_works.begin(), rec.also_works.end(),
                         [&](std::size_t a, std::size_t b) {
                             return preference_rank(results[a]) < preference_rank(results[b]);
                         });
        return rec;
    }
    for (std::size_t i = 0; i < results.size(); ++i) {
        const int weight = failure_weight(results[i]);
        if (weight < 0) {
            continue;
        }
        if (!rec.deciding) {
            rec.deciding = i;
            continue;
        }
        const auto& best = results[*rec.deciding];
        const int best_weight = failure_weight(best);
        if (weight > best_weight ||
            (weight == best_weight && preference_rank(results[i]) < preference_rank(best))) {
            rec.deciding = i;
        }
    }
    if (rec.deciding) {
        rec.outcome = combination_verdict(results[*rec.deciding]);
    }
    return rec;
}

std::uint64_t encoded_message_size(std::uint64_t planned_bytes) {
    const std::uint64_t base64 = (planned_bytes + 2) / 3 * 4;
    const std::uint64_t line_breaks = (base64 + 75) / 76 * 2;
    return base64 + line_breaks + header_allowance;
}

std::optional<probe_warning> message_size_warning(std::uint64_t planned_bytes,
                                                  std::optional<std::uint64_t> size_limit) {
    if (!size_limit || *size_limit == 0) {
        return std::nullopt;
    }
    const auto encoded = encoded_message_size(planned_bytes);
    if (encoded <= *size_limit) {
        return std::nullopt;
    }
    detail_notes notes{
        {detail_text::size_planned,
         {std::to_string(planned_bytes), std::to_string(encoded), std::to_string(*size_limit)}}};
    auto english = render_detail_en(notes);
    return probe_warning{warning_kind::size_limit_below_message, std::move(english),
                         std::move(notes)};
}

std::optional<std::uint64_t> announced_size(const probe_result& r) {
    const auto* ehlo = r.find(phase::ehlo);
    if (ehlo == nullptr || !ehlo->size_limit || *ehlo->size_limit == 0) {
        return std::nullopt;
    }
    return ehlo->size_limit;
}

}  // namespace smtp_probe
