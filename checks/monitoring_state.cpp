#include "checks/monitoring_state.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace smtp_probe {
namespace {

constexpr std::string_view accepted =
    "; use N (alert outside 0..N), N: (below N), ~:N (above N), A:B (outside A..B) or @A:B "
    "(inside A..B)";

std::optional<double> number(std::string_view s) {
    if (s.empty() || s.size() > 32) {
        return std::nullopt;
    }
    double v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size() || !std::isfinite(v)) {
        return std::nullopt;
    }
    return v;
}

}  // namespace

std::variant<nagios_range, std::string> parse_nagios_range(std::string_view text) {
    nagios_range r;
    r.text = std::string(text);
    auto s = text;
    const auto bad = [&] {
        return "'" + std::string(text.substr(0, 40)) + "' is not a range" + std::string(accepted);
    };
    if (!s.empty() && s.front() == '@') {
        r.inside = true;
        s.remove_prefix(1);
    }
    const auto colon = s.find(':');
    if (colon == std::string_view::npos) {
        const auto high = number(s);
        if (!high) {
            return bad();
        }
        r.low = 0.0;
        r.high = high;
    } else {
        const auto low = s.substr(0, colon);
        const auto high = s.substr(colon + 1);
        if (low == "~") {
            r.low = std::nullopt;
        } else if (auto v = number(low.empty() ? "0" : low)) {
            r.low = v;
        } else {
            return bad();
        }
        if (high.empty()) {
            r.high = std::nullopt;
        } else if (auto v = number(high)) {
            r.high = v;
        } else {
            return bad();
        }
    }
    if (r.low && r.high && *r.low > *r.high) {
        return "'" + std::string(text.substr(0, 40)) + "' starts above its end" +
               std::string(accepted);
    }
    return r;
}

bool range_alerts(const nagios_range& range, double value) {
    const bool within =
        (!range.low || value >= *range.low) && (!range.high || value <= *range.high);
    return range.inside ? within : !within;
}

std::string_view monitoring_state_id(exit_status s) {
    switch (s) {
        case exit_status::ok:
            return "ok";
        case exit_status::warning:
            return "warning";
        case exit_status::failure:
            return "critical";
        case exit_status::cannot_run:
            break;
    }
    return "unknown";
}

monitoring_verdict monitoring_state(const probe_result& r, const monitoring_thresholds& t) {
    monitoring_verdict out{exit_status_of(r), std::nullopt};
    const auto raise = [&](exit_status to, const std::optional<nagios_range>& range,
                           std::string_view what, double value, std::string_view option) {
        if (!range || !range_alerts(*range, value) || to <= out.state) {
            return;
        }
        out.state = to;
        out.raised_by = fmt::format(
            "{} {} ({} {})", what,
            what == "time" ? fmt::format("{:.3f} s", value) : fmt::format("{} days left", value),
            option, range->text);
    };
    const double seconds = r.duration.count() / 1000.0;
    raise(exit_status::warning, t.time_warning, "time", seconds, t.names[0]);
    raise(exit_status::failure, t.time_critical, "time", seconds, t.names[1]);
    for (const auto& rec : r.checks) {
        if (rec.certificate) {
            const auto days = static_cast<double>(rec.certificate->days_left);
            raise(exit_status::warning, t.cert_warning, "certificate", days, t.names[2]);
            raise(exit_status::failure, t.cert_critical, "certificate", days, t.names[3]);
            break;
        }
    }
    return out;
}

monitoring_verdict worst_monitoring_state(const std::vector<probe_result>& results,
                                          const monitoring_thresholds& t) {
    monitoring_verdict out;
    for (const auto& r : results) {
        auto state = monitoring_state(r, t);
        if (state.state > out.state) {
            out = std::move(state);
        }
    }
    return out;
}

}  // namespace smtp_probe
