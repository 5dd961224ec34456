// No output ever carries a credential. Probes that reach AUTH (accepted once, refused once) with
// a known password and a known OAuth token, for every mechanism, over STARTTLS and in plaintext;
// then every output is searched for the secret in every form it crosses the wire in: raw, base64
// at all three alignments, the SASL payloads whole. The command line is checked too.
//
// Not covered: the Prometheus exporter named in the issue does not exist yet; when it does, its
// metrics page and labels belong in collect_outputs() below.
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include <doctest/doctest.h>
#include <boost/json/serialize.hpp>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "checks/errors.hpp"
#include "checks/evidence.hpp"
#include "checks/phase.hpp"
#include "checks/pipeline.hpp"
#include "checks/request.hpp"
#include "net/base64.hpp"
#include "net/sasl.hpp"
#include "probe/cli.hpp"
#include "probe/i18n.hpp"
#include "probe/report_json.hpp"
#include "probe/report_text.hpp"
#include "tests/fake/fake_smtp_server.hpp"
#include "tests/fake/test_certs.hpp"

using namespace std::chrono_literals;
using namespace smtp_probe;
using fake::fake_smtp_server;
using fake::leaf_kind;
using fake::script;
using fake::server_options;
using fake::test_pki;

namespace {

const std::string the_user = "leak.user@example.test";
const std::string the_password = "Tr0ub4dor&3-leak-canary";
const std::string the_token = "ya29.a0Leak-Canary_Token.9qZx7Wv";
/// base64 of "<1896.697170952@fake.test>" (the RFC 2195 example's shape).
const std::string cram_challenge = base64_encode("<1896.697170952@fake.test>");

struct captured_log {
    std::shared_ptr<std::ostringstream> out = std::make_shared<std::ostringstream>();
    std::shared_ptr<spdlog::logger> logger;
    captured_log() {
        auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(*out);
        logger = std::make_shared<spdlog::logger>("fake_secret_leak", std::move(sink));
        // What --log-level trace gives: every phase, command and reply line.
        logger->set_level(spdlog::level::trace);
    }
    [[nodiscard]] std::string text() const {
        logger->flush();
        return out->str();
    }
};

/// A named byte string to look for.
struct needle {
    std::string name;
    std::string bytes;
};

/// base64 of `data` preceded by `offset` bytes (0, 1 or 2), without the characters the prefix
/// and the final padding affect: whatever stream the data sits in, encoded at any alignment,
/// contains one of the three.
std::string base64_core(std::string_view data, std::size_t offset) {
    std::string prefixed(offset, '\0');
    prefixed.append(data);
    std::string b64 = base64_encode(prefixed);
    const std::size_t head = offset == 0 ? 0 : offset + 1;  // 1 byte -> 2 chars, 2 -> 3
    bool padded = false;
    while (!b64.empty() && b64.back() == '=') {
        b64.pop_back();
        padded = true;
    }
    if (padded && !b64.empty()) {
        b64.pop_back();  // its low bits are the padding's zeros, not the next byte's
    }
    return b64.size() > head ? b64.substr(head) : std::string();
}

/// Every form of `value` (a password or a token) that could leak.
std::vector<needle> forms_of(const std::string& what, const std::string& value) {
    std::vector<needle> out;
    out.push_back({what, value});
    out.push_back({"base64(" + what + ")", base64_encode(value)});
    for (std::size_t k = 0; k < 3; ++k) {
        out.push_back({"base64 of the " + what + " at alignment " + std::to_string(k),
                       base64_core(value, k)});
    }
    return out;
}

enum class credential { password, token };

struct mechanism_case {
    auth_mechanism mech;
    credential kind;
};

/// The payloads the probe sends for this mechanism: the positive control (the server must have
/// received them) and more needles (no output may contain them).
std::vector<needle> payloads(auth_mechanism mech, std::uint16_t port) {
    const secret password(the_password);
    const secret token(the_token);
    switch (mech) {
        case auth_mechanism::plain: {
            const std::string ir(plain_initial_response(the_user, password).reveal());
            return {{"the PLAIN payload base64(\\0user\\0password)", ir},
                    {"the AUTH PLAIN command with its initial response", "AUTH PLAIN " + ir}};
        }
        case auth_mechanism::login:
            return {
                {"the LOGIN password response", std::string(login_password(password).reveal())}};
        case auth_mechanism::cram_md5: {
            const auto response = cram_md5_response(cram_challenge, the_user, password);
            REQUIRE(response.has_value());
            return {{"the CRAM-MD5 response", std::string(response->reveal())}};
        }
        case auth_mechanism::xoauth2: {
            const std::string ir(xoauth2_initial_response(the_user, token).reveal());
            return {{"the XOAUTH2 blob", ir}, {"the AUTH XOAUTH2 command", "AUTH XOAUTH2 " + ir}};
        }
        case auth_mechanism::oauthbearer: {
            const std::string ir(
                oauthbearer_initial_response(the_user, "127.0.0.1", port, token).reveal());
            return {{"the OAUTHBEARER blob", ir},
                    {"the AUTH OAUTHBEARER command", "AUTH OAUTHBEARER " + ir}};
        }
    }
    return {};
}

std::vector<needle> needles_for(const mechanism_case& c, std::uint16_t port) {
    std::vector<needle> all = c.kind == credential::password ? forms_of("password", the_password)
                                                             : forms_of("token", the_token);
    if (c.kind == credential::token) {
        all.push_back({"the bearer credential", "Bearer " + the_token});
        // The decoded SASL strings, should anything decode and show them.
        const std::string decoded = *base64_decode(payloads(c.mech, port).front().bytes);
        all.push_back({"the decoded SASL message", decoded});
    } else {
        all.push_back({"the decoded PLAIN message",
                       std::string(1, '\0') + the_user + std::string(1, '\0') + the_password});
    }
    const auto sent = payloads(c.mech, port);
    all.insert(all.end(), sent.begin(), sent.end());
    for (const auto& n : all) {
        CAPTURE(n.name);
        REQUIRE(n.bytes.size() >= 8);  // long enough that a hit is no accident
    }
    return all;
}

/// The server side of AUTH with `mech`, ending in 235 or 535 (for the OAuth mechanisms the
/// failure goes through the 334 JSON error of RFC 7628 section 3.2.2).
script auth_steps(auth_mechanism mech, bool accept) {
    const std::string ok = "235 2.7.0 Authentication successful\r\n";
    const std::string refused = "535 5.7.8 Error: authentication failed\r\n";
    const std::string final_reply = accept ? ok : refused;
    // {"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}
    const std::string oauth_error =
        "334 "
        "eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIiwic2NvcGUiOiJodHRwczovL21haWwuZ29vZ2xlLmNvbS"
        "8ifQ==\r\n";
    script s;
    switch (mech) {
        case auth_mechanism::plain:
            s.auth(final_reply);
            break;
        case auth_mechanism::login:
            s.expect("AUTH LOGIN")
                .send("334 VXNlcm5hbWU6\r\n")
                .expect_any()
                .send("334 UGFzc3dvcmQ6\r\n")
                .expect_any()
                .send(final_reply);
            break;
        case auth_mechanism::cram_md5:
            s.expect("AUTH CRAM-MD5")
                .send("334 " + cram_challenge + "\r\n")
                .expect_any()
                .send(final_reply);
            break;
        case auth_mechanism::xoauth2:
        case auth_mechanism::oauthbearer:
            if (accept) {
                s.auth(ok);
            } else {
                s.expect(mech == auth_mechanism::xoauth2 ? "AUTH XOAUTH2 " : "AUTH OAUTHBEARER ")
                    .send(oauth_error)
                    .expect_any()  // the client's empty line (XOAUTH2) or ^A (OAUTHBEARER)
                    .send(refused);
            }
            break;
    }
    return s;
}

const std::string ehlo_auth =
    "250-fake.test\r\n250-AUTH PLAIN LOGIN CRAM-MD5 XOAUTH2 OAUTHBEARER\r\n250 8BITMIME\r\n";

script session(auth_mechanism mech, bool tls, bool accept) {
    script s;
    s.send("220 fake.test ESMTP\r\n").expect("EHLO probe.test");
    if (tls) {
        s.send("250-fake.test\r\n250 STARTTLS\r\n")
            .expect("STARTTLS")
            .send("220 2.0.0 Ready to start TLS\r\n")
            .start_tls()
            .expect("EHLO probe.test");
    }
    s.send(ehlo_auth).append(auth_steps(mech, accept)).respond("250 2.0.0 Ok\r\n");
    return s;
}

/// Every output a user, a log collector or a monitoring system can see.
std::vector<needle> collect_outputs(const probe_result& r, const std::string& log) {
    std::vector<needle> out;
    for (const auto lang : {language::en, language::zh}) {
        for (const int verbosity : {0, 2}) {
            text_options o;
            o.lang = lang;
            o.show_transcript = true;
            o.verbosity = verbosity;
            out.push_back({"render_text " + std::string(language_name(lang)) + " -v" +
                               std::to_string(verbosity) + " with transcript",
                           render_text(r, o)});
        }
    }
    out.push_back({"render_json with transcript", render_json(r, true)});
    out.push_back({"render_json", render_json(r, false)});
    const std::vector<probe_result> one{r};
    out.push_back({"summary_json with transcript", serialize_json(summary_json(one, true))});
    out.push_back({"the trace log", log});
    std::string texts;
    for (const auto& rec : r.checks) {
        texts += rec.detail + "\n" + rec.error_text + "\n";
        if (rec.reply) {
            for (const auto& line : rec.reply->lines) {
                texts += line + "\n";
            }
        }
    }
    for (const auto& w : r.warnings) {
        texts += w.detail + "\n";
    }
    for (const auto& a : r.addresses) {
        texts += a.error + "\n";
    }
    out.push_back({"the result's details, error texts and replies", texts});
    std::string transcript;
    for (const auto& t : r.transcript) {
        transcript += t.text + "\n";
    }
    out.push_back({"the transcript", transcript});
    return out;
}

void check_no_leak(const std::vector<needle>& outputs, const std::vector<needle>& needles) {
    for (const auto& output : outputs) {
        for (const auto& n : needles) {
            CAPTURE(output.name);
            CAPTURE(n.name);
            CHECK_MESSAGE(output.bytes.find(n.bytes) == std::string::npos,
                          n.name << " found in " << output.name);
        }
    }
}

std::string name_of(auth_mechanism m) {
    return std::string(mechanism_name(m));
}

}  // namespace

