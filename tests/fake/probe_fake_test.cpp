// The probe against scripted servers on 127.0.0.1: every case plays one server behaviour and
// checks the category, the cause, the phase that failed and the evidence of the phases before it.
#include <fmt/format.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include <doctest/doctest.h>
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "checks/errors.hpp"
#include "checks/evidence.hpp"
#include "checks/phase.hpp"
#include "checks/request.hpp"
#include "checks/session/pipeline.hpp"
#include "tests/fake/fake_smtp_server.hpp"
#include "tests/fake/probe_test_support.hpp"
#include "tests/fake/run_blocking.hpp"
#include "tests/fake/test_certs.hpp"

using namespace std::chrono_literals;
using namespace smtp_probe;
using namespace smtp_probe::testing;
using fake::ca_kind;
using fake::fake_smtp_server;
using fake::leaf_kind;
using fake::script;
using fake::server_options;
using fake::test_pki;

namespace {

// base64("\0user\0password"): the AUTH PLAIN initial response (RFC 4616 section 2).
constexpr std::string_view plain_payload = "AHVzZXIAcGFzc3dvcmQ=";
constexpr std::string_view the_password = "password";

/// Phases that pass before the greeting on a plaintext connection.
const std::vector<phase> up_to_tcp = {phase::dns, phase::tcp};

/// Greeting, EHLO offering STARTTLS, STARTTLS, handshake, and an EHLO over TLS offering AUTH.
script starttls_session() {
    script s;
    s.send("220 fake.test ESMTP\r\n")
        .expect("EHLO probe.test")
        .send("250-fake.test\r\n250-PIPELINING\r\n250 STARTTLS\r\n")
        .expect("STARTTLS")
        .send("220 2.0.0 Ready to start TLS\r\n")
        .start_tls()
        .expect("EHLO probe.test")
        .send("250-fake.test\r\n250-AUTH PLAIN LOGIN\r\n250 SIZE 10240000\r\n");
    return s;
}

/// starttls_session() and a successful AUTH.
script authenticated_session() {
    script s = starttls_session();
    s.auth("235 2.7.0 Authentication successful\r\n");
    return s;
}

/// Ends a script after a failure: QUIT gets 221, anything else 250.
script& then_quit(script& s) {
    return s.respond("250 2.0.0 ok\r\n");
}

const std::vector<phase> up_to_auth = {phase::dns,         phase::tcp,      phase::greeting,
                                       phase::ehlo,        phase::starttls, phase::tls,
                                       phase::certificate, phase::auth};

/// What the server received, for failure messages.
std::string describe(const fake_smtp_server& server) {
    std::string s;
    const auto records = server.connections();
    for (std::size_t i = 0; i < records.size(); ++i) {
        s += "connection " + std::to_string(i) + (records[i].tls_established ? " (TLS)" : "") +
             ", " + std::to_string(records[i].bytes_received) + " bytes received:\n";
        for (const auto& l : records[i].lines) {
            s += "  C: " + l + "\n";
        }
        if (records[i].lines.empty() && !records[i].raw.empty()) {
            s += "  raw:";
            for (const char c : records[i].raw.substr(0, 64)) {
                const auto u = static_cast<unsigned char>(c);
                s += (u >= 0x20 && u < 0x7f) ? std::string(1, c) : fmt::format("\\x{:02x}", u);
            }
            s += "\n";
        }
        for (const auto& e : records[i].errors) {
            s += "  script: " + e + "\n";
        }
    }
    return s;
}

}  // namespace

TEST_CASE("greeting 421 or 554 instead of 220: connect_host / server_refused_session") {
    // A string, not a nullable char pointer: the analyzer follows the path where no SUBCASE runs.
    std::string greeting;
    SUBCASE("421") {
        greeting = "421 4.7.0 fake.test Too many connections, try later\r\n";
    }
    SUBCASE("554") {
        greeting = "554 5.7.1 fake.test Your IP is on a block list\r\n";
    }
    CAPTURE(greeting);
    fake_smtp_server server(script().send(greeting).close());
    captured_log log;
    const auto r = probe_once(make_request(server.port(), security_mode::starttls), log.logger);
    check_failure(r, "connect_host", "server_refused_session", phase::greeting, up_to_tcp);
    const auto* rec = r.find(phase::greeting);
    REQUIRE(rec->reply.has_value());
    CHECK(rec->reply->code == std::stoi(greeting.substr(0, 3)));
}

