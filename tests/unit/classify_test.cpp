#include <doctest/doctest.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "checks/classify.hpp"
#include "net/dns_error.hpp"
#include "net/reply_parser.hpp"

#include <ares.h>

using namespace smtp_probe;
using pe = probe_errc;
using fc = failure_category;

namespace {

// ---- tests/data/replies.tsv ----

struct reply_row {
    int line = 0;
    std::string source;
    phase at = phase::dns;
    reply_context ctx;
    std::string raw;
    failure_category category = fc::ok;
    probe_errc cause = pe::unexpected_reply;
};

std::vector<std::string> split_tabs(const std::string& line) {
    std::vector<std::string> fields;
    std::size_t start = 0;
    for (;;) {
        const auto tab = line.find('\t', start);
        fields.push_back(line.substr(start, tab - start));
        if (tab == std::string::npos) {
            return fields;
        }
        start = tab + 1;
    }
}

// "\r", "\n" and "\\" escapes, so that multi-line replies fit on one row.
std::string unescape(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) {
            const char next = s[++i];
            out += next == 'r' ? '\r' : next == 'n' ? '\n' : next;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::vector<reply_row> load_rows() {
    std::ifstream in(std::string(SP_TEST_DATA_DIR) + "/replies.tsv");
    REQUIRE_MESSAGE(in.good(), "cannot open " SP_TEST_DATA_DIR "/replies.tsv");
    std::vector<reply_row> rows;
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (line.empty() || line.front() == '#') {
            continue;
        }
        const auto f = split_tabs(line);
        INFO("replies.tsv line " << number);
        REQUIRE(f.size() == 6);
        reply_row row;
        row.line = number;
        row.source = f[0];
        const auto p = phase_from_name(f[1]);
        REQUIRE(p.has_value());
        row.at = *p;
        REQUIRE((f[2] == "tls" || f[2] == "plain" || f[2] == "plain+starttls"));
        row.ctx.tls_active = f[2] == "tls";
        row.ctx.starttls_offered = f[2] == "plain+starttls";
        row.raw = unescape(f[3]);
        const auto category = category_from_id(f[4]);
        const auto cause = cause_from_id(f[5]);
        REQUIRE(category.has_value());
        REQUIRE(cause.has_value());
        row.category = *category;
        row.cause = *cause;
        rows.push_back(std::move(row));
    }
    return rows;
}

smtp_reply parsed(std::string_view raw) {
    auto reply = parse_reply(raw);
    REQUIRE_MESSAGE(reply.has_value(), "unparsable reply: " << raw);
    return *reply;
}

reply_context over_tls() {
    reply_context ctx;
    ctx.tls_active = true;
    return ctx;
}

reply_context plain_with_starttls() {
    reply_context ctx;
    ctx.starttls_offered = true;
    return ctx;
}

}  // namespace

TEST_CASE("real server replies map to the expected cause and category") {
    const auto rows = load_rows();
    CHECK(rows.size() >= 60);
    for (const auto& row : rows) {
        INFO("replies.tsv line " << row.line << " (" << row.source << "): " << row.raw);
        const auto reply = parsed(row.raw);
        const auto cause = cause_for_reply(row.at, reply, row.ctx);
        CHECK(cause_id(cause) == cause_id(row.cause));
        CHECK(category_id(category_for(row.at, cause)) == category_id(row.category));
    }
}

TEST_CASE("the reply table covers every reply-borne cause and the servers that matter") {
    const auto rows = load_rows();
    std::set<probe_errc> causes;
    std::set<phase> phases;
    for (const auto& row : rows) {
        causes.insert(row.cause);
        phases.insert(row.at);
    }
    for (auto c : {pe::server_refused_session, pe::ehlo_rejected,         pe::starttls_unavailable,
                   pe::auth_requires_tls,      pe::auth_not_offered,      pe::no_common_mechanism,
                   pe::bad_credentials,        pe::app_password_required, pe::web_login_required,
                   pe::auth_throttled,         pe::smtp_auth_disabled,    pe::auth_required,
                   pe::sender_not_owned,       pe::sender_unknown,        pe::rate_limited,
                   pe::message_too_large,      pe::relay_denied,          pe::recipient_rejected,
                   pe::content_rejected,       pe::sender_unverified,     pe::port_mode_mismatch,
                   pe::unexpected_reply}) {
        CAPTURE(cause_id(c));
        CHECK(causes.contains(c));
    }
    for (auto p : {phase::greeting, phase::ehlo, phase::starttls, phase::auth, phase::mail_from,
                   phase::rcpt, phase::data}) {
        CAPTURE(phase_name(p));
        CHECK(phases.contains(p));
    }
    for (std::string_view server : {"Postfix", "Exim", "Dovecot", "Gmail", "Microsoft 365",
                                    "Amazon SES", "Zoho", "Yandex", "QQ", "163", "Aliyun"}) {
        CAPTURE(server);
        CHECK(std::any_of(rows.begin(), rows.end(), [&](const reply_row& r) {
            return r.source.find(server) != std::string::npos;
        }));
    }
}