TEST_CASE("base64_core finds a secret inside any base64 stream") {
    // The needle construction itself: the secret embedded at every offset of a longer message
    // must be found by one of the three cores.
    const std::string value = the_password;
    for (std::size_t before = 0; before < 6; ++before) {
        for (std::size_t after = 0; after < 4; ++after) {
            const std::string message = std::string(before, 'x') + value + std::string(after, 'y');
            const std::string encoded = base64_encode(message);
            bool found = false;
            for (std::size_t k = 0; k < 3; ++k) {
                found = found || encoded.find(base64_core(value, k)) != std::string::npos;
            }
            CAPTURE(before);
            CAPTURE(after);
            CHECK(found);
        }
    }
    CHECK(base64_core(value, 0).size() >= 28);
}

TEST_CASE("no output carries the password or the token") {
    test_pki pki;
    const mechanism_case cases[] = {
        {auth_mechanism::plain, credential::password},
        {auth_mechanism::login, credential::password},
        {auth_mechanism::cram_md5, credential::password},
        {auth_mechanism::xoauth2, credential::token},
        {auth_mechanism::oauthbearer, credential::token},
    };
    for (const auto& c : cases) {
        for (const bool tls : {true, false}) {
            int passed = 0;
            int failed = 0;
            for (const bool accept : {true, false}) {
                CAPTURE(name_of(c.mech));
                CAPTURE(tls);
                CAPTURE(accept);
                server_options o;
                if (tls) {
                    o.tls = pki.leaf(leaf_kind::valid);
                }
                fake_smtp_server server(session(c.mech, tls, accept), o);
                probe_request request;
                request.host = "127.0.0.1";
                request.port = server.port();
                request.security = tls ? security_mode::starttls : security_mode::none;
                request.timeouts.connect = 3s;
                request.timeouts.reply = 3s;
                request.timeouts.greeting_tls_sniff = 1s;
                request.deadline = 20s;
                request.helo_name = "probe.test";
                request.keep_transcript = true;
                request.ca_file = pki.ca_file();
                request.user = the_user;
                request.from = the_user;
                request.rcpt = "rcpt@example.test";
                request.forced_mechanism = c.mech;
                if (c.kind == credential::password) {
                    request.password = secret(the_password);
                } else {
                    request.oauth_token = secret(the_token);
                }
                captured_log log;
                const auto r = run_check(request, log.logger);

                // The auth phase ran, with this mechanism, and ended as the server said.
                const auto* auth = r.find(phase::auth);
                REQUIRE(auth != nullptr);
                CHECK(auth->mechanism == std::optional<std::string>(name_of(c.mech)));
                if (accept) {
                    CHECK(auth->status == phase_status::pass);
                    CHECK(category_id(r.outcome.category) == "ok");
                    passed += auth->status == phase_status::pass ? 1 : 0;
                } else {
                    CHECK(auth->status == phase_status::fail);
                    CHECK(category_id(r.outcome.category) == "auth_failed");
                    CHECK(r.outcome.cause ==
                          std::optional<probe_errc>(probe_errc::bad_credentials));
                    failed += auth->status == phase_status::fail ? 1 : 0;
                }
                const bool in_clear = !tls && c.mech != auth_mechanism::cram_md5;
                bool warned = false;
                for (const auto& w : r.warnings) {
                    warned = warned || w.kind == warning_kind::credentials_in_clear;
                }
                CHECK(warned == in_clear);

                // Positive control: the payloads really crossed the wire, so the needles are the
                // real ones.
                REQUIRE(server.wait_finished(1, 5s));
                const auto records = server.connections();
                REQUIRE(records.size() == 1);
                CHECK(records[0].tls_established == tls);
                std::string received;
                for (const auto& line : records[0].lines) {
                    received += line + "\n";
                }
                for (const auto& p : payloads(c.mech, server.port())) {
                    CAPTURE(p.name);
                    CHECK(received.find(p.bytes) != std::string::npos);
                }

                const auto log_text = log.text();
                CHECK_FALSE(log_text.empty());
                CHECK(log_text.find("AUTH " + name_of(c.mech)) != std::string::npos);
                CHECK(log_text.find("phase auth") != std::string::npos);

                check_no_leak(collect_outputs(r, log_text), needles_for(c, server.port()));
            }
            CHECK(passed == 1);
            CHECK(failed == 1);
        }
    }
}

