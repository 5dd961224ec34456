// The probe against hostile scripted servers: endless and oversized replies, dribbled bytes,
// silence, resets, TLS truncation, unsolicited replies, STARTTLS injection, terminal escapes,
// absurd certificate chains, a broken SASL challenge and reply codes out of range. Every case must
// end in a clear category and cause, within the deadline, with bounded evidence, and never crash.
#include <fmt/format.h>
#include <openssl/x509_vfy.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <doctest/doctest.h>
#include <algorithm>
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
#include "net/reply_parser.hpp"
#include "probe/i18n/i18n.hpp"
#include "probe/report/report_json.hpp"
#include "probe/report/report_text.hpp"
#include "tests/fake/fake_smtp_server.hpp"
#include "tests/fake/probe_test_support.hpp"
#include "tests/fake/run_blocking.hpp"
#include "tests/fake/test_certs.hpp"

using namespace std::chrono_literals;
using namespace smtp_probe;
using namespace smtp_probe::testing;
using fake::fake_smtp_server;
using fake::leaf_kind;
using fake::script;
using fake::server_options;
using fake::test_pki;
using clock_type = std::chrono::steady_clock;

namespace {

/// What the pipeline keeps of server text (checks/session/pipeline.cpp max_detail_bytes is 300,
/// plus a prefix such as "too_many_lines: "); anything near this is bounded, a reply echoed whole
/// is not.
constexpr std::size_t max_kept_text = 400;

/// What a hostile server must never achieve: a probe that outlives its deadline, or evidence that
/// grows with what the server sends.
void check_bounded(const probe_result& r, const probe_request& request,
                   clock_type::duration wall_clock) {
    INFO(describe(r));
    CHECK(r.duration < request.deadline + 2s);
    CHECK(wall_clock < request.deadline + 2s);
    const reply_limits limits;
    for (const auto& rec : r.checks) {
        CAPTURE(phase_name(rec.name));
        CHECK(rec.detail.size() <= max_kept_text);
        CHECK(rec.error_text.size() <= max_kept_text);
        if (rec.reply) {
            CHECK(rec.reply->lines.size() <= limits.max_lines);
            std::size_t total = 0;
            for (const auto& line : rec.reply->lines) {
                CHECK(line.size() <= limits.max_line);
                total += line.size() + 6;
            }
            CHECK(total <= limits.max_reply_bytes);
        }
        CHECK(rec.capabilities.size() <= limits.max_lines);
    }
    for (const auto& w : r.warnings) {
        CHECK(w.detail.size() <= max_kept_text);
    }
    // One transcript entry per command, reply line or note: bounded by the reply limits.
    CHECK(r.transcript.size() <= 4 * limits.max_lines);
    for (const auto& t : r.transcript) {
        CHECK(t.text.size() <= max_kept_text);
    }
}

/// Runs the probe, timed.
struct timed_run {
    probe_result result;
    clock_type::duration wall_clock{};
    std::string log;  ///< the trace-level log
};

timed_run probe(const probe_request& request) {
    captured_log log;
    const auto started = clock_type::now();
    auto result = probe_once(request, log.logger);
    const auto wall_clock = clock_type::now() - started;
    return {std::move(result), wall_clock, log.text()};
}

server_options with_tls(const test_pki& pki, leaf_kind kind = leaf_kind::valid) {
    server_options o;
    o.tls = pki.leaf(kind);
    return o;
}

/// Greeting, EHLO offering STARTTLS, STARTTLS and the handshake (the EHLO over TLS is the
/// caller's).
script up_to_tls() {
    script s;
    s.send("220 fake.test ESMTP\r\n")
        .expect("EHLO probe.test")
        .send("250-fake.test\r\n250-PIPELINING\r\n250 STARTTLS\r\n")
        .expect("STARTTLS")
        .send("220 2.0.0 Ready to start TLS\r\n")
        .start_tls();
    return s;
}

/// up_to_tls() and an EHLO over TLS offering AUTH.
script starttls_session() {
    script s = up_to_tls();
    s.expect("EHLO probe.test")
        .send("250-fake.test\r\n250-AUTH PLAIN LOGIN\r\n250 SIZE 10240000\r\n");
    return s;
}

script& then_quit(script& s) {
    return s.respond("250 2.0.0 ok\r\n");
}

const std::vector<phase> up_to_tcp = {phase::dns, phase::tcp};
const std::vector<phase> up_to_greeting = {phase::dns, phase::tcp, phase::greeting};
const std::vector<phase> up_to_certificate = {phase::dns,        phase::tcp,      phase::greeting,
                                              phase::ehlo,       phase::starttls, phase::tls,
                                              phase::certificate};

const phase_record& record_of(const probe_result& r, phase p) {
    const auto* rec = r.find(p);
    REQUIRE(rec != nullptr);
    return *rec;
}

/// RFC 3629 well-formedness (no overlongs, no surrogates, nothing above U+10FFFF).
bool valid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        std::size_t len = 0;
        char32_t cp = 0;
        if (b < 0x80) {
            ++i;
            continue;
        }
        if (b >= 0xC2 && b <= 0xDF) {
            len = 2;
            cp = b & 0x1F;
        } else if (b >= 0xE0 && b <= 0xEF) {
            len = 3;
            cp = b & 0x0F;
        } else if (b >= 0xF0 && b <= 0xF4) {
            len = 4;
            cp = b & 0x07;
        } else {
            return false;
        }
        if (i + len > s.size()) {
            return false;
        }
        for (std::size_t k = 1; k < len; ++k) {
            const auto c = static_cast<unsigned char>(s[i + k]);
            if ((c & 0xC0) != 0x80) {
                return false;
            }
            cp = (cp << 6) | (c & 0x3F);
        }
        if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
            return false;
        }
        i += len;
    }
    return true;
}

