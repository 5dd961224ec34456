// The real smtp-probe binary against scripted servers: what a user types, what they read, and
// the exit code a scheduler sees — in JSON, in English and in Chinese.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "tests/fake/fake_smtp_server.hpp"
#include "tests/fake/test_certs.hpp"

using namespace std::chrono_literals;
using smtp_probe::fake::fake_smtp_server;
using smtp_probe::fake::leaf_kind;
using smtp_probe::fake::script;
using smtp_probe::fake::server_options;
using smtp_probe::fake::test_pki;

namespace {

constexpr std::string_view password = "e2e-Secret-9f3c";

struct run_result {
    int exit_code = -1;
    std::string out;
};

/// Runs the binary with `args` (shell words, none from the server), stdout captured, stderr
/// kept apart in a second capture when asked.
run_result run_probe(const std::string& args, bool capture_stderr = false) {
    setenv("SP_E2E_PASSWORD", std::string(password).c_str(), 1);
    const std::string command = std::string(SMTP_PROBE_BINARY) + " " + args +
                                (capture_stderr ? " 2>&1 >/dev/null" : " 2>/dev/null");
    run_result r;
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::array<char, 4096> buffer{};
    std::size_t n = 0;
    while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
        r.out.append(buffer.data(), n);
    }
    const int status = pclose(pipe);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

script starttls_then(std::string auth_reply, std::string rcpt_reply = "250 2.1.5 Ok\r\n") {
    script s;
    s.send("220 fake.test ESMTP\r\n")
        .expect("EHLO")
        .send("250-fake.test\r\n250 STARTTLS\r\n")
        .expect("STARTTLS")
        .send("220 2.0.0 Ready to start TLS\r\n")
        .start_tls()
        .expect("EHLO")
        .send("250-fake.test\r\n250-AUTH PLAIN LOGIN\r\n250 SIZE 10240000\r\n")
        .auth(std::move(auth_reply))
        .respond("250 2.0.0 Ok\r\n", {{"RCPT", std::move(rcpt_reply)}});
    return s;
}

std::string common_args(std::uint16_t port, const test_pki& pki) {
    return "check 127.0.0.1 --port " + std::to_string(port) +
           " --security starttls --user billing@example.test --password-env SP_E2E_PASSWORD"
           " --timeout 3s --helo probe.test --ca-file " +
           pki.ca_file();
}

boost::json::object parse_object(const std::string& text) {
    boost::system::error_code ec;
    auto v = boost::json::parse(text, ec);
    INFO(text);
    REQUIRE_FALSE(ec);
    REQUIRE(v.is_object());
    return v.as_object();
}

}  // namespace

TEST_CASE("535 over STARTTLS: JSON names auth_failed / bad_credentials, exit 2, no secret") {
    test_pki pki;
    server_options o;
    o.tls = pki.leaf(leaf_kind::valid);
    fake_smtp_server server(starttls_then("535 5.7.8 Error: authentication failed\r\n"), o);
    const auto r = run_probe(common_args(server.port(), pki) + " --format json --transcript");
    CHECK(r.exit_code == 2);
    const auto json = parse_object(r.out);
    CHECK(json.at("ok") == false);
    CHECK(json.at("category") == "auth_failed");
    CHECK(json.at("cause") == "bad_credentials");
    CHECK(json.at("underlying_cause").is_null());
    bool auth_failed = false;
    for (const auto& check : json.at("checks").as_array()) {
        if (check.at("name") == "auth") {
            auth_failed = check.at("status") == "fail";
        }
    }
    CHECK(auth_failed);
    CHECK(json.at("transcript").as_array().size() > 4);
    CHECK(r.out.find(password) == std::string::npos);
    CHECK(r.out.find("<redacted>") != std::string::npos);
}

