// How long a probe asked for by a scrape may take: what Prometheus says it will wait
// (X-Prometheus-Scrape-Timeout-Seconds) less an offset, so that the answer arrives before it
// gives up, and never more than the module's own deadline.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace smtp_probe {

/// The probe's deadline, or one sentence naming a header value that is not a number of
/// seconds above 0 and at most a day. Without the header, the module's deadline.
[[nodiscard]] std::variant<std::chrono::milliseconds, std::string> scrape_budget(
    std::optional<std::string_view> header, std::chrono::milliseconds offset,
    std::chrono::milliseconds module_deadline);

}  // namespace smtp_probe
