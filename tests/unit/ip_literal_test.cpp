#include "net/ip_literal.hpp"

#include <doctest/doctest.h>

#include <string>

using smtp_probe::parse_dns_server;
using smtp_probe::parse_ip_literal;

TEST_CASE("parse_ip_literal accepts addresses with or without brackets") {
    struct row {
        const char* text;
        const char* expected;  // nullptr: not a literal
    };
    const row rows[] = {
        {"192.0.2.1", "192.0.2.1"},
        {"[192.0.2.1]", "192.0.2.1"},
        {"2001:db8::1", "2001:db8::1"},
        {"[2001:db8::1]", "2001:db8::1"},
        {"::1", "::1"},
        {"[::ffff:192.0.2.7]", "::ffff:192.0.2.7"},
        {"mail.example.com", nullptr},
        {"127.1", nullptr},
        {"192.0.2.256", nullptr},
        {"[]", nullptr},
        {"", nullptr},
        {"[2001:db8::1", nullptr},
        {"2001:db8::1]", nullptr},
        {"[[::1]]", nullptr},
        {" 192.0.2.1", nullptr},
    };
    for (const auto& r : rows) {
        CAPTURE(r.text);
        const auto got = parse_ip_literal(r.text);
        if (r.expected == nullptr) {
            CHECK_FALSE(got.has_value());
        } else {
            REQUIRE(got.has_value());
            CHECK(got->to_string() == r.expected);
        }
    }
}

TEST_CASE("parse_ip_literal rejects overlong input") {
    CHECK_FALSE(parse_ip_literal(std::string(100, '1')).has_value());
}

TEST_CASE("parse_dns_server accepts the documented forms") {
    struct row {
        const char* text;
        const char* address;  // nullptr: rejected
        unsigned port;
    };
    const row rows[] = {
        {"192.0.2.53", "192.0.2.53", 53},
        {"192.0.2.53:5353", "192.0.2.53", 5353},
        {"127.0.0.1:65535", "127.0.0.1", 65535},
        {"2001:db8::53", "2001:db8::53", 53},
        {"[2001:db8::53]", "2001:db8::53", 53},
        {"[2001:db8::53]:5300", "2001:db8::53", 5300},
        {"[::1]:1", "::1", 1},
        {"192.0.2.53:0", nullptr, 0},
        {"192.0.2.53:65536", nullptr, 0},
        {"192.0.2.53:", nullptr, 0},
        {"192.0.2.53:+53", nullptr, 0},
        {"192.0.2.53:5x", nullptr, 0},
        {"192.0.2.53:000053", nullptr, 0},
        {"[192.0.2.53]:53", nullptr, 0},
        {"[2001:db8::53]53", nullptr, 0},
        {"[2001:db8::53]:", nullptr, 0},
        {"[2001:db8::53", nullptr, 0},
        {"fe80::1%1", nullptr, 0},
        {"[fe80::1%1]:53", nullptr, 0},
        {"dns.example.com", nullptr, 0},
        {"dns.example.com:53", nullptr, 0},
        {"", nullptr, 0},
    };
    for (const auto& r : rows) {
        CAPTURE(r.text);
        const auto got = parse_dns_server(r.text);
        if (r.address == nullptr) {
            CHECK_FALSE(got.has_value());
        } else {
            REQUIRE(got.has_value());
            CHECK(got->address.to_string() == r.address);
            CHECK(got->port == r.port);
        }
    }
}

TEST_CASE("parse_ipv4 and parse_ipv6: the one parser every caller shares") {
    struct row {
        std::string_view text;
        const char* v4;  ///< what parse_ipv4 gives, or nullptr
        const char* v6;  ///< what parse_ipv6 gives, or nullptr
    };
    using namespace std::string_view_literals;
    const row rows[] = {
        {"192.0.2.1", "192.0.2.1", nullptr},
        {"0.0.0.0", "0.0.0.0", nullptr},
        {"127.1", nullptr, nullptr},  // inet_aton's short forms are no literal
        {"0x7f.0.0.1", nullptr, nullptr},
        {"192.0.2.01", nullptr, nullptr},  // a leading zero reads as octal elsewhere: refused
        {"192.0.2.1 ", nullptr, nullptr},
        {"192.0.2.1\0x"sv, nullptr, nullptr},  // a NUL must not end the text early
        {"2001:db8::1", nullptr, "2001:db8::1"},
        {"::ffff:192.0.2.1", nullptr, "::ffff:192.0.2.1"},
        {"fe80::1%eth0", nullptr, nullptr},  // zones: without_zone() first
        {"[2001:db8::1]", nullptr, nullptr},
        {"", nullptr, nullptr},
        {"mail.example.com", nullptr, nullptr},
    };
    for (const auto& r : rows) {
        CAPTURE(r.text);
        const auto v4 = smtp_probe::parse_ipv4(r.text);
        const auto v6 = smtp_probe::parse_ipv6(r.text);
        CHECK(v4.has_value() == (r.v4 != nullptr));
        CHECK(v6.has_value() == (r.v6 != nullptr));
        if (v4 && r.v4) {
            CHECK(v4->to_string() == r.v4);
        }
        if (v6 && r.v6) {
            CHECK(v6->to_string() == r.v6);
        }
    }
    CHECK(smtp_probe::parse_ipv6(std::string(70, ':')) == std::nullopt);  // bounded before the copy
    CHECK(smtp_probe::without_zone("fe80::1%eth0") == "fe80::1");
    CHECK(smtp_probe::without_zone("192.0.2.1") == "192.0.2.1");
}
