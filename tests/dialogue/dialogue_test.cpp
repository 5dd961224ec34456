// The whole session against scripted servers (scripted_wire.hpp), no sockets: every security
// mode with every AUTH mechanism byte for byte, then each of those dialogues with a failure at
// every operation, and the hostile cases (STARTTLS injection, a 235 too early).
#include <doctest/doctest.h>
#include <spdlog/logger.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <ctime>
#include <map>
#include <string>
#include <vector>

#include "checks/errors.hpp"
#include "checks/session/pipeline.hpp"
#include "net/io_error.hpp"
#include "tests/dialogue/scripted_wire.hpp"

namespace smtp_probe::testing {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

constexpr const char* plain_ir = "AHVzZXIAcGFzc3dvcmQ=";  // \0user\0password
constexpr const char* cram_challenge = "PDE4OTYuNjk3MTcwOTUyQG14LnRlc3Q+";
constexpr const char* cram_answer = "dXNlciBhZTMxZTRiOTc5N2EwNjI0MjMxMWY5ODZkZTY1MzlkNQ==";
constexpr const char* xoauth2_ir = "dXNlcj11c2VyAWF1dGg9QmVhcmVyIHRva2VuAQE=";
constexpr const char* oauthbearer_ir_587 =
    "bixhPXVzZXIsAWhvc3Q9MTI3LjAuMC4xAXBvcnQ9NTg3AWF1dGg9QmVhcmVyIHRva2VuAQE=";
constexpr const char* oauthbearer_ir_465 =
    "bixhPXVzZXIsAWhvc3Q9MTI3LjAuMC4xAXBvcnQ9NDY1AWF1dGg9QmVhcmVyIHRva2VuAQE=";

const security_mode all_modes[] = {security_mode::none, security_mode::starttls, security_mode::tls,
                                   security_mode::automatic};
const auth_mechanism all_mechanisms[] = {auth_mechanism::plain, auth_mechanism::login,
                                         auth_mechanism::cram_md5, auth_mechanism::xoauth2,
                                         auth_mechanism::oauthbearer};

bool uses_token(auth_mechanism m) {
    return m == auth_mechanism::xoauth2 || m == auth_mechanism::oauthbearer;
}

probe_request make_request(security_mode mode, auth_mechanism mech) {
    probe_request r;
    r.host = "127.0.0.1";  // an IP literal: the DNS phase opens no socket
    r.port = mode == security_mode::tls ? 465 : 587;
    r.security = mode;
    r.timeouts.greeting_tls_sniff = 500ms;
    r.timeouts.reply = 2s;
    r.helo_name = "probe.test";
    r.keep_transcript = true;
    r.from = "user@example.test";
    r.rcpt = "rcpt@example.test";
    r.user = "user";
    r.forced_mechanism = mech;
    if (uses_token(mech)) {
        r.oauth_token = secret(std::string("token"));
    } else {
        r.password = secret(std::string("password"));
    }
    return r;
}

tls_facts canned_tls() {
    return {"TLSv1.3", "TLS_AES_256_GCM_SHA384", ""};
}

certificate_facts canned_certificate() {
    const auto now = static_cast<std::int64_t>(std::time(nullptr));
    certificate_facts c;
    c.subject = "CN=mx.test";
    c.issuer = "CN=Dialogue Test CA";
    c.common_name = "mx.test";
    c.ip_addresses = {"127.0.0.1"};
    c.not_before = now - 86'400;
    c.not_after = now + 90 * 86'400;
    c.chain_length = 2;
    c.chain_trusted = true;
    c.chain = {{"mx.test", c.not_before, c.not_after},
               {"Dialogue Test CA", c.not_before, now + 900 * 86'400}};
    return c;
}

void add_ehlo(dialogue_script& d, bool offer_starttls) {
    d.in(phase::ehlo).expect_write("EHLO probe.test\r\n");
    // One reply over three reads, split inside a line.
    d.expect_read("250-mx.test Hello\r\n250-PIPELIN");
    d.expect_read(offer_starttls ? "ING\r\n250-STARTTLS\r\n" : "ING\r\n");
    d.expect_read("250 AUTH PLAIN LOGIN CRAM-MD5 XOAUTH2 OAUTHBEARER\r\n");
}

void add_auth(dialogue_script& d, auth_mechanism mech, std::uint16_t port) {
    d.in(phase::auth);
    switch (mech) {
        case auth_mechanism::plain:
            d.expect_write(std::string("AUTH PLAIN ") + plain_ir + "\r\n");
            break;
        case auth_mechanism::login:
            d.expect_write("AUTH LOGIN\r\n").expect_read("334 VXNlcm5hbWU6\r\n");
            d.expect_write("dXNlcg==\r\n").expect_read("334 UGFzc3dvcmQ6\r\n");
            d.expect_write("cGFzc3dvcmQ=\r\n");
            break;
        case auth_mechanism::cram_md5:
            d.expect_write("AUTH CRAM-MD5\r\n")
                .expect_read(std::string("334 ") + cram_challenge + "\r\n");
            d.expect_write(std::string(cram_answer) + "\r\n");
            break;
        case auth_mechanism::xoauth2:
            d.expect_write(std::string("AUTH XOAUTH2 ") + xoauth2_ir + "\r\n");
            break;
        case auth_mechanism::oauthbearer:
            d.expect_write(std::string("AUTH OAUTHBEARER ") +
                           (port == 465 ? oauthbearer_ir_465 : oauthbearer_ir_587) + "\r\n");
            break;
    }
    d.expect_read("235 2.7.0 Authentication successful\r\n");
}

void add_envelope_and_quit(dialogue_script& d) {
    d.in(phase::mail_from).expect_write("MAIL FROM:<user@example.test>\r\n");
    d.expect_read("250 2.1.0 Ok\r\n");
    d.in(phase::rcpt).expect_write("RCPT TO:<rcpt@example.test>\r\n");
    d.expect_read("250 2.1.5 Ok\r\n");
    d.in(phase::quit).expect_write("RSET\r\n").expect_read("250 2.0.0 Ok\r\n");
    d.expect_write("QUIT\r\n").expect_read("221 2.0.0 Bye\r\n");
}

/// The passing dialogue of one mode and mechanism, every byte.
std::shared_ptr<dialogue_script> passing_dialogue(security_mode mode, auth_mechanism mech) {
    auto d = std::make_shared<dialogue_script>();
    d->in(phase::tcp).expect_connect();
    if (mode == security_mode::tls) {
        d->in(phase::tls).expect_tls(canned_tls(), canned_certificate());
        d->in(phase::greeting).expect_read("220 mx.test ESMTP\r\n");
        add_ehlo(*d, false);
    } else {
        d->in(phase::greeting).expect_read("220 mx.test ESMTP\r\n");
        add_ehlo(*d, mode != security_mode::none);
        if (mode != security_mode::none) {
            d->in(phase::starttls).expect_write("STARTTLS\r\n");
            d->expect_read("220 2.0.0 Ready to start TLS\r\n");
            d->in(phase::tls).expect_tls(canned_tls(), canned_certificate());
            d->in(phase::ehlo).expect_write("EHLO probe.test\r\n");
            d->expect_read(
                "250-mx.test Hello\r\n250 AUTH PLAIN LOGIN CRAM-MD5 XOAUTH2 OAUTHBEARER\r\n");
        }
    }
    add_auth(*d, mech, mode == security_mode::tls ? 465 : 587);
    add_envelope_and_quit(*d);
    return d;
}

probe_result run_dialogue(const probe_request& request, std::shared_ptr<dialogue_script> script) {
    asio::io_context io;
    probe_services services{nullptr, std::make_shared<spdlog::logger>("dialogue"), nullptr};
    auto future = asio::co_spawn(io, run_probe(request, services, scripted_factory(script)),
                                 asio::use_future);
    io.run();
    auto results = future.get();
    REQUIRE(results.size() == 1);
    return std::move(results.front());
}

std::string name_of(security_mode mode, auth_mechanism mech) {
    return std::string(security_name(mode)) + " + " + std::string(mechanism_name(mech));
}

const phase_record& record_of(const probe_result& r, phase p) {
    const auto* rec = r.find(p);
    REQUIRE(rec != nullptr);
    return *rec;
}

/// Where each phase first and last makes an operation in the script; the certificate phase,
/// which makes none, sits right after the handshake.
std::map<phase, std::pair<std::size_t, std::size_t>> phase_spans(const dialogue_script& d) {
    std::map<phase, std::pair<std::size_t, std::size_t>> spans;
    for (std::size_t i = 0; i < d.steps.size(); ++i) {
        const auto p = d.steps[i].during;
        auto [it, inserted] = spans.try_emplace(p, i, i);
        it->second.second = i;
        if (p == phase::tls) {
            spans.try_emplace(phase::certificate, i, i);
        }
    }
    return spans;
}

boost::system::error_code timeout_for(step_kind kind) {
    return kind == step_kind::connect ? boost::system::error_code(asio::error::timed_out)
                                      : make_error_code(io_errc::timeout);
}

TEST_CASE("every mode with every AUTH mechanism: the exact dialogue passes") {
    for (const auto mode : all_modes) {
        for (const auto mech : all_mechanisms) {
            CAPTURE(name_of(mode, mech));
            auto script = passing_dialogue(mode, mech);
            const auto result = run_dialogue(make_request(mode, mech), script);
            CHECK(script->problems == std::vector<std::string>{});
            CHECK(script->done());
            CHECK(result.ok());
            CHECK(record_of(result, phase::auth).status == phase_status::pass);
            CHECK(*record_of(result, phase::auth).mechanism == mechanism_name(mech));
            CHECK(record_of(result, phase::quit).status == phase_status::pass);
            const auto& starttls = record_of(result, phase::starttls);
            if (mode == security_mode::none) {
                CHECK(starttls.skipped == skip_reason::plaintext_requested);
                CHECK(record_of(result, phase::tls).status == phase_status::skip);
            } else if (mode == security_mode::tls) {
                CHECK(starttls.skipped == skip_reason::implicit_tls);
            } else {
                CHECK(starttls.status == phase_status::pass);
            }
            if (mode != security_mode::none) {
                CHECK(record_of(result, phase::tls).tls->version == "TLSv1.3");
                CHECK(record_of(result, phase::certificate).status == phase_status::pass);
                CHECK(record_of(result, phase::certificate).certificate->common_name == "mx.test");
            }
            // The transcript never carries the credential, only the placeholder.
            for (const auto& line : result.transcript) {
                CHECK(line.text.find("cGFzc3dvcmQ") == std::string::npos);
                CHECK(line.text.find(plain_ir) == std::string::npos);
            }
        }
    }
}

/// The dialogue of one mode and mechanism with the k-th operation failing, for every k and two
/// errors (a timeout, a reset connection).
void fail_at_every_step(security_mode mode, auth_mechanism mech) {
    const auto steps = passing_dialogue(mode, mech)->steps.size();
    for (std::size_t k = 0; k < steps; ++k) {
        for (const bool reset : {false, true}) {
            auto script = passing_dialogue(mode, mech);
            const auto& failing = script->steps[k];
            const auto ec = reset ? boost::system::error_code(asio::error::connection_reset)
                                  : timeout_for(failing.kind);
            script->fail_at_step(k, ec);
            const auto spans = phase_spans(*script);
            const auto expected = failing.during;
            CAPTURE(name_of(mode, mech));
            CAPTURE(k);
            CAPTURE(reset);
            CAPTURE(phase_name(expected));
            const auto result = run_dialogue(make_request(mode, mech), script);
            CHECK(script->problems == std::vector<std::string>{});
            CHECK(script->failed);
            // After the failure the probe at most says QUIT: nothing else goes out.
            std::size_t writes_before = 0;
            for (std::size_t i = 0; i < k; ++i) {
                writes_before += script->steps[i].kind == step_kind::write ? 1 : 0;
            }
            const auto writes_in_step = failing.kind == step_kind::write ? 1u : 0u;
            for (std::size_t i = writes_before + writes_in_step; i < script->writes.size(); ++i) {
                CHECK(script->writes[i] == "QUIT\r\n");
            }
            if (expected == phase::quit) {
                // RSET and QUIT come after the verdict: a failure there is only noted.
                CHECK(result.ok());
                CHECK(record_of(result, phase::quit).status == phase_status::skip);
                continue;
            }
            REQUIRE_FALSE(result.ok());
            CHECK(result.outcome.failed_phase == expected);
            const auto& failed = record_of(result, expected);
            CHECK(failed.status == phase_status::fail);
            REQUIRE(failed.cause.has_value());
            CHECK(result.outcome.cause.has_value());
            for (const auto& [p, span] : spans) {
                if (p == expected) {
                    continue;
                }
                CAPTURE(phase_name(p));
                const auto& rec = record_of(result, p);
                if (span.second < k) {
                    CHECK(rec.status == phase_status::pass);  // done before the failure: kept
                } else if (span.first > k) {
                    CHECK(rec.status == phase_status::skip);  // after it: never ran
                    CHECK(rec.skipped == skip_reason::after_failure);
                }
            }
        }
    }
}

TEST_CASE("a failure at every operation: plaintext (none)") {
    for (const auto mech : all_mechanisms) {
        fail_at_every_step(security_mode::none, mech);
    }
}

TEST_CASE("a failure at every operation: STARTTLS") {
    for (const auto mech : all_mechanisms) {
        fail_at_every_step(security_mode::starttls, mech);
    }
}

TEST_CASE("a failure at every operation: implicit TLS") {
    for (const auto mech : all_mechanisms) {
        fail_at_every_step(security_mode::tls, mech);
    }
}

TEST_CASE("a failure at every operation: automatic") {
    for (const auto mech : all_mechanisms) {
        fail_at_every_step(security_mode::automatic, mech);
    }
}

/// The STARTTLS dialogue up to the STARTTLS command, the 220 left to the test.
std::shared_ptr<dialogue_script> up_to_starttls() {
    auto d = std::make_shared<dialogue_script>();
    d->in(phase::tcp).expect_connect();
    d->in(phase::greeting).expect_read("220 mx.test ESMTP\r\n");
    add_ehlo(*d, true);
    d->in(phase::starttls).expect_write("STARTTLS\r\n");
    return d;
}

TEST_CASE("STARTTLS injection: a reply sent with the 220, before the handshake, fails the phase") {
    for (const auto mode : {security_mode::starttls, security_mode::automatic}) {
        CAPTURE(security_name(mode));
        auto script = up_to_starttls();
        script->expect_read("220 go\r\n250 injected\r\n");
        // No handshake: the polite QUIT goes out in plaintext, and the injected 250 is what it
        // reads (already buffered: no read).
        script->in(phase::quit).expect_write("QUIT\r\n");
        const auto result = run_dialogue(make_request(mode, auth_mechanism::plain), script);
        CHECK(script->problems == std::vector<std::string>{});
        CHECK(script->done());
        CHECK(result.outcome.failed_phase == phase::starttls);
        CHECK(record_of(result, phase::starttls).cause == probe_errc::protocol_violation);
        CHECK(record_of(result, phase::tls).skipped == skip_reason::after_failure);
        CHECK(record_of(result, phase::auth).skipped == skip_reason::after_failure);
        // The credential never went out.
        for (const auto& w : script->writes) {
            CHECK(w.find(plain_ir) == std::string::npos);
        }
    }
}

TEST_CASE("STARTTLS: the 220 split over two reads is no injection") {
    auto script = up_to_starttls();
    script->expect_read("22").expect_read("0 go\r\n");
    script->in(phase::tls).expect_tls(canned_tls(), canned_certificate());
    script->in(phase::ehlo).expect_write("EHLO probe.test\r\n");
    script->expect_read("250-mx.test\r\n250 AUTH PLAIN\r\n");
    add_auth(*script, auth_mechanism::plain, 587);
    add_envelope_and_quit(*script);
    const auto result =
        run_dialogue(make_request(security_mode::starttls, auth_mechanism::plain), script);
    CHECK(script->problems == std::vector<std::string>{});
    CHECK(script->done());
    CHECK(result.ok());
}

TEST_CASE("a reply with the greeting, in one read: unsolicited, the greeting fails") {
    auto script = std::make_shared<dialogue_script>();
    script->in(phase::tcp).expect_connect();
    script->in(phase::greeting).expect_read("220 mx.test ESMTP\r\n250 early\r\n");
    script->in(phase::quit).expect_write("QUIT\r\n");
    const auto result =
        run_dialogue(make_request(security_mode::starttls, auth_mechanism::plain), script);
    CHECK(script->problems == std::vector<std::string>{});
    CHECK(script->done());
    CHECK(result.outcome.failed_phase == phase::greeting);
    CHECK(record_of(result, phase::greeting).cause == probe_errc::protocol_violation);
}

/// The implicit-TLS dialogue up to AUTH, the exchange left to the test.
std::shared_ptr<dialogue_script> up_to_auth() {
    auto d = std::make_shared<dialogue_script>();
    d->in(phase::tcp).expect_connect();
    d->in(phase::tls).expect_tls(canned_tls(), canned_certificate());
    d->in(phase::greeting).expect_read("220 mx.test ESMTP\r\n");
    add_ehlo(*d, false);
    d->in(phase::auth);
    return d;
}

TEST_CASE("a 235 too early: the AUTH phase fails as premature success") {
    SUBCASE("LOGIN: 235 to the command") {
        auto script = up_to_auth();
        script->expect_write("AUTH LOGIN\r\n").expect_read("235 ok\r\n");
        script->in(phase::quit).expect_write("QUIT\r\n").expect_read("221 bye\r\n");
        const auto result =
            run_dialogue(make_request(security_mode::tls, auth_mechanism::login), script);
        CHECK(script->problems == std::vector<std::string>{});
        CHECK(script->done());
        CHECK(result.outcome.failed_phase == phase::auth);
        CHECK(record_of(result, phase::auth).cause == probe_errc::auth_premature_success);
        CHECK(record_of(result, phase::mail_from).skipped == skip_reason::after_failure);
    }
    SUBCASE("LOGIN: 235 to the username") {
        auto script = up_to_auth();
        script->expect_write("AUTH LOGIN\r\n").expect_read("334 VXNlcm5hbWU6\r\n");
        script->expect_write("dXNlcg==\r\n").expect_read("235 ok\r\n");
        script->in(phase::quit).expect_write("QUIT\r\n").expect_read("221 bye\r\n");
        const auto result =
            run_dialogue(make_request(security_mode::tls, auth_mechanism::login), script);
        CHECK(script->problems == std::vector<std::string>{});
        CHECK(script->done());
        CHECK(record_of(result, phase::auth).cause == probe_errc::auth_premature_success);
        for (const auto& w : script->writes) {
            CHECK(w.find("cGFzc3dvcmQ") == std::string::npos);  // the password never went out
        }
    }
    SUBCASE("CRAM-MD5: 235 to the command") {
        auto script = up_to_auth();
        script->expect_write("AUTH CRAM-MD5\r\n").expect_read("235 ok\r\n");
        script->in(phase::quit).expect_write("QUIT\r\n").expect_read("221 bye\r\n");
        const auto result =
            run_dialogue(make_request(security_mode::tls, auth_mechanism::cram_md5), script);
        CHECK(script->problems == std::vector<std::string>{});
        CHECK(script->done());
        CHECK(record_of(result, phase::auth).cause == probe_errc::auth_premature_success);
    }
}

TEST_CASE("the phase records of each mode come from one table") {
    for (const auto mode : all_modes) {
        CAPTURE(security_name(mode));
        const auto result = run_dialogue(make_request(mode, auth_mechanism::plain),
                                         passing_dialogue(mode, auth_mechanism::plain));
        std::vector<phase> order;
        for (const auto& rec : result.checks) {
            order.push_back(rec.name);
        }
        const std::vector<phase> implicit = {phase::dns,         phase::tcp,      phase::tls,
                                             phase::certificate, phase::greeting, phase::ehlo,
                                             phase::starttls,    phase::auth,     phase::mail_from,
                                             phase::rcpt,        phase::quit};
        const std::vector<phase> upgrade = {phase::dns,         phase::tcp,      phase::greeting,
                                            phase::ehlo,        phase::starttls, phase::tls,
                                            phase::certificate, phase::auth,     phase::mail_from,
                                            phase::rcpt,        phase::quit};
        CHECK(order == (mode == security_mode::tls ? implicit : upgrade));
    }
}

}  // namespace
}  // namespace smtp_probe::testing