// ---- the command line --------------------------------------------------------------------------

namespace {

/// An environment with these variables only, no terminal, and a prompt that must not be used.
cli_environment env_with(std::vector<std::pair<std::string, std::string>> vars) {
    auto shared =
        std::make_shared<std::vector<std::pair<std::string, std::string>>>(std::move(vars));
    cli_environment env;
    env.getenv = [shared](const char* name) -> const char* {
        for (const auto& [k, v] : *shared) {
            if (k == name) {
                return v.c_str();
            }
        }
        return nullptr;
    };
    env.prompt_secret = [](std::string_view) -> std::optional<std::string> {
        FAIL("the prompt was used");
        return std::nullopt;
    };
    env.stdin_is_terminal = false;
    return env;
}

cli_result parse(const std::vector<std::string>& args, const cli_environment& env) {
    std::vector<const char*> argv{"smtp-probe"};
    for (const auto& a : args) {
        argv.push_back(a.c_str());
    }
    return parse_command_line(static_cast<int>(argv.size()), argv.data(), env);
}

/// Everything an error shows: its message and the usage text printed after it.
std::string shown_by(const cli_result& r) {
    if (const auto* e = std::get_if<cli_error>(&r)) {
        return e->message + "\n" + e->usage;
    }
    if (const auto* h = std::get_if<cli_help>(&r)) {
        return h->text;
    }
    std::string notices;
    for (const auto& n : std::get<check_command>(r).notices) {
        notices += n + "\n";
    }
    return notices;
}

}  // namespace

