#include "probe/report/report_nagios.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/unit/perfdata_grammar.hpp"
#include "tests/unit/report_fixtures.hpp"

using namespace smtp_probe;

namespace {

std::string first_line(const std::string& out) {
    return out.substr(0, out.find('\n'));
}

/// The performance data of the first line: after its only '|'.
std::string perf_part(const std::string& line) {
    const auto bar = line.find('|');
    REQUIRE(bar != std::string::npos);
    CHECK(line.find('|', bar + 1) == std::string::npos);
    return line.substr(bar + 1);
}

}  // namespace

TEST_CASE("perf_label quotes what the grammar needs quoted") {
    struct row {
        std::string in;
        std::string out;
    };
    const std::vector<row> rows = {
        {"time", "time"}, {"tls_time", "tls_time"}, {"a b", "'a b'"},
        {"a=b", "'a=b'"}, {"it's", "'it''s'"},      {"x\ny\x7f", "xy"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.in);
        CHECK(perf_label(r.in) == r.out);
        const auto parsed = perfgrammar::parse(perf_label(r.in) + "=1");
        REQUIRE(parsed);
        REQUIRE(parsed->size() == 1);
    }
    CHECK(perfgrammar::parse("'it''s'=1")->front().label == "it's");
}

TEST_CASE("format_perfdata writes values, units and only the fields up to the last given") {
    struct row {
        perf_value in;
        std::string out;
    };
    const std::vector<row> rows = {
        {{"time", 0.1234567, "s", {}, {}, 0.0, {}}, "time=0.123457s;;;0"},
        {{"time", 2, "s", "1.5", "@3:5", 0.0, 10}, "time=2s;1.5;@3:5;0;10"},
        {{"round_trips", 7, "", {}, {}, {}, {}}, "round_trips=7"},
        {{"cert_days_left", -3, "", "14:", {}, {}, {}}, "cert_days_left=-3;14:"},
        {{"t", 1, "s", "~:2|x", {}, {}, {}}, "t=1s;~:2/x"},
        {{"x", -0.0000001, "", {}, {}, {}, {}}, "x=0"},
        {{"big", 1e9, "B", {}, {}, {}, {}}, "big=1000000000B"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.out);
        CHECK(format_perfdata({r.in}) == r.out);
        if (r.in.label != "t") {
            CHECK(perfgrammar::parse(format_perfdata({r.in})));
        }
    }
    CHECK(format_perfdata({rows[0].in, rows[2].in}) == "time=0.123457s;;;0 round_trips=7");
}

TEST_CASE("the grammar reader refuses what breaks the grammar") {
    for (const char* bad :
         {"time", "=1", "time=", "time=1x", "time=1s;;;;;", "'a=1", "t=1;a", "t=1.2.3", "t=abc"}) {
        CAPTURE(bad);
        CHECK_FALSE(perfgrammar::parse(bad));
    }
}

TEST_CASE("a passing probe: SMTP OK, its verdict, and grammatical performance data") {
    const auto r = fixtures::passing();
    const auto out = render_nagios({r}, language::en);
    const auto line = first_line(out);
    CHECK(line.rfind("SMTP OK - mail.example.com:587: every step passed in ", 0) == 0);
    CHECK(first_line(render_nagios({r}, language::zh)).find(": 所有步骤均通过 in ") !=
          std::string::npos);
    CHECK(out == line + "\n");
    const auto items = perfgrammar::parse(perf_part(line));
    REQUIRE(items);
    std::vector<std::string> labels;
    for (const auto& it : *items) {
        labels.push_back(it.label);
    }
    REQUIRE(labels.size() >= 4);
    CHECK(labels.front() == "time");
    CHECK(items->front().uom == "s");
    CHECK(std::find(labels.begin(), labels.end(), "tls_time") != labels.end());
    CHECK(std::find(labels.begin(), labels.end(), "round_trips") != labels.end());
    const auto cert = std::find(labels.begin(), labels.end(), "cert_days_left");
    REQUIRE(cert != labels.end());
    CHECK((*items)[static_cast<std::size_t>(cert - labels.begin())].value == "60");
}

