// The HOST argument: a name, an IPv4 literal or an IPv6 literal, optionally with a port
// (HOST:PORT, [V6]:PORT). Also the port number alone and the host name rule (RFC 1123 section 2.1).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace smtp_probe {

enum class host_kind { name, ipv4, ipv6 };

struct host_port {
    std::string host;  ///< without brackets; an IPv6 zone ("fe80::1%eth0") is kept
    host_kind kind = host_kind::name;
    std::optional<std::uint16_t> port;
    bool operator==(const host_port&) const = default;
};

/// Accepts: name, name:PORT, 192.0.2.1, 192.0.2.1:PORT, 2001:db8::1, [2001:db8::1],
/// [2001:db8::1]:PORT. A bare IPv6 literal whose last group could be a port ("::1:587") is
/// rejected as ambiguous. The error is one sentence naming the text and the accepted forms.
[[nodiscard]] std::variant<host_port, std::string> parse_host_port(std::string_view text);

/// A decimal port 1-65535; the error names the text and the range.
[[nodiscard]] std::variant<std::uint16_t, std::string> parse_port(std::string_view text);

/// Letters, digits and '-' in dot-separated labels of 1-63 characters that neither start nor
/// end with '-', at most 253 characters, one trailing dot allowed.
[[nodiscard]] bool is_host_name(std::string_view name);

[[nodiscard]] bool is_ipv4_literal(std::string_view text);
/// Also accepts a zone suffix ("fe80::1%eth0").
[[nodiscard]] bool is_ipv6_literal(std::string_view text);

}  // namespace smtp_probe