/// A control character a terminal acts on: C0 but LF (tab allowed), DEL, or a C1 control as
/// UTF-8 (U+0080..U+009F, e.g. U+009B, the 8-bit CSI).
std::string first_terminal_control(std::string_view s, bool allow_newline) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto b = static_cast<unsigned char>(s[i]);
        if ((b < 0x20 && b != '\t' && !(allow_newline && b == '\n')) || b == 0x7F) {
            return fmt::format("byte 0x{:02X} at {}", b, i);
        }
        if (b == 0xC2 && i + 1 < s.size()) {
            const auto next = static_cast<unsigned char>(s[i + 1]);
            if (next >= 0x80 && next <= 0x9F) {
                return fmt::format("U+00{:02X} at {}", next, i);
            }
        }
    }
    return {};
}

/// Every string in a JSON document, depth first.
void collect_strings(const boost::json::value& v, std::vector<std::string>& out) {
    if (v.is_string()) {
        out.emplace_back(v.as_string().c_str(), v.as_string().size());
    } else if (v.is_array()) {
        for (const auto& e : v.as_array()) {
            collect_strings(e, out);
        }
    } else if (v.is_object()) {
        for (const auto& [key, e] : v.as_object()) {
            out.emplace_back(key);
            collect_strings(e, out);
        }
    }
}

}  // namespace

// ---- replies that never end or never fit -----------------------------------------------------

TEST_CASE("an endless multi-line reply: protocol_violation, and the probe hangs up") {
    script s;
    phase failed = phase::greeting;
    std::vector<phase> passed;
    std::string violation;
    SUBCASE("'220-' forever at the greeting") {
        s.send_forever("220-fake.test is still greeting you, please hold the line\r\n");
        passed = up_to_tcp;
        violation = "too_many_lines";  // 512 lines come before 64 KiB
    }
    SUBCASE("'250-' forever after EHLO") {
        s.send("220 fake.test ESMTP\r\n").expect("EHLO").send_forever("250-SPAM spam spam\r\n");
        failed = phase::ehlo;
        passed = up_to_greeting;
        violation = "too_many_lines";
    }
    SUBCASE("4000-byte '250-' lines forever after EHLO") {
        s.send("220 fake.test ESMTP\r\n")
            .expect("EHLO")
            .send_forever("250-" + std::string(4000, 'x') + "\r\n");
        failed = phase::ehlo;
        passed = up_to_greeting;
        violation = "reply_too_large";  // 64 KiB come before 512 lines
    }
    CAPTURE(violation);
    server_options o;
    o.step_timeout = 10s;  // the server would write for 10 s if nobody stopped it
    fake_smtp_server server(s, o);
    const auto request = make_request(server.port(), security_mode::starttls, 10s);
    const auto run = probe(request);
    check_failure(run.result, "connect_host", "protocol_violation", failed, passed);
    check_bounded(run.result, request, run.wall_clock);
    const auto& rec = record_of(run.result, failed);
    CHECK(rec.error_text.rfind(violation, 0) == 0);
    CHECK_FALSE(rec.reply.has_value());
    // The server stopped writing because the probe hung up, long before its own 10 s.
    CHECK(server.wait_finished(1, 5s));
    const auto records = server.connections();
    REQUIRE_FALSE(records.empty());
    CHECK(records[0].bytes_sent >= 16 * 1024);
}

TEST_CASE("a 1 MB line: protocol_violation (line_too_long) before the line ends") {
    const std::string mega(std::size_t{1024} * 1024, 'A');
    script s;
    phase failed = phase::greeting;
    std::vector<phase> passed = up_to_tcp;
    SUBCASE("in the greeting") {
        s.send("220 " + mega + "\r\n").silent_until_close();
    }
    SUBCASE("in the EHLO reply") {
        s.send("220 fake.test ESMTP\r\n")
            .expect("EHLO")
            .send("250-" + mega + "\r\n250 SIZE 1000\r\n")
            .silent_until_close();
        failed = phase::ehlo;
        passed = up_to_greeting;
    }
    SUBCASE("in the EHLO reply, never ended") {
        s.send("220 fake.test ESMTP\r\n").expect("EHLO").send("250-" + mega).silent_until_close();
        failed = phase::ehlo;
        passed = up_to_greeting;
    }
    fake_smtp_server server(s);
    const auto request = make_request(server.port(), security_mode::starttls, 10s);
    const auto run = probe(request);
    check_failure(run.result, "connect_host", "protocol_violation", failed, passed);
    check_bounded(run.result, request, run.wall_clock);
    const auto& rec = record_of(run.result, failed);
    CHECK(rec.error_text.rfind("line_too_long", 0) == 0);
    // Well before any timeout: the line is refused once 4 KiB of it arrived.
    CHECK(run.wall_clock < request.timeouts.reply);
}

// ---- legal but slow, and illegal and slow ------------------------------------------------------

