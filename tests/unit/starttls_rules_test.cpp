#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "checks/starttls_rules.hpp"

using namespace smtp_probe;
using namespace std::string_view_literals;
using sm = security_mode;

TEST_CASE("after_ehlo: every mode, offer and TLS state") {
    struct row {
        sm mode;
        bool offered;
        bool active;
        tls_step expected;
    };
    const row rows[] = {
        {sm::none, false, false, tls_step::none},
        {sm::none, true, false, tls_step::none},
        {sm::automatic, false, false, tls_step::none},
        {sm::automatic, true, false, tls_step::starttls},
        {sm::starttls, false, false, tls_step::fail_unavailable},
        {sm::starttls, true, false, tls_step::starttls},
        {sm::tls, false, false, tls_step::none},
        {sm::tls, true, false, tls_step::none},
        // after the handshake nothing more to do, even if a server wrongly offers STARTTLS again
        {sm::none, true, true, tls_step::none},
        {sm::automatic, true, true, tls_step::none},
        {sm::automatic, false, true, tls_step::none},
        {sm::starttls, true, true, tls_step::none},
        {sm::starttls, false, true, tls_step::none},
        {sm::tls, true, true, tls_step::none},
        {sm::tls, false, true, tls_step::none},
    };
    for (const auto& r : rows) {
        CAPTURE(security_name(r.mode));
        CAPTURE(r.offered);
        CAPTURE(r.active);
        CHECK(after_ehlo(r.mode, r.offered, r.active) == r.expected);
    }
}

TEST_CASE("sender_differs_from_login") {
    struct row {
        std::string_view from;
        std::string_view user;
        bool expected;
    };
    const row rows[] = {
        {"billing@example.com", "billing@example.com", false},
        {"Billing@Example.COM", "billing@example.com", false},
        {"<billing@example.com>", "billing@example.com", false},
        {" billing@example.com ", "billing@example.com", false},
        {"billing@example.com", "billing", false},  // cPanel-style login
        {"billing@example.com", "BILLING", false},
        {"billing@example.com", "billing+example.com", false},
        {"billing@example.com", "billing%example.com", false},
        {"billing@example.com", "billing+example.org", true},
        {"billing@example.com", "billing+example.co", true},
        {"billing@example.com", "billing+", true},
        {"billing@example.com", "support", true},
        {"billing@example.com", "support@example.com", true},
        {"billing@example.com", "billing@example.org", true},
        {"billing@example.com", "billing@mail.example.com", true},
        {"noreply@example.com", "admin@example.com", true},
        {"billing@example.com", "bill", true},
        {"billing", "billing@example.com", true},
        {"", "billing@example.com", false},
        {"billing@example.com", "", false},
        {"<>", "billing@example.com", false},
    };
    for (const auto& r : rows) {
        CAPTURE(r.from);
        CAPTURE(r.user);
        CHECK(sender_differs_from_login(r.from, r.user) == r.expected);
    }
}

TEST_CASE("looks_like_mailbox") {
    struct row {
        std::string address;
        bool expected;
    };
    const std::string local64(64, 'a');
    const row rows[] = {
        {"billing@example.com", true},
        {"a@b", true},
        {"first.last+tag@sub.example.co.uk", true},
        {"user@[192.0.2.1]", true},
        {"", false},
        {"@", false},
        {"billing", false},
        {"@example.com", false},
        {"billing@", false},
        {"a@b@c", false},
        {"bill ing@example.com", false},
        {"billing@example.com ", false},
        {"billing@exa\tmple.com", false},
        {"billing@example.com\r\nRCPT TO:<x@y>", false},
        {"billing@example.com\n", false},
        {"<billing@example.com>", false},
        {"billing@example.com>", false},
        {std::string("bill\0ing@example.com", 20), false},
        {"bill\x7fing@example.com", false},
        {local64 + "@" + std::string(254 - 65, 'b'), true},  // exactly 254 bytes
        {local64 + "@" + std::string(255 - 65, 'b'), false},
    };
    for (const auto& r : rows) {
        CAPTURE(r.address);
        CHECK(looks_like_mailbox(r.address) == r.expected);
    }
}
