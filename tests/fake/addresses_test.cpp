// The probe's address handling and whole-probe deadline, with name resolution under the test's
// control: a fake DNS server (on its own thread) answers a test name with 127.0.0.2, where
// nothing listens (connection refused), and 127.0.0.1, where a scripted SMTP server answers.
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include <doctest/doctest.h>
#include <algorithm>
#include <chrono>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "checks/errors.hpp"
#include "checks/evidence.hpp"
#include "checks/phase.hpp"
#include "checks/request.hpp"
#include "checks/session/pipeline.hpp"
#include "tests/fake/fake_dns_server.hpp"
#include "tests/fake/fake_smtp_server.hpp"
#include "tests/fake/run_blocking.hpp"

using namespace std::chrono_literals;
using namespace smtp_probe;
using fake::fake_dns_server;
using fake::fake_smtp_server;
using fake::script;
using clock_type = std::chrono::steady_clock;

namespace {

constexpr const char* two_addresses = "smtp.two-addresses.test";
constexpr const char* refusing = "127.0.0.2";  // loopback, but nothing is bound there
constexpr const char* answering = "127.0.0.1";

/// The refusing address first, as the fake's answer lists it. c-ares sorts by RFC 6724, which
/// cannot tell two IPv4 loopback addresses apart and keeps the answer's order (rule 10); the
/// tests still assert on the set of addresses and on the warning only.
fake::dns::zone make_zone() {
    fake::dns::zone zone;
    auto& entry = zone[two_addresses];
    entry.a.push_back(fake::dns::rr(fake::dns::type_a, fake::dns::v4(refusing)));
    entry.a.push_back(fake::dns::rr(fake::dns::type_a, fake::dns::v4(answering)));
    return zone;
}

struct captured_log {
    std::shared_ptr<std::ostringstream> out = std::make_shared<std::ostringstream>();
    std::shared_ptr<spdlog::logger> logger;
    captured_log() {
        auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(*out);
        logger = std::make_shared<spdlog::logger>("fake_addresses", std::move(sink));
        logger->set_level(spdlog::level::trace);
    }
};

probe_request make_request(const std::string& host, std::uint16_t port) {
    probe_request r;
    r.host = host;
    r.port = port;
    r.security = security_mode::none;
    r.timeouts.connect = 3s;
    r.timeouts.reply = 3s;
    r.timeouts.greeting_tls_sniff = 500ms;
    r.timeouts.dns = 3s;
    r.deadline = 20s;
    r.helo_name = "probe.test";
    r.keep_transcript = true;
    r.from = "user@example.test";
    r.rcpt = "rcpt@example.test";
    return r;
}

/// A complete plaintext session, for every connection.
script good_session() {
    script s;
    s.send("220 fake.test ESMTP\r\n")
        .expect("EHLO probe.test")
        .send("250-fake.test\r\n250 8BITMIME\r\n")
        .respond("250 2.0.0 Ok\r\n");
    return s;
}

std::string cause_text(const std::optional<probe_errc>& c) {
    return c ? std::string(cause_id(*c)) : std::string("(none)");
}

std::string describe(const probe_result& r) {
    std::string s = "outcome: " + std::string(category_id(r.outcome.category)) + " / " +
                    cause_text(r.outcome.cause) + "\n";
    for (const auto& rec : r.checks) {
        s += "  " + std::string(phase_name(rec.name)) + ": " +
             std::string(status_name(rec.status)) + " (" + cause_text(rec.cause) + ") " +
             rec.detail + "\n";
    }
    for (const auto& a : r.addresses) {
        s += "  address " + a.address + ": " + std::string(status_name(a.status)) + " (" +
             cause_text(a.cause) + ") " + a.error + "\n";
    }
    for (const auto& w : r.warnings) {
        s += "  warning " + std::string(warning_id(w.kind)) + ": " + w.detail + "\n";
    }
    return s;
}

bool has_warning(const probe_result& r, warning_kind w) {
    return std::any_of(r.warnings.begin(), r.warnings.end(),
                       [w](const probe_warning& x) { return x.kind == w; });
}

std::string status_of(const probe_result& r, phase p) {
    const auto* rec = r.find(p);
    return rec != nullptr ? std::string(status_name(rec->status)) : std::string("(missing)");
}

/// What the resolver handed to the probe, sorted (the order is c-ares's business).
std::set<std::string> resolved(const probe_result& r) {
    const auto* rec = r.find(phase::dns);
    return rec != nullptr ? std::set<std::string>(rec->addresses.begin(), rec->addresses.end())
                          : std::set<std::string>{};
}

const std::set<std::string> both = {answering, refusing};

}  // namespace