TEST_CASE("every reply split into 1-byte writes: legal, the probe passes") {
    constexpr auto gap = 2ms;
    test_pki pki;
    script s;
    server_options o;
    auto mode = security_mode::none;
    bool with_auth = false;
    SUBCASE("plaintext") {
        s.send_slowly("220 fake.test ESMTP\r\n", gap)
            .expect("EHLO probe.test")
            .send_slowly("250-fake.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n", gap);
    }
    SUBCASE("inside TLS (every byte a TLS record of its own), with AUTH") {
        o = with_tls(pki);
        mode = security_mode::starttls;
        with_auth = true;
        s.send_slowly("220 fake.test ESMTP\r\n", gap)
            .expect("EHLO probe.test")
            .send_slowly("250-fake.test\r\n250 STARTTLS\r\n", gap)
            .expect("STARTTLS")
            .send_slowly("220 2.0.0 go ahead\r\n", gap)
            .start_tls()
            .expect("EHLO probe.test")
            .send_slowly("250-fake.test\r\n250-AUTH PLAIN\r\n250 8BITMIME\r\n", gap)
            .expect("AUTH PLAIN")
            .send_slowly("235 2.7.0 Authentication successful\r\n", gap);
    }
    s.expect("MAIL FROM:<user@example.test>")
        .send_slowly("250 2.1.0 Ok\r\n", gap)
        .expect("RCPT TO:<rcpt@example.test>")
        .send_slowly("250 2.1.5 Ok\r\n", gap)
        .expect("RSET")
        .send_slowly("250 2.0.0 Ok\r\n", gap)
        .expect("QUIT")
        .send_slowly("221 2.0.0 Bye\r\n", gap)
        .close();
    fake_smtp_server server(s, o);
    auto request = make_request(server.port(), mode, 10s);
    request.ca_file = pki.ca_file();
    if (with_auth) {
        add_credentials(request);
    }
    const auto run = probe(request);
    INFO(describe(run.result));
    CHECK(category_of(run.result) == "ok");
    CHECK(exit_status_of(run.result) == exit_status::ok);
    for (const phase p :
         {phase::greeting, phase::ehlo, phase::mail_from, phase::rcpt, phase::quit}) {
        CAPTURE(phase_name(p));
        CHECK(status_of(run.result, p) == "pass");
    }
    CHECK(record_of(run.result, phase::ehlo).capabilities.size() >= 1);
    if (with_auth) {
        CHECK(status_of(run.result, phase::auth) == "pass");
    }
    check_bounded(run.result, request, run.wall_clock);
    CHECK(server.wait_finished(1, 5s));
    CHECK(server.errors().empty());
}

// Found by this suite: on a port other than 25 the greeting is first awaited for
// greeting_tls_sniff only; when bytes did arrive by then (so no TLS sniff is needed) the probe
// does not go on waiting for the rest of the greeting up to the reply timeout but fails at once
// with greeting_timeout ("no greeting within <reply timeout> ms", which is not what happened).
TEST_CASE("a greeting dribbled for longer than the TLS sniff wait but within the reply timeout") {
    // 21 bytes 60 ms apart: about 1.3 s, more than the 500 ms sniff wait, less than 4 s.
    fake_smtp_server server(script()
                                .send_slowly("220 fake.test ESMTP\r\n", 60ms)
                                .expect("EHLO probe.test")
                                .send("250-fake.test\r\n250 8BITMIME\r\n")
                                .respond("250 2.0.0 Ok\r\n"));
    auto request = make_request(server.port(), security_mode::none, 10s);
    request.timeouts.reply = 4s;
    const auto run = probe(request);
    INFO(describe(run.result));
    CHECK(status_of(run.result, phase::greeting) == "pass");
    CHECK(category_of(run.result) == "ok");
    check_bounded(run.result, request, run.wall_clock);
}

TEST_CASE("slow-loris, one byte every 300 ms: cut by the per-reply timeout") {
    // The reply timeout bounds the whole reply, not the gap between two reads: a server that
    // dribbles a byte at a time forever must not keep the probe waiting.
    const std::string dribble =
        "250-fake.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SIZE 1000\r\n250 SMTPUTF8\r\n";
    script s;
    phase failed = phase::ehlo;
    std::vector<phase> passed = up_to_greeting;
    std::string category = "connect_host";
    std::string cause = "reply_timeout";
    SUBCASE("the greeting") {
        s.send_slowly("220 fake.test ESMTP " + std::string(40, '.') + "\r\n", 300ms);
        failed = phase::greeting;
        passed = up_to_tcp;
        cause = "greeting_timeout";
    }
    SUBCASE("the EHLO reply") {
        s.send("220 fake.test ESMTP\r\n").expect("EHLO").send_slowly(dribble, 300ms);
    }
    SUBCASE("the reply to MAIL FROM") {
        s.send("220 fake.test ESMTP\r\n")
            .expect("EHLO")
            .send("250 fake.test\r\n")
            .expect("MAIL FROM")
            .send_slowly("250 2.1.0 Ok, and here is a long story about it\r\n", 300ms);
        failed = phase::mail_from;
        passed = {phase::dns, phase::tcp, phase::greeting, phase::ehlo};
        category = "data_not_accepted";
    }
    CAPTURE(phase_name(failed));
    fake_smtp_server server(s);
    const auto request = make_request(server.port(), security_mode::none, 10s);
    const auto run = probe(request);
    check_failure(run.result, category, cause, failed, passed);
    check_bounded(run.result, request, run.wall_clock);
    const auto& rec = record_of(run.result, failed);
    INFO(describe(run.result));
    // Cut by the 2 s reply timeout (the whole dribble would take 10 s and more).
    CHECK(rec.duration < request.timeouts.reply + 2s);
    CHECK(run.wall_clock < request.timeouts.reply + 4s);
}

TEST_CASE("a greeting, then silence: connect_host / reply_timeout at ehlo") {
    fake_smtp_server server(
        script().send("220 fake.test ESMTP\r\n").expect("EHLO").silent_until_close());
    const auto request = make_request(server.port(), security_mode::starttls, 10s);
    const auto run = probe(request);
    check_failure(run.result, "connect_host", "reply_timeout", phase::ehlo, up_to_greeting);
    check_bounded(run.result, request, run.wall_clock);
    const auto& rec = record_of(run.result, phase::ehlo);
    CHECK(rec.duration >= request.timeouts.reply - 100ms);
    CHECK(rec.duration < request.timeouts.reply + 2s);
}

// ---- connections that break -------------------------------------------------------------------

