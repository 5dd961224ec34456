// The diagnose decision: given what every port and mode combination did, which WHMCS "SMTP Port"
// and "SMTP SSL Type" to enter, why each of the others fails, and - when none works - which
// failure tells the most. Pure functions over values.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "checks/evidence.hpp"
#include "checks/port_mode.hpp"

namespace smtp_probe {

/// One combination as diagnose ran it.
struct combination_result {
    port_mode combo;      ///< the port and the mode it was probed with
    probe_result result;  ///< the full probe with credentials when tried_auth, else the first stage
    bool tried_auth = false;
    /// Set when AUTH was not tried here because the password was refused on this other port.
    std::optional<std::uint16_t> password_refused_on;
};

/// The mode the session really used: automatic becomes starttls when STARTTLS ran, none when
/// it did not.
[[nodiscard]] security_mode effective_security(const combination_result& c);

/// A combination works when its verdict is ok, nothing kept it from AUTH, and the answers did not
/// come from this machine (the redirect).
[[nodiscard]] bool works(const combination_result& c);

/// The combination's verdict: its probe's, except that a pass answered by this machine (the
/// redirect) is a failure: WHMCS's credentials would meet this machine's own server, which the
/// WHMCS guide lists under authentication failed.
[[nodiscard]] verdict combination_verdict(const combination_result& c);

/// Order of preference (smaller first): 465 implicit TLS, 587 STARTTLS, other ports with
/// STARTTLS, other implicit-TLS ports, plaintext last; ties keep the order given.
[[nodiscard]] int preference_rank(const combination_result& c);

/// How telling a failure is when nothing works (larger tells more): a server answer at
/// the redirect > AUTH/MAIL/RCPT > certificate > port/mode mismatch > TLS/STARTTLS > greeting/EHLO
/// > TCP > DNS.
[[nodiscard]] int failure_weight(const combination_result& c);

/// Why a combination fails, in terms of what to enter instead.
enum class combination_hint {
    none,              ///< it works
    speaks_tls_first,  ///< the port wants a TLS handshake first: SSL, not TLS/None
    expects_starttls,  ///< the port greets in plaintext: TLS (or None), not SSL
    port_closed,       ///< refused, dropped or blocked: nothing listens or a firewall is in the way
    no_starttls,       ///< STARTTLS was needed and not offered
    certificate,       ///< the certificate fails verification
    password_refused,  ///< the server refused the password here
    not_tried,         ///< AUTH not tried: the password was refused on another port
    redirected,        ///< the answers came from this machine (SMTP Restrictions, CSF)
    other,             ///< see the combination's own cause
};

[[nodiscard]] combination_hint hint_for(const combination_result& c);
[[nodiscard]] std::string_view hint_id(combination_hint h);

struct recommendation {
    /// Index of the recommended combination; nullopt when none works.
    std::optional<std::size_t> chosen;
    /// The other combinations that work, best first (preference_rank, then the order given).
    std::vector<std::size_t> also_works;
    std::uint16_t port = 0;
    security_mode security = security_mode::none;  ///< none, starttls or tls (never automatic)
    std::string_view ssl_type;                     ///< WHMCS: "None", "TLS" or "SSL"
    /// When none works: the index of the most telling failure, and its verdict.
    std::optional<std::size_t> deciding;
    verdict outcome;
    std::vector<combination_hint> hints;  ///< one per combination, in the order given
    bool redirect = false;  ///< some combination's verdict or warnings name the redirect
    std::optional<std::uint16_t> password_refused_on;
};

[[nodiscard]] recommendation recommend(const std::vector<combination_result>& results);

/// The size of a planned message on the wire: base64 (4 bytes per 3, CRLF every 76 characters,
/// RFC 2045 section 6.8) plus headers and MIME boundaries.
[[nodiscard]] std::uint64_t encoded_message_size(std::uint64_t planned_bytes);

/// size_limit_below_message when the encoded planned message exceeds the announced SIZE
/// (RFC 1870); nothing when no limit was announced (0 or absent).
[[nodiscard]] std::optional<probe_warning> message_size_warning(
    std::uint64_t planned_bytes, std::optional<std::uint64_t> size_limit);

/// The SIZE a result's EHLO announced, when it did.
[[nodiscard]] std::optional<std::uint64_t> announced_size(const probe_result& r);

}  // namespace smtp_probe
