// Inputs the libFuzzer targets (tests/fuzz) found, minimised, each called on the function the
// target found it in, each failing before its fix.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <variant>

#include "net/ip_literal.hpp"
#include "probe/cli/host_port.hpp"

using namespace std::string_view_literals;

// ip_literal_fuzz, input "::\0" (3 bytes). parse_bare() hands std::string(text) to
// boost::asio::ip::make_address(), which reads it as a C string and stops at the NUL: the bytes
// after it are ignored and the text is taken for an address. Reachable from any caller that
// passes text that did not come from argv (a future serve API, a config file).
TEST_CASE("parse_ip_literal and parse_dns_server reject text with a NUL byte") {
    CHECK_FALSE(smtp_probe::parse_ip_literal("::\0"sv).has_value());
    CHECK_FALSE(smtp_probe::parse_ip_literal("192.0.2.1\0.example.com"sv).has_value());
    CHECK_FALSE(smtp_probe::parse_dns_server("192.0.2.53\0:53"sv).has_value());
}

// host_port_fuzz, input "::\0" (3 bytes). is_ipv4_literal() and is_ipv6_literal() pass
// std::string(text).c_str() to inet_pton(), which stops at the NUL; parse_host_port() then
// returns a host that holds the NUL and the bytes after it, of kind ipv4/ipv6.
TEST_CASE("parse_host_port rejects a literal with a NUL byte") {
    CHECK_FALSE(smtp_probe::is_ipv6_literal("::\0"sv));
    CHECK_FALSE(smtp_probe::is_ipv4_literal("192.0.2.1\0x"sv));
    CHECK(std::holds_alternative<std::string>(smtp_probe::parse_host_port("::\0"sv)));
    CHECK(std::holds_alternative<std::string>(smtp_probe::parse_host_port("192.0.2.1\0x:25"sv)));
}