TEST_CASE("a reset in the middle of AUTH: auth_failed / connection_lost") {
    test_pki pki;
    script s;
    server_options o;
    auto mode = security_mode::starttls;
    std::vector<phase> passed = up_to_certificate;
    SUBCASE("over TLS, right after the AUTH command") {
        o = with_tls(pki);
        s = starttls_session();
        s.expect("AUTH PLAIN").reset();
    }
    SUBCASE("in plaintext, between the LOGIN steps") {
        mode = security_mode::none;
        passed = up_to_greeting;
        passed.push_back(phase::ehlo);
        s.send("220 fake.test ESMTP\r\n")
            .expect("EHLO")
            .send("250-fake.test\r\n250 AUTH LOGIN\r\n")
            .expect("AUTH LOGIN")
            .send("334 VXNlcm5hbWU6\r\n")
            .expect_any()
            .reset();
    }
    fake_smtp_server server(s, o);
    auto request = make_request(server.port(), mode, 10s);
    request.ca_file = pki.ca_file();
    add_credentials(request);
    const auto run = probe(request);
    check_failure(run.result, "auth_failed", "connection_lost", phase::auth, passed);
    check_bounded(run.result, request, run.wall_clock);
    CHECK(status_of(run.result, phase::mail_from) == "skip");
}

TEST_CASE("TLS closed without close_notify (a truncation attack or a sloppy server)") {
    test_pki pki;
    const auto o = with_tls(pki);
    const std::vector<phase> before_ehlo = {phase::dns,      phase::tcp, phase::greeting,
                                            phase::starttls, phase::tls, phase::certificate};
    SUBCASE("right after the 221 to QUIT: nothing is lost, ok") {
        script s = starttls_session();
        s.auth("235 2.7.0 Authentication successful\r\n")
            .expect("MAIL FROM")
            .send("250 2.1.0 Ok\r\n")
            .expect("RCPT TO")
            .send("250 2.1.5 Ok\r\n")
            .expect("RSET")
            .send("250 2.0.0 Ok\r\n")
            .expect("QUIT")
            .send("221 2.0.0 Bye\r\n")
            .close();
        fake_smtp_server server(s, o);
        auto request = make_request(server.port(), security_mode::starttls, 10s);
        request.ca_file = pki.ca_file();
        add_credentials(request);
        const auto run = probe(request);
        INFO(describe(run.result));
        CHECK(category_of(run.result) == "ok");
        CHECK(status_of(run.result, phase::quit) == "pass");
        check_bounded(run.result, request, run.wall_clock);
    }
    SUBCASE("after QUIT, before its reply: the verdict stands, ok") {
        script s = starttls_session();
        s.auth("235 2.7.0 Authentication successful\r\n")
            .expect("MAIL FROM")
            .send("250 2.1.0 Ok\r\n")
            .expect("RCPT TO")
            .send("250 2.1.5 Ok\r\n")
            .expect("RSET")
            .send("250 2.0.0 Ok\r\n")
            .expect("QUIT")
            .close();
        fake_smtp_server server(s, o);
        auto request = make_request(server.port(), security_mode::starttls, 10s);
        request.ca_file = pki.ca_file();
        add_credentials(request);
        const auto run = probe(request);
        INFO(describe(run.result));
        CHECK(category_of(run.result) == "ok");
        CHECK(status_of(run.result, phase::quit) != "fail");
        check_bounded(run.result, request, run.wall_clock);
    }
    SUBCASE("in the middle of the EHLO reply over TLS: connect_host / connection_lost") {
        script s = up_to_tls();
        s.expect("EHLO").send("250-fake.test\r\n").close();
        fake_smtp_server server(s, o);
        auto request = make_request(server.port(), security_mode::starttls, 10s);
        request.ca_file = pki.ca_file();
        const auto run = probe(request);
        check_failure(run.result, "connect_host", "connection_lost", phase::ehlo, before_ehlo);
        check_bounded(run.result, request, run.wall_clock);
    }
    SUBCASE("in the middle of AUTH: auth_failed / connection_lost") {
        script s = starttls_session();
        s.expect("AUTH").close();
        fake_smtp_server server(s, o);
        auto request = make_request(server.port(), security_mode::starttls, 10s);
        request.ca_file = pki.ca_file();
        add_credentials(request);
        const auto run = probe(request);
        check_failure(run.result, "auth_failed", "connection_lost", phase::auth, up_to_certificate);
        check_bounded(run.result, request, run.wall_clock);
    }
    SUBCASE("for contrast, a proper close_notify in the middle of the EHLO reply: still lost") {
        script s = up_to_tls();
        s.expect("EHLO").send("250-fake.test\r\n").close_notify();
        fake_smtp_server server(s, o);
        auto request = make_request(server.port(), security_mode::starttls, 10s);
        request.ca_file = pki.ca_file();
        const auto run = probe(request);
        check_failure(run.result, "connect_host", "connection_lost", phase::ehlo, before_ehlo);
        check_bounded(run.result, request, run.wall_clock);
    }
}

// ---- replies nobody asked for -----------------------------------------------------------------

