// A probe's result as a Nagios / Icinga / Monitoring Plugins check: one status line, the
// performance data after "|", then one line per address when several were probed. The exit code
// is the state (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN), the same as exit_status.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checks/evidence.hpp"
#include "checks/monitoring_state.hpp"
#include "probe/i18n/i18n.hpp"

namespace smtp_probe {

/// One value of the performance data: 'label'=value[UOM];[warn];[crit];[min];[max]
/// (Monitoring Plugins Development Guidelines, "Performance data").
struct perf_value {
    std::string label;
    double value = 0;
    std::string uom;   ///< "", "s", "ms", "us", "%", "B", "KB", "MB", "TB" or "c"
    std::string warn;  ///< a range as written (checks/monitoring_state.hpp), or empty
    std::string crit;
    std::optional<double> min;
    std::optional<double> max;
};

/// The label as written in performance data: quoted in single quotes when it holds a space, an
/// '=' or a quote (a quote inside doubled); control bytes dropped.
[[nodiscard]] std::string perf_label(std::string_view label);
/// The values separated by spaces; trailing empty fields left out.
[[nodiscard]] std::string format_perfdata(const std::vector<perf_value>& values);
/// What a result measured: time, each phase that ran, round trips, the certificate's days left.
/// With the thresholds' ranges on time and cert_days_left.
[[nodiscard]] std::vector<perf_value> perfdata_of(const probe_result& r,
                                                  const monitoring_thresholds& t = {});

/// Text as plugin output may hold it: '|' (which opens the performance data) becomes '/', ';'
/// (which Nagios turns into ':') becomes ',', control bytes (a new line ends the status line)
/// become spaces, and at most `limit` bytes are kept.
[[nodiscard]] std::string nagios_text(std::string_view s, std::size_t limit = 1024);

/// "SMTP OK", "SMTP WARNING", "SMTP CRITICAL".
[[nodiscard]] std::string_view nagios_state_label(exit_status s);
/// The whole plugin output for check's results (one per address with --all-addresses), ending
/// in a newline. Never holds a '|' outside the one before the performance data.
/// "SMTP UNKNOWN - why", for a probe that could not start (exit 3).
[[nodiscard]] std::string nagios_unknown(std::string_view why);
/// The state is the worst monitoring_state() of the results under `t`.
[[nodiscard]] std::string render_nagios(const std::vector<probe_result>& results, language lang,
                                        const monitoring_thresholds& t = {});

}  // namespace smtp_probe
