// ANSI SGR colours for the text reports, on only when the output is a terminal (or asked for).
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>

namespace smtp_probe {

namespace sgr {
inline constexpr std::string_view bold = "1";
inline constexpr std::string_view dim = "2";
inline constexpr std::string_view red = "31";
inline constexpr std::string_view green = "32";
inline constexpr std::string_view yellow = "33";
}  // namespace sgr

/// Wraps text in one SGR attribute when colour is on; returns it unchanged otherwise.
class painter {
public:
    explicit painter(bool on) : on_(on) {}
    [[nodiscard]] std::string operator()(std::string_view attribute, std::string_view text) const {
        if (!on_) {
            return std::string(text);
        }
        return fmt::format("\x1b[{}m{}\x1b[0m", attribute, text);
    }

private:
    bool on_;
};

}  // namespace smtp_probe