// RFC 5321 sections 3.1 and 4.1.4 (the probe never pipelines; RFC 2920 is not used): after the
// greeting, and after each reply, the server waits for the client's next command. A reply that
// arrives before the command it would answer was sent was not asked for, and every later reply
// would be read as the answer to the wrong command. The probe checks that nothing is buffered
// when it is about to send a command (checks/session/pipeline.cpp, exchange(); the STARTTLS 220 has
// its own check), and that nothing follows a reply it has just read: junk that comes with a reply
// fails that reply's phase (the greeting, EHLO, AUTH...), junk that comes later fails the phase
// of the next command. Either way the verdict is protocol_violation.
TEST_CASE("a reply before any command, in the greeting's segment: protocol_violation") {
    fake_smtp_server server(
        script()
            .send("220 fake.test ESMTP\r\n250 unsolicited\r\n")
            .expect("EHLO probe.test")
            .send("250-fake.test\r\n250 8BITMIME\r\n")
            .respond("250 2.0.0 ok\r\n", {{"MAIL", "250 2.1.0 sender ok\r\n"},
                                          {"RCPT", "250 2.1.5 recipient ok\r\n"},
                                          {"RSET", "250 2.0.0 reset ok\r\n"}}));
    // automatic: with the replies shifted by one the session would even look fine.
    const auto request = make_request(server.port(), security_mode::automatic, 10s);
    const auto run = probe(request);
    // One write, one segment: normally the greeting's phase; the EHLO phase if it split.
    const auto failed = run.result.outcome.failed_phase.value_or(phase::quit);
    CHECK((failed == phase::greeting || failed == phase::ehlo));
    check_failure(run.result, "connect_host", "protocol_violation", failed, up_to_tcp);
    CHECK(record_of(run.result, phase::greeting).reply.has_value());
    const auto lines = lines_of(server);
    CHECK_FALSE(any_line_starts_with(lines, "EHLO"));  // nothing sent after the junk
    CHECK_FALSE(any_line_starts_with(lines, "MAIL"));
    check_bounded(run.result, request, run.wall_clock);
}

TEST_CASE("a second reply behind the EHLO reply: protocol_violation at the next command") {
    fake_smtp_server server(script()
                                .send("220 fake.test ESMTP\r\n")
                                .expect("EHLO probe.test")
                                .send("250-fake.test\r\n250 STARTTLS\r\n250 2.0.0 extra\r\n")
                                .respond("250 2.0.0 ok\r\n"));
    const auto request = make_request(server.port(), security_mode::starttls, 10s);
    const auto run = probe(request);
    const auto failed = run.result.outcome.failed_phase.value_or(phase::quit);
    CHECK((failed == phase::ehlo || failed == phase::starttls));
    check_failure(run.result, "connect_host", "protocol_violation", failed,
                  {phase::dns, phase::tcp, phase::greeting});
    CHECK_FALSE(any_line_starts_with(lines_of(server), "STARTTLS"));
    check_bounded(run.result, request, run.wall_clock);
    // The probe's words follow the reader's language; the JSON keeps the English.
    const auto& rec = record_of(run.result, failed);
    CHECK(rec.error_text.find("unsolicited bytes") != std::string::npos);
    text_options zh;
    zh.lang = language::zh;
    const auto out = render_text(run.result, zh);
    CHECK((out.find("回复之后服务器又主动发来") != std::string::npos ||
           out.find("发送命令之前服务器已主动发来") != std::string::npos));
    CHECK(out.find("unsolicited") == std::string::npos);
    CHECK(render_json(run.result, false).find("unsolicited bytes") != std::string::npos);
}

TEST_CASE("STARTTLS injection (CVE-2011-0411) and its neighbours") {
    test_pki pki;
    const auto o = with_tls(pki);
    script s;
    s.send("220 fake.test ESMTP\r\n")
        .expect("EHLO")
        .send("250-fake.test\r\n250 STARTTLS\r\n")
        .expect("STARTTLS");
    SUBCASE("a whole EHLO reply in the 220's segment: protocol_violation at starttls") {
        // One write, so one TCP segment (the fake sets TCP_NODELAY).
        s.send("220 go\r\n250-evil.test\r\n250 AUTH PLAIN\r\n")
            .start_tls()
            .expect("EHLO")
            .send("250-fake.test\r\n250 AUTH PLAIN\r\n")
            .respond("250 ok\r\n");
        fake_smtp_server server(s, o);
        auto request = make_request(server.port(), security_mode::starttls, 10s);
        request.ca_file = pki.ca_file();
        add_credentials(request);
        const auto run = probe(request);
        check_failure(run.result, "connect_host", "protocol_violation", phase::starttls,
                      up_to_greeting);
        CHECK(status_of(run.result, phase::tls) != "pass");
        CHECK(status_of(run.result, phase::auth) != "pass");
        check_bounded(run.result, request, run.wall_clock);
        CHECK(server.wait_finished(1, 5s));
        const auto records = server.connections();
        REQUIRE_FALSE(records.empty());
        CHECK_FALSE(records[0].tls_established);
        CHECK_FALSE(any_line_starts_with(records[0].lines, "AUTH"));
    }
    SUBCASE("junk in a later segment, before the handshake: the handshake fails") {
        // The probe has already sent its ClientHello; the junk arrives where the ServerHello
        // should. Not an injection the probe can see in its buffer; the TLS layer refuses it.
        s.send("220 go\r\n")
            .sleep(200ms)
            .send("250 injected\r\n")
            .start_tls()
            .respond("250 ok\r\n");
        fake_smtp_server server(s, o);
        auto request = make_request(server.port(), security_mode::starttls, 10s);
        request.ca_file = pki.ca_file();
        add_credentials(request);
        const auto run = probe(request);
        INFO(describe(run.result));
        CHECK(category_of(run.result) == "connect_host");
        CHECK(failed_phase_of(run.result) == "tls");
        // Not port_mode_mismatch: the server spoke STARTTLS correctly up to here.
        const auto cause = cause_of(run.result);
        CHECK((cause == "tls_handshake_failed" || cause == "protocol_violation"));
        CHECK(status_of(run.result, phase::starttls) == "pass");
        CHECK(status_of(run.result, phase::auth) != "pass");
        check_bounded(run.result, request, run.wall_clock);
    }
    SUBCASE("'220 go' alone, junk later inside TLS: STARTTLS passes, the EHLO reply fails") {
        s.send("220 go\r\n")
            .start_tls()
            .send("junk inside TLS\r\n")
            .expect("EHLO")
            .send("250-fake.test\r\n250 AUTH PLAIN\r\n")
            .respond("250 ok\r\n");
        fake_smtp_server server(s, o);
        auto request = make_request(server.port(), security_mode::starttls, 10s);
        request.ca_file = pki.ca_file();
        add_credentials(request);
        const auto run = probe(request);
        check_failure(run.result, "connect_host", "protocol_violation", phase::ehlo,
                      {phase::dns, phase::tcp, phase::greeting, phase::starttls, phase::tls,
                       phase::certificate});
        CHECK(record_of(run.result, phase::ehlo).error_text.rfind("bad_code", 0) == 0);
        check_bounded(run.result, request, run.wall_clock);
        CHECK(server.wait_finished(1, 5s));
        const auto records = server.connections();
        REQUIRE_FALSE(records.empty());
        CHECK(records[0].tls_established);
    }
}