TEST_CASE("the phase frames the answer before any text") {
    // The same 421 rate text: a refused session before the greeting completes, a rate limit later.
    const auto gmail_rate = parsed("421 4.7.0 Try again later, closing connection.");
    CHECK(cause_for_reply(phase::greeting, gmail_rate) == pe::server_refused_session);
    CHECK(cause_for_reply(phase::ehlo, gmail_rate) == pe::rate_limited);
    CHECK(cause_for_reply(phase::rcpt, gmail_rate) == pe::rate_limited);
    CHECK(cause_for_reply(phase::auth, gmail_rate) == pe::auth_throttled);
    // A 421 that names no rate just ends the session.
    const auto shutdown = parsed("421 4.3.2 Service shutting down, closing transmission channel");
    CHECK(cause_for_reply(phase::mail_from, shutdown) == pe::server_refused_session);
    // A greeting reply not yet seen is read with the greeting rules whatever the phase says.
    reply_context before_greeting;
    before_greeting.after_greeting = false;
    CHECK(cause_for_reply(phase::ehlo, gmail_rate, before_greeting) == pe::server_refused_session);
    // 454 4.7.0 at STARTTLS is STARTTLS refused; at AUTH with a login-rate text, throttling.
    CHECK(cause_for_reply(phase::starttls, parsed("454 4.7.0 Too many login attempts")) ==
          pe::starttls_unavailable);
    CHECK(cause_for_reply(phase::auth, parsed("454 4.7.0 Too many login attempts")) ==
          pe::auth_throttled);
    // Any reply where a TLS record was expected: the port speaks plaintext first.
    CHECK(cause_for_reply(phase::tls, parsed("554 5.7.1 go away")) == pe::port_mode_mismatch);
    // The end of the session never decides anything about mail.
    CHECK(cause_for_reply(phase::quit, parsed("554 5.7.1 Relay access denied")) ==
          pe::unexpected_reply);
    // Positive replies are not failures.
    CHECK(cause_for_reply(phase::greeting, parsed("220 mail.example.com ESMTP")) ==
          pe::unexpected_reply);
    CHECK(cause_for_reply(phase::greeting, parsed("250 mail.example.com")) ==
          pe::protocol_violation);
    CHECK(cause_for_reply(phase::auth, parsed("250 2.0.0 OK")) == pe::unexpected_reply);
    CHECK(cause_for_reply(phase::rcpt, parsed("354 go ahead")) == pe::unexpected_reply);
}

TEST_CASE("a specific enhanced code outweighs the text, a generic one does not") {
    // 552 alone means size at DATA; 5.7.0 says policy, and the text says content.
    CHECK(cause_for_reply(phase::data, parsed("552 5.7.0 Our content filter blocked this")) ==
          pe::content_rejected);
    CHECK(cause_for_reply(phase::data, parsed("552 5.3.4 Blocked by our filter")) ==
          pe::message_too_large);
    CHECK(cause_for_reply(phase::data, parsed("552 Too bad")) == pe::message_too_large);
    // X.1.1 at RCPT is the recipient whatever the text says; X.1.8 is the sender.
    CHECK(cause_for_reply(phase::rcpt, parsed("550 5.1.1 relay access denied")) ==
          pe::recipient_rejected);
    CHECK(cause_for_reply(phase::rcpt, parsed("450 4.1.8 <a@b.example>: Recipient rejected")) ==
          pe::sender_unknown);
    // 5.7.8 at AUTH is bad credentials unless the text names the provider's real requirement.
    CHECK(cause_for_reply(phase::auth, parsed("535 5.7.8 too many login attempts"), over_tls()) ==
          pe::bad_credentials);
    CHECK(cause_for_reply(phase::auth, parsed("535 5.7.8 use an app password"), over_tls()) ==
          pe::app_password_required);
    // 5.7.9 is Gmail's app password, or RFC 4954's weak mechanism when it says so.
    CHECK(cause_for_reply(phase::auth, parsed("534 5.7.9 Authentication mechanism is too weak")) ==
          pe::no_common_mechanism);
    // Three-digit details are read, also when the reply record lacks the parsed code.
    smtp_reply bare;
    bare.code = 535;
    bare.lines = {"5.7.139 Authentication unsuccessful, basic authentication is disabled."};
    CHECK(cause_for_reply(phase::auth, bare, over_tls()) == pe::smtp_auth_disabled);
    smtp_reply qmail;
    qmail.code = 553;
    qmail.lines = {"#5.1.8 Domain of sender address does not exist"};
    CHECK(cause_for_reply(phase::mail_from, qmail) == pe::sender_unknown);
    // A text alone is enough where no enhanced code is sent.
    CHECK(cause_for_reply(phase::mail_from, parsed("550 sender verify failed")) ==
          pe::sender_unknown);
}

