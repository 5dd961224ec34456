#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "checks/auth_choice.hpp"

using namespace smtp_probe;
using am = auth_mechanism;
using strings = std::vector<std::string>;

TEST_CASE("choose_mechanism: table") {
    struct row {
        const char* name;
        strings advertised;
        bool tls;
        bool password;
        bool token;
        std::optional<am> forced;
        bool starttls_offered;
        std::optional<am> mechanism;
        std::optional<probe_errc> failure;
    };
    const strings all = {"LOGIN", "PLAIN", "CRAM-MD5", "XOAUTH2", "OAUTHBEARER"};
    const std::vector<row> rows = {
        // no credentials: nothing to do, whatever the server says
        {"no credentials", all, true, false, false, std::nullopt, false, std::nullopt,
         std::nullopt},
        {"no credentials, no AUTH",
         {},
         false,
         false,
         false,
         std::nullopt,
         true,
         std::nullopt,
         std::nullopt},
        // nothing advertised
        {"hidden until STARTTLS",
         {},
         false,
         true,
         false,
         std::nullopt,
         true,
         std::nullopt,
         probe_errc::auth_requires_tls},
        {"no AUTH, no STARTTLS",
         {},
         false,
         true,
         false,
         std::nullopt,
         false,
         std::nullopt,
         probe_errc::auth_not_offered},
        {"no AUTH after TLS",
         {},
         true,
         true,
         false,
         std::nullopt,
         true,
         std::nullopt,
         probe_errc::auth_not_offered},
        {"no AUTH, forced",
         {},
         false,
         true,
         false,
         am::plain,
         true,
         std::nullopt,
         probe_errc::auth_requires_tls},
        // password over TLS
        {"TLS: PLAIN first", all, true, true, false, std::nullopt, false, am::plain, std::nullopt},
        {"TLS: LOGIN next",
         {"CRAM-MD5", "LOGIN"},
         true,
         true,
         false,
         std::nullopt,
         false,
         am::login,
         std::nullopt},
        {"TLS: CRAM-MD5 last",
         {"CRAM-MD5", "DIGEST-MD5"},
         true,
         true,
         false,
         std::nullopt,
         false,
         am::cram_md5,
         std::nullopt},
        {"TLS: case-insensitive names",
         {"login", "plain"},
         true,
         true,
         false,
         std::nullopt,
         false,
         am::plain,
         std::nullopt},
        // password in plaintext
        {"clear: CRAM-MD5 first", all, false, true, false, std::nullopt, false, am::cram_md5,
         std::nullopt},
        {"clear: PLAIN then LOGIN",
         {"LOGIN", "PLAIN"},
         false,
         true,
         false,
         std::nullopt,
         false,
         am::plain,
         std::nullopt},
        {"clear: LOGIN only",
         {"LOGIN"},
         false,
         true,
         false,
         std::nullopt,
         false,
         am::login,
         std::nullopt},
        // tokens
        {"token: XOAUTH2 first", all, true, false, true, std::nullopt, false, am::xoauth2,
         std::nullopt},
        {"token: OAUTHBEARER",
         {"PLAIN", "OAUTHBEARER"},
         true,
         false,
         true,
         std::nullopt,
         false,
         am::oauthbearer,
         std::nullopt},
        {"token not usable, no password",
         {"PLAIN", "LOGIN"},
         true,
         false,
         true,
         std::nullopt,
         false,
         std::nullopt,
         probe_errc::no_common_mechanism},
        {"token not usable, password is",
         {"PLAIN", "LOGIN"},
         true,
         true,
         true,
         std::nullopt,
         false,
         am::plain,
         std::nullopt},
        {"token preferred over password", all, true, true, true, std::nullopt, false, am::xoauth2,
         std::nullopt},
        {"password cannot use OAuth",
         {"XOAUTH2", "OAUTHBEARER"},
         true,
         true,
         false,
         std::nullopt,
         false,
         std::nullopt,
         probe_errc::no_common_mechanism},
        // forced
        {"forced and advertised", all, true, true, false, am::login, false, am::login,
         std::nullopt},
        {"forced CRAM-MD5 over TLS", all, true, true, false, am::cram_md5, false, am::cram_md5,
         std::nullopt},
        {"forced not advertised",
         {"PLAIN"},
         true,
         true,
         false,
         am::cram_md5,
         false,
         std::nullopt,
         probe_errc::no_common_mechanism},
        // nothing in common
        {"only unknown mechanisms",
         {"GSSAPI", "NTLM", "SCRAM-SHA-256"},
         true,
         true,
         false,
         std::nullopt,
         false,
         std::nullopt,
         probe_errc::no_common_mechanism},
        {"unknown mechanisms, STARTTLS offered",
         {"NTLM"},
         false,
         true,
         false,
         std::nullopt,
         true,
         std::nullopt,
         probe_errc::no_common_mechanism},
    };
    for (const auto& r : rows) {
        CAPTURE(r.name);
        const auto plan = choose_mechanism(r.advertised, r.tls, r.password, r.token, r.forced,
                                           r.starttls_offered);
        CHECK(plan.mechanism == r.mechanism);
        CHECK(plan.failure == r.failure);
    }
}

TEST_CASE("exposes_password") {
    struct row {
        am m;
        bool tls;
        bool expected;
    };
    const row rows[] = {
        {am::plain, false, true},       {am::login, false, true},     {am::xoauth2, false, true},
        {am::oauthbearer, false, true}, {am::cram_md5, false, false}, {am::plain, true, false},
        {am::login, true, false},       {am::cram_md5, true, false},  {am::xoauth2, true, false},
        {am::oauthbearer, true, false},
    };
    for (const auto& r : rows) {
        CAPTURE(mechanism_name(r.m));
        CAPTURE(r.tls);
        CHECK(exposes_password(r.m, r.tls) == r.expected);
    }
}