TEST_CASE("the same failure in Chinese and in English text") {
    test_pki pki;
    server_options o;
    o.tls = pki.leaf(leaf_kind::valid);
    fake_smtp_server server(starttls_then("535 5.7.8 Error: authentication failed\r\n"), o);
    const auto zh = run_probe(common_args(server.port(), pki) + " --lang zh --color never");
    CHECK(zh.exit_code == 2);
    CHECK(zh.out.find("身份验证失败") != std::string::npos);
    CHECK(zh.out.find("[bad_credentials]") != std::string::npos);
    CHECK(zh.out.find("SMTP 密码") != std::string::npos);
    const auto en = run_probe(common_args(server.port(), pki) + " --lang en --color never");
    CHECK(en.exit_code == 2);
    CHECK(en.out.find("Authentication failed") != std::string::npos);
    CHECK(en.out.find("[bad_credentials]") != std::string::npos);
    CHECK(en.out.find('\x1b') == std::string::npos);
}

TEST_CASE("a healthy server: exit 0, every phase passes") {
    test_pki pki;
    server_options o;
    o.tls = pki.leaf(leaf_kind::valid);
    fake_smtp_server server(starttls_then("235 2.7.0 Authentication successful\r\n"), o);
    const auto r = run_probe(common_args(server.port(), pki) + " --format json");
    CHECK(r.exit_code == 0);
    const auto json = parse_object(r.out);
    CHECK(json.at("ok") == true);
    CHECK(json.at("category") == "ok");
    CHECK(json.at("cause").is_null());
    CHECK(json.at("warnings").as_array().empty());
    CHECK(json.find("transcript") == json.end());
    for (const auto& check : json.at("checks").as_array()) {
        CAPTURE(boost::json::serialize(check));
        CHECK((check.at("status") == "pass" || check.at("status") == "skip"));
    }
}

TEST_CASE("RCPT refused with 553 5.7.1 not owned: data_not_accepted / sender_not_owned") {
    test_pki pki;
    server_options o;
    o.tls = pki.leaf(leaf_kind::valid);
    fake_smtp_server server(
        starttls_then("235 2.7.0 Authentication successful\r\n",
                      "553 5.7.1 <billing@example.test>: Sender address rejected: not owned by "
                      "user billing\r\n"),
        o);
    const auto r = run_probe(common_args(server.port(), pki) + " --format json");
    CHECK(r.exit_code == 2);
    const auto json = parse_object(r.out);
    CHECK(json.at("category") == "data_not_accepted");
    CHECK(json.at("cause") == "sender_not_owned");
}

TEST_CASE("a certificate expiring in 3 days: exit 1 with cert_expiring") {
    test_pki pki;
    server_options o;
    o.tls = pki.leaf(leaf_kind::expiring_soon);
    fake_smtp_server server(starttls_then("235 2.7.0 Authentication successful\r\n"), o);
    const auto r = run_probe(common_args(server.port(), pki) + " --format json");
    CHECK(r.exit_code == 1);
    const auto json = parse_object(r.out);
    CHECK(json.at("ok") == true);
    bool expiring = false;
    for (const auto& w : json.at("warnings").as_array()) {
        expiring = expiring || w.at("cause") == "cert_expiring";
    }
    CHECK(expiring);
}

TEST_CASE("--all-addresses: the summary form with one result per address") {
    test_pki pki;
    server_options o;
    o.tls = pki.leaf(leaf_kind::valid);
    fake_smtp_server server(starttls_then("235 2.7.0 Authentication successful\r\n"), o);
    const auto r = run_probe(common_args(server.port(), pki) + " --format json --all-addresses");
    CHECK(r.exit_code == 0);
    const auto json = parse_object(r.out);
    CHECK(json.at("ok") == true);
    REQUIRE(json.at("results").is_array());
    CHECK(json.at("results").as_array().size() == 1);
}