TEST_CASE("the TLS state decides what a refused AUTH means") {
    const auto not_enabled = parsed("503 5.5.1 Error: authentication not enabled");
    CHECK(cause_for_reply(phase::auth, not_enabled, plain_with_starttls()) ==
          pe::auth_requires_tls);
    CHECK(cause_for_reply(phase::auth, not_enabled, over_tls()) == pe::auth_not_offered);
    CHECK(cause_for_reply(phase::auth, not_enabled, reply_context{}) == pe::auth_not_offered);
    const auto must_starttls = parsed("530 5.7.0 Must issue a STARTTLS command first");
    CHECK(cause_for_reply(phase::auth, must_starttls, plain_with_starttls()) ==
          pe::auth_requires_tls);
    CHECK(cause_for_reply(phase::auth, parsed("530 Access denied"), over_tls()) ==
          pe::unexpected_reply);
    CHECK(cause_for_reply(phase::auth, parsed("530 Access denied"), reply_context{}) ==
          pe::auth_requires_tls);
    CHECK(cause_for_reply(phase::auth, parsed("502 5.5.2 Error: command not recognized"),
                          over_tls()) == pe::auth_not_offered);
    CHECK(cause_for_reply(phase::auth, parsed("504 5.5.4 Unsupported mechanism"), over_tls()) ==
          pe::no_common_mechanism);
    // A transient failure says nothing about the password.
    CHECK(cause_for_reply(phase::auth, parsed("454 4.7.0 Authentication failed, try later"),
                          over_tls()) == pe::unexpected_reply);
    CHECK(cause_for_reply(phase::auth, parsed("535 Whatever"), over_tls()) == pe::bad_credentials);
}

TEST_CASE("bare codes keep their RFC meaning per phase") {
    CHECK(cause_for_reply(phase::mail_from, parsed("530 Nope")) == pe::auth_required);
    CHECK(cause_for_reply(phase::mail_from, parsed("552 Nope")) == pe::message_too_large);
    CHECK(cause_for_reply(phase::mail_from, parsed("550 Nope")) == pe::unexpected_reply);
    CHECK(cause_for_reply(phase::mail_from, parsed("451 Nope")) == pe::unexpected_reply);
    CHECK(cause_for_reply(phase::rcpt, parsed("553 Nope")) == pe::recipient_rejected);
    CHECK(cause_for_reply(phase::rcpt, parsed("451 4.3.0 Nope")) == pe::unexpected_reply);
    CHECK(cause_for_reply(phase::data, parsed("554 Nope")) == pe::content_rejected);
    CHECK(cause_for_reply(phase::data, parsed("451 Nope")) == pe::unexpected_reply);
    CHECK(cause_for_reply(phase::ehlo, parsed("550 Nope")) == pe::ehlo_rejected);
    CHECK(cause_for_reply(phase::starttls, parsed("500 Nope")) == pe::starttls_unavailable);
    // "Try again later" names a rate only with a 421 or a policy (X.7) code.
    CHECK(cause_for_reply(phase::rcpt, parsed("451 4.7.1 Service unavailable - try again later")) ==
          pe::rate_limited);
    CHECK(cause_for_reply(phase::rcpt, parsed("451 4.3.0 Try again later")) ==
          pe::unexpected_reply);
}

