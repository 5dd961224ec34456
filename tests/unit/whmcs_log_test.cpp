// What WHMCS will log, per PHPMailer era. Each row cites where the words come from, at
// github.com/PHPMailer/PHPMailer tags (P = src/PHPMailer.php, S = src/SMTP.php,
// Z = language/phpmailer.lang-zh_cn.php). The 6.6.0-6.6.4 column is also checked live against
// Debian's PHPMailer 6.6.3 on every lab listener (tests/integration/phpmailer_test.py).
#include <doctest/doctest.h>

#include "checks/whmcs_log.hpp"
#include "net/reply_parser.hpp"

using namespace smtp_probe;

namespace {

smtp_reply reply_of(std::string_view wire) {
    reply_parser p;
    p.feed(wire);
    auto r = p.next();
    REQUIRE(r.state == parse_result::status::reply);
    return r.reply;
}

/// A probe that failed in `failed` with `cause`; `security` is the mode it ran in.
probe_result failed(phase failed, probe_errc cause, security_mode security,
                    std::optional<smtp_reply> reply = std::nullopt) {
    probe_result r;
    r.target = {"mail.example.com", 587, security, true};
    for (const auto p : all_phases) {
        phase_record rec;
        rec.name = p;
        rec.status = p == failed ? phase_status::fail : phase_status::pass;
        if (p == failed) {
            rec.cause = cause;
            rec.reply = reply;
        }
        r.checks.push_back(rec);
    }
    r.outcome.category = failure_category::connect_host;  // not read by whmcs_log_lines
    r.outcome.cause = cause;
    r.outcome.failed_phase = failed;
    return r;
}

struct row {
    const char* name;
    const char* source;
    probe_result result;
    const char* up_to_6_5;
    const char* v6_6_0_to_6_6_4;
    const char* from_6_6_5;
};

constexpr const char* connect_failed =
    "SMTP connect() failed. https://github.com/PHPMailer/PHPMailer/wiki/Troubleshooting";
constexpr const char* connect_host = "SMTP Error: Could not connect to SMTP host.";

}  // namespace