// ---- what the server says, shown safely -------------------------------------------------------

TEST_CASE("terminal escapes and invalid UTF-8 in replies never reach the reports raw") {
    const std::string evil =
        "\x1b]0;pwned\x07\x1b[2J\xff\xfe\xc2\x9b"
        "6n";
    fake_smtp_server server(
        script()
            .send("220 fake.test ESMTP " + evil + "\r\n")
            .expect("EHLO")
            .send("250-fake.test " + evil + "\r\n250-X-" + evil + "\r\n250 8BITMIME\r\n")
            .expect("MAIL FROM")
            .send("550 5.1.8 <user@example.test>: Sender rejected " + evil + "\r\n")
            .respond("250 ok\r\n"));
    const auto request = make_request(server.port(), security_mode::none, 10s);
    const auto run = probe(request);
    check_failure(run.result, "sender_verify", "sender_unknown", phase::mail_from,
                  {phase::dns, phase::tcp, phase::greeting, phase::ehlo});
    check_bounded(run.result, request, run.wall_clock);
    // The raw reply is kept as evidence (bounded); every renderer must sanitise it.
    REQUIRE(record_of(run.result, phase::mail_from).reply.has_value());

    for (const auto lang : {language::en, language::zh}) {
        for (const int verbosity : {0, 2}) {
            text_options options;
            options.lang = lang;
            options.color = false;
            options.show_transcript = true;
            options.verbosity = verbosity;
            const auto text = render_text(run.result, options);
            CAPTURE(language_name(lang));
            CAPTURE(verbosity);
            INFO(text);
            CHECK(first_terminal_control(text, true).empty());
            CHECK(valid_utf8(text));
            CHECK(text.find("\\x1B") != std::string::npos);  // shown, as visible text
            CHECK(text.find("pwned") != std::string::npos);
        }
    }
    // The log (stderr at --log-level trace) is a terminal too.
    CHECK_FALSE(run.log.empty());
    CHECK(first_terminal_control(run.log, true).empty());
    CHECK(valid_utf8(run.log));
    CHECK(run.log.find("\\x1B") != std::string::npos);

    const auto json_text = render_json(run.result, true);
    INFO(json_text.substr(0, 4000));
    CHECK(valid_utf8(json_text));
    CHECK(first_terminal_control(json_text, true).empty());
    boost::system::error_code ec;
    const auto doc = boost::json::parse(json_text, ec);
    REQUIRE_FALSE(ec);
    std::vector<std::string> strings;
    collect_strings(doc, strings);
    bool shown_escaped = false;
    for (const auto& s : strings) {
        CAPTURE(s);
        // JSON would escape a raw ESC as \u001b, so look at the decoded values.
        CHECK(first_terminal_control(s, false).empty());
        CHECK(valid_utf8(s));
        shown_escaped = shown_escaped || s.find("\\x1B") != std::string::npos;
    }
    CHECK(shown_escaped);
}

// ---- certificates ------------------------------------------------------------------------------

TEST_CASE("a chain of 100 certificates: no crash, no hang") {
    test_pki pki;
    server_options o;
    std::string cause;
    SUBCASE("small certificates (about 55 KB): cert_untrusted, deeper than PHP's depth 9") {
        o.tls = pki.long_chain(99);
        cause = "cert_untrusted";
    }
    SUBCASE("3 KB each (about 350 KB): tls_handshake_failed, over the 100 KiB list limit") {
        o.tls = pki.long_chain(99, 3000);
        cause = "tls_handshake_failed";
    }
    CAPTURE(cause);
    script s = starttls_session();
    fake_smtp_server server(then_quit(s), o);
    auto request = make_request(server.port(), security_mode::starttls, 10s);
    request.ca_file = pki.ca_file();
    add_credentials(request);
    const auto run = probe(request);
    check_bounded(run.result, request, run.wall_clock);
    if (cause == "cert_untrusted") {
        check_failure(
            run.result, "smtp_connect_failed", "cert_untrusted", phase::certificate,
            {phase::dns, phase::tcp, phase::greeting, phase::ehlo, phase::starttls, phase::tls});
        const auto& rec = record_of(run.result, phase::certificate);
        REQUIRE(rec.certificate.has_value());
        CHECK(rec.certificate->chain_length == 100);
        CHECK(rec.certificate->verify_error == X509_V_ERR_CERT_CHAIN_TOO_LONG);
        CHECK_FALSE(rec.certificate->chain_trusted);
        CHECK(rec.certificate->name_matches);
    } else {
        check_failure(run.result, "connect_host", "tls_handshake_failed", phase::tls,
                      {phase::dns, phase::tcp, phase::greeting, phase::ehlo, phase::starttls});
        // OpenSSL refuses the Certificate message over SSL_CTX_set_max_cert_list (100 KiB).
        CHECK(record_of(run.result, phase::tls).error_text.find("excessive message size") !=
              std::string::npos);
    }
    CHECK(status_of(run.result, phase::auth) != "pass");
}

