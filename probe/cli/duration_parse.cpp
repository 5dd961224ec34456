#include "probe/cli/duration_parse.hpp"

#include "probe/report/quote_value.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace smtp_probe {
namespace {

constexpr std::string_view accepted =
    "use seconds (2.5) or a number with ms, s or m (500ms, 4s, 2m)";

bool is_digit(char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

}  // namespace

std::variant<std::chrono::milliseconds, std::string> parse_duration(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size() && is_digit(text[i])) {
        ++i;
    }
    auto integer = text.substr(0, i);
    std::string_view fraction;
    if (i < text.size() && text[i] == '.') {
        const auto start = ++i;
        while (i < text.size() && is_digit(text[i])) {
            ++i;
        }
        fraction = text.substr(start, i - start);
        if (fraction.empty()) {
            return quote_value(text) + " is not a duration; " + std::string(accepted);
        }
    }
    if (integer.empty() && fraction.empty()) {
        if (!text.empty() && text.front() == '-') {
            return quote_value(text) + " is not a positive duration; " + std::string(accepted);
        }
        return quote_value(text) + " is not a duration; " + std::string(accepted);
    }
    const auto unit = text.substr(i);
    std::uint64_t unit_ms = 0;
    if (unit.empty() || unit == "s") {
        unit_ms = 1000;
    } else if (unit == "ms") {
        unit_ms = 1;
    } else if (unit == "m") {
        unit_ms = 60'000;
    } else {
        return quote_value(text) + " has an unknown unit; " + std::string(accepted);
    }

    const auto nonzero = [](std::string_view d) { return d.find_first_not_of('0') != d.npos; };
    if (!nonzero(integer) && !nonzero(fraction)) {
        return quote_value(text) + " is not a positive duration; " + std::string(accepted);
    }
    // Integer arithmetic on mantissa / 10^scale, so "0.1" is exact. More than 8 integer digits
    // is over the limit in every unit; 6 fraction digits are finer than a millisecond in every
    // unit. Bounded so: mantissa < 10^14, times 60000 < 2^64.
    integer.remove_prefix(std::min(integer.find_first_not_of('0'), integer.size()));
    if (integer.size() > 8) {
        return quote_value(text) + " is longer than the limit of 24 hours; " +
               std::string(accepted);
    }
    fraction = fraction.substr(0, 6);
    std::uint64_t mantissa = 0;
    std::uint64_t scale = 1;
    for (char c : integer) {
        mantissa = mantissa * 10 + static_cast<std::uint64_t>(c - '0');
    }
    for (char c : fraction) {
        mantissa = mantissa * 10 + static_cast<std::uint64_t>(c - '0');
        scale *= 10;
    }
    const std::uint64_t ms = (mantissa * unit_ms + scale / 2) / scale;
    if (ms == 0) {
        return quote_value(text) + " is shorter than 1 ms; " + std::string(accepted);
    }
    if (ms > static_cast<std::uint64_t>(max_duration.count())) {
        return quote_value(text) + " is longer than the limit of 24 hours; " +
               std::string(accepted);
    }
    return std::chrono::milliseconds(static_cast<std::int64_t>(ms));
}

}  // namespace smtp_probe
