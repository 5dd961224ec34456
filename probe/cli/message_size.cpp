#include "probe/cli/message_size.hpp"

#include <array>
#include <cctype>
#include <utility>

#include "net/ascii.hpp"
#include "probe/report/quote_value.hpp"

namespace smtp_probe {
namespace {

constexpr std::uint64_t max_size = std::uint64_t{1} << 40;

std::string problem(std::string_view text) {
    return "--message-size: " + quote_value(text) +
           " is not a size; use a number with KB, MB, GB (1000) or KiB, MiB, GiB (1024), as in "
           "12MB or 10MiB";
}

}  // namespace

std::variant<std::uint64_t, std::string> parse_message_size(std::string_view text) {
    if (text.empty() || text.size() > 32) {
        return problem(text);
    }
    std::size_t i = 0;
    std::uint64_t whole = 0;
    std::size_t whole_digits = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) != 0) {
        whole = whole * 10 + static_cast<std::uint64_t>(text[i] - '0');
        ++whole_digits;
        ++i;
        if (whole > max_size) {
            return "--message-size: " + quote_value(text) + " is larger than 1 TiB";
        }
    }
    // Up to six decimals, kept as millionths.
    std::uint64_t fraction = 0;
    std::size_t fraction_digits = 0;
    if (i < text.size() && text[i] == '.') {
        ++i;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) != 0) {
            if (fraction_digits == 6) {
                return problem(text);
            }
            fraction = fraction * 10 + static_cast<std::uint64_t>(text[i] - '0');
            ++fraction_digits;
            ++i;
        }
        if (fraction_digits == 0) {
            return problem(text);
        }
    }
    if (whole_digits == 0) {
        return problem(text);
    }
    for (auto d = fraction_digits; d < 6; ++d) {
        fraction *= 10;
    }
    const auto unit = ascii_lowered(text.substr(i));
    static constexpr std::array<std::pair<std::string_view, std::uint64_t>, 8> units{{
        {"", 1},
        {"b", 1},
        {"kb", 1000},
        {"mb", 1000 * 1000},
        {"gb", 1000 * 1000 * 1000},
        {"kib", 1024},
        {"mib", 1024 * 1024},
        {"gib", 1024 * 1024 * 1024},
    }};
    for (const auto& [name, factor] : units) {
        if (unit != name) {
            continue;
        }
        if (whole > max_size / factor) {
            return "--message-size: " + quote_value(text) + " is larger than 1 TiB";
        }
        const std::uint64_t bytes = whole * factor + fraction * factor / 1'000'000;
        if (bytes > max_size) {
            return "--message-size: " + quote_value(text) + " is larger than 1 TiB";
        }
        return bytes;
    }
    return problem(text);
}

}  // namespace smtp_probe