TEST_CASE("silence and no TLS on a port other than 25: connect_host / greeting_timeout") {
    fake_smtp_server server(script().silent_until_close());
    captured_log log;
    const auto r = probe_once(make_request(server.port(), security_mode::starttls), log.logger);
    check_failure(r, "connect_host", "greeting_timeout", phase::greeting, up_to_tcp);
    INFO(describe(server));
    CHECK(server.wait_finished(1, 3s));  // the server has seen everything
    const auto records = server.connections();
    REQUIRE_FALSE(records.empty());
    // RFC 5321 section 4.3.1: the client waits for the greeting and sends nothing before it.
    CHECK(records[0].bytes_received == 0);
    CHECK_FALSE(records[0].tls_established);
}

TEST_CASE("silence in plaintext, TLS on a second connection: connect_host / port_mode_mismatch") {
    test_pki pki;
    server_options o;
    o.tls = pki.leaf(leaf_kind::valid);
    // A 465-style server: nothing until a TLS handshake, then SMTP.
    fake_smtp_server server(
        script().start_tls().send("220 fake.test ESMTP\r\n").respond("250 ok\r\n"), o);
    security_mode mode = security_mode::starttls;
    SUBCASE("starttls") {
        mode = security_mode::starttls;
    }
    SUBCASE("none") {
        mode = security_mode::none;
    }
    SUBCASE("auto") {
        mode = security_mode::automatic;
    }
    CAPTURE(security_name(mode));
    auto req = make_request(server.port(), mode);
    req.ca_file = pki.ca_file();
    captured_log log;
    const auto r = probe_once(req, log.logger);
    check_failure(r, "connect_host", "port_mode_mismatch", phase::greeting, up_to_tcp);
    CHECK(server.wait_finished(2, 3s));  // the server has seen everything
    const auto records = server.connections();
    REQUIRE(records.size() >= 2);
    CHECK(records[0].bytes_received == 0);  // nothing sent in plaintext
    CHECK_FALSE(records[0].tls_established);
    CHECK(records[1].tls_established);  // the sniffing connection
}

TEST_CASE("an SSH banner: connect_host / not_smtp") {
    fake_smtp_server server(
        script().send("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n").silent_until_close());
    captured_log log;
    const auto r = probe_once(make_request(server.port(), security_mode::starttls), log.logger);
    check_failure(r, "connect_host", "not_smtp", phase::greeting, up_to_tcp);
}

TEST_CASE("STARTTLS required but not advertised: connect_host / starttls_unavailable") {
    script s;
    s.send("220 fake.test ESMTP\r\n")
        .expect("EHLO")
        .send("250-fake.test\r\n250-AUTH PLAIN LOGIN\r\n250 SIZE 1000000\r\n");
    fake_smtp_server server(then_quit(s));
    captured_log log;
    auto req = make_request(server.port(), security_mode::starttls);
    add_credentials(req);
    const auto r = probe_once(req, log.logger);
    check_failure(r, "connect_host", "starttls_unavailable", phase::starttls,
                  {phase::dns, phase::tcp, phase::greeting, phase::ehlo});
    const auto lines = lines_of(server);
    CHECK_FALSE(any_line_starts_with(lines, "STARTTLS"));
    CHECK_FALSE(any_line_starts_with(lines, "AUTH"));  // no credentials in clear
    CHECK_FALSE(any_line_starts_with(lines, "MAIL"));
}

TEST_CASE("STARTTLS answered 454: connect_host / starttls_unavailable") {
    script s;
    s.send("220 fake.test ESMTP\r\n")
        .expect("EHLO")
        .send("250-fake.test\r\n250 STARTTLS\r\n")
        .expect("STARTTLS")
        .send("454 4.7.0 TLS not available due to local problem\r\n");
    fake_smtp_server server(then_quit(s));
    captured_log log;
    auto req = make_request(server.port(), security_mode::starttls);
    add_credentials(req);
    const auto r = probe_once(req, log.logger);
    check_failure(r, "connect_host", "starttls_unavailable", phase::starttls,
                  {phase::dns, phase::tcp, phase::greeting, phase::ehlo});
    REQUIRE(r.find(phase::starttls)->reply.has_value());
    CHECK(r.find(phase::starttls)->reply->code == 454);
    CHECK_FALSE(any_line_starts_with(lines_of(server), "AUTH"));
}

