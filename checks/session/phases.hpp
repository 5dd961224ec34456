// The phases of one probe, one file each (checks/phase_*.cpp). Each records its own evidence in
// the session and returns false when the probe cannot go on. Internal to sp_checks_session; the
// order they run in is decided by checks/session/pipeline.cpp.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <optional>
#include <vector>

namespace smtp_probe {

class probe_session;

namespace phases {

/// The addresses of request.host, or nothing when the lookup failed (phase_dns.cpp). With
/// `known` (the caller resolved the host already), those are recorded and nothing is asked.
[[nodiscard]] boost::asio::awaitable<std::optional<std::vector<boost::asio::ip::address>>> dns(
    probe_session& s, const std::vector<boost::asio::ip::address>* known);

/// Tries the addresses in order until one connects (phase_tcp.cpp).
[[nodiscard]] boost::asio::awaitable<bool> connect_any(
    probe_session& s, const std::vector<boost::asio::ip::address>& addresses);

/// Waits for the 220 greeting; on a slow port, sniffs for implicit TLS (phase_greeting.cpp).
[[nodiscard]] boost::asio::awaitable<bool> greeting(probe_session& s);

/// EHLO, falling back to HELO (phase_ehlo.cpp).
[[nodiscard]] boost::asio::awaitable<bool> ehlo(probe_session& s);

/// STARTTLS when the mode asks for it, then the handshake, the certificate and EHLO again
/// (phase_starttls.cpp).
[[nodiscard]] boost::asio::awaitable<bool> starttls(probe_session& s);

/// The TLS handshake (implicit TLS, or after STARTTLS) and the certificate check (phase_tls.cpp).
[[nodiscard]] boost::asio::awaitable<bool> tls_handshake(probe_session& s);
[[nodiscard]] bool certificate(probe_session& s);

/// AUTH with the mechanism auth_choice picks (phase_auth.cpp).
[[nodiscard]] boost::asio::awaitable<bool> auth(probe_session& s);

/// MAIL FROM, RCPT TO and, with --send-to, DATA (phase_envelope.cpp).
[[nodiscard]] boost::asio::awaitable<bool> mail_from(probe_session& s);
[[nodiscard]] boost::asio::awaitable<bool> rcpt(probe_session& s);
[[nodiscard]] boost::asio::awaitable<bool> data(probe_session& s);

/// RSET then QUIT after a session that passed; QUIT alone after a failure, when the connection
/// is still usable (phase_quit.cpp).
[[nodiscard]] boost::asio::awaitable<void> quit(probe_session& s);
[[nodiscard]] boost::asio::awaitable<void> polite_quit(probe_session& s);

}  // namespace phases
}  // namespace smtp_probe
