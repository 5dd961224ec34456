#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "probe/report/report_text.hpp"
#include "report_fixtures.hpp"

using namespace smtp_probe;
namespace fx = smtp_probe::fixtures;

namespace {

bool contains(std::string_view hay, std::string_view needle) {
    return hay.find(needle) != std::string_view::npos;
}

/// The line that contains needle, or "".
std::string line_with(std::string_view text, std::string_view needle) {
    const auto at = text.find(needle);
    if (at == std::string_view::npos) {
        return {};
    }
    const auto begin = text.rfind('\n', at);
    const auto end = text.find('\n', at);
    const auto b = begin == std::string_view::npos ? 0 : begin + 1;
    return std::string(text.substr(b, end - b));
}

/// Every ESC starts one of our SGR sequences ("\x1b[" digits "m").
bool only_sgr_escapes(std::string_view s) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\x1b') {
            continue;
        }
        if (i + 1 >= s.size() || s[i + 1] != '[') {
            return false;
        }
        std::size_t k = i + 2;
        while (k < s.size() && s[k] >= '0' && s[k] <= '9') {
            ++k;
        }
        if (k == i + 2 || k >= s.size() || s[k] != 'm') {
            return false;
        }
    }
    return true;
}

}  // namespace

TEST_CASE("a passing probe: one line per phase in order, DATA hidden, OK verdict") {
    const auto out = render_text(fx::passing(), {});
    CHECK(contains(out, "Target: mail.example.com:587 (starttls)"));
    const std::string_view labels[] = {
        "DNS lookup",         "TCP connect",         "Greeting",    "EHLO",
        "STARTTLS",           "TLS handshake",       "Certificate", "Login (AUTH)",
        "Sender (MAIL FROM)", "Recipient (RCPT TO)", "Close (QUIT)"};
    std::size_t last = 0;
    for (const auto label : labels) {
        CAPTURE(label);
        const auto at = out.find(std::string("✓ ") + std::string(label));
        REQUIRE(at != std::string::npos);
        CHECK(at > last);
        last = at;
    }
    CHECK_FALSE(contains(out, "Message (DATA)"));
    CHECK(contains(out, "✓ OK: every step passed"));
    CHECK_FALSE(contains(out, "✗"));
    CHECK_FALSE(contains(out, "FAILED"));
    CHECK_FALSE(contains(out, "\x1b"));
    CHECK_FALSE(contains(out, "Transcript"));
    CHECK_FALSE(contains(out, "Addresses tried"));  // only one address
    CHECK(contains(out, "round trips: 9, total: 152 ms"));
}

TEST_CASE("durations: one decimal under 10 ms, whole milliseconds above") {
    const auto out = render_text(fx::passing(), {});
    CHECK(contains(line_with(out, "DNS lookup"), "3.2 ms"));
    CHECK(contains(line_with(out, "TCP connect"), "13 ms"));
    CHECK(contains(line_with(out, "Certificate"), "0.4 ms"));
    CHECK(contains(line_with(out, "Recipient (RCPT TO)"), "10 ms"));
    CHECK(contains(line_with(out, "DNS lookup"), "192.0.2.10, 2001:db8::10"));
}

TEST_CASE("an auth failure: category, cause, the 535 reply, why, numbered remedy") {
    const auto out = render_text(fx::auth_failure(), {});
    CHECK(contains(line_with(out, "Login (AUTH)"), "✗"));
    CHECK(contains(out, "✗ FAILED"));
    CHECK(contains(out, "WHMCS error: Authentication failed [auth_failed]"));
    CHECK(contains(out, "Failed step: Login (AUTH)"));
    CHECK(contains(out, "Cause: The username or password was rejected [bad_credentials]"));
    CHECK(contains(out, "Server reply: 535 5.7.8 Error: authentication failed"));
    CHECK(contains(out, "Why: The server answered 535"));
    CHECK(contains(out, "What to do:\n  1. Re-enter \"SMTP Username\""));
    CHECK(contains(out, "\n  2. "));
    CHECK(contains(out, "\n  3. "));
    CHECK_FALSE(contains(out, "See also"));  // bad_credentials has none
    // Skip reasons: STARTTLS was never asked for on 465, MAIL FROM came after the failure.
    CHECK(contains(line_with(out, "– STARTTLS"), "(not asked)"));
    CHECK(contains(line_with(out, "Sender (MAIL FROM)"), "(after a failure)"));
    CHECK(contains(line_with(out, "Close (QUIT)"), "(after a failure)"));
    CHECK_FALSE(contains(out, "English log text"));
}