TEST_CASE("implicit TLS against a plaintext server: connect_host / port_mode_mismatch") {
    test_pki pki;
    fake_smtp_server server(script().send("220 fake.test ESMTP\r\n").silent_until_close());
    auto req = make_request(server.port(), security_mode::tls);
    req.ca_file = pki.ca_file();
    captured_log log;
    const auto r = probe_once(req, log.logger);
    check_failure(r, "connect_host", "port_mode_mismatch", phase::tls, up_to_tcp);
    CHECK(server.wait_finished(1, 3s));  // the server has seen everything
    const auto records = server.connections();
    REQUIRE_FALSE(records.empty());
    REQUIRE_FALSE(records[0].raw.empty());
    CHECK(records[0].raw[0] == '\x16');  // the probe's ClientHello reached the plaintext server
}

TEST_CASE("AUTH answered 535 5.7.8: auth_failed / bad_credentials") {
    test_pki pki;
    server_options o;
    o.tls = pki.leaf(leaf_kind::valid);
    script s = starttls_session();
    s.auth("535 5.7.8 Error: authentication failed: UGFzc3dvcmQ6\r\n");
    fake_smtp_server server(then_quit(s), o);
    auto req = make_request(server.port(), security_mode::starttls);
    req.ca_file = pki.ca_file();
    add_credentials(req);
    captured_log log;
    const auto r = probe_once(req, log.logger);
    check_failure(r, "auth_failed", "bad_credentials", phase::auth,
                  {phase::dns, phase::tcp, phase::greeting, phase::ehlo, phase::starttls,
                   phase::tls, phase::certificate});
    INFO(describe(r));
    INFO(describe(server));
    CHECK_FALSE(any_line_starts_with(lines_of(server), "MAIL"));
}

TEST_CASE("MAIL FROM and RCPT TO refusals") {
    test_pki pki;
    server_options o;
    o.tls = pki.leaf(leaf_kind::valid);
    struct row {
        const char* name;
        const char* mail_reply;  ///< nullptr: MAIL gets 250 and RCPT gets rcpt_reply
        const char* rcpt_reply;
        const char* category;
        const char* cause;
    };
    const row rows[] = {
        {"553 5.7.1 not owned, at MAIL",
         "553 5.7.1 <user@example.test>: Sender address rejected: not owned by user user\r\n",
         nullptr, "data_not_accepted", "sender_not_owned"},
        {"553 5.7.1 not owned, at RCPT", nullptr,
         "553 5.7.1 <user@example.test>: Sender address rejected: not owned by user user\r\n",
         "data_not_accepted", "sender_not_owned"},
        {"550 5.1.8 sender unknown, at MAIL",
         "550 5.1.8 <user@example.test>: Sender address rejected: Domain not found\r\n", nullptr,
         "sender_verify", "sender_unknown"},
        {"451 4.7.1 rate limit, at MAIL",
         "451 4.7.1 <user@example.test>: Rate limit exceeded, try again later\r\n", nullptr,
         "data_not_accepted", "rate_limited"},
        {"451 4.7.1 rate limit, at RCPT", nullptr,
         "451 4.7.1 <rcpt@example.test>: Recipient address rejected: rate limit exceeded\r\n",
         "data_not_accepted", "rate_limited"},
    };
    for (const auto& row : rows) {
        CAPTURE(row.name);
        script s = authenticated_session();
        s.expect("MAIL FROM:<user@example.test>");
        if (row.mail_reply != nullptr) {
            s.send(row.mail_reply);
        } else {
            s.send("250 2.1.0 Ok\r\n").expect("RCPT TO:<rcpt@example.test>").send(row.rcpt_reply);
        }
        fake_smtp_server server(then_quit(s), o);
        auto req = make_request(server.port(), security_mode::starttls);
        req.ca_file = pki.ca_file();
        add_credentials(req);
        captured_log log;
        const auto r = probe_once(req, log.logger);
        if (row.mail_reply != nullptr) {
            check_failure(r, row.category, row.cause, phase::mail_from, up_to_auth);
            CHECK_FALSE(any_line_starts_with(lines_of(server), "RCPT"));
        } else {
            std::vector<phase> passed(up_to_auth);
            passed.push_back(phase::mail_from);
            check_failure(r, row.category, row.cause, phase::rcpt, passed);
        }
        CHECK(server.errors().empty());
    }
}

