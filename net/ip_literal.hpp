// IP addresses written as text: a host given as a literal, and the --dns-server option.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <optional>
#include <string_view>

namespace smtp_probe {

/// One IPv4 address in the four-part dotted form ("192.0.2.1"; not "127.1" nor "0x7f.1"), as
/// inet_pton reads it. The only IPv4 parser of the project: every caller agrees on what a
/// literal is.
[[nodiscard]] std::optional<boost::asio::ip::address_v4> parse_ipv4(std::string_view text);

/// One IPv6 address without brackets and without a zone ("2001:db8::1", "::ffff:192.0.2.1").
[[nodiscard]] std::optional<boost::asio::ip::address_v6> parse_ipv6(std::string_view text);

/// `text` without an IPv6 zone suffix ("fe80::1%eth0" gives "fe80::1"): a zone names an
/// interface of this machine, not the server.
[[nodiscard]] std::string_view without_zone(std::string_view text);

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
