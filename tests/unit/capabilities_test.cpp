#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "net/capabilities.hpp"
#include "net/reply_parser.hpp"

using namespace smtp_probe;
using strings = std::vector<std::string>;

namespace {

ehlo_capabilities caps_of(std::string_view reply_text) {
    auto reply = parse_reply(reply_text);
    REQUIRE(reply.has_value());
    return parse_capabilities(*reply);
}

}  // namespace

TEST_CASE("Postfix with STARTTLS, SASL and the old AUTH= line") {
    auto c = caps_of(
        "250-mail.example.com\r\n"
        "250-PIPELINING\r\n"
        "250-SIZE 10240000\r\n"
        "250-VRFY\r\n"
        "250-ETRN\r\n"
        "250-STARTTLS\r\n"
        "250-AUTH PLAIN LOGIN\r\n"
        "250-AUTH=PLAIN LOGIN\r\n"
        "250-ENHANCEDSTATUSCODES\r\n"
        "250-8BITMIME\r\n"
        "250-DSN\r\n"
        "250-SMTPUTF8\r\n"
        "250 CHUNKING\r\n");
    CHECK(c.server_name == "mail.example.com");
    CHECK(c.starttls);
    CHECK(c.pipelining);
    CHECK(c.eightbitmime);
    CHECK(c.smtputf8);
    CHECK(c.enhanced_status_codes);
    CHECK(c.chunking);
    CHECK(c.size == 10240000u);
    CHECK(c.auth_mechanisms == strings{"PLAIN", "LOGIN"});
    CHECK(c.keywords == strings{"PIPELINING", "SIZE", "VRFY", "ETRN", "STARTTLS", "AUTH",
                                "ENHANCEDSTATUSCODES", "8BITMIME", "DSN", "SMTPUTF8", "CHUNKING"});
}

TEST_CASE("Exim (cPanel) before TLS") {
    auto c = caps_of(
        "250-server.example.net Hello client.example.com [203.0.113.5]\r\n"
        "250-SIZE 52428800\r\n"
        "250-8BITMIME\r\n"
        "250-PIPELINING\r\n"
        "250-PIPE_CONNECT\r\n"
        "250-AUTH PLAIN LOGIN\r\n"
        "250-STARTTLS\r\n"
        "250 HELP\r\n");
    CHECK(c.server_name == "server.example.net");
    CHECK(c.starttls);
    CHECK(c.size == 52428800u);
    CHECK(c.auth_mechanisms == strings{"PLAIN", "LOGIN"});
    CHECK_FALSE(c.enhanced_status_codes);
    CHECK_FALSE(c.smtputf8);
    CHECK_FALSE(c.chunking);
    CHECK(c.keywords ==
          strings{"SIZE", "8BITMIME", "PIPELINING", "PIPE_CONNECT", "AUTH", "STARTTLS", "HELP"});
}

TEST_CASE("Gmail (smtp.gmail.com:587) before and after STARTTLS") {
    auto before = caps_of(
        "250-smtp.gmail.com at your service, [203.0.113.5]\r\n"
        "250-SIZE 35882577\r\n"
        "250-8BITMIME\r\n"
        "250-STARTTLS\r\n"
        "250-ENHANCEDSTATUSCODES\r\n"
        "250-PIPELINING\r\n"
        "250-CHUNKING\r\n"
        "250 SMTPUTF8\r\n");
    CHECK(before.server_name == "smtp.gmail.com");
    CHECK(before.starttls);
    CHECK(before.auth_mechanisms.empty());
    CHECK(before.size == 35882577u);

    auto after = caps_of(
        "250-smtp.gmail.com at your service, [203.0.113.5]\r\n"
        "250-SIZE 35882577\r\n"
        "250-8BITMIME\r\n"
        "250-AUTH LOGIN PLAIN XOAUTH2 PLAIN-CLIENTTOKEN OAUTHBEARER XOAUTH\r\n"
        "250-ENHANCEDSTATUSCODES\r\n"
        "250-PIPELINING\r\n"
        "250-CHUNKING\r\n"
        "250 SMTPUTF8\r\n");
    CHECK_FALSE(after.starttls);
    CHECK(after.auth_mechanisms ==
          strings{"LOGIN", "PLAIN", "XOAUTH2", "PLAIN-CLIENTTOKEN", "OAUTHBEARER", "XOAUTH"});
    CHECK(after.smtputf8);
    CHECK(after.chunking);
}