TEST_CASE("the fake DNS server on its own thread answers the test name") {
    fake_dns_server dns(make_zone());
    fake_smtp_server smtp(good_session());
    auto request = make_request(two_addresses, smtp.port());
    request.dns_server = dns.server();
    request.family = address_family::ipv4;
    captured_log log;
    const auto r = probe_once(request, log.logger);
    INFO(describe(r));
    CHECK(status_of(r, phase::dns) == "pass");
    CHECK(resolved(r) == both);
    CHECK(dns.queries_for(two_addresses) >= 1);
    CHECK(dns.from_elsewhere() == 0);
}

TEST_CASE("first address refused, second answers: ok with warning some_addresses_failed") {
    fake_dns_server dns(make_zone());
    fake_smtp_server smtp(good_session());  // bound to 127.0.0.1 only
    auto request = make_request(two_addresses, smtp.port());
    request.dns_server = dns.server();
    captured_log log;
    const auto r = probe_once(request, log.logger);
    INFO(describe(r));
    REQUIRE(resolved(r) == both);
    const auto* dns_rec = r.find(phase::dns);
    REQUIRE(dns_rec != nullptr);
    // The probe tries the addresses in the resolver's order; this case needs the refusing one
    // first (the fake lists it first, and RFC 6724 keeps that order for two IPv4 loopbacks).
    REQUIRE(dns_rec->addresses.front() == refusing);

    CHECK(category_id(r.outcome.category) == "ok");
    CHECK(exit_status_of(r) == exit_status::warning);
    CHECK(has_warning(r, warning_kind::some_addresses_failed));
    REQUIRE(r.addresses.size() == 2);
    std::set<std::string> tried;
    for (const auto& a : r.addresses) {
        tried.insert(a.address);
        CAPTURE(a.address);
        if (a.address == refusing) {
            CHECK(a.status == phase_status::fail);
            CHECK(cause_text(a.cause) == "tcp_refused");
        } else {
            CHECK(a.status == phase_status::pass);
            CHECK_FALSE(a.cause.has_value());
        }
    }
    CHECK(tried == both);
    for (const phase p : {phase::dns, phase::tcp, phase::greeting, phase::ehlo, phase::mail_from,
                          phase::rcpt, phase::quit}) {
        CAPTURE(phase_name(p));
        CHECK(status_of(r, p) == "pass");
    }
    const auto* tcp = r.find(phase::tcp);
    REQUIRE(tcp != nullptr);
    REQUIRE(tcp->peer.has_value());
    CHECK(tcp->peer->rfind(std::string(answering) + ":", 0) == 0);
    CHECK(smtp.wait_finished(1, 5s));
    CHECK(smtp.connection_count() == 1);
    CHECK(smtp.errors().empty());
}

TEST_CASE("all_addresses: one result per address, one tcp_refused and one ok") {
    fake_dns_server dns(make_zone());
    fake_smtp_server smtp(good_session());
    auto request = make_request(two_addresses, smtp.port());
    request.dns_server = dns.server();
    request.all_addresses = true;
    captured_log log;
    const auto results = probe_all(request, log.logger);
    REQUIRE(results.size() == 2);
    std::set<std::string> seen;
    for (const auto& r : results) {
        INFO(describe(r));
        CHECK(resolved(r) == both);  // the DNS phase is shared
        CHECK(status_of(r, phase::dns) == "pass");
        REQUIRE(r.addresses.size() == 1);
        const auto& address = r.addresses.front().address;
        seen.insert(address);
        if (address == refusing) {
            CHECK(category_id(r.outcome.category) == "connect_host");
            CHECK(cause_text(r.outcome.cause) == "tcp_refused");
            CHECK(status_of(r, phase::tcp) == "fail");
            CHECK(status_of(r, phase::greeting) == "skip");
            CHECK(exit_status_of(r) == exit_status::failure);
        } else {
            CHECK(category_id(r.outcome.category) == "ok");
            CHECK(status_of(r, phase::rcpt) == "pass");
            // One address per session: nothing else failed inside this result.
            CHECK_FALSE(has_warning(r, warning_kind::some_addresses_failed));
        }
    }
    CHECK(seen == both);
    CHECK(smtp.wait_finished(1, 5s));
    CHECK(smtp.connection_count() == 1);
}

