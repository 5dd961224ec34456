#include <doctest/doctest.h>

#include <string>

#include "net/base64.hpp"
#include "net/sasl.hpp"

using namespace smtp_probe;
using namespace std::string_view_literals;

TEST_CASE("PLAIN is base64 of NUL user NUL password (RFC 4616)") {
    const secret password("tanstaaftanstaaf");
    auto r = plain_initial_response("tim", password);
    CHECK(r.reveal() == "AHRpbQB0YW5zdGFhZnRhbnN0YWFm");
    auto decoded = base64_decode(r.reveal());
    REQUIRE(decoded.has_value());
    CHECK(*decoded == "\0tim\0tanstaaftanstaaf"sv);
    CHECK(plain_initial_response("tim", secret()).reveal() == "AHRpbQA=");
    // The password is not consumed.
    CHECK(password.reveal() == "tanstaaftanstaaf");
}

TEST_CASE("LOGIN answers are base64 of the user name and the password") {
    CHECK(login_username("tim") == "dGlt");
    CHECK(login_username("billing@example.com") == "YmlsbGluZ0BleGFtcGxlLmNvbQ==");
    CHECK(login_password(secret("tanstaaftanstaaf")).reveal() == "dGFuc3RhYWZ0YW5zdGFhZg==");
}

TEST_CASE("CRAM-MD5: the RFC 2195 example") {
    auto r = cram_md5_response("PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+", "tim",
                               secret("tanstaaftanstaaf"));
    REQUIRE(r.has_value());
    CHECK(r->reveal() == "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw");
    CHECK(*base64_decode(r->reveal()) == "tim b913a602c7eda7a495b4e6e7334d3890");
}

TEST_CASE("CRAM-MD5 with an empty password, and invalid challenges") {
    // HMAC-MD5 with an empty key over "<1@x>", checked against Python's hmac module.
    auto empty = cram_md5_response("PDFAeD4=", "joe", secret());
    REQUIRE(empty.has_value());
    CHECK(empty->reveal() == "am9lIDFmMzhjYWE5ZjkxYTY2MTY5YzFjN2NjNjI3NmQ2MDFj");
    // Surrounding spaces of the 334 text are tolerated.
    auto spaced = cram_md5_response(" PDFAeD4= ", "joe", secret());
    REQUIRE(spaced.has_value());
    CHECK(spaced->reveal() == empty->reveal());

    CHECK_FALSE(cram_md5_response("not base64!", "tim", secret("x")).has_value());
    CHECK_FALSE(cram_md5_response("PDE4OTYu\r\n", "tim", secret("x")).has_value());
    CHECK_FALSE(cram_md5_response("PDE", "tim", secret("x")).has_value());
}

TEST_CASE("XOAUTH2: Google's documented example") {
    auto r = xoauth2_initial_response("someuser@example.com",
                                      secret("ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg"));
    CHECK(r.reveal() ==
          "dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52YjNSbGNr"
          "QmhkSFJoZG1semRHRXVZMjl0Q2cBAQ==");
    CHECK(*base64_decode(r.reveal()) ==
          "user=someuser@example.com\x01"
          "auth=Bearer ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg"
          "\x01\x01"sv);
}

TEST_CASE("OAUTHBEARER: the RFC 7628 section 4.1 example") {
    auto r = oauthbearer_initial_response("user@example.com", "server.example.com", 143,
                                          secret("vF9dft4qmTc2Nvb3RlckBhbHRhdmlzdGEuY29tCg=="));
    CHECK(r.reveal() ==
          "bixhPXVzZXJAZXhhbXBsZS5jb20sAWhvc3Q9c2VydmVyLmV4YW1wbGUuY29tAXBvcnQ9MTQzAWF1dGg9QmVh"
          "cmVyIHZGOWRmdDRxbVRjMk52YjNSbGNrQmhiSFJoZG1semRHRXVZMjl0Q2c9PQEB");
}

TEST_CASE("OAUTHBEARER escapes ',' and '=' in the user name (RFC 5801 saslname)") {
    auto r = oauthbearer_initial_response("a=b,c", "smtp.example.net", 587, secret("tok"));
    CHECK(*base64_decode(r.reveal()) ==
          "n,a=a=3Db=2Cc,\x01host=smtp.example.net\x01port=587\x01"
          "auth=Bearer tok\x01\x01"sv);
    CHECK(r.reveal() ==
          "bixhPWE9M0RiPTJDYywBaG9zdD1zbXRwLmV4YW1wbGUubmV0AXBvcnQ9NTg3AWF1dGg9QmVhcmVy"
          "IHRvawEB");
}

TEST_CASE("decode_challenge reads a 334 text") {
    CHECK(decode_challenge("VXNlcm5hbWU6") == "Username:");
    CHECK(decode_challenge("UGFzc3dvcmQ6") == "Password:");
    CHECK(decode_challenge("") == "");
    CHECK(decode_challenge("  ") == "");
    CHECK_FALSE(decode_challenge("Username:").has_value());
    CHECK_FALSE(decode_challenge("VXNlcm5hbWU").has_value());
}