TEST_CASE("no reply after EHLO: connect_host / reply_timeout") {
    fake_smtp_server server(
        script().send("220 fake.test ESMTP\r\n").expect("EHLO").silent_until_close());
    captured_log log;
    const auto started = std::chrono::steady_clock::now();
    const auto r = probe_once(make_request(server.port(), security_mode::starttls), log.logger);
    check_failure(r, "connect_host", "reply_timeout", phase::ehlo,
                  {phase::dns, phase::tcp, phase::greeting});
    // Bounded by the reply timeout (2 s), not by the server.
    CHECK(std::chrono::steady_clock::now() - started < 6s);
}

TEST_CASE("the server closes in the middle of the EHLO reply: connect_host / connection_lost") {
    fake_smtp_server server(
        script().send("220 fake.test ESMTP\r\n").expect("EHLO").send("250-first\r\n").close());
    captured_log log;
    const auto r = probe_once(make_request(server.port(), security_mode::starttls), log.logger);
    check_failure(r, "connect_host", "connection_lost", phase::ehlo,
                  {phase::dns, phase::tcp, phase::greeting});
}

TEST_CASE("bytes after the STARTTLS 220: connect_host / protocol_violation, no TLS trusted") {
    test_pki pki;
    server_options o;
    o.tls = pki.leaf(leaf_kind::valid);
    // CVE-2011-0411 style: a reply injected behind the 220, then a real TLS server.
    fake_smtp_server server(script()
                                .send("220 fake.test ESMTP\r\n")
                                .expect("EHLO")
                                .send("250-fake.test\r\n250 STARTTLS\r\n")
                                .expect("STARTTLS")
                                .send("220 go\r\n250 injected\r\n")
                                .start_tls()
                                .expect("EHLO")
                                .send("250-fake.test\r\n250 AUTH PLAIN\r\n")
                                .respond("250 ok\r\n"),
                            o);
    auto req = make_request(server.port(), security_mode::starttls);
    req.ca_file = pki.ca_file();
    add_credentials(req);
    captured_log log;
    const auto r = probe_once(req, log.logger);
    check_failure(r, "connect_host", "protocol_violation", phase::starttls,
                  {phase::dns, phase::tcp, phase::greeting, phase::ehlo});
    INFO(describe(r));
    CHECK(status_of(r, phase::tls) != "pass");
    CHECK_FALSE(r.find(phase::tls)->tls.has_value());
    CHECK_FALSE(r.find(phase::certificate)->certificate.has_value());
    CHECK(status_of(r, phase::auth) != "pass");
    CHECK(server.wait_finished(1, 3s));  // the server has seen everything
    const auto records = server.connections();
    REQUIRE_FALSE(records.empty());
    CHECK_FALSE(records[0].tls_established);
    const auto& lines = records[0].lines;
    CHECK_FALSE(any_line_starts_with(lines, "AUTH"));
    CHECK(std::count(lines.begin(), lines.end(), "EHLO probe.test") == 1);
}

