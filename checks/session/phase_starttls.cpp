// starttls: the upgrade to TLS on a plaintext connection (RFC 3207), or the reason it is skipped.
#include <fmt/format.h>
#include <string>

#include "checks/session/phases.hpp"
#include "checks/session/probe_session.hpp"
#include "checks/starttls_rules.hpp"
#include "net/smtp_commands.hpp"

namespace smtp_probe::phases {

namespace asio = boost::asio;

asio::awaitable<bool> starttls(probe_session& s) {
    switch (after_ehlo(s.request.security, s.caps.starttls, s.wire->tls_active())) {
        case tls_step::none:
            if (s.request.security == security_mode::none) {
                s.skip(phase::starttls, skip_reason::plaintext_requested);
                s.skip(phase::tls, skip_reason::plaintext_requested);
                s.skip(phase::certificate, skip_reason::plaintext_requested);
            } else {
                s.skip(phase::starttls, skip_reason::not_offered);
                s.skip(phase::tls, skip_reason::no_tls);
                s.skip(phase::certificate, skip_reason::no_tls);
                s.add_warning(warning_kind::tls_not_used,
                              detail_notes{{detail_text::ehlo_no_starttls, {}}});
            }
            co_return true;
        case tls_step::fail_unavailable: {
            if (s.request.whmcs_settings) {
                // PHPMailer with SSL Type TLS sends STARTTLS whether or not EHLO advertised it,
                // and WHMCS logs the server's refusal: ask too, so the evidence is the same.
                break;
            }
            auto& rec = s.begin(phase::starttls);
            s.fail(rec, probe_errc::starttls_unavailable,
                   detail_notes{{detail_text::starttls_not_offered, {}}});
            co_return false;
        }
        case tls_step::starttls:
            break;
    }
    auto& rec = s.begin(phase::starttls);
    s.result.auto_starttls = s.request.security == security_mode::automatic;
    // The STARTTLS 220 gets its own check below, with its own words.
    const auto starttls_line = smtp_cmd::starttls();
    auto out = co_await s.exchange(starttls_line, strip_crlf(starttls_line), true);
    if (!s.accepted(rec, out, {220})) {
        co_return false;
    }
    // Bytes that arrived with the 220 were sent before TLS and could be an injection
    // (CVE-2011-0411); RFC 3207 section 4.2 says to discard all pre-TLS knowledge.
    if (s.wire->buffered() > 0) {
        const auto bytes = std::to_string(s.wire->buffered());
        probe_session::set_error(rec, {detail_text::bytes_after_starttls_220, {bytes}});
        s.fail(rec, probe_errc::protocol_violation, {{detail_text::starttls_injection, {bytes}}});
        co_return false;
    }
    s.pass(rec, shown(out.reply.summary()));
    const bool handshake_ok = co_await tls_handshake(s);
    if (!handshake_ok || !certificate(s)) {
        co_return false;
    }
    // RFC 3207 section 4.2: forget the pre-TLS capabilities and ask again.
    s.caps = {};
    co_return co_await ehlo(s);
}

}  // namespace smtp_probe::phases
