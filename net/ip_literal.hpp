// IP addresses written as text: a host given as a literal, and the --dns-server option.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <optional>
#include <string_view>

namespace smtp_probe {

/// "192.0.2.1", "2001:db8::1", "[2001:db8::1]" or "[192.0.2.1]"; nullopt for anything else
/// (names, "127.1", empty brackets). Brackets are accepted because users copy RFC 5321
/// section 4.1.3 address literals and URL hosts.
[[nodiscard]] std::optional<boost::asio::ip::address> parse_ip_literal(std::string_view text);

struct dns_server_endpoint {
    boost::asio::ip::address address;
    std::uint16_t port = 53;
};

/// "IP", "IP:PORT", "[V6]", "[V6]:PORT" or a bare IPv6 address. A name is not accepted (the
/// server that resolves names cannot itself need resolving), nor port 0, nor an IPv6 zone
/// ("fe80::1%eth0": c-ares 1.18 cannot use one).
[[nodiscard]] std::optional<dns_server_endpoint> parse_dns_server(std::string_view text);

}  // namespace smtp_probe
