// run_diagnose against scripted servers on extra ports: the one --deadline for the whole
// diagnosis, and AUTH one combination at a time.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "checks/errors.hpp"
#include "probe/commands/diagnose/diagnose.hpp"
#include "tests/fake/diagnose_blocking.hpp"
#include "tests/fake/fake_dns_server.hpp"
#include "tests/fake/fake_smtp_server.hpp"
#include "tests/fake/probe_test_support.hpp"
#include "tests/fake/run_blocking.hpp"

using namespace std::chrono_literals;
using namespace smtp_probe;
using fake::fake_smtp_server;
using fake::script;

namespace {

/// The first connection (diagnose's stage one, no credentials) passes; a later one (the login)
/// gets no answer to AUTH.
std::vector<script> stalls_at_auth() {
    script greet_and_answer;
    greet_and_answer.send("220 fake.test ESMTP\r\n")
        .respond("250 2.0.0 Ok\r\n", {{"EHLO", "250-fake.test\r\n250 AUTH PLAIN\r\n"}});
    script stall;
    stall.send("220 fake.test ESMTP\r\n")
        .expect("EHLO")
        .send("250-fake.test\r\n250 AUTH PLAIN\r\n")
        .expect("AUTH")
        .sleep(8s);
    return {greet_and_answer, stall};
}

const combination_result& on_port(const diagnose_outcome& d, std::uint16_t port) {
    for (const auto& c : d.combinations) {
        if (c.combo.port == port) {
            return c;
        }
    }
    FAIL("no combination on port " << port);
    throw std::logic_error("unreachable");
}

}  // namespace

TEST_CASE("--deadline bounds the whole diagnosis, not each combination") {
    fake::server_options options;
    options.step_timeout = 10s;
    fake_smtp_server first(stalls_at_auth(), options);
    fake_smtp_server second(stalls_at_auth(), options);

    auto base = testing::make_request(0, security_mode::automatic, 1500ms);
    base.timeouts.reply = 10s;  // longer than the deadline: the deadline must be what stops it
    base.user = "billing@example.test";
    base.password = secret("s3cret");
    base.skip_rcpt = true;

    const auto d = diagnose_blocking(base, {first.port(), second.port()}, std::nullopt, nullptr);
    const auto& a = on_port(d, first.port());
    const auto& b = on_port(d, second.port());
    // Both passed stage one; the login on the first ran into the deadline at AUTH.
    CHECK(a.tried_auth);
    CHECK(a.result.outcome.cause == probe_errc::deadline_exceeded);
    CHECK(a.result.outcome.failed_phase == phase::auth);
    // Nothing was left for the second: it got the 1 ms minimum instead of a deadline of its own
    // (which would have kept it waiting at AUTH for 1.5 s more).
    CHECK(b.tried_auth);
    CHECK(b.result.outcome.cause == probe_errc::deadline_exceeded);
    CHECK(b.result.duration < std::chrono::milliseconds(750));
    CHECK_FALSE(d.advice.chosen.has_value());
}

TEST_CASE("diagnose: the lookup ends by --deadline too, and says so") {
    // Before: only the 10 s DNS timeout bounded diagnose's one lookup, whatever --deadline said.
    fake::dns::zone zone;
    zone["silent.test"].silent_a = true;
    zone["silent.test"].silent_aaaa = true;
    fake::fake_dns_server dns(zone);
    auto base = testing::make_request(0, security_mode::automatic, 600ms);
    base.host = "silent.test";
    base.dns_server = dns.server();
    base.timeouts.dns = 10s;
    const auto started = std::chrono::steady_clock::now();
    const auto d = diagnose_blocking(base, {}, std::nullopt, nullptr);
    const auto took = std::chrono::steady_clock::now() - started;
    REQUIRE(d.dns_failure.has_value());
    CHECK(d.dns_failure->outcome.cause == std::optional<probe_errc>(probe_errc::deadline_exceeded));
    CHECK(d.dns_failure->find(phase::dns)->detail.find("the --deadline left 600 ms") !=
          std::string::npos);
    CHECK(took < 4s);
}

