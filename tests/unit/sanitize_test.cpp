#include <doctest/doctest.h>

#include <string>

#include "net/sanitize.hpp"

using namespace smtp_probe;
using namespace std::string_view_literals;

TEST_CASE("printable ASCII and valid UTF-8 pass unchanged") {
    CHECK(sanitize_for_display("250 2.0.0 Ok: queued as 4F1A2") == "250 2.0.0 Ok: queued as 4F1A2");
    CHECK(sanitize_for_display("邮件无收件人") == "邮件无收件人");
    CHECK(sanitize_for_display("550 5.7.1 拒绝: Müller ✓ 😀") == "550 5.7.1 拒绝: Müller ✓ 😀");
    CHECK(sanitize_for_display("") == "");
    CHECK(sanitize_for_display("a\\x41") == "a\\x41");
}

TEST_CASE("control bytes become \\xNN escapes") {
    struct row {
        std::string_view in;
        std::string_view out;
    };
    const row rows[] = {
        {"\x1b[31mred\x1b[0m"sv, "\\x1B[31mred\\x1B[0m"sv},
        {"line\r\n"sv, "line\\x0D\\x0A"sv},
        {"a\tb"sv, "a b"sv},
        {"nul\0x"sv, "nul\\x00x"sv},
        {"bell\a del\x7f"sv, "bell\\x07 del\\x7F"sv},
        {"c1 \xc2\x9b"
         "2J"sv,
         "c1 \\xC2\\x9B2J"sv},                     // U+009B CSI
        {"c1 \xc2\x80"sv, "c1 \\xC2\\x80"sv},      // U+0080
        {"nbsp \xc2\xa0!"sv, "nbsp \xc2\xa0!"sv},  // U+00A0 is printable
        {"rlo \xe2\x80\xae"
         "cba"sv,
         "rlo \\xE2\\x80\\xAEcba"sv},                     // U+202E
        {"ls \xe2\x80\xa8"sv, "ls \\xE2\\x80\\xA8"sv},    // U+2028
        {"iso \xe2\x81\xa6"sv, "iso \\xE2\\x81\\xA6"sv},  // U+2066
        {"dash \xe2\x80\x94"sv, "dash \xe2\x80\x94"sv},   // U+2014 stays
    };
    for (const auto& r : rows) {
        CAPTURE(r.in);
        CHECK(sanitize_for_display(r.in) == r.out);
    }
}

TEST_CASE("invalid and overlong UTF-8 is escaped byte by byte") {
    struct row {
        std::string_view in;
        std::string_view out;
    };
    const row rows[] = {
        {"\xff"sv, "\\xFF"sv},
        {"a\x80z"sv, "a\\x80z"sv},                         // lone continuation byte
        {"\xc0\xaf"sv, "\\xC0\\xAF"sv},                    // overlong '/'
        {"\xc1\xbf"sv, "\\xC1\\xBF"sv},                    // overlong
        {"\xe0\x80\xaf"sv, "\\xE0\\x80\\xAF"sv},           // overlong 3-byte '/'
        {"\xf0\x80\x80\xaf"sv, "\\xF0\\x80\\x80\\xAF"sv},  // overlong 4-byte '/'
        {"\xed\xa0\x80"sv, "\\xED\\xA0\\x80"sv},           // UTF-16 surrogate U+D800
        {"\xf4\x90\x80\x80"sv, "\\xF4\\x90\\x80\\x80"sv},  // above U+10FFFF
        {"\xf5\x80\x80\x80"sv, "\\xF5\\x80\\x80\\x80"sv},
        {"\xe4\xb8"sv, "\\xE4\\xB8"sv},  // truncated 中
        {"\xe4\xb8x"sv, "\\xE4\\xB8x"sv},
        {"\xe4\xb8\xad\xe4"sv, "中\\xE4"sv},
    };
    for (const auto& r : rows) {
        CAPTURE(r.in);
        CHECK(sanitize_for_display(r.in) == r.out);
    }
}

TEST_CASE("truncation cuts at a character boundary and adds an ellipsis") {
    CHECK(sanitize_for_display("abcdef", 6) == "abcdef");
    CHECK(sanitize_for_display("abcdefg", 6) == "abc…");
    // Chinese: 3 bytes each; 8 bytes leave room for one character and the ellipsis.
    CHECK(sanitize_for_display("中文字", 9) == "中文字");
    CHECK(sanitize_for_display("中文字符", 9) == "中文…");
    CHECK(sanitize_for_display("中文字符", 8) == "中…");
    CHECK(sanitize_for_display("中文字符", 7) == "中…");
    CHECK(sanitize_for_display("中文字符", 6) == "中…");
    CHECK(sanitize_for_display("中文字符", 5) == "…");
    // An escape is never split.
    CHECK(sanitize_for_display("ab\x1b", 5) == "ab…");
    CHECK(sanitize_for_display("ab\x1b", 6) == "ab\\x1B");
    CHECK(sanitize_for_display("abcd", 2) == "ab");  // no room for the ellipsis
    CHECK(sanitize_for_display("abcd", 0).empty());
    // The default bound.
    auto long_text = sanitize_for_display(std::string(5000, 'x'));
    CHECK(long_text.size() == 1024);
    CHECK(long_text.substr(1021) == "…");
    CHECK(long_text.substr(0, 1021) == std::string(1021, 'x'));
    // Every result stays within the bound, whatever the input.
    const std::string mixed = "中\x1b文\xff字 ok\r\n符";
    for (std::size_t max = 0; max < 40; ++max) {
        CAPTURE(max);
        CHECK(sanitize_for_display(mixed, max).size() <= max);
    }
}

TEST_CASE("html_escape") {
    CHECK(html_escape("<b>\"Tom\" & 'Jerry'</b>") ==
          "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;");
    CHECK(html_escape("中文 plain") == "中文 plain");
    CHECK(html_escape("") == "");
}

TEST_CASE("well-formed UTF-8, as sanitize_for_display reads it") {
    CHECK(is_well_formed_utf8(""));
    CHECK(is_well_formed_utf8("plain ASCII"));
    CHECK(is_well_formed_utf8("\xe4\xb8\xad\xe6\x96\x87"));  // 中文
    CHECK(is_well_formed_utf8("\xf0\x9f\x93\xa7"));          // U+1F4E7
    CHECK_FALSE(is_well_formed_utf8("\xff"));
    CHECK_FALSE(is_well_formed_utf8("\xc0\xaf"));          // overlong '/'
    CHECK_FALSE(is_well_formed_utf8("\xed\xa0\x80"));      // a surrogate
    CHECK_FALSE(is_well_formed_utf8("\xf4\x90\x80\x80"));  // above U+10FFFF
    CHECK_FALSE(is_well_formed_utf8("ok\xe4\xb8"));        // cut short
}
