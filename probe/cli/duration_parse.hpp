// Durations on the command line: "2.5" (seconds), "500ms", "4s", "2m".
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <variant>

namespace smtp_probe {

/// The longest duration accepted: a probe that waits a day for a reply is a mistake.
inline constexpr std::chrono::milliseconds max_duration{24 * 60 * 60 * 1000};

/// A positive decimal number with an optional unit: none or "s" for seconds, "ms", "m" for
/// minutes. Rounded to the nearest millisecond; must come to 1 ms .. max_duration. The error is
/// one sentence naming the text and the accepted forms.
[[nodiscard]] std::variant<std::chrono::milliseconds, std::string> parse_duration(
    std::string_view text);

}  // namespace smtp_probe
