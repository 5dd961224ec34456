// Ports and TLS modes: which port goes with which security mode, the WHMCS "SMTP SSL Type" words,
// and advice about unusual pairs. RFC 8314 section 3.3 (implicit TLS, 465), RFC 3207 (STARTTLS),
// RFC 6409 (submission, 587).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "checks/request.hpp"

namespace smtp_probe {

/// tls -> 465, starttls -> 587, none/automatic -> 25.
[[nodiscard]] std::uint16_t default_port(security_mode m);

/// 465 -> tls, 587 -> starttls, any other port -> automatic.
[[nodiscard]] security_mode default_security(std::uint16_t port);

struct port_mode {
    std::uint16_t port = 587;
    security_mode security = security_mode::starttls;
    bool operator==(const port_mode&) const = default;
};

/// Both given: as given. One given: the other follows from it. Neither: 587 with STARTTLS.
[[nodiscard]] port_mode resolve_port_mode(std::optional<std::uint16_t> port,
                                          std::optional<security_mode> mode);

/// WHMCS "SMTP SSL Type", case-insensitive: "None" -> automatic (PHPMailer upgrades with STARTTLS
/// when offered), "TLS" -> starttls, "SSL" -> tls.
[[nodiscard]] std::optional<security_mode> security_from_ssl_type(std::string_view ssl_type);

/// The WHMCS "SMTP SSL Type" that selects this mode: "None", "TLS" or "SSL".
[[nodiscard]] std::string_view ssl_type_name(security_mode m);

/// Pairs of port and mode that usually do not work or are unusual.
enum class mode_warning {
    tls_on_port_25,   ///< implicit TLS on 25: almost no server does this
    tls_on_port_587,  ///< implicit TLS on 587: 587 expects STARTTLS (a common WHMCS "SSL" mistake)
    starttls_on_465,  ///< 465 expects a TLS handshake before any SMTP
    plain_on_465,     ///< none/automatic on 465: the server waits for a TLS handshake
    plain_on_587,     ///< none on 587: submission without TLS, credentials would go in clear
};

[[nodiscard]] std::string_view mode_warning_id(mode_warning w);

/// The warnings that apply to this port and mode, in the order of the enum; empty when the pair
/// is ordinary.
[[nodiscard]] std::vector<mode_warning> port_mode_advice(port_mode pm);

/// Whether a slow greeting should be checked for implicit TLS on a second connection. Not on 25:
/// MTAs there delay the greeting on purpose and penalise clients that talk first.
[[nodiscard]] bool sniff_tls_when_greeting_is_slow(std::uint16_t port);

}  // namespace smtp_probe
