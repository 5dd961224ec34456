// The state a monitoring system sees: the verdict's (ok, warning, failure), raised by Nagios-style
// thresholds on the probe's time and the certificate's days left. Ranges follow the Monitoring
// Plugins Development Guidelines ("Threshold and ranges"): N alerts outside 0..N, N: below N,
// ~:N above N, A:B outside A..B, @A:B inside A..B.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "checks/evidence.hpp"

namespace smtp_probe {

struct nagios_range {
    std::optional<double> low;   ///< nothing: minus infinity (~)
    std::optional<double> high;  ///< nothing: plus infinity
    bool inside = false;         ///< @: alert inside the range instead of outside
    std::string text;            ///< as written, for the performance data
};

/// The range, or what was wrong with it (for "--option: " + it).
[[nodiscard]] std::variant<nagios_range, std::string> parse_nagios_range(std::string_view text);
/// Whether `value` raises the alert of `range`.
[[nodiscard]] bool range_alerts(const nagios_range& range, double value);

struct monitoring_thresholds {
    std::optional<nagios_range> time_warning;  ///< seconds of the whole probe
    std::optional<nagios_range> time_critical;
    std::optional<nagios_range> cert_warning;  ///< days left of the certificate
    std::optional<nagios_range> cert_critical;
    /// How the four are named where they were given, for raised_by: check's options, or a run
    /// config's keys.
    std::array<std::string_view, 4> names = {"--time-warning", "--time-critical", "--cert-warning",
                                             "--cert-critical"};

    [[nodiscard]] bool any() const {
        return time_warning || time_critical || cert_warning || cert_critical;
    }
};

struct monitoring_verdict {
    exit_status state = exit_status::ok;
    /// Why a threshold raised the state above the verdict's: "time 2.5 s (--time-warning 2)".
    std::optional<std::string> raised_by;
};

/// The verdict's own state, raised (never lowered) by the thresholds that alert.
[[nodiscard]] monitoring_verdict monitoring_state(const probe_result& r,
                                                  const monitoring_thresholds& t);
/// The worst monitoring_state() of several results (check --all-addresses), with what raised it;
/// ok for none.
[[nodiscard]] monitoring_verdict worst_monitoring_state(const std::vector<probe_result>& results,
                                                        const monitoring_thresholds& t);
/// "ok", "warning", "critical", "unknown".
[[nodiscard]] std::string_view monitoring_state_id(exit_status s);

}  // namespace smtp_probe
