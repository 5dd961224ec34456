#include <doctest/doctest.h>

#include <string>

#include "net/base64.hpp"

using namespace smtp_probe;
using namespace std::string_view_literals;

TEST_CASE("RFC 4648 section 10 test vectors, both ways") {
    struct row {
        std::string_view plain;
        std::string_view encoded;
    };
    const row rows[] = {
        {"", ""},
        {"f", "Zg=="},
        {"fo", "Zm8="},
        {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="},
        {"fooba", "Zm9vYmE="},
        {"foobar", "Zm9vYmFy"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.plain);
        CHECK(base64_encode(r.plain) == r.encoded);
        auto decoded = base64_decode(r.encoded);
        REQUIRE(decoded.has_value());
        CHECK(*decoded == r.plain);
    }
}

TEST_CASE("binary bytes and the whole alphabet round-trip") {
    std::string all;
    for (int i = 0; i < 256; ++i) {
        all += static_cast<char>(i);
    }
    const auto encoded = base64_encode(all);
    CHECK(encoded.size() == 344);
    CHECK(encoded.substr(0, 8) == "AAECAwQF");
    CHECK(encoded.substr(336) == "/P3+/w==");
    auto decoded = base64_decode(encoded);
    REQUIRE(decoded.has_value());
    CHECK(*decoded == all);
    CHECK(base64_encode("\0\0\0"sv) == "AAAA");
    CHECK(base64_encode("\xff\xff\xff"sv) == "////");
}

TEST_CASE("strict decoding rejects anything non-canonical") {
    const std::string_view bad[] = {
        "Zg",        // missing padding
        "Zg=",       // short padding
        "Zm9vY",     // length not a multiple of 4
        "Zm9v\r\n",  // line break
        "Zm 9v",     // space
        " Zm9v",     // leading space
        "Zm9v ",     // trailing space
        "Zm9v====",  // padding only group
        "====",      //
        "Z===",      // three pad characters
        "Zg==Zm8=",  // padding in the middle
        "Z=g=",      // '=' inside a group
        "Zm-v",      // base64url alphabet
        "Zm_v",      //
        "Zm9v!A==",  // punctuation
        "Zh==",      // non-zero unused bits (one byte)
        "Zm9=",      // non-zero unused bits (two bytes)
        "Zm9v\0AAA"sv,
    };
    for (auto text : bad) {
        CAPTURE(text);
        CHECK_FALSE(base64_decode(text).has_value());
    }
}
