// What to do after EHLO about TLS (RFC 3207), and the address checks that turn into warnings.
#pragma once

#include <string_view>

#include "checks/request.hpp"

namespace smtp_probe {

enum class tls_step { none, starttls, fail_unavailable };

/// After an EHLO: none -> none; automatic -> starttls when offered, else none; starttls ->
/// starttls when offered, else fail_unavailable; tls -> none. Once TLS is active, always none
/// (RFC 3207 section 4.2: STARTTLS is not offered again after the handshake).
[[nodiscard]] tls_step after_ehlo(security_mode mode, bool starttls_offered, bool tls_active);

/// Whether the MAIL FROM address is not the AUTH login, compared case-insensitively (angle
/// brackets and surrounding blanks ignored). A login without '@' is a cPanel-style user: it
/// matches the From's local part ("billing" and billing@example.com), and "user+domain" or
/// "user%domain" match user@domain. Empty values compare as equal (nothing to warn about).
[[nodiscard]] bool sender_differs_from_login(std::string_view from, std::string_view user);

/// A plausible mailbox: exactly one '@', non-empty local part and domain, no blanks, control
/// characters or angle brackets, at most 254 bytes (RFC 5321 section 4.5.3.1.3 path limit minus
/// the brackets).
[[nodiscard]] bool looks_like_mailbox(std::string_view address);

}  // namespace smtp_probe