TEST_CASE("command line: a password from the environment never shows in an error") {
    const auto env = env_with({{"SP_LEAK_PASSWORD", the_password}, {"SP_LEAK_TOKEN", the_token}});
    const std::vector<std::string> base = {"check",  "mail.example.test", "--user",
                                           the_user, "--password-env",    "SP_LEAK_PASSWORD"};
    {
        // Positive control: valid otherwise, the variable is read.
        const auto r = parse(base, env);
        REQUIRE(std::holds_alternative<check_command>(r));
        CHECK(std::get<check_command>(r).request.password.reveal() == the_password);
        CHECK(shown_by(r).find(the_password) == std::string::npos);
    }
    const std::vector<std::vector<std::string>> mistakes = {
        {"--port", "notaport"},
        {"--port", "99999"},
        {"--security", "sometimes"},
        {"--timeout", "forever"},
        {"--deadline", "-3s"},
        {"--auth-mech", "KERBEROS"},
        {"--auth-mech", "XOAUTH2"},  // a token mechanism with a password
        {"--from", "not an address"},
        {"--unknown-option"},
        {"--oauth-token-env", "SP_LEAK_TOKEN"},  // both a password and a token
        {"--password-file", "/nonexistent"},     // two password sources
        {"--dns-server", "dns.example.test"},
        {"--format", "xml"},
        {"--lang", "klingon"},
        {"extra-positional-argument"},
        {the_password},  // the password typed where an argument goes
    };
    for (const auto& extra : mistakes) {
        auto args = base;
        args.insert(args.end(), extra.begin(), extra.end());
        CAPTURE(extra.front());
        const auto r = parse(args, env);
        CHECK(std::holds_alternative<cli_error>(r));
        const auto text = shown_by(r);
        CHECK(text.find(the_password) == std::string::npos);
        CHECK(text.find(base64_encode(the_password)) == std::string::npos);
        CHECK(text.find(the_token) == std::string::npos);
    }
    {
        // A token from the environment, with a mistake elsewhere.
        const auto r = parse({"check", "mail.example.test", "--user", the_user, "--oauth-token-env",
                              "SP_LEAK_TOKEN", "--port", "notaport"},
                             env);
        CHECK(std::holds_alternative<cli_error>(r));
        CHECK(shown_by(r).find(the_token) == std::string::npos);
    }
}

TEST_CASE("command line: a password or token on argv is refused without echoing it") {
    const auto env = env_with({});
    const std::string value = "s3cret-on-argv";
    const std::vector<std::vector<std::string>> forms = {
        {"--password", value},      {"--password=" + value},  {"--pass", value},
        {"--smtp-password", value}, {"--oauth-token", value}, {"--token=" + value},
        {"--PASSWORD", value},
    };
    for (const auto& form : forms) {
        CAPTURE(form.front());
        std::vector<std::string> args = {"check", "mail.example.test", "--user", "u"};
        args.insert(args.end(), form.begin(), form.end());
        const auto r = parse(args, env);
        REQUIRE(std::holds_alternative<cli_error>(r));
        const auto text = shown_by(r);
        CHECK(text.find(value) == std::string::npos);
        CHECK(text.find("s3cret") == std::string::npos);
    }
}
