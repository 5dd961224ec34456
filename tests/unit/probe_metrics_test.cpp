// A probe's result as /probe's metrics.
#include <doctest/doctest.h>

#include <regex>
#include <sstream>
#include <string>

#include "probe/serve/probe_metrics.hpp"
#include "tests/unit/report_fixtures.hpp"

using namespace smtp_probe;
using namespace smtp_probe::fixtures;

namespace {

std::string text_of(const probe_result& r, bool logs_in = true) {
    return exposition_text(probe_metric_families(r, logs_in));
}

bool has_line(const std::string& text, const std::string& line) {
    std::istringstream in(text);
    std::string l;
    while (std::getline(in, l)) {
        if (l == line) {
            return true;
        }
    }
    return false;
}

/// Every sample line is NAME{LABELS} VALUE with label values from a small alphabet.
void check_grammar(const std::string& text) {
    static const std::regex sample(
        R"(^[a-z_]+(\{([a-z_]+="[A-Za-z0-9_. +-]*")(,[a-z_]+="[A-Za-z0-9_. +-]*")*\})? [-+0-9.e]+$)");
    std::istringstream in(text);
    std::string l;
    while (std::getline(in, l)) {
        if (l.starts_with("# HELP ") || l.starts_with("# TYPE ")) {
            continue;
        }
        CAPTURE(l);
        CHECK(std::regex_match(l, sample));
    }
}

}  // namespace

TEST_CASE("a passing probe") {
    const auto text = text_of(passing());
    check_grammar(text);
    CHECK(has_line(text, "probe_success 1"));
    CHECK(has_line(text, "probe_duration_seconds 0.1524"));
    CHECK(has_line(text, "probe_dns_lookup_time_seconds 0.00324"));
    CHECK(has_line(text, "probe_ip_protocol 4"));
    CHECK(has_line(text, "probe_tls_version_info{version=\"TLS 1.3\"} 1"));
    CHECK(text.find("probe_ssl_earliest_cert_expiry ") != std::string::npos);
    CHECK(text.find("probe_ssl_last_chain_expiry_timestamp_seconds ") != std::string::npos);
    CHECK(has_line(text, "smtp_probe_verdict{category=\"ok\",cause=\"none\"} 1"));
    CHECK(has_line(text, "smtp_probe_auth_success 1"));
    CHECK(has_line(text, "smtp_probe_round_trips 9"));
    CHECK(has_line(text, "smtp_probe_phase_success{phase=\"auth\"} 1"));
    CHECK(has_line(text, "smtp_probe_phase_duration_seconds{phase=\"tls\"} 0.035"));
    CHECK(text.find("phase=\"data\"") == std::string::npos);  // skipped steps are not series
    CHECK(has_line(text, "smtp_probe_addresses{status=\"ok\"} 1"));
    CHECK(has_line(text, "smtp_probe_addresses{status=\"skip\"} 1"));  // resolved, not tried
    CHECK(has_line(text, "smtp_probe_addresses{status=\"fail\"} 0"));
    CHECK(text_of(passing(), false).find("smtp_probe_auth_success") == std::string::npos);
}

TEST_CASE("a failed login and an expired certificate") {
    const auto auth = text_of(auth_failure());
    check_grammar(auth);
    CHECK(has_line(auth, "probe_success 0"));
    CHECK(
        has_line(auth, "smtp_probe_verdict{category=\"auth_failed\",cause=\"bad_credentials\"} 1"));
    CHECK(has_line(auth, "smtp_probe_auth_success 0"));
    CHECK(has_line(auth, "smtp_probe_phase_success{phase=\"auth\"} 0"));
    CHECK(auth.find("phase=\"mail_from\"") == std::string::npos);

    const auto cert = text_of(certificate_failure());
    CHECK(has_line(cert, "probe_ssl_earliest_cert_expiry 1704067200"));
    // An expired chain did not verify, as blackbox_exporter (Go's VerifiedChains) sees it.
    CHECK(cert.find("probe_ssl_last_chain_expiry_timestamp_seconds") == std::string::npos);
    CHECK(has_line(
        cert, "smtp_probe_verdict{category=\"smtp_connect_failed\",cause=\"cert_expired\"} 1"));
}

TEST_CASE("nothing a server said becomes a label or a sample") {
    const auto text = text_of(hostile());
    check_grammar(text);
    CHECK(text.find("[31m") == std::string::npos);
    CHECK(text.find("bold") == std::string::npos);
    CHECK(text.find('\x1b') == std::string::npos);
    CHECK(text.find("5.7.8") == std::string::npos);
}

TEST_CASE("a probe that could not start") {
    const auto text = exposition_text(unrun_probe_families(0.25));
    CHECK(has_line(text, "probe_success 0"));
    CHECK(has_line(text, "probe_duration_seconds 0.25"));
}

TEST_CASE("TLS versions as blackbox_exporter names them") {
    CHECK(blackbox_tls_version("TLSv1.3") == "TLS 1.3");
    CHECK(blackbox_tls_version("TLSv1.2") == "TLS 1.2");
    CHECK(blackbox_tls_version("TLSv1") == "TLS 1.0");
    CHECK(blackbox_tls_version("") == "unknown");
}
