// Choosing the SMTP AUTH mechanism from what the server advertises (RFC 4954).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "checks/errors.hpp"
#include "checks/request.hpp"

namespace smtp_probe {

/// Exactly one of the two is set when there is something to authenticate with; neither when the
/// request carries no credentials (nothing to do).
struct auth_plan {
    std::optional<auth_mechanism> mechanism;
    std::optional<probe_errc> failure;
    bool operator==(const auth_plan&) const = default;
};

/// advertised: the mechanism names of the EHLO AUTH line (case-insensitive, unknown names ignored).
/// Order: no credentials -> nothing; nothing advertised -> auth_requires_tls when STARTTLS could
/// still unlock AUTH, else auth_not_offered; forced -> it, if advertised; a token -> XOAUTH2, then
/// OAUTHBEARER; a password over TLS -> PLAIN, LOGIN, CRAM-MD5; in plaintext -> CRAM-MD5 first
/// (the password never crosses the wire), then PLAIN, LOGIN. No overlap -> no_common_mechanism.
[[nodiscard]] auth_plan choose_mechanism(const std::vector<std::string>& advertised,
                                         bool tls_active, bool have_password, bool have_token,
                                         std::optional<auth_mechanism> forced,
                                         bool starttls_offered);

/// Whether this mechanism sends a reusable credential readable on the wire (warning
/// credentials_in_clear): PLAIN and LOGIN (base64 of the password) and the OAuth bearer tokens,
/// when TLS is not active. CRAM-MD5 sends only a keyed digest.
[[nodiscard]] bool exposes_password(auth_mechanism m, bool tls_active);

}  // namespace smtp_probe
