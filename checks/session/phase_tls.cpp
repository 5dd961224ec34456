// tls and certificate: the TLS handshake (implicit TLS, RFC 8314, or after STARTTLS, RFC 3207)
// and what the server's certificate says (certificate_rules.hpp judges it).
#include <fmt/format.h>
#include <cstdint>
#include <ctime>
#include <string>
#include <utility>

#include "checks/certificate_rules.hpp"
#include "checks/session/phases.hpp"
#include "checks/session/probe_session.hpp"

namespace smtp_probe::phases {

namespace asio = boost::asio;

asio::awaitable<bool> tls_handshake(probe_session& s) {
    auto& rec = s.begin(phase::tls);
    const auto ec = co_await s.wire->start_tls(s.request.host, s.bounded(s.request.timeouts.reply));
    if (ec) {
        ++s.result.round_trips;
        probe_session::set_error(rec, error_detail(ec, shown(ec.message())));
        auto cause = s.cause_of(phase::tls, ec);
        // "Wrong version number" means plaintext where TLS was expected. Right after the
        // server agreed to STARTTLS that is a broken handshake, not a port/mode mismatch.
        if (cause == probe_errc::port_mode_mismatch && s.request.security != security_mode::tls) {
            cause = probe_errc::tls_handshake_failed;
        }
        s.fail(rec, cause, rec.error_notes);
        co_return false;
    }
    rec.tls = s.wire->tls();
    // A full handshake costs two round trips before TLS 1.3 and one with it (RFC 8446 2).
    s.result.round_trips += rec.tls->version == "TLSv1.3" ? 1 : 2;
    s.pass(rec, fmt::format("{} {}", rec.tls->version, rec.tls->cipher));
    co_return true;
}

bool certificate(probe_session& s) {
    auto& rec = s.begin(phase::certificate);
    const auto now = static_cast<std::int64_t>(std::time(nullptr));
    auto facts = s.wire->certificate();
    if (!facts) {
        s.fail(rec, probe_errc::cert_untrusted, detail_notes{{detail_text::no_certificate, {}}});
        return false;
    }
    const auto judgement = judge_certificate(*facts, s.request.host, now, s.request.cert_warn_days,
                                             s.request.insecure);
    facts->days_left = judgement.days_left;
    facts->name_matches = judgement.name_matches;
    rec.certificate = std::move(*facts);
    if (judgement.warning) {
        s.add_warning(*judgement.warning, judgement.notes);
    }
    if (judgement.status == phase_status::fail) {
        s.fail(rec, judgement.cause.value_or(probe_errc::cert_untrusted), judgement.notes);
        return false;
    }
    s.pass(rec, judgement.notes, judgement.status);
    return true;
}

}  // namespace smtp_probe::phases