TEST_CASE("bad arguments: exit 3 and one sentence naming the value") {
    const auto port = run_probe("check 127.0.0.1 --port 70000", true);
    CHECK(port.exit_code == 3);
    CHECK(port.out.find("70000") != std::string::npos);
    const auto mode = run_probe("check 127.0.0.1 --security sometimes", true);
    CHECK(mode.exit_code == 3);
    CHECK(mode.out.find("sometimes") != std::string::npos);
    const auto argv_password = run_probe("check 127.0.0.1 --user u --password hunter2", true);
    CHECK(argv_password.exit_code == 3);
    CHECK(argv_password.out.find("hunter2") == std::string::npos);
    const auto missing_ca =
        run_probe("check 127.0.0.1 --ca-file /nonexistent/ca.pem --format json", true);
    CHECK(missing_ca.exit_code == 3);
    CHECK(missing_ca.out.find("/nonexistent/ca.pem") != std::string::npos);
}

TEST_CASE("a closed port: connect_host / tcp_refused with exit 2") {
    const auto port = smtp_probe::fake::closed_port();
    const auto r = run_probe("check 127.0.0.1 --port " + std::to_string(port) +
                             " --security none --format json");
    CHECK(r.exit_code == 2);
    const auto json = parse_object(r.out);
    CHECK(json.at("category") == "connect_host");
    CHECK(json.at("cause") == "tcp_refused");
}

// ---- WHMCS's SSL Type words are judged as WHMCS's PHPMailer does (SMTPAutoTLS on) ----------

namespace {

std::string whmcs_none_args(std::uint16_t port, const test_pki& pki) {
    return "check 127.0.0.1 --port " + std::to_string(port) +
           " --ssl-type none --user billing@example.test --password-env SP_E2E_PASSWORD"
           " --timeout 3s --helo probe.test --ca-file " +
           pki.ca_file();
}

}  // namespace

TEST_CASE("SSL Type None on a STARTTLS port with an expired certificate fails as PHPMailer does") {
    // Before: None meant plain text, the upgrade was never tried and the verdict was OK, while
    // every WHMCS email failed with "certificate verify failed".
    test_pki pki;
    server_options o;
    o.tls = pki.leaf(leaf_kind::expired);
    fake_smtp_server server(starttls_then("235 2.7.0 Authentication successful\r\n"), o);
    const auto r = run_probe(whmcs_none_args(server.port(), pki) + " --format json");
    CHECK(r.exit_code == 2);
    const auto doc = parse_object(r.out);
    CHECK(doc.at("category").as_string() == "smtp_connect_failed");
    CHECK(doc.at("cause").as_string() == "cert_expired");
    CHECK(doc.at("auto_starttls").as_string() == "upgrade_failed");
    CHECK(doc.at("target").at("ssl_type").as_string() == "None");
    CHECK(doc.at("target").at("security").as_string() == "auto");

    const auto text = run_probe(whmcs_none_args(server.port(), pki) + " --lang en --color never");
    CHECK(text.exit_code == 2);
    CHECK(text.out.find("That automatic upgrade is the step that fails") != std::string::npos);
}

TEST_CASE("SSL Type None and STARTTLS answered 454: the upgrade fails, no plain-text fallback") {
    script s;
    s.send("220 fake.test ESMTP\r\n")
        .expect("EHLO")
        .send("250-fake.test\r\n250-AUTH PLAIN LOGIN\r\n250 STARTTLS\r\n")
        .expect("STARTTLS")
        .send("454 4.7.0 TLS not available due to local problem\r\n")
        .respond("250 2.0.0 Ok\r\n");
    test_pki pki;
    fake_smtp_server server(s);
    const auto r = run_probe(whmcs_none_args(server.port(), pki) + " --format json");
    CHECK(r.exit_code == 2);
    const auto doc = parse_object(r.out);
    CHECK(doc.at("category").as_string() == "connect_host");
    CHECK(doc.at("cause").as_string() == "starttls_unavailable");
    CHECK(doc.at("auto_starttls").as_string() == "upgrade_failed");
    // The password never went out in plain text after the refused upgrade.
    const auto records = server.connections();
    REQUIRE_FALSE(records.empty());
    for (const auto& line : records.front().lines) {
        CHECK(line.rfind("AUTH", 0) != 0);
    }
}