TEST_CASE("happy path over STARTTLS with AUTH PLAIN, MAIL, RCPT, RSET, QUIT") {
    test_pki pki;
    server_options o;
    o.tls = pki.leaf(leaf_kind::valid);
    script full;
    full.expect_nothing(150ms)  // nothing from the client before the greeting
        .append(authenticated_session())
        .expect("MAIL FROM:<user@example.test>")
        .send("250 2.1.0 Ok\r\n")
        .expect("RCPT TO:<rcpt@example.test>")
        .send("250 2.1.5 Ok\r\n")
        .expect("RSET")
        .send("250 2.0.0 Ok\r\n")
        .expect("QUIT")
        .send("221 2.0.0 Bye\r\n")
        .close();
    fake_smtp_server server(full, o);
    auto req = make_request(server.port(), security_mode::starttls);
    req.ca_file = pki.ca_file();
    add_credentials(req);
    captured_log log;
    const auto r = probe_once(req, log.logger);
    INFO(describe(r));
    CHECK(category_of(r) == "ok");
    CHECK(cause_of(r) == "(none)");
    CHECK(failed_phase_of(r) == "(none)");
    for (const phase p :
         {phase::dns, phase::tcp, phase::greeting, phase::ehlo, phase::starttls, phase::tls,
          phase::certificate, phase::auth, phase::mail_from, phase::rcpt, phase::quit}) {
        CAPTURE(phase_name(p));
        CHECK(status_of(r, p) == "pass");
    }
    CHECK(r.warnings.empty());
    CHECK(exit_status_of(r) == exit_status::ok);
    REQUIRE(r.find(phase::tls)->tls.has_value());
    CHECK(r.find(phase::tls)->tls->version.rfind("TLSv1.", 0) == 0);
    REQUIRE(r.find(phase::certificate)->certificate.has_value());
    CHECK(r.find(phase::certificate)->certificate->chain_trusted);
    CHECK(r.find(phase::certificate)->certificate->name_matches);
    CHECK(r.find(phase::auth)->mechanism == std::optional<std::string>("PLAIN"));

    REQUIRE(server.wait_finished(1, 3s));
    CHECK(server.errors().empty());
    const auto records = server.connections();
    REQUIRE(records.size() == 1);  // no second connection when the greeting is prompt
    CHECK(records[0].tls_established);
    // The AUTH PLAIN payload, as an initial response or after an empty 334 (RFC 4954 section 4).
    const auto& lines = records[0].lines;
    std::string payload;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].rfind("AUTH PLAIN", 0) == 0) {
            payload = lines[i].size() > 11 ? lines[i].substr(11)
                                           : (i + 1 < lines.size() ? lines[i + 1] : "");
        }
    }
    CHECK(payload == plain_payload);

    // The password and the payload appear nowhere the user can read.
    for (const auto& t : r.transcript) {
        CAPTURE(t.text);
        CHECK(t.text.find(the_password) == std::string::npos);
        CHECK(t.text.find(plain_payload) == std::string::npos);
    }
    for (const auto& rec : r.checks) {
        CHECK(rec.detail.find(the_password) == std::string::npos);
        CHECK(rec.detail.find(plain_payload) == std::string::npos);
    }
    const auto logged = log.text();
    CHECK_FALSE(logged.empty());
    CHECK(logged.find(the_password) == std::string::npos);
    CHECK(logged.find(plain_payload) == std::string::npos);
}

TEST_CASE("happy path over implicit TLS") {
    test_pki pki;
    server_options o;
    o.tls = pki.leaf(leaf_kind::valid);
    fake_smtp_server server(script()
                                .start_tls()
                                .send("220 fake.test ESMTP\r\n")
                                .expect("EHLO probe.test")
                                .send("250-fake.test\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n")
                                .auth("235 2.7.0 Authentication successful\r\n")
                                .expect("MAIL FROM:<user@example.test>")
                                .send("250 2.1.0 Ok\r\n")
                                .expect("RCPT TO:<rcpt@example.test>")
                                .send("250 2.1.5 Ok\r\n")
                                .respond("250 2.0.0 Ok\r\n"),
                            o);
    auto req = make_request(server.port(), security_mode::tls);
    req.ca_file = pki.ca_file();
    add_credentials(req);
    captured_log log;
    const auto r = probe_once(req, log.logger);
    INFO(describe(r));
    CHECK(category_of(r) == "ok");
    CHECK(cause_of(r) == "(none)");
    for (const phase p : {phase::dns, phase::tcp, phase::tls, phase::certificate, phase::greeting,
                          phase::ehlo, phase::auth, phase::mail_from, phase::rcpt, phase::quit}) {
        CAPTURE(phase_name(p));
        CHECK(status_of(r, p) == "pass");
    }
    CHECK(status_of(r, phase::starttls) == "skip");
    CHECK(r.warnings.empty());
    REQUIRE(server.wait_finished(1, 3s));
    CHECK(server.errors().empty());
    REQUIRE(server.connection_count() == 1);
    CHECK(server.connections()[0].tls_established);
    CHECK_FALSE(any_line_starts_with(lines_of(server), "STARTTLS"));
}