TEST_CASE("Microsoft 365 (smtp.office365.com:587) before and after STARTTLS") {
    auto before = caps_of(
        "250-DM6PR03CA0012.outlook.office365.com Hello [203.0.113.5]\r\n"
        "250-SIZE 157286400\r\n"
        "250-PIPELINING\r\n"
        "250-DSN\r\n"
        "250-ENHANCEDSTATUSCODES\r\n"
        "250-STARTTLS\r\n"
        "250-8BITMIME\r\n"
        "250-BINARYMIME\r\n"
        "250-CHUNKING\r\n"
        "250 SMTPUTF8\r\n");
    CHECK(before.server_name == "DM6PR03CA0012.outlook.office365.com");
    CHECK(before.starttls);
    CHECK(before.auth_mechanisms.empty());
    CHECK(before.size == 157286400u);
    CHECK(before.keywords.size() == 9);
    CHECK(before.keywords[6] == "BINARYMIME");

    auto after = caps_of(
        "250-DM6PR03CA0012.outlook.office365.com Hello [203.0.113.5]\r\n"
        "250-SIZE 157286400\r\n"
        "250-PIPELINING\r\n"
        "250-DSN\r\n"
        "250-ENHANCEDSTATUSCODES\r\n"
        "250-AUTH LOGIN XOAUTH2\r\n"
        "250-8BITMIME\r\n"
        "250-BINARYMIME\r\n"
        "250-CHUNKING\r\n"
        "250 SMTPUTF8\r\n");
    CHECK_FALSE(after.starttls);
    CHECK(after.auth_mechanisms == strings{"LOGIN", "XOAUTH2"});
}

TEST_CASE("Amazon SES (email-smtp.us-east-1.amazonaws.com:587)") {
    auto c = caps_of(
        "250-email-smtp.amazonaws.com\r\n"
        "250-8BITMIME\r\n"
        "250-SIZE 10485760\r\n"
        "250-STARTTLS\r\n"
        "250-AUTH PLAIN LOGIN\r\n"
        "250 Ok\r\n");
    CHECK(c.server_name == "email-smtp.amazonaws.com");
    CHECK(c.starttls);
    CHECK(c.size == 10485760u);
    CHECK(c.auth_mechanisms == strings{"PLAIN", "LOGIN"});
    CHECK_FALSE(c.pipelining);
    CHECK(c.keywords == strings{"8BITMIME", "SIZE", "STARTTLS", "AUTH", "OK"});
}

TEST_CASE("keywords are case-insensitive and STARTTLS counts anywhere") {
    auto c = caps_of(
        "250-localhost\r\n"
        "250-starttls\r\n"
        "250-auth=login cram-md5\r\n"
        "250-Auth plain LOGIN\r\n"
        "250 size\r\n");
    CHECK(c.starttls);
    CHECK(c.auth_mechanisms == strings{"LOGIN", "CRAM-MD5", "PLAIN"});
    CHECK(c.size == 0u);
    CHECK(c.keywords == strings{"STARTTLS", "AUTH", "SIZE"});

    auto last = caps_of("250-x\r\n250-SIZE\r\n250 STARTTLS\r\n");
    CHECK(last.starttls);
    CHECK(last.size == 0u);
}