TEST_CASE("SSL Type None where AUTH comes only after TLS: PHPMailer upgrades and logs in") {
    // Before: auth_requires_tls, while PHPMailer upgraded by itself and sent the mail.
    test_pki pki;
    server_options o;
    o.tls = pki.leaf(leaf_kind::valid);
    fake_smtp_server server(starttls_then("235 2.7.0 Authentication successful\r\n"), o);
    const auto r = run_probe(whmcs_none_args(server.port(), pki) + " --format json");
    CHECK(r.exit_code == 0);
    const auto doc = parse_object(r.out);
    CHECK(doc.at("ok").as_bool());
    CHECK(doc.at("auto_starttls").as_string() == "works_upgraded");
    const auto zh = run_probe(whmcs_none_args(server.port(), pki) + " --lang zh --color never");
    CHECK(zh.exit_code == 0);
    CHECK(zh.out.find("会自动切换到 TLS") != std::string::npos);
    // --security auto is the same session but a plain SMTP check: no WHMCS note.
    const auto plain = run_probe("check 127.0.0.1 --port " + std::to_string(server.port()) +
                                 " --security auto --user billing@example.test --password-env "
                                 "SP_E2E_PASSWORD --timeout 3s --helo probe.test --ca-file " +
                                 pki.ca_file() + " --format json");
    CHECK(plain.exit_code == 0);
    CHECK(parse_object(plain.out).at("auto_starttls").is_null());
}

TEST_CASE("--security none stays plain text: STARTTLS is never sent") {
    script s;
    s.send("220 fake.test ESMTP\r\n")
        .expect("EHLO")
        .send("250-fake.test\r\n250-AUTH PLAIN LOGIN\r\n250 STARTTLS\r\n")
        .auth("235 2.7.0 Authentication successful\r\n")
        .respond("250 2.0.0 Ok\r\n");
    test_pki pki;
    fake_smtp_server server(s);
    const auto r = run_probe("check 127.0.0.1 --port " + std::to_string(server.port()) +
                             " --security none --user billing@example.test --password-env "
                             "SP_E2E_PASSWORD --timeout 3s --helo probe.test --format json");
    CHECK(r.exit_code == 1);  // credentials_in_clear
    const auto doc = parse_object(r.out);
    CHECK(doc.at("ok").as_bool());
    CHECK(doc.at("auto_starttls").is_null());
    const auto records = server.connections();
    REQUIRE_FALSE(records.empty());
    for (const auto& line : records.front().lines) {
        CHECK(line.rfind("STARTTLS", 0) != 0);
    }
}

TEST_CASE("an IPv6 literal host: a failure in WHMCS's words, a warning in a plain check") {
    test_pki pki;
    server_options o;
    o.listen_address = "::1";
    script s;
    s.send("220 fake.test ESMTP\r\n")
        .expect("EHLO")
        .send("250-fake.test\r\n250 AUTH PLAIN LOGIN\r\n")
        .auth("235 2.7.0 Authentication successful\r\n")
        .respond("250 2.0.0 Ok\r\n");
    fake_smtp_server server(s, o);
    const std::string rest = " --port " + std::to_string(server.port()) +
                             " --user billing@example.test --password-env SP_E2E_PASSWORD"
                             " --timeout 3s --helo probe.test --format json";
    for (const std::string host : {"::1", "[::1]"}) {
        CAPTURE(host);
        const auto whmcs = run_probe("check " + host + rest + " --ssl-type none");
        CHECK(whmcs.exit_code == 2);
        const auto doc = parse_object(whmcs.out);
        CHECK(doc.at("category").as_string() == "connect_host");
        CHECK(doc.at("cause").as_string() == "ipv6_literal_host");
        CHECK(doc.at("checks").as_array().at(0).at("status").as_string() == "fail");
    }
    // PHPMailer fails before connecting; so did the probe.
    CHECK(server.connection_count() == 0);

    const auto plain = run_probe("check ::1" + rest + " --security auto");
    CHECK(plain.exit_code == 1);
    const auto doc = parse_object(plain.out);
    CHECK(doc.at("ok").as_bool());
    bool warned = false;
    for (const auto& w : doc.at("warnings").as_array()) {
        warned = warned || w.at("cause").as_string() == "ipv6_literal_host";
    }
    CHECK(warned);
}

