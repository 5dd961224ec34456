#include "checks/monitoring_state.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/unit/report_fixtures.hpp"

using namespace smtp_probe;

namespace {

nagios_range range(const char* text) {
    auto parsed = parse_nagios_range(text);
    INFO(text);
    REQUIRE(std::holds_alternative<nagios_range>(parsed));
    return std::get<nagios_range>(parsed);
}

}  // namespace

TEST_CASE("Nagios ranges: which values alert (Monitoring Plugins guidelines' table)") {
    struct row {
        const char* text;
        double value;
        bool alerts;
    };
    const std::vector<row> rows = {
        {"10", -1, true},     {"10", 0, false},     {"10", 10, false},    {"10", 10.5, true},
        {"10:", 9.9, true},   {"10:", 10, false},   {"10:", 1e9, false},  {"~:10", -1e9, false},
        {"~:10", 11, true},   {"10:20", 9, true},   {"10:20", 15, false}, {"10:20", 21, true},
        {"@10:20", 9, false}, {"@10:20", 10, true}, {"@10:20", 20, true}, {"@10:20", 21, false},
        {"0.5", 0.6, true},   {":5", 3, false},     {"-5:-1", -3, false}, {"-5:-1", 0, true},
    };
    for (const auto& r : rows) {
        CAPTURE(r.text);
        CAPTURE(r.value);
        CHECK(range_alerts(range(r.text), r.value) == r.alerts);
    }
    CHECK(range("@1:2").text == "@1:2");
}

TEST_CASE("ranges that are not ranges are refused with the forms that are") {
    for (const char* bad :
         {"", "abc", "1:2:3", "20:10", "~", "@", "1e400", "nan", "inf:", "1 :2", "10s"}) {
        CAPTURE(bad);
        const auto parsed = parse_nagios_range(bad);
        REQUIRE(std::holds_alternative<std::string>(parsed));
        CHECK(std::get<std::string>(parsed).find("use N (alert outside 0..N)") !=
              std::string::npos);
    }
}

TEST_CASE("the monitoring state: the verdict's, raised by the thresholds, never lowered") {
    const auto passing = fixtures::passing();  // 60 days left
    CHECK(monitoring_state(passing, {}).state == exit_status::ok);
    CHECK_FALSE(monitoring_state(passing, {}).raised_by);

    monitoring_thresholds t;
    t.cert_warning = range("30:");
    t.cert_critical = range("7:");
    CHECK(monitoring_state(passing, t).state == exit_status::ok);
    t.cert_warning = range("90:");
    const auto warned = monitoring_state(passing, t);
    CHECK(warned.state == exit_status::warning);
    CHECK(warned.raised_by == std::string("certificate 60 days left (--cert-warning 90:)"));
    t.cert_critical = range("61:");
    CHECK(monitoring_state(passing, t).state == exit_status::failure);

    monitoring_thresholds time;
    time.time_warning = range("~:0.001");
    const auto slow = monitoring_state(passing, time);
    CHECK(slow.state == exit_status::warning);
    REQUIRE(slow.raised_by);
    CHECK(slow.raised_by->rfind("time ", 0) == 0);
    CHECK(slow.raised_by->find("(--time-warning ~:0.001)") != std::string::npos);

    // A failure stays a failure; a result without a certificate ignores the cert ranges.
    CHECK(monitoring_state(fixtures::auth_failure(), time).state == exit_status::failure);
    CHECK_FALSE(monitoring_state(fixtures::auth_failure(), time).raised_by);
    monitoring_thresholds cert_only;
    cert_only.cert_critical = range("1000:");
    CHECK(monitoring_state(fixtures::tcp_refused(), cert_only).state == exit_status::failure);
    CHECK(monitoring_state_id(exit_status::failure) == "critical");
    CHECK(monitoring_state_id(exit_status::cannot_run) == "unknown");
}