TEST_CASE("a single-line reply and an empty one") {
    auto c = caps_of("250 mx.example.org\r\n");
    CHECK(c.server_name == "mx.example.org");
    CHECK(c.keywords.empty());
    CHECK_FALSE(c.size.has_value());
    CHECK_FALSE(c.starttls);

    auto none = parse_capabilities(smtp_reply{});
    CHECK(none.server_name.empty());
    CHECK(none.keywords.empty());
}

TEST_CASE("garbage is ignored safely") {
    auto c = caps_of(
        "250-host\r\n"
        "250-\r\n"
        "250-   \r\n"
        "250-=PLAIN\r\n"
        "250-!!! junk\r\n"
        "250-\x1b[31mSTARTTLS\r\n"
        "250-SIZE abc\r\n"
        "250-SIZE 1\r\n"
        "250-AUTH PLAIN \x1b[2J ABCDEFGHIJKLMNOPQRSTUVWXYZ LOG*IN GSSAPI plain\r\n"
        "250 " +
        std::string(200, 'K') + "\r\n");
    CHECK_FALSE(c.starttls);
    CHECK(c.size == 0u);  // the first SIZE wins; it had no number
    CHECK(c.auth_mechanisms == strings{"PLAIN", "GSSAPI"});
    CHECK(c.keywords == strings{"SIZE", "AUTH"});
}

TEST_CASE("SIZE numbers at the edge of uint64") {
    CHECK(caps_of("250-h\r\n250 SIZE 18446744073709551615\r\n").size == 18446744073709551615ull);
    CHECK(caps_of("250-h\r\n250 SIZE 18446744073709551616\r\n").size == 0u);
    CHECK(caps_of("250-h\r\n250 SIZE 0\r\n").size == 0u);
    CHECK(caps_of("250-h\r\n250 SIZE -5\r\n").size == 0u);
}

TEST_CASE("every mechanism the line holds is kept, deduplicated") {
    // Before: only the first 32 were kept, so a mechanism past them was never chosen.
    std::string auth = "250-h\r\n250 AUTH";
    for (int i = 0; i < 100; ++i) {
        auth += " M" + std::to_string(i);
    }
    auth += " M0 M1 CRAM-MD5\r\n";
    auto c = caps_of(auth);
    REQUIRE(c.auth_mechanisms.size() == 101);
    CHECK(c.auth_mechanisms.front() == "M0");
    CHECK(c.auth_mechanisms[99] == "M99");
    CHECK(c.auth_mechanisms.back() == "CRAM-MD5");
}

TEST_CASE("a mechanism the probe speaks is kept wherever the server lists it") {
    // Before: PLAIN as the 41st mechanism was dropped, and the verdict was no_common_mechanism
    // where PHPMailer logs in.
    std::string auth = "250-h\r\n250 AUTH";
    for (int i = 0; i < 40; ++i) {
        auth += " X-VENDOR-" + std::to_string(i);
    }
    auth += " PLAIN LOGIN PLAIN\r\n";
    const auto c = caps_of(auth);
    CHECK(c.auth_mechanisms.size() == 42);
    CHECK(std::count(c.auth_mechanisms.begin(), c.auth_mechanisms.end(), "PLAIN") == 1);
    CHECK(std::count(c.auth_mechanisms.begin(), c.auth_mechanisms.end(), "LOGIN") == 1);
}

TEST_CASE("every keyword is kept, and STARTTLS, SIZE and AUTH are read after any number") {
    // Before: the list stopped at 128 keywords (the flags were read all the same).
    std::string many = "250-h\r\n";
    for (int i = 0; i < 300; ++i) {
        many += "250-X" + std::to_string(i) + "\r\n";
    }
    many += "250-X0\r\n250-STARTTLS\r\n250-SIZE 1000\r\n250 AUTH PLAIN\r\n";
    auto c = caps_of(many);
    REQUIRE(c.keywords.size() == 303);
    CHECK(c.keywords[299] == "X299");
    CHECK(c.starttls);
    CHECK(c.size == std::optional<std::uint64_t>(1000));
    CHECK(c.auth_mechanisms == std::vector<std::string>{"PLAIN"});
}