TEST_CASE("SSL Type TLS asks STARTTLS even when EHLO does not offer it, as PHPMailer does") {
    script s;
    s.send("220 fake.test ESMTP\r\n")
        .expect("EHLO")
        .send("250-fake.test\r\n250 AUTH PLAIN LOGIN\r\n")
        .respond("250 2.0.0 Ok\r\n",
                 {{"STARTTLS", "502 5.5.1 Error: command not implemented\r\n"}});
    fake_smtp_server server(s);
    const std::string rest = "check 127.0.0.1 --port " + std::to_string(server.port()) +
                             " --timeout 3s --helo probe.test --format json";
    const auto whmcs = run_probe(rest + " --ssl-type tls");
    CHECK(whmcs.exit_code == 2);
    const auto doc = parse_object(whmcs.out);
    CHECK(doc.at("cause").as_string() == "starttls_unavailable");
    // The server's own refusal is the evidence, as in WHMCS's log line.
    const auto& starttls = doc.at("checks").as_array().at(4).as_object();
    CHECK(starttls.at("name").as_string() == "starttls");
    CHECK(starttls.at("evidence").at("reply").at("code").as_int64() == 502);

    const auto plain = run_probe(rest + " --security starttls");
    CHECK(plain.exit_code == 2);
    CHECK(parse_object(plain.out).at("cause").as_string() == "starttls_unavailable");
    const auto records = server.connections();
    REQUIRE(records.size() == 2);
    const auto sent_starttls = [](const auto& lines) {
        return std::any_of(lines.begin(), lines.end(),
                           [](const std::string& l) { return l.rfind("STARTTLS", 0) == 0; });
    };
    CHECK(sent_starttls(records[0].lines));
    CHECK_FALSE(sent_starttls(records[1].lines));
}

TEST_CASE("--format nagios: the plugin's state line and exit code for OK, WARNING and CRITICAL") {
    test_pki pki;
    struct row {
        leaf_kind leaf;
        std::string auth_reply;
        int exit_code;
        std::string state;
    };
    const std::vector<row> rows = {
        {leaf_kind::valid, "235 2.7.0 Authentication successful\r\n", 0, "SMTP OK - "},
        {leaf_kind::expiring_soon, "235 2.7.0 Authentication successful\r\n", 1, "SMTP WARNING - "},
        {leaf_kind::valid, "535 5.7.8 Error: authentication failed\r\n", 2, "SMTP CRITICAL - "},
    };
    for (const auto& row : rows) {
        CAPTURE(row.state);
        server_options o;
        o.tls = pki.leaf(row.leaf);
        fake_smtp_server server(starttls_then(row.auth_reply), o);
        const auto r = run_probe(common_args(server.port(), pki) + " --format nagios --lang en");
        CHECK(r.exit_code == row.exit_code);
        CHECK(r.out.rfind(row.state + "127.0.0.1:", 0) == 0);
        if (row.exit_code == 0) {
            CHECK(r.out.find(": every step passed in ") != std::string::npos);
        }
        const auto bar = r.out.find(" | time=");
        CHECK(bar != std::string::npos);
        CHECK(r.out.find("cert_days_left=") != std::string::npos);
        // After the status line, Nagios's long output: nothing for OK, the warning for WARNING,
        // the failed step, the server's reply and the remedy for CRITICAL.
        const auto lines = std::count(r.out.begin(), r.out.end(), '\n');
        if (row.exit_code == 0) {
            CHECK(lines == 1);
        } else if (row.exit_code == 1) {
            CHECK(lines == 2);
            CHECK(r.out.find("\nWarnings: ") != std::string::npos);
        } else {
            CHECK(r.out.find("\nFailed step: Login (AUTH)\n") != std::string::npos);
            CHECK(r.out.find("\nServer reply: 535 5.7.8 Error: authentication failed\n") !=
                  std::string::npos);
            CHECK(r.out.find("\nWhat to do: ") != std::string::npos);
        }
        CHECK(r.out.find(password) == std::string::npos);
    }
}

