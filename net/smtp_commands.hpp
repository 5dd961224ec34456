// The command lines the probe sends (RFC 5321 section 4.1.1, RFC 3207, RFC 4954), each ending in
// CRLF. Arguments come from the user or the configuration: one carrying CR, LF, NUL or another
// control byte would let a line smuggle a second command (command injection), so it is refused.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "net/secret.hpp"

namespace smtp_probe::smtp_cmd {

/// "EHLO name" / "HELO name". nullopt when the name is empty, longer than 255 bytes, or holds a
/// space or control byte.
[[nodiscard]] std::optional<std::string> ehlo(std::string_view name);
[[nodiscard]] std::optional<std::string> helo(std::string_view name);

[[nodiscard]] std::string starttls();
[[nodiscard]] std::string rset();
[[nodiscard]] std::string data();
[[nodiscard]] std::string quit();

/// "MAIL FROM:<address>" with " SIZE=n" (RFC 1870) when size is given. An empty address is the
/// null reverse-path "<>". nullopt when the address is longer than 254 bytes (a path is at most
/// 256 with its brackets, RFC 5321 section 4.5.3.1.3) or holds a control byte, '<' or '>'.
[[nodiscard]] std::optional<std::string> mail_from(std::string_view address,
                                                   std::optional<std::uint64_t> size = {});

/// "RCPT TO:<address>". Same rules as mail_from, and the address must not be empty.
[[nodiscard]] std::optional<std::string> rcpt_to(std::string_view address);

/// "AUTH mechanism" (RFC 4954 section 4). nullopt unless the name is a SASL mechanism name
/// (1..20 of A-Z 0-9 - _, RFC 4422 section 3.1; lower case is upper-cased).
[[nodiscard]] std::optional<std::string> auth(std::string_view mechanism);

/// "AUTH mechanism initial-response", built into a secret because the response carries the
/// credential; an empty response is sent as "=" (RFC 4954 section 4). nullopt for a bad name or a
/// response holding anything but base64 characters.
[[nodiscard]] std::optional<secret> auth(std::string_view mechanism,
                                         const secret& initial_response);

/// A base64 answer to a 334 challenge, as a line. nullopt for non-base64 characters.
[[nodiscard]] std::optional<secret> auth_response(const secret& payload);
/// The same for a payload that is no credential (the LOGIN user name).
[[nodiscard]] std::optional<std::string> auth_response(std::string_view payload);

/// "*": cancels an AUTH exchange (RFC 4954 section 4).
[[nodiscard]] std::string auth_cancel();

}  // namespace smtp_probe::smtp_cmd