TEST_CASE("in Chinese the English WHMCS title is shown too") {
    const auto out = render_text(fx::auth_failure(), {language::zh});
    CHECK(contains(out, "目标：mail.example.com:465 (tls)"));
    CHECK(contains(out, "✗ 失败"));
    CHECK(contains(out, "WHMCS 错误：身份验证失败 [auth_failed]"));
    CHECK(contains(out, "英文日志：Authentication failed"));
    CHECK(contains(out, "原因：用户名或密码被拒绝 [bad_credentials]"));
    CHECK(contains(out, "服务器回复：535 5.7.8 Error: authentication failed"));
    CHECK(contains(out, "解决方法：\n  1. "));
    CHECK(contains(out, "往返次数：4，总耗时：152 ms"));
    CHECK(contains(line_with(out, "STARTTLS 升级"), "(未要求)"));
    CHECK(contains(line_with(out, "发件人（MAIL FROM）"), "(前面步骤已失败)"));
}

TEST_CASE("phase labels line up also with double-width Chinese characters") {
    const auto out = render_text(fx::passing(), {language::zh});
    // "DNS 解析" is 8 columns, "发件人（MAIL FROM）" 19: durations start in the same column.
    const auto dns = line_with(out, "DNS 解析");
    const auto mail = line_with(out, "发件人（MAIL FROM）");
    REQUIRE_FALSE(dns.empty());
    REQUIRE_FALSE(mail.empty());
    // Columns before " ms": East Asian characters (lead byte E3..EF here) take two, the rest one.
    const auto columns = [](std::string_view s) {
        std::size_t cols = 0;
        for (std::size_t i = 0; i < s.size();) {
            const auto lead = static_cast<unsigned char>(s[i]);
            const std::size_t len = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
            cols += lead >= 0xE3 && lead <= 0xEF ? 2 : 1;
            i += len;
        }
        return cols;
    };
    const auto dns_cols = columns(std::string_view(dns).substr(0, dns.find(" ms")));
    const auto mail_cols = columns(std::string_view(mail).substr(0, mail.find(" ms")));
    CHECK(dns_cols == mail_cols);
}

TEST_CASE("a certificate failure shows the dates, names and verification error") {
    const auto out = render_text(fx::certificate_failure(), {});
    CHECK(contains(out, "WHMCS error: SMTP connect() failed [smtp_connect_failed]"));
    CHECK(contains(out, "[cert_expired]"));
    CHECK(contains(out, "Certificate: CN=mail.example.com"));
    CHECK(contains(out, "valid from 2023-10-01T00:00:00Z to 2024-01-01T00:00:00Z (days left -30)"));
    CHECK(contains(out, "names: mail.example.com, smtp.example.com"));
    CHECK(contains(out, "verification: certificate has expired (10)"));
    CHECK(contains(out, "AutoSSL"));
}

TEST_CASE("warnings: verdict OK with warnings, each with title, detail and remedy") {
    const auto out = render_text(fx::with_warnings(), {});
    CHECK(contains(out, "! OK, with warnings"));
    CHECK(contains(out, "Warnings:"));
    CHECK(contains(out,
                   "! The From address differs from the SMTP username "
                   "[sender_differs_from_login]"));
    CHECK(contains(out, "From billing@example.com, login admin@example.com"));
    CHECK(contains(out, "\"System Emails From Email\""));
    CHECK(contains(out, "[cert_expiring]"));
    CHECK(contains(out, "See also: Data not accepted [data_not_accepted]"));
    CHECK_FALSE(contains(out, "FAILED"));
}

TEST_CASE("relay denied points to the authentication section") {
    auto r = fx::auth_failure();
    r.checks[7].status = phase_status::pass;
    r.checks[7].reply.reset();
    auto& rcpt = r.checks[9];
    rcpt.status = phase_status::fail;
    rcpt.cause = probe_errc::relay_denied;
    rcpt.reply = fx::reply(554, enhanced_status{5, 7, 1}, {"5.7.1 Relay access denied"});
    r.outcome = {failure_category::data_not_accepted, probe_errc::relay_denied, std::nullopt,
                 phase::rcpt};
    const auto out = render_text(r, {});
    CHECK(contains(out, "Data not accepted [data_not_accepted]"));
    CHECK(contains(out, "Server reply: 554 5.7.1 Relay access denied"));
    CHECK(contains(out, "See also: Authentication failed [auth_failed]"));
}