TEST_CASE("--format nagios: a probe that cannot start says UNKNOWN on stdout with exit 3") {
    // A file that exists but holds no certificate: refused when the trust store is loaded.
    const auto r =
        run_probe("check 127.0.0.1 --port 1 --ca-file " SP_E2E_SOURCE_FILE " --format nagios");
    CHECK(r.exit_code == 3);
    CHECK(r.out.rfind("SMTP UNKNOWN - cannot load CA file ", 0) == 0);
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
    const auto refused = run_probe("diagnose 127.0.0.1 --format nagios", true);
    CHECK(refused.exit_code == 3);
    CHECK(refused.out.find("use text or json") != std::string::npos);
}

TEST_CASE("--format nagios: a command line that does not parse says UNKNOWN on stdout too") {
    // Before, the reason went to stderr only and Nagios showed "(No output on stdout)".
    struct row {
        std::string args;
        std::string reason;
    };
    const std::vector<row> rows = {
        {"check 127.0.0.1 --port 0 --format nagios", "SMTP UNKNOWN - --port '0' is out of range"},
        {"check 127.0.0.1 --format=NAGIOS --no-such-option", "SMTP UNKNOWN - unknown option "},
        {"run --format nagios", "SMTP UNKNOWN - --config FILE is missing"},
        {"diagnose 127.0.0.1 --format nagios", "SMTP UNKNOWN - --format: "},
    };
    for (const auto& row : rows) {
        CAPTURE(row.args);
        const auto r = run_probe(row.args);
        CHECK(r.exit_code == 3);
        CHECK(r.out.rfind(row.reason, 0) == 0);
        CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
    }
    // Without --format nagios stdout stays empty: the reason and the usage go to stderr.
    CHECK(run_probe("check 127.0.0.1 --port 0").out.empty());
}

TEST_CASE("thresholds: a passing probe raised to WARNING by --cert-warning, in every format") {
    test_pki pki;
    server_options o;
    o.tls = pki.leaf(leaf_kind::valid);
    const auto args = " --cert-warning 100000: --lang en";
    {
        fake_smtp_server server(starttls_then("235 2.7.0 Authentication successful\r\n"), o);
        const auto r = run_probe(common_args(server.port(), pki) + args + " --format json");
        CHECK(r.exit_code == 1);
        const auto json = parse_object(r.out);
        CHECK(json.at("ok") == true);
        CHECK(json.at("monitoring_state") == "warning");
        CHECK(json.at("monitoring_raised_by").as_string().ends_with("(--cert-warning 100000:)"));
    }
    {
        fake_smtp_server server(starttls_then("235 2.7.0 Authentication successful\r\n"), o);
        const auto r = run_probe(common_args(server.port(), pki) + args + " --format nagios");
        CHECK(r.exit_code == 1);
        CHECK(r.out.rfind("SMTP WARNING - 127.0.0.1:", 0) == 0);
        CHECK(r.out.find(";100000:") != std::string::npos);
    }
    {
        fake_smtp_server server(starttls_then("235 2.7.0 Authentication successful\r\n"), o);
        const auto r = run_probe(common_args(server.port(), pki) + args);
        CHECK(r.exit_code == 1);
        CHECK(r.out.find("Monitoring threshold: certificate ") != std::string::npos);
    }
    {
        fake_smtp_server server(starttls_then("235 2.7.0 Authentication successful\r\n"), o);
        const auto r = run_probe(common_args(server.port(), pki) + " --format json");
        CHECK(r.exit_code == 0);
        const auto json = parse_object(r.out);
        CHECK(json.at("monitoring_state") == "ok");
        CHECK(json.find("monitoring_raised_by") == json.end());
    }
}
