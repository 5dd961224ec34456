// Where WHMCS's mailer (PHPMailer, SMTPAutoTLS on) judges settings differently from a plain SMTP
// client. The probe applies these only when the settings came in WHMCS's words (--ssl-type).
#pragma once

#include <string_view>

#include "checks/evidence.hpp"

namespace smtp_probe {

/// Whether the host, as typed into WHMCS's Hostname, is an IPv6 literal ("::1", "[::1]").
/// PHPMailer splits the host at ':' ("::1" becomes host ":" and port 1, so nothing connects);
/// in brackets PHP checks the certificate against the text "[::1]", which no certificate names.
[[nodiscard]] bool is_ipv6_literal_host(std::string_view host);

/// What the report says about PHPMailer's automatic STARTTLS (SMTPAutoTLS) for SSL Type None.
enum class auto_tls_note {
    none,            ///< no upgrade happened, or the settings were not WHMCS's None
    works_upgraded,  ///< the probe passed because the session was upgraded by itself
    upgrade_failed,  ///< the automatic upgrade (STARTTLS, handshake or certificate) is what failed
    upgraded_failed_later,  ///< upgraded fine; a later step failed
};

[[nodiscard]] auto_tls_note auto_tls_note_for(const probe_result& r);
[[nodiscard]] std::string_view auto_tls_note_id(auto_tls_note n);

}  // namespace smtp_probe