TEST_CASE("a redirect names the underlying failure") {
    auto r = fx::certificate_failure();
    r.checks[6].cause = probe_errc::cert_name_mismatch;
    r.outcome = {failure_category::smtp_connect_failed, probe_errc::smtp_restrictions_redirect,
                 probe_errc::cert_name_mismatch, phase::certificate};
    const auto out = render_text(r, {});
    CHECK(contains(out,
                   "Cause: Outbound SMTP is redirected to this server itself "
                   "[smtp_restrictions_redirect]"));
    CHECK(contains(out,
                   "Seen as: The certificate does not match the SMTP host name "
                   "[cert_name_mismatch]"));
    CHECK(contains(out, "Home > Security Center > SMTP Restrictions"));
}

TEST_CASE("errno and the foreign error text are evidence") {
    auto r = fx::passing();
    for (std::size_t i = 1; i < r.checks.size(); ++i) {
        r.checks[i] = fx::record(r.checks[i].name, phase_status::skip, 0);
    }
    r.checks[1] = fx::record(phase::tcp, phase_status::fail, 0.2, "192.0.2.10:587 refused");
    r.checks[1].sys_errno = 111;
    r.checks[1].error_text = "Connection refused";
    r.outcome = {failure_category::connect_host, probe_errc::tcp_refused, std::nullopt, phase::tcp};
    const auto out = render_text(r, {});
    CHECK(contains(out, "errno: 111 (ECONNREFUSED)"));
    CHECK(contains(out, "Error: Connection refused"));
    CHECK(contains(out, "Could not connect to SMTP host [connect_host]"));
    CHECK(contains(line_with(out, "Greeting"), "(after a failure)"));
}

TEST_CASE("server text cannot reach the terminal as control bytes") {
    for (bool color : {false, true}) {
        for (auto lang : {language::en, language::zh}) {
            CAPTURE(color);
            const auto out = render_text(fx::hostile(), {lang, color, /*show_transcript=*/true, 1});
            CHECK(fx::valid_utf8(out));
            CHECK(only_sgr_escapes(out));
            CHECK_FALSE(contains(out, "\x1b[31mred"));
            CHECK_FALSE(contains(out, "\x1b]0;"));
            CHECK_FALSE(contains(out, "\x1b[2J"));
            CHECK_FALSE(contains(out, "\x07"));
            CHECK_FALSE(contains(out, "\r"));
            CHECK(contains(out, "\\x1B[31mred\\x1B[0m bad \\xFF\\xFE bytes\\x0D\\x0A\\x07"));
            CHECK(contains(out, "\\x1B]0;title\\x07"));
            CHECK(contains(out, "\\x1B[1mbold\\xC0\\xAF"));
            if (!color) {
                CHECK(fx::no_controls_but_newline(out));
            }
        }
    }
}

TEST_CASE("colour only when asked") {
    const auto plain = render_text(fx::auth_failure(), {});
    CHECK_FALSE(contains(plain, "\x1b"));
    const auto coloured = render_text(fx::auth_failure(), {language::en, true});
    CHECK(contains(coloured, "\x1b[32m✓\x1b[0m DNS lookup"));
    CHECK(contains(coloured, "\x1b[31m✗\x1b[0m Login (AUTH)"));
    CHECK(contains(coloured, "\x1b[31m✗ FAILED\x1b[0m"));
    CHECK(only_sgr_escapes(coloured));
}

TEST_CASE("the transcript only when asked, with direction arrows") {
    const auto without = render_text(fx::passing(), {});
    CHECK_FALSE(contains(without, ">>>"));
    CHECK_FALSE(contains(without, "<<<"));
    const auto with = render_text(fx::passing(), {language::en, false, true});
    CHECK(contains(with, "Transcript:"));
    const auto greet = with.find("<<< 220 mail.example.com ESMTP Postfix");
    const auto ehlo = with.find(">>> EHLO probe.example.net");
    REQUIRE(greet != std::string::npos);
    REQUIRE(ehlo != std::string::npos);
    CHECK(greet < ehlo);
    CHECK(contains(with, "23.5 ms >>> EHLO"));
    CHECK(contains(with, "*** connected to 192.0.2.10:587"));
    CHECK(contains(with, ">>> AUTH PLAIN <redacted>"));
}

