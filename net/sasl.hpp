// Client-side SASL payloads for SMTP AUTH (RFC 4954). Every payload that carries a credential is a
// secret; the caller sends it and never prints it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "net/secret.hpp"

namespace smtp_probe {

/// PLAIN (RFC 4616): base64("" NUL user NUL password), no authorisation identity.
[[nodiscard]] secret plain_initial_response(std::string_view user, const secret& password);

/// LOGIN (draft-murchison-sasl-login): the answers to "Username:" and "Password:", base64.
[[nodiscard]] std::string login_username(std::string_view user);
[[nodiscard]] secret login_password(const secret& password);

/// CRAM-MD5 (RFC 2195): base64(user SP hex(HMAC-MD5(password, challenge))). challenge_b64 is the
/// 334 line's text; nullopt when it is not valid base64 (or HMAC is unavailable).
[[nodiscard]] std::optional<secret> cram_md5_response(std::string_view challenge_b64,
                                                      std::string_view user,
                                                      const secret& password);

/// Google's XOAUTH2: base64("user=" user ^A "auth=Bearer " token ^A ^A).
[[nodiscard]] secret xoauth2_initial_response(std::string_view user, const secret& token);

/// OAUTHBEARER (RFC 7628 section 3.1): base64("n,a=" user "," ^A "host=" host ^A "port=" port ^A
/// "auth=Bearer " token ^A ^A); ',' and '=' in the user are escaped as =2C and =3D.
[[nodiscard]] secret oauthbearer_initial_response(std::string_view user, std::string_view host,
                                                  std::uint16_t port, const secret& token);

/// Decodes a 334 line's text (surrounding spaces ignored); nullopt when it is not base64.
[[nodiscard]] std::optional<std::string> decode_challenge(std::string_view b64_text);

}  // namespace smtp_probe