TEST_CASE("certificate failures: smtp_connect_failed") {
    test_pki pki;
    struct row {
        leaf_kind kind;
        const char* cause;
    };
    const row rows[] = {
        {leaf_kind::expired, "cert_expired"},
        {leaf_kind::not_yet_valid, "cert_expired"},
        {leaf_kind::self_signed, "cert_untrusted"},
        {leaf_kind::other_host, "cert_name_mismatch"},
        // A valid leaf under an expired intermediate: OpenSSL, and so PHP, refuse it.
        {leaf_kind::expired_intermediate, "cert_expired"},
        // Three faults at once: the headline is the one renewing would not fix.
        {leaf_kind::expired_self_signed_other_host, "cert_untrusted"},
    };
    for (const auto& row : rows) {
        CAPTURE(row.cause);
        CAPTURE(static_cast<int>(row.kind));
        server_options o;
        o.tls = pki.leaf(row.kind);
        script s = starttls_session();
        fake_smtp_server server(then_quit(s), o);
        auto req = make_request(server.port(), security_mode::starttls);
        req.ca_file = pki.ca_file();
        add_credentials(req);
        captured_log log;
        const auto r = probe_once(req, log.logger);
        check_failure(
            r, "smtp_connect_failed", row.cause, phase::certificate,
            {phase::dns, phase::tcp, phase::greeting, phase::ehlo, phase::starttls, phase::tls});
        const auto* rec = r.find(phase::certificate);
        REQUIRE(rec->certificate.has_value());
        if (row.kind == leaf_kind::expired) {
            CHECK(rec->certificate->days_left < 0);
        }
        if (row.kind == leaf_kind::self_signed) {
            CHECK(rec->certificate->self_signed);
            CHECK_FALSE(rec->certificate->chain_trusted);
        }
        if (row.kind == leaf_kind::other_host) {
            CHECK_FALSE(rec->certificate->name_matches);
            CHECK(rec->certificate->dns_names == std::vector<std::string>{"other.example"});
        }
        if (row.kind == leaf_kind::expired_intermediate) {
            CHECK(rec->certificate->chain_trusted);
            CHECK(rec->certificate->days_left > 300);
            REQUIRE(rec->certificate->chain.size() == 3);  // leaf, intermediate, the test CA
            CHECK(rec->certificate->chain[1].name == "smtp-probe test intermediate");
            CHECK(rec->detail.find("chain: \"smtp-probe test intermediate\" expired") !=
                  std::string::npos);
        }
        if (row.kind == leaf_kind::expired_self_signed_other_host) {
            // The notes still name the other two.
            CHECK(rec->detail.find("expired") != std::string::npos);
            CHECK(rec->detail.find("names other.example") != std::string::npos);
            CHECK(rec->detail.find("self-signed") != std::string::npos);
        }
        // Nothing is authenticated over a connection whose certificate failed.
        CHECK_FALSE(any_line_starts_with(lines_of(server), "AUTH"));
    }
}

TEST_CASE("an expired trust anchor: smtp_connect_failed / cert_expired") {
    test_pki pki(ca_kind::expired);
    server_options o;
    o.tls = pki.leaf(leaf_kind::valid);
    script s = starttls_session();
    fake_smtp_server server(then_quit(s), o);
    auto req = make_request(server.port(), security_mode::starttls);
    req.ca_file = pki.ca_file();
    captured_log log;
    const auto r = probe_once(req, log.logger);
    check_failure(
        r, "smtp_connect_failed", "cert_expired", phase::certificate,
        {phase::dns, phase::tcp, phase::greeting, phase::ehlo, phase::starttls, phase::tls});
    const auto* rec = r.find(phase::certificate);
    REQUIRE(rec->certificate.has_value());
    REQUIRE(rec->certificate->chain.size() == 2);
    CHECK(rec->certificate->chain[1].name == "smtp-probe test CA");
    CHECK(rec->detail.find("chain: \"smtp-probe test CA\" expired") != std::string::npos);
}