TEST_CASE("every era's message for each way a session fails") {
    const whmcs_log_context ctx{"billing@example.com", "admin@example.com", true};
    auto name_mismatch =
        failed(phase::certificate, probe_errc::cert_name_mismatch, security_mode::automatic);
    name_mismatch.checks[6].certificate = certificate_facts{};
    name_mismatch.checks[6].certificate->chain_trusted = true;
    name_mismatch.checks[6].certificate->dns_names = {"other.example"};
    auto expired = failed(phase::certificate, probe_errc::cert_expired, security_mode::starttls);
    expired.checks[6].certificate = certificate_facts{};
    expired.checks[6].certificate->chain_trusted = true;

    const row rows[] = {
        {"TCP refused",
         "v6.5.4 P:1989 smtp_connect_failed; v6.6.3 P:2206 + S:683 close() clears the error; "
         "v6.6.5 S:416 keeps 'Failed to connect to server'",
         failed(phase::tcp, probe_errc::tcp_refused, security_mode::starttls), connect_failed,
         connect_host, "SMTP Error: Could not connect to SMTP host. Failed to connect to server"},
        {"implicit TLS and an expired certificate: the connection itself fails",
         "as TCP refused: stream_socket_client('ssl://...') fails",
         failed(phase::certificate, probe_errc::cert_expired, security_mode::tls), connect_failed,
         connect_host, "SMTP Error: Could not connect to SMTP host. Failed to connect to server"},
        {"no greeting: connect() returns false with no error set",
         "S connect(): a non-220 greeting closes without setError",
         failed(phase::greeting, probe_errc::greeting_timeout, security_mode::tls), connect_failed,
         connect_host, connect_host},
        {"STARTTLS answered 454",
         "v6.5.4 P:2164 lang('connect_host'); v6.6.3 P:2172 getSmtpErrorMessage, S:1027",
         failed(phase::starttls, probe_errc::starttls_unavailable, security_mode::starttls,
                reply_of("454 4.7.0 TLS not available due to local problem\r\n")),
         connect_host,
         "SMTP Error: Could not connect to SMTP host. STARTTLS command failed TLS not available "
         "due to local problem ",
         "SMTP Error: Could not connect to SMTP host. STARTTLS command failed TLS not available "
         "due to local problem "},
        {"an expired certificate after STARTTLS",
         "v6.6.3 S:1405 errorHandler 'Connection failed.' + PHP's warning", expired, connect_host,
         "SMTP Error: Could not connect to SMTP host. Connection failed. "
         "stream_socket_enable_crypto(): SSL operation failed with code 1. OpenSSL Error "
         "messages: error:0A000086:SSL routines::certificate verify failed",
         "SMTP Error: Could not connect to SMTP host. Connection failed. "
         "stream_socket_enable_crypto(): SSL operation failed with code 1. OpenSSL Error "
         "messages: error:0A000086:SSL routines::certificate verify failed"},
        {"a certificate for another name after SSL Type None's automatic STARTTLS",
         "PHP 8.2 ext/openssl/xp_ssl.c peer name check, seen with Debian's PHP", name_mismatch,
         connect_host,
         "SMTP Error: Could not connect to SMTP host. Connection failed. "
         "stream_socket_enable_crypto(): Peer certificate subjectAltName did not match expected "
         "name `mail.example.com'",
         "SMTP Error: Could not connect to SMTP host. Connection failed. "
         "stream_socket_enable_crypto(): Peer certificate subjectAltName did not match expected "
         "name `mail.example.com'"},
        {"535 at AUTH", "v6.5.4 P:2177, v6.6.3 P:2186, v6.6.5 P:2196 lang('authenticate')",
         failed(phase::auth, probe_errc::bad_credentials, security_mode::starttls,
                reply_of("535 5.7.8 Error: authentication failed\r\n")),
         "SMTP Error: Could not authenticate.", "SMTP Error: Could not authenticate.",
         "SMTP Error: Could not authenticate."},
        {"MAIL FROM refused",
         "v6.6.3 P:2006 from_failed + implode(getError()), then setError()'s labelled appendix",
         failed(phase::mail_from, probe_errc::sender_not_owned, security_mode::starttls,
                reply_of("553 5.7.1 <billing@example.com>: Sender address rejected: not owned "
                         "by user billing\r\n")),
         "The following From address failed: billing@example.com : MAIL FROM command "
         "failed,<billing@example.com>: Sender address rejected: not owned by user billing "
         ",553,5.7.1SMTP server error: MAIL FROM command failed Detail: <billing@example.com>: "
         "Sender address rejected: not owned by user billing  SMTP code: 553 Additional SMTP "
         "info: 5.7.1",
         "The following From address failed: billing@example.com : MAIL FROM command "
         "failed,<billing@example.com>: Sender address rejected: not owned by user billing "
         ",553,5.7.1SMTP server error: MAIL FROM command failed Detail: <billing@example.com>: "
         "Sender address rejected: not owned by user billing  SMTP code: 553 Additional SMTP "
         "info: 5.7.1",
         "The following From address failed: billing@example.com : MAIL FROM command "
         "failed,<billing@example.com>: Sender address rejected: not owned by user billing "
         ",553,5.7.1SMTP server error: MAIL FROM command failed Detail: <billing@example.com>: "
         "Sender address rejected: not owned by user billing  SMTP code: 553 Additional SMTP "
         "info: 5.7.1"},
        {"a multi-line RCPT refusal stays one entry",
         "v6.6.3 P:2059 recipients_failed + 'ADDR: ' + getError()['detail']",
         failed(phase::rcpt, probe_errc::recipient_rejected, security_mode::starttls,
                reply_of("550-5.1.1 The email account that you tried to reach does not exist.\r\n"
                         "550 5.1.1 Please try again.\r\n")),
         "SMTP Error: The following recipients failed: admin@example.com: The email account "
         "that you tried to reach does not exist. Please try again. ",
         "SMTP Error: The following recipients failed: admin@example.com: The email account "
         "that you tried to reach does not exist. Please try again. ",
         "SMTP Error: The following recipients failed: admin@example.com: The email account "
         "that you tried to reach does not exist. Please try again. "},
        {"an IPv6 literal: skipped as an invalid host, nothing attempted",
         "P smtpConnect() isValidHost; then the no-exception branch (v6.6.3 P:2206)",
         failed(phase::dns, probe_errc::ipv6_literal_host, security_mode::automatic),
         connect_failed, connect_host, connect_host},
    };
    for (const auto& r : rows) {
        CAPTURE(r.name);
        CAPTURE(r.source);
        const auto lines = whmcs_log_lines(r.result, ctx);
        REQUIRE(lines.size() == 3);
        CHECK(lines[0].era == phpmailer_era::up_to_6_5);
        CHECK(lines[0].text == r.up_to_6_5);
        CHECK(lines[1].era == phpmailer_era::v6_6_0_to_6_6_4);
        CHECK(lines[1].text == r.v6_6_0_to_6_6_4);
        CHECK(lines[2].era == phpmailer_era::from_6_6_5);
        CHECK(lines[2].text == r.from_6_6_5);
        for (const auto& l : lines) {
            // No control byte: a hostile reply cannot split or forge a report line.
            for (const char c : l.text + l.text_zh) {
                CHECK(static_cast<unsigned char>(c) >= 0x20);
            }
        }
    }
}