TEST_CASE("a failing probe is CRITICAL with its category and cause; a warning is WARNING") {
    const auto auth = render_nagios({fixtures::auth_failure()}, language::en);
    CHECK(auth.rfind("SMTP CRITICAL - ", 0) == 0);
    CHECK(auth.find("(auth_failed)") != std::string::npos);
    CHECK(perfgrammar::parse(perf_part(first_line(auth))));
    // The long output: the failed step, the server's reply, then each remedy step.
    CHECK(auth.find("\nFailed step: ") != std::string::npos);
    CHECK(auth.find("\nServer reply: 535") != std::string::npos);
    CHECK(std::count(auth.begin(), auth.end(), '\n') >= 4);
    CHECK(auth.find('|') == auth.find(" | "));

    const auto warn = render_nagios({fixtures::with_warnings()}, language::en);
    CHECK(warn.rfind("SMTP WARNING - ", 0) == 0);
    CHECK(warn.find("\nWarnings: ") != std::string::npos);

    const auto zh = render_nagios({fixtures::auth_failure()}, language::zh);
    CHECK(zh.rfind("SMTP CRITICAL - ", 0) == 0);
    CHECK(zh != auth);
}

TEST_CASE("several addresses: the worst speaks for the status line, each has its own line") {
    auto good = fixtures::passing();
    auto bad = fixtures::tcp_refused();
    const auto out = render_nagios({good, bad}, language::en);
    CHECK(out.rfind("SMTP CRITICAL - ", 0) == 0);
    CHECK(first_line(out).find("(1 of 2 addresses failing)") != std::string::npos);
    CHECK(first_line(render_nagios({good, good}, language::en)).find(": 2 addresses") ==
          std::string::npos);
    CHECK(first_line(render_nagios({good, good}, language::en)).find(" (2 addresses): ") !=
          std::string::npos);
    CHECK(out.find("\nOK 192.0.2.10:587: ") != std::string::npos);
    CHECK(out.find("\nCRITICAL ") != std::string::npos);
    // The per-address lines come first, then the worst address's failed step and remedy.
    CHECK(out.find("\nCRITICAL ") < out.find("\nFailed step: "));
    CHECK(out.find("\nFailed step: ") != std::string::npos);
}

TEST_CASE("server and config text never opens the performance data or breaks the line") {
    auto r = fixtures::hostile();
    r.target.host = "evil|host\nx";
    const auto out = render_nagios({r}, language::en);
    const auto line = first_line(out);
    CHECK(line.find("evil/host x") != std::string::npos);
    CHECK(perfgrammar::parse(perf_part(line)));
    CHECK(fixtures::no_controls_but_newline(out));
    CHECK(nagios_unknown("no CA\nfile | here") == "SMTP UNKNOWN - no CA file / here\n");
    // Nagios 4 would show a ';' as ':' (the tests/integration/nagios_test.py found it).
    CHECK(nagios_text("a; b") == "a, b");
    CHECK(render_nagios({}, language::en).rfind("SMTP UNKNOWN - ", 0) == 0);
}

TEST_CASE("thresholds raise the state and travel in the performance data") {
    monitoring_thresholds t;
    t.cert_warning = std::get<nagios_range>(parse_nagios_range("90:"));
    t.time_warning = std::get<nagios_range>(parse_nagios_range("5"));
    const auto out = render_nagios({fixtures::passing()}, language::en, t);
    CHECK(out.rfind("SMTP WARNING - mail.example.com:587: certificate 60 days left "
                    "(--cert-warning 90:), every step passed in ",
                    0) == 0);
    const auto items = perfgrammar::parse(perf_part(first_line(out)));
    REQUIRE(items);
    CHECK(items->front().thresholds == std::vector<std::string>{"5", "", "0"});
    CHECK(items->back().label == "cert_days_left");
    CHECK(items->back().thresholds == std::vector<std::string>{"90:"});

    t.cert_critical = std::get<nagios_range>(parse_nagios_range("@0:60"));
    CHECK(render_nagios({fixtures::passing()}, language::en, t).rfind("SMTP CRITICAL - ", 0) == 0);
}