namespace {

/// Stage one (no credentials): greets and answers everything.
script connects() {
    script s;
    s.send("220 fake.test ESMTP\r\n")
        .respond("250 2.0.0 Ok\r\n", {{"EHLO", "250-fake.test\r\n250 AUTH PLAIN\r\n"}});
    return s;
}

/// The login: AUTH PLAIN answered with `auth_reply`, then every command with 250.
script logs_in(const std::string& auth_reply) {
    script s;
    s.send("220 fake.test ESMTP\r\n")
        .expect("EHLO")
        .send("250-fake.test\r\n250 AUTH PLAIN\r\n")
        .auth(auth_reply)
        .respond("250 2.0.0 Ok\r\n", {});
    return s;
}

probe_request login_request() {
    auto base = testing::make_request(0, security_mode::automatic, 10s);
    base.user = "billing@example.test";
    base.password = secret("s3cret");
    base.skip_rcpt = true;
    return base;
}

}  // namespace

TEST_CASE("diagnose: an answer that counts against the password ends the logins") {
    struct row {
        const char* name;
        std::string auth_reply;
        probe_errc cause;
    };
    const std::vector<row> rows{
        {"535 refused", "535 5.7.8 Error: authentication failed\r\n", probe_errc::bad_credentials},
        {"454 throttled", "454 4.7.0 Too many login attempts, please try again later\r\n",
         probe_errc::auth_throttled},
    };
    for (const auto& r : rows) {
        CAPTURE(r.name);
        fake_smtp_server first({connects(), logs_in(r.auth_reply)});
        fake_smtp_server second({connects(), logs_in("235 2.7.0 Authentication successful\r\n")});
        const auto d = diagnose_blocking(login_request(), {first.port(), second.port()},
                                         std::nullopt, nullptr);
        const auto& a = on_port(d, first.port());
        const auto& b = on_port(d, second.port());
        CHECK(a.tried_auth);
        CHECK(a.result.outcome.cause == std::optional<probe_errc>(r.cause));
        // The second was never logged in to: its one connection is stage one's.
        CHECK_FALSE(b.tried_auth);
        CHECK(b.password_refused_on == std::optional<std::uint16_t>(first.port()));
        CHECK(second.connection_count() == 1);
        CHECK(d.advice.password_refused_on == std::optional<std::uint16_t>(first.port()));
        CHECK_FALSE(d.advice.chosen.has_value());
    }
}

TEST_CASE("diagnose: a login failure that is not about the password tries the next one") {
    fake_smtp_server first(
        {connects(),
         logs_in("535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled "
                 "for the Tenant\r\n")});
    fake_smtp_server second({connects(), logs_in("235 2.7.0 Authentication successful\r\n")});
    const auto d =
        diagnose_blocking(login_request(), {first.port(), second.port()}, std::nullopt, nullptr);
    const auto& a = on_port(d, first.port());
    const auto& b = on_port(d, second.port());
    CHECK(a.tried_auth);
    CHECK(a.result.outcome.cause == std::optional<probe_errc>(probe_errc::smtp_auth_disabled));
    CHECK(b.tried_auth);
    CHECK(b.result.ok());
    CHECK(second.connection_count() == 2);
    REQUIRE(d.advice.chosen.has_value());
    CHECK(d.combinations[*d.advice.chosen].combo.port == second.port());
}

TEST_CASE("diagnose: the host is looked up once, not once per combination") {
    // Before: one lookup by diagnose, then one more by each of the six combinations' probes.
    fake::dns::zone zone;
    zone["mail.example.test"].a = {fake::dns::rr(fake::dns::type_a, fake::dns::v4("127.0.0.1"))};
    fake::fake_dns_server once_dns(zone);
    auto single = testing::make_request(fake::closed_port(), security_mode::automatic, 5s);
    single.host = "mail.example.test";
    single.dns_server = once_dns.server();
    (void)probe_once(single, nullptr);
    const int one_lookup = once_dns.queries_for("mail.example.test");
    REQUIRE(one_lookup >= 1);

    fake_smtp_server first({connects(), logs_in("235 2.7.0 Authentication successful\r\n")});
    fake_smtp_server second({connects(), logs_in("235 2.7.0 Authentication successful\r\n")});
    fake::fake_dns_server dns(zone);
    auto base = login_request();
    base.host = "mail.example.test";
    base.dns_server = dns.server();
    const auto d = diagnose_blocking(base, {first.port(), second.port()}, std::nullopt, nullptr);
    CHECK(dns.queries_for("mail.example.test") == one_lookup);
    REQUIRE(d.combinations.size() == 6);
    for (const auto& c : d.combinations) {
        CAPTURE(c.combo.port);
        const auto* rec = c.result.find(phase::dns);
        REQUIRE(rec != nullptr);
        CHECK(rec->status == phase_status::pass);
        CHECK(rec->addresses == std::vector<std::string>{"127.0.0.1"});
    }
    CHECK(on_port(d, first.port()).result.ok());
}
