#include <doctest/doctest.h>

#include <string>

#include "net/smtp_commands.hpp"

using namespace smtp_probe;
using namespace smtp_probe::smtp_cmd;
using namespace std::string_view_literals;

TEST_CASE("simple commands end in CRLF") {
    CHECK(ehlo("client.example.com") == "EHLO client.example.com\r\n");
    CHECK(helo("client.example.com") == "HELO client.example.com\r\n");
    CHECK(ehlo("[192.0.2.1]") == "EHLO [192.0.2.1]\r\n");
    CHECK(starttls() == "STARTTLS\r\n");
    CHECK(rset() == "RSET\r\n");
    CHECK(data() == "DATA\r\n");
    CHECK(quit() == "QUIT\r\n");
    CHECK(auth_cancel() == "*\r\n");
}

TEST_CASE("MAIL FROM and RCPT TO") {
    CHECK(mail_from("billing@example.com") == "MAIL FROM:<billing@example.com>\r\n");
    CHECK(mail_from("billing@example.com", 2048) ==
          "MAIL FROM:<billing@example.com> SIZE=2048\r\n");
    CHECK(mail_from("", std::nullopt) == "MAIL FROM:<>\r\n");
    CHECK(mail_from("用户@例子.广告") == "MAIL FROM:<用户@例子.广告>\r\n");
    CHECK(rcpt_to("postmaster@example.net") == "RCPT TO:<postmaster@example.net>\r\n");
    CHECK_FALSE(rcpt_to("").has_value());
}

TEST_CASE("arguments that could inject a command are refused") {
    const std::string_view bad_addresses[] = {
        "a@example.com\r\nRCPT TO:<victim@example.org>",
        "a@example.com\n",
        "a@example.com\r",
        "a@exa\0mple.com"sv,
        "a@example.com\x1b",
        "a@example.com\x7f",
        "a@example.com> SIZE=1",
        "<a@example.com>",
        "a<b@example.com",
    };
    for (auto a : bad_addresses) {
        CAPTURE(a);
        CHECK_FALSE(mail_from(a).has_value());
        CHECK_FALSE(mail_from(a, 10).has_value());
        CHECK_FALSE(rcpt_to(a).has_value());
    }
    const std::string_view bad_names[] = {
        "", "host\r\nMAIL FROM:<x@y>", "host\n", "ho\0st"sv, "host name", "host\t",
    };
    for (auto n : bad_names) {
        CAPTURE(n);
        CHECK_FALSE(ehlo(n).has_value());
        CHECK_FALSE(helo(n).has_value());
    }
}

TEST_CASE("length limits of RFC 5321 section 4.5.3.1") {
    const std::string name255(255, 'a');
    CHECK(ehlo(name255).has_value());
    CHECK_FALSE(ehlo(name255 + "a").has_value());
    const std::string address254 = std::string(242, 'u') + "@example.com";
    REQUIRE(address254.size() == 254);
    CHECK(mail_from(address254).has_value());
    CHECK_FALSE(mail_from(address254 + "m").has_value());
    CHECK_FALSE(rcpt_to(address254 + "m").has_value());
}

TEST_CASE("AUTH without an initial response") {
    CHECK(auth("LOGIN") == "AUTH LOGIN\r\n");
    CHECK(auth("cram-md5") == "AUTH CRAM-MD5\r\n");
    CHECK(auth("PLAIN-CLIENTTOKEN") == "AUTH PLAIN-CLIENTTOKEN\r\n");
    CHECK_FALSE(auth("").has_value());
    CHECK_FALSE(auth("PLAIN\r\nMAIL FROM:<x@y>").has_value());
    CHECK_FALSE(auth("PLAIN LOGIN").has_value());
    CHECK_FALSE(auth("ABCDEFGHIJKLMNOPQRSTU").has_value());  // 21 characters
}

TEST_CASE("AUTH with an initial response is a secret") {
    auto line = auth("PLAIN", secret("AHRpbQB0YW5zdGFhZnRhbnN0YWFm"));
    REQUIRE(line.has_value());
    CHECK(line->reveal() == "AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm\r\n");
    auto empty = auth("EXTERNAL", secret());
    REQUIRE(empty.has_value());
    CHECK(empty->reveal() == "AUTH EXTERNAL =\r\n");
    CHECK_FALSE(auth("PLAIN", secret("AHRp\r\nQUIT")).has_value());
    CHECK_FALSE(auth("PLAIN", secret("AHRp bQ==")).has_value());
    CHECK_FALSE(auth("PL AIN", secret("AHRp")).has_value());
}

TEST_CASE("answers to 334 challenges") {
    auto pw = auth_response(secret("dGFuc3RhYWZ0YW5zdGFhZg=="));
    REQUIRE(pw.has_value());
    CHECK(pw->reveal() == "dGFuc3RhYWZ0YW5zdGFhZg==\r\n");
    CHECK(auth_response("dGlt"sv) == "dGlt\r\n");
    CHECK(auth_response(""sv) == "\r\n");
    CHECK_FALSE(auth_response("dGlt\r\nQUIT"sv).has_value());
    CHECK_FALSE(auth_response(secret("x\ny")).has_value());
}
