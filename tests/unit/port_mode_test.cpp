#include <doctest/doctest.h>

#include <optional>
#include <vector>

#include "checks/port_mode.hpp"

using namespace smtp_probe;
using sm = security_mode;
using mw = mode_warning;

TEST_CASE("default port for each mode") {
    CHECK(default_port(sm::tls) == 465);
    CHECK(default_port(sm::starttls) == 587);
    CHECK(default_port(sm::none) == 25);
    CHECK(default_port(sm::automatic) == 25);
}

TEST_CASE("default mode for each port") {
    struct row {
        std::uint16_t port;
        sm expected;
    };
    const row rows[] = {
        {465, sm::tls},         {587, sm::starttls},   {25, sm::automatic},
        {26, sm::automatic},    {2525, sm::automatic}, {0, sm::automatic},
        {65535, sm::automatic}, {464, sm::automatic},  {588, sm::automatic},
    };
    for (const auto& r : rows) {
        CAPTURE(r.port);
        CHECK(default_security(r.port) == r.expected);
    }
}

TEST_CASE("resolve_port_mode fills what is missing") {
    struct row {
        std::optional<std::uint16_t> port;
        std::optional<sm> mode;
        port_mode expected;
    };
    const row rows[] = {
        {std::nullopt, std::nullopt, {587, sm::starttls}},
        {465, std::nullopt, {465, sm::tls}},
        {587, std::nullopt, {587, sm::starttls}},
        {25, std::nullopt, {25, sm::automatic}},
        {2525, std::nullopt, {2525, sm::automatic}},
        {std::nullopt, sm::tls, {465, sm::tls}},
        {std::nullopt, sm::starttls, {587, sm::starttls}},
        {std::nullopt, sm::none, {25, sm::none}},
        {std::nullopt, sm::automatic, {25, sm::automatic}},
        // both given: kept as is, even when unusual
        {465, sm::starttls, {465, sm::starttls}},
        {25, sm::tls, {25, sm::tls}},
        {587, sm::none, {587, sm::none}},
    };
    for (const auto& r : rows) {
        CAPTURE(r.port.value_or(0));
        const auto got = resolve_port_mode(r.port, r.mode);
        CHECK(got.port == r.expected.port);
        CHECK(got.security == r.expected.security);
    }
}

TEST_CASE("WHMCS SMTP SSL Type words") {
    // "None" is PHPMailer with SMTPAutoTLS: STARTTLS whenever offered, never forced plain text.
    CHECK(security_from_ssl_type("None") == sm::automatic);
    CHECK(security_from_ssl_type("none") == sm::automatic);
    CHECK(security_from_ssl_type("NONE") == sm::automatic);
    CHECK(security_from_ssl_type("TLS") == sm::starttls);
    CHECK(security_from_ssl_type("tls") == sm::starttls);
    CHECK(security_from_ssl_type("SSL") == sm::tls);
    CHECK(security_from_ssl_type("Ssl") == sm::tls);
    CHECK_FALSE(security_from_ssl_type("").has_value());
    CHECK_FALSE(security_from_ssl_type("STARTTLS").has_value());
    CHECK_FALSE(security_from_ssl_type("SSL ").has_value());
    CHECK_FALSE(security_from_ssl_type("auto").has_value());

    CHECK(ssl_type_name(sm::none) == "None");
    CHECK(ssl_type_name(sm::automatic) == "None");
    CHECK(ssl_type_name(sm::starttls) == "TLS");
    CHECK(ssl_type_name(sm::tls) == "SSL");
    // WHMCS has no plain-text-only setting: None is the automatic upgrade.
    for (auto m : {sm::automatic, sm::starttls, sm::tls}) {
        CHECK(security_from_ssl_type(ssl_type_name(m)) == m);
    }
    CHECK(security_from_ssl_type(ssl_type_name(sm::none)) == sm::automatic);
}

TEST_CASE("port/mode advice") {
    struct row {
        port_mode pm;
        std::vector<mw> expected;
    };
    const std::vector<row> rows = {
        {{587, sm::starttls}, {}},
        {{465, sm::tls}, {}},
        {{25, sm::automatic}, {}},
        {{25, sm::none}, {}},
        {{25, sm::starttls}, {}},
        {{587, sm::automatic}, {}},
        {{2525, sm::tls}, {}},
        {{26, sm::automatic}, {}},
        {{25, sm::tls}, {mw::tls_on_port_25}},
        {{587, sm::tls}, {mw::tls_on_port_587}},
        {{465, sm::starttls}, {mw::starttls_on_465}},
        {{465, sm::none}, {mw::plain_on_465}},
        {{465, sm::automatic}, {mw::plain_on_465}},
        {{587, sm::none}, {mw::plain_on_587}},
    };
    for (const auto& r : rows) {
        CAPTURE(r.pm.port);
        CAPTURE(security_name(r.pm.security));
        CHECK(port_mode_advice(r.pm) == r.expected);
    }
}

TEST_CASE("mode warning ids") {
    CHECK(mode_warning_id(mw::tls_on_port_25) == "tls_on_port_25");
    CHECK(mode_warning_id(mw::tls_on_port_587) == "tls_on_port_587");
    CHECK(mode_warning_id(mw::starttls_on_465) == "starttls_on_465");
    CHECK(mode_warning_id(mw::plain_on_465) == "plain_on_465");
    CHECK(mode_warning_id(mw::plain_on_587) == "plain_on_587");
}

TEST_CASE("TLS sniffing after a slow greeting everywhere but port 25") {
    CHECK_FALSE(sniff_tls_when_greeting_is_slow(25));
    CHECK(sniff_tls_when_greeting_is_slow(465));
    CHECK(sniff_tls_when_greeting_is_slow(587));
    CHECK(sniff_tls_when_greeting_is_slow(26));
    CHECK(sniff_tls_when_greeting_is_slow(2525));
}
