// `--message-size`: the largest mail the admin plans to send, as "12MB" (decimal: KB, MB, GB =
// 1000^n), "10MiB" (binary: KiB, MiB, GiB = 1024^n) or plain bytes ("500000", "500000B").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace smtp_probe {

/// Bytes, or one sentence saying what is wrong. Units are case-insensitive; a decimal fraction
/// is allowed ("1.5MB"); the result is at most 1 TiB.
[[nodiscard]] std::variant<std::uint64_t, std::string> parse_message_size(std::string_view text);

}  // namespace smtp_probe