// ---- SASL --------------------------------------------------------------------------------------

TEST_CASE("a CRAM-MD5 challenge that is not base64: auth_failed / protocol_violation") {
    test_pki pki;
    const auto o = with_tls(pki);
    const char* challenge = nullptr;
    SUBCASE("punctuation") {
        challenge = "334 !!not*base64!!\r\n";
    }
    SUBCASE("a bad length") {
        challenge = "334 PDEyMzQ1QGZha2UudGVzdD4\r\n";
    }
    SUBCASE("long junk") {
        challenge = nullptr;
    }
    const std::string line =
        challenge != nullptr ? std::string(challenge) : "334 " + std::string(3000, '%') + "\r\n";
    script s = up_to_tls();
    s.expect("EHLO")
        .send("250-fake.test\r\n250 AUTH CRAM-MD5 PLAIN\r\n")
        .expect("AUTH CRAM-MD5")
        .send(line)
        .respond("250 ok\r\n");
    fake_smtp_server server(s, o);
    auto request = make_request(server.port(), security_mode::starttls, 10s);
    request.ca_file = pki.ca_file();
    add_credentials(request);
    request.forced_mechanism = auth_mechanism::cram_md5;
    const auto run = probe(request);
    check_failure(run.result, "auth_failed", "protocol_violation", phase::auth, up_to_certificate);
    check_bounded(run.result, request, run.wall_clock);
    CHECK(record_of(run.result, phase::auth).mechanism == std::optional<std::string>("CRAM-MD5"));
    if (challenge != nullptr) {
        const std::string text(challenge + 4, std::string_view(challenge).size() - 6);
        CHECK(record_of(run.result, phase::auth).error_text ==
              "bad_separator: CRAM-MD5 challenge is not base64: " + text);
        text_options zh;
        zh.lang = language::zh;
        const auto out = render_text(run.result, zh);
        CHECK(out.find("bad_separator：CRAM-MD5 质询不是有效的 base64：" + text) !=
              std::string::npos);
        CHECK(out.find("challenge is not") == std::string::npos);
    }
}

// ---- reply codes out of range ------------------------------------------------------------------

// RFC 5321 section 4.2: a reply code is three digits, the first 2..5 and the second 0..5. The
// probe says protocol_violation for all of these, at the greeting too: none of them looks like a
// known non-SMTP banner (not_smtp is kept for SSH, HTTP, POP3, IMAP, FTP, TLS, MySQL, Telnet, VNC).
TEST_CASE("reply codes out of range: protocol_violation (bad_code / bad_separator)") {
    struct row {
        const char* reply;
        const char* violation;
    };
    const row rows[] = {
        {"999 x", "bad_code"}, {"099 x", "bad_code"}, {"2500 x", "bad_separator"},
        {"25 x", "bad_code"},  {"260 x", "bad_code"},
    };
    for (const auto& row : rows) {
        for (const bool at_greeting : {true, false}) {
            CAPTURE(row.reply);
            CAPTURE(at_greeting);
            script s;
            if (at_greeting) {
                s.send(std::string(row.reply) + "\r\n").silent_until_close();
            } else {
                s.send("220 fake.test ESMTP\r\n")
                    .expect("EHLO")
                    .send(std::string(row.reply) + "\r\n")
                    .silent_until_close();
            }
            fake_smtp_server server(s);
            const auto request = make_request(server.port(), security_mode::starttls, 10s);
            const auto run = probe(request);
            const phase failed = at_greeting ? phase::greeting : phase::ehlo;
            check_failure(run.result, "connect_host", "protocol_violation", failed,
                          at_greeting ? up_to_tcp : up_to_greeting);
            check_bounded(run.result, request, run.wall_clock);
            CHECK(record_of(run.result, failed).error_text.rfind(row.violation, 0) == 0);
        }
    }
}

// ---- a login that never happened ---------------------------------------------------------------

// RFC 4954 section 4: the server answers 235 only once the exchange is complete. A 235 straight
// after AUTH LOGIN, after the username, or after AUTH CRAM-MD5 checked no credential; PHPMailer
// waits for 334 at those steps and fails, so the probe must not say OK.
TEST_CASE("a 235 before the credential was sent: auth_failed / auth_premature_success") {
    struct early {
        const char* name;
        auth_mechanism mech;
        script steps;
        const char* detail;
    };
    const std::string ok = "235 2.7.0 Authentication successful\r\n";
    std::vector<early> cases;
    cases.push_back({"235 right after AUTH LOGIN", auth_mechanism::login,
                     script().expect("AUTH LOGIN").send(ok),
                     "AUTH LOGIN answered with success before any credential was sent: 235 2.7.0 "
                     "Authentication successful"});
    cases.push_back(
        {"235 after LOGIN's username", auth_mechanism::login,
         script().expect("AUTH LOGIN").send("334 VXNlcm5hbWU6\r\n").expect_any().send(ok),
         "AUTH LOGIN answered with success after the username, before the password "
         "was sent: 235 2.7.0 Authentication successful"});
    cases.push_back({"235 right after AUTH CRAM-MD5", auth_mechanism::cram_md5,
                     script().expect("AUTH CRAM-MD5").send(ok),
                     "AUTH CRAM-MD5 answered with success before any credential was sent: 235 "
                     "2.7.0 Authentication successful"});
    for (auto& c : cases) {
        for (const bool tls : {false, true}) {
            CAPTURE(c.name);
            CAPTURE(tls);
            script s;
            if (tls) {
                s = up_to_tls();
                s.expect("EHLO probe.test");
            } else {
                s.send("220 fake.test ESMTP\r\n").expect("EHLO probe.test");
            }
            s.send("250-fake.test\r\n250 AUTH PLAIN LOGIN CRAM-MD5\r\n").append(c.steps);
            then_quit(s);
            test_pki pki;
            fake_smtp_server server(s, tls ? with_tls(pki) : server_options{});
            auto request = make_request(server.port(),
                                        tls ? security_mode::starttls : security_mode::none, 10s);
            request.ca_file = pki.ca_file();
            add_credentials(request);
            request.forced_mechanism = c.mech;
            const auto run = probe(request);
            const auto& r = run.result;
            CHECK(category_of(r) == "auth_failed");
            CHECK(r.outcome.cause == std::optional<probe_errc>(probe_errc::auth_premature_success));
            CHECK(r.outcome.failed_phase == std::optional<phase>(phase::auth));
            CHECK(record_of(r, phase::auth).error_text.empty());
            CHECK(record_of(r, phase::auth).detail == c.detail);
            // No password crossed the wire, in clear or not: no warning says it did.
            for (const auto& w : r.warnings) {
                CHECK(w.kind != warning_kind::credentials_in_clear);
            }
            REQUIRE(server.wait_finished(1, 5s));
            const auto records = server.connections();
            REQUIRE(records.size() == 1);
            const auto lines = records[0].lines;
            CHECK(std::none_of(lines.begin(), lines.end(),
                               [](const std::string& l) { return l.rfind("MAIL FROM", 0) == 0; }));
            text_options zh;
            zh.lang = language::zh;
            CHECK(render_text(r, zh).find("尚未发送") != std::string::npos);
        }
    }
}

