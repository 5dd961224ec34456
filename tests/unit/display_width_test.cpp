// Terminal columns of the text reports' aligned tables (probe/report/display_width.hpp): the
// one rule report_text and diagnose_report share. Before, diagnose counted every three-byte
// character as two columns, so a row with "—" lost its alignment.
#include <doctest/doctest.h>

#include <string_view>

#include "probe/report/display_width.hpp"

using smtp_probe::display_width;
using smtp_probe::pad_to_width;

TEST_CASE("display_width: wide CJK and full-width characters take two columns, others one") {
    struct row {
        std::string_view text;
        std::size_t columns;
    };
    const row rows[] = {
        {"", 0},
        {"587 STARTTLS", 12},
        {"—", 1},               // U+2014, three bytes, one column
        {"“auth_failed”", 13},  // curly quotes: one column each
        {"é", 1},               // two bytes
        {"认证失败", 8},        // CJK ideographs
        {"ＳＭＴＰ", 8},        // full-width Latin
        {"한국", 4},            // Hangul syllables
        {"端口 587 — 可用", 15},
        {"\xe4\xb8", 1},  // a cut-off character: one column, nothing read past the end
    };
    for (const auto& r : rows) {
        CAPTURE(r.text);
        CHECK(display_width(r.text) == r.columns);
    }
}

TEST_CASE("pad_to_width pads to columns, not bytes") {
    CHECK(pad_to_width("—", 3) == "—  ");
    CHECK(pad_to_width("认证", 6) == "认证  ");
    CHECK(pad_to_width("abcdef", 3) == "abcdef");
}
