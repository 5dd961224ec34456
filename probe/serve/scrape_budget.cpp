#include "probe/serve/scrape_budget.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "probe/report/quote_value.hpp"

namespace smtp_probe {

std::variant<std::chrono::milliseconds, std::string> scrape_budget(
    std::optional<std::string_view> header, std::chrono::milliseconds offset,
    std::chrono::milliseconds module_deadline) {
    if (!header) {
        return module_deadline;
    }
    double seconds = 0;
    const auto* end = header->data() + header->size();
    const auto [stop, ec] = std::from_chars(header->data(), end, seconds);
    if (header->empty() || ec != std::errc{} || stop != end || !std::isfinite(seconds) ||
        seconds <= 0 || seconds > 86'400) {
        return "X-Prometheus-Scrape-Timeout-Seconds: " + quote_value(*header, 32) +
               " is not a number of seconds above 0 and at most 86400";
    }
    const auto given = std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
    // An offset as long as the timeout itself would leave nothing: then the timeout is used.
    const auto budget = given > offset ? given - offset : given;
    return std::max(std::chrono::milliseconds{1}, std::min(budget, module_deadline));
}

}  // namespace smtp_probe