TEST_CASE("LOGIN over plain text: the warning is raised once the password is sent") {
    script s;
    s.send("220 fake.test ESMTP\r\n")
        .expect("EHLO probe.test")
        .send("250-fake.test\r\n250 AUTH LOGIN\r\n")
        .expect("AUTH LOGIN")
        .send("334 VXNlcm5hbWU6\r\n")
        .expect_any()
        .send("334 UGFzc3dvcmQ6\r\n")
        .expect_any()
        .send("235 2.7.0 ok\r\n");
    then_quit(s);
    fake_smtp_server server(s);
    auto request = make_request(server.port(), security_mode::none, 10s);
    add_credentials(request);
    const auto run = probe(request);
    CHECK(category_of(run.result) == "ok");
    int warned = 0;
    for (const auto& w : run.result.warnings) {
        warned += w.kind == warning_kind::credentials_in_clear ? 1 : 0;
    }
    CHECK(warned == 1);
}

TEST_CASE("a 334 after the last step of LOGIN: auth_failed / protocol_violation") {
    script s;
    s.send("220 fake.test ESMTP\r\n")
        .expect("EHLO probe.test")
        .send("250-fake.test\r\n250 AUTH LOGIN\r\n")
        .expect("AUTH LOGIN")
        .send("334 VXNlcm5hbWU6\r\n")
        .expect_any()
        .send("334 UGFzc3dvcmQ6\r\n")
        .expect_any()
        .send("334 UGFzc3dvcmQ6\r\n");
    then_quit(s);
    fake_smtp_server server(s);
    auto request = make_request(server.port(), security_mode::none, 10s);
    add_credentials(request);
    const auto run = probe(request);
    CHECK(category_of(run.result) == "auth_failed");
    CHECK(run.result.outcome.cause == std::optional<probe_errc>(probe_errc::protocol_violation));
    CHECK(record_of(run.result, phase::auth).detail ==
          "AUTH LOGIN asked for more after the exchange was complete: 334 UGFzc3dvcmQ6");
}

// ---- limits where PHP has them ----------------------------------------------------------------

// A cap of the probe's own must not pass what PHP (and so WHMCS) refuses, nor refuse what it
// accepts: the certificate list limit and the chain depth are PHP's.
TEST_CASE("chain depth and size at PHP's limits") {
    test_pki pki;
    struct row {
        const char* name;
        int intermediates;
        std::size_t padding;
        const char* category;
        const char* cause;  ///< nullptr: ok
    };
    const row rows[] = {
        // leaf at depth 0, 8 intermediates, the anchor at depth 9: PHP accepts it
        {"8 intermediates", 8, 0, "ok", nullptr},
        // the anchor at depth 10: PHP's verify callback refuses it (X509_V_ERR_CERT_CHAIN_TOO_LONG)
        {"9 intermediates", 9, 0, "smtp_connect_failed", "cert_untrusted"},
        // about 130 KB: over OpenSSL's default 100 KiB, which PHP keeps (before: passed)
        {"40 intermediates of 3 KB", 40, 3000, "connect_host", "tls_handshake_failed"},
    };
    for (const auto& r : rows) {
        CAPTURE(std::string(r.name));
        server_options o;
        o.tls = pki.long_chain(r.intermediates, r.padding);
        script s = starttls_session();
        s.respond("250 2.0.0 ok\r\n", {{"AUTH", "235 2.7.0 ok\r\n"}});
        fake_smtp_server server(s, o);
        auto request = make_request(server.port(), security_mode::starttls, 10s);
        request.ca_file = pki.ca_file();
        add_credentials(request);
        const auto run = probe(request);
        INFO(describe(run.result));
        CHECK(category_of(run.result) == r.category);
        if (r.cause != nullptr) {
            REQUIRE(run.result.outcome.cause.has_value());
            CHECK(cause_id(*run.result.outcome.cause) == r.cause);
        }
        if (r.intermediates == 9) {
            const auto& rec = record_of(run.result, phase::certificate);
            REQUIRE(rec.certificate.has_value());
            CHECK(rec.certificate->verify_error == X509_V_ERR_CERT_CHAIN_TOO_LONG);
        }
    }
}