TEST_CASE("the whole-probe deadline cuts a long reply timeout: deadline_exceeded") {
    // Reply timeout 10 s, deadline 1 s: the phase waiting for the server is cut by the deadline
    // and names it, and the probe is over in well under 3 s.
    script s;
    std::string failed;
    std::string category;
    SUBCASE("a silent server: the greeting") {
        s.silent_until_close();
        failed = "greeting";
        category = "connect_host";
    }
    SUBCASE("silence after EHLO") {
        s.send("220 fake.test ESMTP\r\n").expect("EHLO").silent_until_close();
        failed = "ehlo";
        category = "connect_host";
    }
    SUBCASE("silence after MAIL FROM") {
        s.send("220 fake.test ESMTP\r\n")
            .expect("EHLO")
            .send("250 fake.test\r\n")
            .expect("MAIL FROM")
            .silent_until_close();
        failed = "mail_from";
        category = "data_not_accepted";
    }
    CAPTURE(failed);
    fake_smtp_server smtp(s);
    auto request = make_request("127.0.0.1", smtp.port());
    request.timeouts.reply = 10s;
    request.deadline = 1s;
    captured_log log;
    const auto started = clock_type::now();
    const auto r = probe_once(request, log.logger);
    const auto wall_clock = clock_type::now() - started;
    INFO(describe(r));
    CHECK(category_id(r.outcome.category) == category);
    CHECK(cause_text(r.outcome.cause) == "deadline_exceeded");
    REQUIRE(r.outcome.failed_phase.has_value());
    CHECK(phase_name(*r.outcome.failed_phase) == failed);
    const auto* rec = r.find(*r.outcome.failed_phase);
    REQUIRE(rec != nullptr);
    CHECK(cause_text(rec->cause) == "deadline_exceeded");
    CHECK(r.duration < 3s);
    CHECK(wall_clock < 3s);
    CHECK(r.duration >= 900ms);  // it did wait for the deadline, not for nothing
}

TEST_CASE("--all-addresses: every address within the one deadline of the whole probe") {
    // Three addresses whose servers never greet. Before, each address got a fresh --deadline,
    // so three silent servers took three deadlines (and 64 addresses could take two hours).
    constexpr const char* three = "smtp.three-silent.test";
    script silent;
    silent.silent_until_close();
    fake::server_options first_options;
    first_options.step_timeout = 5s;
    fake_smtp_server first(silent, first_options);
    std::vector<std::unique_ptr<fake_smtp_server>> others;
    for (const char* address : {"127.0.0.2", "127.0.0.3"}) {
        fake::server_options o;
        o.listen_address = address;
        o.port = first.port();
        o.step_timeout = 5s;
        others.push_back(std::make_unique<fake_smtp_server>(silent, o));
    }
    fake::dns::zone zone;
    for (const char* address : {"127.0.0.1", "127.0.0.2", "127.0.0.3"}) {
        zone[three].a.push_back(fake::dns::rr(fake::dns::type_a, fake::dns::v4(address)));
    }
    fake_dns_server dns(zone);
    auto request = make_request(three, first.port());
    request.dns_server = dns.server();
    request.family = address_family::ipv4;
    request.all_addresses = true;
    request.timeouts.reply = 10s;
    request.timeouts.greeting_tls_sniff = 10s;
    request.deadline = 1200ms;
    captured_log log;
    const auto started = clock_type::now();
    const auto results = probe_all(request, log.logger);
    const auto wall_clock = clock_type::now() - started;
    REQUIRE(results.size() == 3);
    for (const auto& r : results) {
        INFO(describe(r));
        CHECK(cause_text(r.outcome.cause) == "deadline_exceeded");
    }
    // One deadline for the whole probe, not one per address (3.6 s before the fix).
    CHECK(wall_clock < 2500ms);
}

// ---- the DNS step's own limit, and the deadline -------------------------------------------------

namespace {

constexpr const char* silent_name = "silent.test";

fake::dns::zone silent_zone() {
    fake::dns::zone zone;
    zone[silent_name].silent_a = true;
    zone[silent_name].silent_aaaa = true;
    return zone;
}

}  // namespace

TEST_CASE("--dns-timeout bounds the lookup, and the report names it") {
    fake_dns_server dns(silent_zone());
    auto request = make_request(silent_name, 25);
    request.dns_server = dns.server();
    request.timeouts.dns = 400ms;
    request.deadline = 20s;
    captured_log log;
    const auto started = clock_type::now();
    const auto r = probe_once(request, log.logger);
    const auto took = clock_type::now() - started;
    INFO(describe(r));
    CHECK(r.outcome.cause == std::optional<probe_errc>(probe_errc::dns_timeout));
    CHECK(r.find(phase::dns)->detail.find("no answer within 400 ms (--dns-timeout)") !=
          std::string::npos);
    CHECK(took < 3s);
}

TEST_CASE("a deadline shorter than --dns-timeout cuts the lookup: deadline_exceeded, named") {
    fake_dns_server dns(silent_zone());
    auto request = make_request(silent_name, 25);
    request.dns_server = dns.server();
    request.timeouts.dns = 10s;
    request.deadline = 500ms;
    captured_log log;
    const auto started = clock_type::now();
    const auto r = probe_once(request, log.logger);
    const auto took = clock_type::now() - started;
    INFO(describe(r));
    CHECK(r.outcome.cause == std::optional<probe_errc>(probe_errc::deadline_exceeded));
    CHECK(r.find(phase::dns)->detail.find("the --deadline left") != std::string::npos);
    CHECK(took < 3s);
}