TEST_CASE("headings: the words' guide title, which can differ from the category") {
    const whmcs_log_context ctx{"billing@example.com", "admin@example.com", true};
    const auto tcp =
        whmcs_log_lines(failed(phase::tcp, probe_errc::tcp_refused, security_mode::starttls), ctx);
    CHECK(tcp[0].heading == failure_category::smtp_connect_failed);
    CHECK(tcp[1].heading == failure_category::connect_host);
    const auto rcpt =
        whmcs_log_lines(failed(phase::rcpt, probe_errc::relay_denied, security_mode::starttls,
                               reply_of("554 5.7.1 Relay access denied\r\n")),
                        ctx);
    CHECK_FALSE(rcpt[1].heading.has_value());
    // Z: the zh_cn strings of every 6.x release.
    CHECK(tcp[1].text_zh == "SMTP 错误：无法连接到 SMTP 主机。");
    CHECK(tcp[0].text_zh ==
          "SMTP服务器连接失败。 https://github.com/PHPMailer/PHPMailer/wiki/Troubleshooting");
    const auto auth =
        whmcs_log_lines(failed(phase::auth, probe_errc::bad_credentials, security_mode::tls), ctx);
    CHECK(auth[2].text_zh == "SMTP 错误：登录失败。");
    CHECK(auth[2].heading == failure_category::auth_failed);
    CHECK(rcpt[0].text_zh.rfind("SMTP 错误：收件人地址错误：admin@example.com: ", 0) == 0);
}

TEST_CASE("nothing to log for a pass, or when only QUIT failed") {
    const whmcs_log_context ctx{"a@example.com", "a@example.com", false};
    probe_result ok;
    CHECK(whmcs_log_lines(ok, ctx).empty());
    CHECK(whmcs_log_lines(failed(phase::quit, probe_errc::connection_lost, security_mode::starttls),
                          ctx)
              .empty());
}

TEST_CASE("PHPMailer's reply detail strips the code and its D.D.D(D) enhanced code only") {
    CHECK(phpmailer_reply_detail(reply_of("550 5.1.1 no such user\r\n")) == "no such user ");
    // 5.7.139 is outside SMTP::sendCommand's pattern: the enhanced code stays in the text.
    CHECK(phpmailer_reply_detail(reply_of("535 5.7.139 Authentication unsuccessful\r\n")) ==
          "5.7.139 Authentication unsuccessful ");
    CHECK(phpmailer_reply_detail(reply_of("454 TLS not available\r\n")) == "TLS not available ");
    CHECK(phpmailer_reply_detail(reply_of("550 bad \x1b[2J\r\n")) == "bad \\x1B[2J ");
}