TEST_CASE("addresses tried are listed when there was more than one") {
    auto r = fx::with_warnings();
    r.addresses = {
        {"2001:db8::10", 6, phase_status::fail, probe_errc::no_route, "Network is unreachable"},
        {"192.0.2.10", 4, phase_status::pass, std::nullopt, ""},
    };
    r.warnings.push_back({warning_kind::some_addresses_failed, "2001:db8::10 failed"});
    const auto out = render_text(r, {});
    CHECK(contains(out, "Addresses tried:"));
    CHECK(contains(out,
                   "✗ 2001:db8::10 (IPv6)  There is no network route to the SMTP host "
                   "[no_route]  Network is unreachable"));
    CHECK(contains(out, "✓ 192.0.2.10 (IPv4)"));
    CHECK(contains(out, "[some_addresses_failed]"));
}

TEST_CASE("verbose output adds what each phase saw") {
    const auto quiet = render_text(fx::passing(), {});
    CHECK_FALSE(contains(quiet, "capabilities:"));
    const auto verbose = render_text(fx::passing(), {language::en, false, false, 1});
    CHECK(contains(verbose, "capabilities: PIPELINING SIZE 10240000 STARTTLS 8BITMIME"));
    CHECK(contains(verbose, "TLS: TLSv1.3 TLS_AES_256_GCM_SHA384"));
    CHECK(contains(verbose, "connected to: 192.0.2.10:587"));
    CHECK(contains(verbose, "AUTH mechanisms: PLAIN LOGIN"));
    CHECK(contains(verbose, "valid from 2025-01-01T00:00:00Z to 2025-04-01T00:00:00Z"));
}

TEST_CASE("an IPv6 literal target is bracketed") {
    auto r = fx::passing();
    r.target.host = "2001:db8::25";
    r.target.port = 25;
    r.target.security = security_mode::automatic;
    CHECK(contains(render_text(r, {}), "Target: [2001:db8::25]:25 (auto)"));
}

namespace {

text_options zh_options() {
    text_options o;
    o.lang = language::zh;
    return o;
}

}  // namespace

TEST_CASE("zh: the probe's own words in details, errors and warnings are Chinese") {
    const auto out = render_text(fx::passing_with_notes(), zh_options());
    CHECK(
        contains(line_with(out, "证书校验"), "CN=mail.example.com，2025-04-01 到期（还剩 60 天）"));
    CHECK(contains(line_with(out, "192.0.2.10, 192.0.2.11"), "（另有 2 个）"));
    CHECK(contains(line_with(out, "192.0.2.9"), "连接被拒绝"));
    CHECK(contains(out, "AUTH PLAIN，未使用 TLS"));
    for (std::string_view english : {"expires", "days", "more", "Connection refused", "no TLS"}) {
        CAPTURE(english);
        CHECK_FALSE(contains(out, english));
    }
}

TEST_CASE("zh: a failed STARTTLS and a refused connection are explained in Chinese") {
    const auto starttls = render_text(fx::starttls_missing(), zh_options());
    CHECK(contains(line_with(starttls, "STARTTLS 升级"), "EHLO 扩展列表中没有 STARTTLS"));
    CHECK_FALSE(contains(starttls, "not among"));

    const auto tcp = render_text(fx::tcp_refused(), zh_options());
    CHECK(contains(line_with(tcp, "TCP 连接"), "192.0.2.10:587：连接被拒绝"));
    CHECK(contains(tcp, "111 (ECONNREFUSED)"));
    CHECK_FALSE(contains(tcp, "Connection refused"));
}

TEST_CASE("en: the notes change nothing, the English details are shown as recorded") {
    for (const auto& r : {fx::passing_with_notes(), fx::starttls_missing(), fx::tcp_refused()}) {
        for (int verbosity : {0, 1}) {
            text_options en;
            en.verbosity = verbosity;
            CHECK(render_text(r, en) == render_text(fx::without_notes(r), en));
        }
    }
    const auto out = render_text(fx::passing_with_notes(), {});
    CHECK(contains(line_with(out, "Certificate"),
                   "CN=mail.example.com, expires 2025-04-01 (60 days)"));
    CHECK(contains(out, "192.0.2.10, 192.0.2.11, 192.0.2.12, 192.0.2.13 (+2 more)"));
    CHECK(contains(out, "AUTH PLAIN, no TLS"));
    CHECK(contains(render_text(fx::starttls_missing(), {}),
                   "STARTTLS is not among the EHLO extensions"));
    CHECK(contains(render_text(fx::tcp_refused(), {}), "Error: Connection refused"));
}