TEST_CASE("the matching name is the 300th subjectAltName: ok, as OpenSSL's own check says") {
    test_pki pki;
    server_options o;
    o.tls = pki.leaf(leaf_kind::name_past_300);
    script s = authenticated_session();
    fake_smtp_server server(then_quit(s), o);
    auto req = make_request(server.port(), security_mode::starttls);
    req.host = "localhost";
    req.ca_file = pki.ca_file();
    add_credentials(req);
    captured_log log;
    const auto r = probe_once(req, log.logger);
    INFO(describe(r));
    CHECK(category_of(r) == "ok");
    const auto* rec = r.find(phase::certificate);
    REQUIRE(rec->certificate.has_value());
    CHECK(rec->certificate->dns_names.size() == 300);
}

TEST_CASE("an intermediate that expires in 3 days: ok with warning cert_expiring") {
    test_pki pki;
    server_options o;
    o.tls = pki.leaf(leaf_kind::intermediate_expiring_soon);
    script s = authenticated_session();
    fake_smtp_server server(then_quit(s), o);
    auto req = make_request(server.port(), security_mode::starttls);
    req.ca_file = pki.ca_file();
    add_credentials(req);
    captured_log log;
    const auto r = probe_once(req, log.logger);
    INFO(describe(r));
    CHECK(category_of(r) == "ok");
    CHECK(has_warning(r, warning_kind::cert_expiring));
    const auto* rec = r.find(phase::certificate);
    CHECK(rec->detail.find("chain: \"smtp-probe test intermediate\" expires") != std::string::npos);
}

TEST_CASE("a certificate that expires in 3 days: ok with warning cert_expiring") {
    test_pki pki;
    server_options o;
    o.tls = pki.leaf(leaf_kind::expiring_soon);
    script s = authenticated_session();
    fake_smtp_server server(then_quit(s), o);
    auto req = make_request(server.port(), security_mode::starttls);
    req.ca_file = pki.ca_file();
    add_credentials(req);
    captured_log log;
    const auto r = probe_once(req, log.logger);
    INFO(describe(r));
    CHECK(category_of(r) == "ok");
    CHECK(has_warning(r, warning_kind::cert_expiring));
    CHECK(exit_status_of(r) == exit_status::warning);
    const auto* rec = r.find(phase::certificate);
    REQUIRE(rec->certificate.has_value());
    CHECK(rec->certificate->days_left == 3);
    CHECK(status_of(r, phase::certificate) != "fail");
    CHECK(status_of(r, phase::auth) == "pass");
}

TEST_CASE("EHLO rejected, HELO accepted: the session passes with used_helo") {
    fake_smtp_server server(script()
                                .send("220 fake.test SMTP\r\n")
                                .expect("EHLO probe.test")
                                .send("502 5.5.2 Error: command not recognized\r\n")
                                .expect("HELO probe.test")
                                .send("250 fake.test\r\n")
                                .respond("250 2.0.0 Ok\r\n"));
    captured_log log;
    const auto r = probe_once(make_request(server.port(), security_mode::none), log.logger);
    INFO(describe(r));
    CHECK(category_of(r) == "ok");
    CHECK(status_of(r, phase::ehlo) == "pass");
    CHECK(r.find(phase::ehlo)->used_helo);
    CHECK(status_of(r, phase::mail_from) == "pass");
    CHECK(status_of(r, phase::rcpt) == "pass");
    CHECK(server.errors().empty());
}

TEST_CASE("a closed port: connect_host / tcp_refused") {
    captured_log log;
    const auto r =
        probe_once(make_request(fake::closed_port(), security_mode::starttls), log.logger);
    check_failure(r, "connect_host", "tcp_refused", phase::tcp, {phase::dns});
    REQUIRE(r.find(phase::tcp)->sys_errno.has_value());
    CHECK(*r.find(phase::tcp)->sys_errno == ECONNREFUSED);
    CHECK(status_of(r, phase::greeting) == "skip");
}
