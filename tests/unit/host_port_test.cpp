#include <doctest/doctest.h>

#include <optional>
#include <string>

#include "probe/cli/host_port.hpp"

using namespace smtp_probe;

namespace {

struct accepted_case {
    const char* text;
    const char* host;
    host_kind kind;
    std::optional<std::uint16_t> port;
};

/// The error text, or "" when the text was accepted.
std::string error_of(const char* text) {
    auto parsed = parse_host_port(text);
    auto* error = std::get_if<std::string>(&parsed);
    return error ? *error : std::string();
}

}  // namespace

TEST_CASE("host forms that are accepted") {
    const accepted_case cases[] = {
        {"mail.example.com", "mail.example.com", host_kind::name, std::nullopt},
        {"mail.example.com.", "mail.example.com.", host_kind::name, std::nullopt},
        {"localhost", "localhost", host_kind::name, std::nullopt},
        {"mail.example.com:587", "mail.example.com", host_kind::name, 587},
        {"1.2.3.4", "1.2.3.4", host_kind::ipv4, std::nullopt},
        {"1.2.3.4:25", "1.2.3.4", host_kind::ipv4, 25},
        {"::1", "::1", host_kind::ipv6, std::nullopt},
        {"[::1]", "::1", host_kind::ipv6, std::nullopt},
        {"[::1]:587", "::1", host_kind::ipv6, 587},
        {"2001:db8::1", "2001:db8::1", host_kind::ipv6, std::nullopt},
        {"[2001:db8::1]:465", "2001:db8::1", host_kind::ipv6, 465},
        {"2001:db8:0:0:0:0:0:25", "2001:db8:0:0:0:0:0:25", host_kind::ipv6, std::nullopt},
        {"::ffff:192.0.2.1", "::ffff:192.0.2.1", host_kind::ipv6, std::nullopt},
        {"fe80::1%eth0", "fe80::1%eth0", host_kind::ipv6, std::nullopt},
        {"[fe80::1%eth0]:25", "fe80::1%eth0", host_kind::ipv6, 25},
        {"[::1:587]", "::1:587", host_kind::ipv6, std::nullopt},
        {"xn--bcher-kva.example", "xn--bcher-kva.example", host_kind::name, std::nullopt},
    };
    for (const auto& c : cases) {
        CAPTURE(c.text);
        auto parsed = parse_host_port(c.text);
        REQUIRE_MESSAGE(std::holds_alternative<host_port>(parsed), error_of(c.text));
        const auto& hp = std::get<host_port>(parsed);
        CHECK(hp.host == c.host);
        CHECK(hp.kind == c.kind);
        CHECK(hp.port == c.port);
    }
}

TEST_CASE("host forms that are refused, with a message naming them") {
    struct refused_case {
        const char* text;
        const char* must_contain;
    };
    const refused_case cases[] = {
        {"", "the host is empty"},
        {"::1:587", "'::1:587' is ambiguous"},
        {"::1:587", "[::1]:587"},
        {"::1:587", "::1 --port 587"},
        {"2001:db8::1:25", "[2001:db8::1]:25"},
        {"[::1", "without a closing ']'"},
        {"[::1]x", "only :PORT may follow"},
        {"[::1]:", "ends with ':' but no port"},
        {"[mail.example.com]:25", "no IPv6 address inside the brackets"},
        {"[1.2.3.4]", "no IPv6 address inside the brackets"},
        {"1.2.3", "'1.2.3' is not a valid IPv4 address"},
        {"1.2.3.256", "'1.2.3.256' is not a valid IPv4 address"},
        {"1.2.3.4:0", "port '0' is out of range"},
        {"1.2.3.4:70000", "port '70000' is out of range"},
        {"mail.example.com:abc", "port 'abc' is not a number"},
        {"mail.example.com:", "ends with ':' but no port"},
        {":25", "the host in ':25' is empty"},
        {"mail example.com", "'mail example.com' is not a valid host name"},
        {"-h", "'-h' is not a valid host name"},
        {"mail..example.com", "is not a valid host name"},
        {"bücher.example", "xn--"},
        {"a:b:c", "neither an IPv6 address nor HOST:PORT"},
        {"fe80::1%", "neither an IPv6 address nor HOST:PORT"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.text);
        const auto error = error_of(c.text);
        REQUIRE_FALSE(error.empty());
        CHECK_MESSAGE(error.find(c.must_contain) != std::string::npos, error);
    }
}

TEST_CASE("ports: 1 to 65535, decimal only") {
    CHECK(std::get<std::uint16_t>(parse_port("1")) == 1);
    CHECK(std::get<std::uint16_t>(parse_port("25")) == 25);
    CHECK(std::get<std::uint16_t>(parse_port("0587")) == 587);
    CHECK(std::get<std::uint16_t>(parse_port("65535")) == 65535);
    for (const char* bad : {"0", "65536", "70000", "99999999999999999999", "abc", "-1", "+25",
                            " 25", "25 ", "0x19", ""}) {
        CAPTURE(bad);
        auto parsed = parse_port(bad);
        REQUIRE(std::holds_alternative<std::string>(parsed));
        CHECK(std::get<std::string>(parsed).find("1 to 65535") != std::string::npos);
    }
    CHECK(std::get<std::string>(parse_port("70000")).find("'70000'") != std::string::npos);
}

TEST_CASE("host name rule") {
    CHECK(is_host_name("mail.example.com"));
    CHECK(is_host_name("a"));
    CHECK(is_host_name("mx-1.example.com."));
    CHECK(is_host_name(std::string(63, 'a') + ".com"));
    CHECK_FALSE(is_host_name(std::string(64, 'a') + ".com"));
    CHECK_FALSE(is_host_name(""));
    CHECK_FALSE(is_host_name("."));
    CHECK_FALSE(is_host_name("-mail.example.com"));
    CHECK_FALSE(is_host_name("mail-.example.com"));
    CHECK_FALSE(is_host_name("mail_1.example.com"));
    CHECK_FALSE(is_host_name("mail..example.com"));
    CHECK_FALSE(is_host_name("[192.0.2.1]"));
    std::string long_name;
    for (int i = 0; i < 64; ++i) {
        long_name += "abc.";
    }
    CHECK_FALSE(is_host_name(long_name + "com"));  // 259 characters
}

TEST_CASE("IP literal helpers") {
    CHECK(is_ipv4_literal("192.0.2.1"));
    CHECK_FALSE(is_ipv4_literal("192.0.2"));
    CHECK_FALSE(is_ipv4_literal("::1"));
    CHECK(is_ipv6_literal("::1"));
    CHECK(is_ipv6_literal("fe80::1%eth0"));
    CHECK_FALSE(is_ipv6_literal("fe80::1%eth 0"));
    CHECK_FALSE(is_ipv6_literal("192.0.2.1"));
    CHECK_FALSE(is_ipv6_literal("[::1]"));
}
