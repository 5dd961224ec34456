// Plain, bounded text scanning for pasted log lines: ASCII case folding and substring search, no
// regular expressions (so no catastrophic backtracking on hostile input). Internal to explain.
#pragma once

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>

namespace smtp_probe::text_scan {

[[nodiscard]] inline char ascii_lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

[[nodiscard]] inline bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

[[nodiscard]] inline bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

[[nodiscard]] inline bool is_alnum(char c) {
    const char l = ascii_lower(c);
    return is_digit(c) || (l >= 'a' && l <= 'z');
}

/// ASCII lower case, byte for byte: positions in it are positions in the original.
[[nodiscard]] inline std::string lowered(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), ascii_lower);
    return out;
}

[[nodiscard]] inline std::string_view trimmed(std::string_view s) {
    while (!s.empty() && is_blank(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_blank(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

/// Where a marker was found.
struct found {
    std::size_t at = std::string_view::npos;
    std::size_t size = 0;
    [[nodiscard]] bool ok() const { return at != std::string_view::npos; }
    [[nodiscard]] std::size_t end() const { return at + size; }
};

/// The earliest of several markers in `lower`, at or after `from`.
[[nodiscard]] inline found find_any(std::string_view lower,
                                    std::initializer_list<std::string_view> markers,
                                    std::size_t from = 0) {
    found best;
    for (const auto m : markers) {
        const auto at = lower.find(m, from);
        if (at != std::string_view::npos && at < best.at) {
            best = {at, m.size()};
        }
    }
    return best;
}

}  // namespace smtp_probe::text_scan