TEST_CASE("server text is searched only up to a bound") {
    std::string huge = "550 ";
    huge.append(20'000, 'x');
    huge += " Relay access denied";
    smtp_reply reply;
    reply.code = 550;
    reply.lines = {huge.substr(4)};
    CHECK(cause_for_reply(phase::rcpt, reply) == pe::recipient_rejected);
    reply.lines = {"Relay access denied"};
    CHECK(cause_for_reply(phase::rcpt, reply) == pe::relay_denied);
    smtp_reply empty;
    empty.code = 550;
    CHECK(cause_for_reply(phase::rcpt, empty) == pe::recipient_rejected);
    CHECK(cause_for_reply(phase::auth, empty, over_tls()) == pe::unexpected_reply);
}

TEST_CASE("category_for: fixed categories, and the category of the phase for the others") {
    // Causes whose category depends on the phase, phase by phase.
    const std::map<phase, fc> of_phase = {
        {phase::dns, fc::smtp_connect_failed},         {phase::tcp, fc::smtp_connect_failed},
        {phase::greeting, fc::connect_host},           {phase::ehlo, fc::connect_host},
        {phase::starttls, fc::connect_host},           {phase::tls, fc::connect_host},
        {phase::certificate, fc::smtp_connect_failed}, {phase::auth, fc::auth_failed},
        {phase::mail_from, fc::data_not_accepted},     {phase::rcpt, fc::data_not_accepted},
        {phase::data, fc::data_not_accepted},          {phase::quit, fc::data_not_accepted},
    };
    REQUIRE(of_phase.size() == std::size(all_phases));
    for (auto cause : {pe::reply_timeout, pe::deadline_exceeded, pe::protocol_violation,
                       pe::connection_lost, pe::unexpected_reply, pe::smtp_restrictions_redirect}) {
        for (const auto& [p, category] : of_phase) {
            // Structured bindings cannot be captured by CAPTURE's lambda before C++20 in clang 14.
            const auto phase_value = p;
            CAPTURE(cause_id(cause));
            CAPTURE(phase_name(phase_value));
            CHECK(category_for(p, cause) == category);
        }
    }
    // A cause with its own category keeps it in every phase.
    const std::map<pe, fc> fixed = {
        {pe::dns_not_found, fc::smtp_connect_failed},
        {pe::tcp_refused, fc::connect_host},
        {pe::tcp_timeout, fc::smtp_connect_failed},
        {pe::outbound_blocked, fc::smtp_connect_failed},
        {pe::server_refused_session, fc::connect_host},
        {pe::port_mode_mismatch, fc::connect_host},
        {pe::starttls_unavailable, fc::connect_host},
        {pe::cert_expired, fc::smtp_connect_failed},
        {pe::cert_name_mismatch, fc::smtp_connect_failed},
        {pe::ehlo_rejected, fc::connect_host},
        {pe::auth_requires_tls, fc::auth_failed},
        {pe::bad_credentials, fc::auth_failed},
        {pe::smtp_auth_disabled, fc::auth_failed},
        {pe::auth_required, fc::auth_failed},
        {pe::sender_not_owned, fc::data_not_accepted},
        {pe::sender_unknown, fc::sender_verify},
        {pe::rate_limited, fc::data_not_accepted},
        {pe::relay_denied, fc::data_not_accepted},
        {pe::sender_unverified, fc::sender_verify},
        {pe::sendmail_missing, fc::instantiate_mail},
    };
    for (const auto& [cause, category] : fixed) {
        for (auto p : all_phases) {
            const auto cause_value = cause;
            CAPTURE(cause_id(cause_value));
            CAPTURE(phase_name(p));
            CHECK(category_for(p, cause) == category);
        }
    }
    // Every cause gets a real category (never ok) in every phase.
    for (int v = static_cast<int>(pe::dns_not_found);
         v <= static_cast<int>(pe::smtp_restrictions_redirect); ++v) {
        for (auto p : all_phases) {
            CHECK(category_for(p, static_cast<pe>(v)) != fc::ok);
        }
    }
}

namespace {

boost::system::error_code ssl_error(int reason) {
    return {static_cast<int>(ERR_PACK(ERR_LIB_SSL, 0, reason)),
            boost::asio::error::get_ssl_category()};
}

boost::system::error_code sys(int e) {
    return {e, boost::system::system_category()};
}

}  // namespace

TEST_CASE("cause_for_error: dns") {
    CHECK(cause_for_error(phase::dns, make_dns_error(ARES_ENOTFOUND)) == pe::dns_not_found);
    CHECK(cause_for_error(phase::dns, make_dns_error(ARES_ENODATA)) == pe::dns_not_found);
    CHECK(cause_for_error(phase::dns, make_dns_error(ARES_ESERVFAIL)) == pe::dns_server_failure);
    CHECK(cause_for_error(phase::dns, make_dns_error(ARES_EREFUSED)) == pe::dns_server_failure);
    CHECK(cause_for_error(phase::dns, make_dns_error(ARES_ETIMEOUT)) == pe::dns_timeout);
    CHECK(cause_for_error(phase::dns, make_dns_error(ARES_ECANCELLED)) == pe::dns_timeout);
    CHECK(cause_for_error(phase::dns, make_dns_error(ARES_ENOMEM)) == pe::dns_server_failure);
    CHECK(cause_for_error(phase::dns, boost::asio::error::host_not_found) == pe::dns_not_found);
    CHECK(cause_for_error(phase::dns, boost::asio::error::host_not_found_try_again) ==
          pe::dns_server_failure);
    CHECK(cause_for_error(phase::dns, boost::asio::error::operation_aborted) == pe::dns_timeout);
    CHECK(cause_for_error(phase::dns, make_error_code(pe::reply_timeout)) == pe::dns_timeout);
    CHECK(cause_for_error(phase::dns, sys(ECONNREFUSED)) == pe::dns_server_failure);
    CHECK(cause_for_error(phase::dns, make_error_code(pe::deadline_exceeded)) ==
          pe::deadline_exceeded);
}

TEST_CASE("cause_for_error: tcp") {
    CHECK(cause_for_error(phase::tcp, boost::asio::error::connection_refused) == pe::tcp_refused);
    CHECK(cause_for_error(phase::tcp, boost::asio::error::timed_out) == pe::tcp_timeout);
    CHECK(cause_for_error(phase::tcp, boost::asio::error::operation_aborted) == pe::tcp_timeout);
    CHECK(cause_for_error(phase::tcp, boost::asio::error::access_denied) == pe::outbound_blocked);
    CHECK(cause_for_error(phase::tcp, sys(EPERM)) == pe::outbound_blocked);
    CHECK(cause_for_error(phase::tcp, boost::asio::error::host_unreachable) == pe::no_route);
    CHECK(cause_for_error(phase::tcp, boost::asio::error::network_unreachable) == pe::no_route);
    CHECK(cause_for_error(phase::tcp, sys(ENOBUFS)) == pe::connection_lost);
    CHECK(cause_for_error(phase::tcp, make_error_code(pe::deadline_exceeded)) ==
          pe::deadline_exceeded);
}

TEST_CASE("cause_for_error: greeting") {
    CHECK(cause_for_error(phase::greeting, make_error_code(pe::reply_timeout)) ==
          pe::greeting_timeout);
    CHECK(cause_for_error(phase::greeting, boost::asio::error::eof) == pe::connection_lost);
    CHECK(cause_for_error(phase::greeting, boost::asio::error::connection_reset) ==
          pe::connection_lost);
    CHECK(cause_for_error(phase::greeting, boost::asio::error::timed_out) == pe::connection_lost);
    CHECK(cause_for_error(phase::greeting, make_error_code(pe::not_smtp)) == pe::not_smtp);
    CHECK(cause_for_error(phase::greeting, make_error_code(pe::protocol_violation)) ==
          pe::protocol_violation);
}

TEST_CASE("cause_for_error: tls and certificate") {
    CHECK(cause_for_error(phase::tls, ssl_error(SSL_R_WRONG_VERSION_NUMBER)) ==
          pe::port_mode_mismatch);
    CHECK(cause_for_error(phase::tls, ssl_error(SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE)) ==
          pe::tls_handshake_failed);
    CHECK(cause_for_error(phase::tls, ssl_error(SSL_R_UNSUPPORTED_PROTOCOL)) ==
          pe::tls_handshake_failed);
    CHECK(cause_for_error(phase::tls, ssl_error(SSL_R_CERTIFICATE_VERIFY_FAILED)) ==
          pe::cert_untrusted);
    CHECK(cause_for_error(phase::tls, boost::asio::error::eof) == pe::tls_handshake_failed);
    CHECK(cause_for_error(phase::tls, boost::asio::error::connection_reset) ==
          pe::tls_handshake_failed);
    CHECK(cause_for_error(phase::tls, boost::asio::ssl::error::stream_truncated) ==
          pe::tls_handshake_failed);
    CHECK(cause_for_error(phase::tls, make_error_code(pe::reply_timeout)) == pe::reply_timeout);
    CHECK(cause_for_error(phase::tls, make_error_code(pe::deadline_exceeded)) ==
          pe::deadline_exceeded);
    CHECK(cause_for_error(phase::certificate, make_error_code(pe::cert_expired)) ==
          pe::cert_expired);
    CHECK(cause_for_error(phase::certificate, make_error_code(pe::cert_name_mismatch)) ==
          pe::cert_name_mismatch);
    CHECK(cause_for_error(phase::certificate, boost::asio::error::eof) == pe::cert_untrusted);
}

TEST_CASE("cause_for_error: during the session") {
    for (auto p : {phase::ehlo, phase::starttls, phase::auth, phase::mail_from, phase::rcpt,
                   phase::data, phase::quit}) {
        CAPTURE(phase_name(p));
        CHECK(cause_for_error(p, make_error_code(pe::reply_timeout)) == pe::reply_timeout);
        CHECK(cause_for_error(p, boost::asio::error::operation_aborted) == pe::reply_timeout);
        CHECK(cause_for_error(p, boost::asio::error::eof) == pe::connection_lost);
        CHECK(cause_for_error(p, boost::asio::error::connection_reset) == pe::connection_lost);
        CHECK(cause_for_error(p, boost::asio::error::broken_pipe) == pe::connection_lost);
        CHECK(cause_for_error(p, boost::asio::error::timed_out) == pe::connection_lost);
        CHECK(cause_for_error(p, boost::asio::ssl::error::stream_truncated) == pe::connection_lost);
        CHECK(cause_for_error(p, ssl_error(SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC)) ==
              pe::connection_lost);
        CHECK(cause_for_error(p, make_error_code(pe::protocol_violation)) ==
              pe::protocol_violation);
        CHECK(cause_for_error(p, make_error_code(pe::deadline_exceeded)) == pe::deadline_exceeded);
        CHECK(cause_for_error(p, make_dns_error(ARES_ENOTFOUND)) == pe::connection_lost);
        CHECK(cause_for_error(p, boost::system::error_code{}) == pe::connection_lost);
    }
    CHECK(cause_for_error(phase::starttls, make_error_code(pe::starttls_unavailable)) ==
          pe::starttls_unavailable);
}

namespace {

constexpr const char* cpanel_greeting =
    "220-server1.hostingco.example ESMTP Exim 4.96.2 #2 Tue, 14 May 2024 10:12:31 +0800 \r\n"
    "220-We do not authorize the use of this system to transport unsolicited, \r\n"
    "220 and/or bulk e-mail.\r\n";

redirect_evidence redirected_to_us(std::string target) {
    redirect_evidence e;
    e.target_host = std::move(target);
    e.greeting = parsed("220 server1.hostingco.example ESMTP Exim 4.96.2\r\n");
    e.local_names = {"server1", "server1.hostingco.example"};
    return e;
}

}  // namespace

TEST_CASE("the redirect rule: this machine answers for another host") {
    CHECK(looks_like_local_redirect(redirected_to_us("smtp.gmail.com")));
    CHECK(looks_like_local_redirect(redirected_to_us("203.0.113.25")));
    CHECK(looks_like_local_redirect(redirected_to_us("128.0.0.1")));

    // Case and trailing dots do not matter, on either side.
    auto e = redirected_to_us("smtp.gmail.com");
    e.greeting = parsed("220 SERVER1.HostingCo.Example. ESMTP\r\n");
    e.local_names = {"Server1.hostingco.example."};
    CHECK(looks_like_local_redirect(e));

    // The certificate names this machine while the greeting does not.
    e = redirected_to_us("smtp.office365.com");
    e.greeting = parsed("220 ESMTP ready\r\n");
    CHECK_FALSE(looks_like_local_redirect(e));
    e.certificate_names = {"mail.other.example", "SERVER1.hostingco.example"};
    CHECK(looks_like_local_redirect(e));
    e.certificate_names = {"*.hostingco.example"};  // no wildcard matching
    CHECK_FALSE(looks_like_local_redirect(e));

    // cPanel's boilerplate under a name that is not the host asked for.
    e = redirected_to_us("smtp.qq.com");
    e.local_names = {"vps-1234"};
    e.greeting = parsed(cpanel_greeting);
    CHECK(looks_like_local_redirect(e));
    // ... but not when the server greets with the very name asked for (a cPanel server probed
    // by its own name).
    e.target_host = "Server1.HostingCo.Example";
    CHECK_FALSE(looks_like_local_redirect(e));

    // Only a 2xx greeting names the server.
    e = redirected_to_us("smtp.gmail.com");
    e.greeting = parsed("554 server1.hostingco.example closed\r\n");
    CHECK_FALSE(looks_like_local_redirect(e));
    e.greeting.reset();
    CHECK_FALSE(looks_like_local_redirect(e));

    // Nothing known about this machine, no boilerplate: no evidence.
    e = redirected_to_us("smtp.gmail.com");
    e.local_names.clear();
    CHECK_FALSE(looks_like_local_redirect(e));
    e.local_names = {"", "  "};
    CHECK_FALSE(looks_like_local_redirect(e));
}

TEST_CASE("the redirect rule: asking for this machine is no redirect") {
    for (std::string target :
         {"server1.hostingco.example", "SERVER1.HOSTINGCO.EXAMPLE.", "server1", "localhost",
          "LocalHost.", "mail.localhost", "127.0.0.1", "127.10.20.30", "::1", "[::1]",
          "::ffff:127.0.0.1", "0.0.0.0", "::"}) {
        CAPTURE(target);
        CHECK_FALSE(looks_like_local_redirect(redirected_to_us(target)));
    }
    // A name of this machine not in local_names: the dialled address gives it away.
    for (std::string peer : {"192.0.2.10:25", "192.0.2.10"}) {
        auto e = redirected_to_us("mail.customer.example");
        e.local_names.push_back("192.0.2.10");
        e.target_addresses = {peer};
        CAPTURE(peer);
        CHECK_FALSE(looks_like_local_redirect(e));
    }
    auto e = redirected_to_us("mail.customer.example");
    e.target_addresses = {"198.51.100.7:587", "[2001:db8::7]:587"};
    CHECK(looks_like_local_redirect(e));
    // A name sent to loopback (an /etc/hosts entry, or the lab) reaches this machine's server
    // while the user asked for another host: that is the redirect, not "asking for this machine".
    for (std::string peer : {"127.0.0.1:587", "[::1]:465", "127.0.0.3:25"}) {
        auto to_loopback = redirected_to_us("smtp.hosting-provider.example");
        to_loopback.target_addresses = {peer};
        CAPTURE(peer);
        CHECK(looks_like_local_redirect(to_loopback));
    }
}

namespace {

/// A probe of `host` through every phase of the STARTTLS pipeline, all skipped.
probe_result blank_result(std::string host) {
    probe_result r;
    r.target.host = std::move(host);
    r.target.port = 587;
    for (auto p :
         {phase::dns, phase::tcp, phase::greeting, phase::ehlo, phase::starttls, phase::tls,
          phase::certificate, phase::auth, phase::mail_from, phase::rcpt, phase::quit}) {
        phase_record rec;
        rec.name = p;
        r.checks.push_back(rec);
    }
    return r;
}

phase_record& at(probe_result& r, phase p) {
    for (auto& rec : r.checks) {
        if (rec.name == p) {
            return rec;
        }
    }
    FAIL("phase missing");
    throw;
}

void pass_until(probe_result& r, phase last) {
    for (auto& rec : r.checks) {
        rec.status = phase_status::pass;
        if (rec.name == last) {
            return;
        }
    }
}

void fail(probe_result& r, phase p, std::optional<probe_errc> cause) {
    at(r, p).status = phase_status::fail;
    at(r, p).cause = cause;
}

const std::vector<std::string> this_machine = {"server1", "server1.hostingco.example"};

}  // namespace

TEST_CASE("decide: the first failing phase decides") {
    auto r = blank_result("smtp.example.net");
    pass_until(r, phase::quit);
    auto d = decide(r, this_machine);
    CHECK(d.outcome.category == fc::ok);
    CHECK_FALSE(d.outcome.cause.has_value());
    CHECK_FALSE(d.outcome.failed_phase.has_value());
    CHECK_FALSE(d.redirect_warning);

    r = blank_result("smtp.example.net");
    pass_until(r, phase::certificate);
    fail(r, phase::auth, pe::bad_credentials);
    fail(r, phase::rcpt, pe::recipient_rejected);
    d = decide(r, this_machine);
    CHECK(d.outcome.category == fc::auth_failed);
    CHECK(d.outcome.cause == pe::bad_credentials);
    CHECK(d.outcome.failed_phase == phase::auth);
    CHECK_FALSE(d.outcome.underlying_cause.has_value());

    // Phase-dependent causes take the failing phase's category.
    r = blank_result("smtp.example.net");
    pass_until(r, phase::mail_from);
    fail(r, phase::rcpt, pe::connection_lost);
    d = decide(r, this_machine);
    CHECK(d.outcome.category == fc::data_not_accepted);
    CHECK(d.outcome.cause == pe::connection_lost);

    r = blank_result("smtp.example.net");
    pass_until(r, phase::starttls);
    fail(r, phase::tls, pe::reply_timeout);
    d = decide(r, this_machine);
    CHECK(d.outcome.category == fc::connect_host);
    CHECK(d.outcome.failed_phase == phase::tls);

    r = blank_result("smtp.example.net");
    fail(r, phase::dns, pe::dns_timeout);
    d = decide(r, this_machine);
    CHECK(d.outcome.category == fc::smtp_connect_failed);
    CHECK(d.outcome.cause == pe::dns_timeout);
}

TEST_CASE("decide: a failure without a cause is read from its reply and the session state") {
    auto r = blank_result("smtp.example.net");
    pass_until(r, phase::auth);
    fail(r, phase::mail_from, std::nullopt);
    at(r, phase::mail_from).reply =
        parsed("553 5.7.1 <billing@example.com>: Sender address rejected: not owned by user x\r\n");
    auto d = decide(r, this_machine);
    CHECK(d.outcome.cause == pe::sender_not_owned);
    CHECK(d.outcome.category == fc::data_not_accepted);

    // AUTH refused in plaintext while STARTTLS was offered: TLS would have unlocked it.
    r = blank_result("smtp.example.net");
    pass_until(r, phase::ehlo);
    at(r, phase::ehlo).capabilities = {"PIPELINING", "starttls", "SIZE"};
    at(r, phase::starttls).status = phase_status::skip;
    fail(r, phase::auth, std::nullopt);
    at(r, phase::auth).reply = parsed("503 5.5.1 Error: authentication not enabled\r\n");
    d = decide(r, this_machine);
    CHECK(d.outcome.cause == pe::auth_requires_tls);
    // The same reply after a TLS handshake: AUTH is simply not there.
    pass_until(r, phase::certificate);
    d = decide(r, this_machine);
    CHECK(d.outcome.cause == pe::auth_not_offered);

    r = blank_result("smtp.example.net");
    pass_until(r, phase::auth);
    fail(r, phase::mail_from, std::nullopt);
    d = decide(r, this_machine);
    CHECK(d.outcome.cause == pe::unexpected_reply);
    CHECK(d.outcome.category == fc::data_not_accepted);
}

TEST_CASE("decide: the redirect of outbound SMTP to this machine") {
    // A failure under the redirect keeps its category; its cause moves to underlying_cause.
    auto r = blank_result("smtp.gmail.com");
    pass_until(r, phase::tls);
    at(r, phase::tcp).peer = "142.250.4.109:587";
    at(r, phase::greeting).reply = parsed(cpanel_greeting);
    fail(r, phase::certificate, pe::cert_name_mismatch);
    at(r, phase::certificate).certificate = certificate_facts{};
    at(r, phase::certificate).certificate->common_name = "server1.hostingco.example";
    auto d = decide(r, this_machine);
    CHECK(d.outcome.cause == pe::smtp_restrictions_redirect);
    CHECK(d.outcome.underlying_cause == pe::cert_name_mismatch);
    CHECK(d.outcome.category == fc::smtp_connect_failed);
    CHECK(d.outcome.failed_phase == phase::certificate);
    CHECK_FALSE(d.redirect_warning);

    // Evidence from the certificate's SAN alone, the failure at AUTH.
    r = blank_result("smtp.gmail.com");
    pass_until(r, phase::certificate);
    at(r, phase::greeting).reply = parsed("220 mx.example ESMTP\r\n");
    at(r, phase::certificate).certificate = certificate_facts{};
    at(r, phase::certificate).certificate->dns_names = {"server1.hostingco.example"};
    fail(r, phase::auth, pe::bad_credentials);
    d = decide(r, this_machine);
    CHECK(d.outcome.cause == pe::smtp_restrictions_redirect);
    CHECK(d.outcome.underlying_cause == pe::bad_credentials);
    CHECK(d.outcome.category == fc::auth_failed);

    // Nothing failed: the verdict stays ok and the caller adds the warning.
    r = blank_result("smtp.gmail.com");
    pass_until(r, phase::quit);
    at(r, phase::greeting).reply = parsed("220 server1.hostingco.example ESMTP Exim\r\n");
    d = decide(r, this_machine);
    CHECK(d.outcome.category == fc::ok);
    CHECK_FALSE(d.outcome.cause.has_value());
    CHECK(d.redirect_warning);

    // The same greeting when the host asked for is this machine (by name or by one of its
    // addresses) is no redirect; a name that lands on loopback is one.
    r.target.host = "server1.hostingco.example";
    CHECK_FALSE(decide(r, this_machine).redirect_warning);
    r.target.host = "mail.customer.example";
    auto with_address = this_machine;
    with_address.push_back("203.0.113.5");
    at(r, phase::tcp).peer = "203.0.113.5:587";
    CHECK_FALSE(decide(r, with_address).redirect_warning);
    at(r, phase::tcp).peer = "127.0.0.1:587";
    CHECK(decide(r, this_machine).redirect_warning);
    at(r, phase::tcp).peer = "[2001:db8::25]:587";
    CHECK(decide(r, this_machine).redirect_warning);
}
