// Base64 with the standard alphabet and padding (RFC 4648 section 4), as SMTP AUTH uses it
// (RFC 4954 section 4).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace smtp_probe {

[[nodiscard]] std::string base64_encode(std::string_view bytes);

/// Strict: the length is a multiple of 4, only the alphabet and final '=' padding appear, no
/// whitespace, and the unused bits of the last group are zero (RFC 4648 section 3.5). Anything
/// else gives nullopt. The empty string decodes to the empty string.
[[nodiscard]] std::optional<std::string> base64_decode(std::string_view text);

}  // namespace smtp_probe
