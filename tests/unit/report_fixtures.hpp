// Hand-built probe results for the renderer tests: what the pipeline would record for a passing
// probe, an auth failure, a certificate failure, a probe with warnings, and a hostile server.
#pragma once

#include <string>
#include <string_view>

#include "checks/evidence.hpp"

namespace smtp_probe::fixtures {

inline phase_record record(phase p, phase_status s, double ms, std::string detail = {}) {
    phase_record r;
    r.name = p;
    r.status = s;
    r.duration = duration_ms{ms};
    r.detail = std::move(detail);
    return r;
}

inline smtp_reply reply(int code, std::optional<enhanced_status> enhanced,
                        std::vector<std::string> lines) {
    smtp_reply r;
    r.code = code;
    r.enhanced = enhanced;
    r.lines = std::move(lines);
    return r;
}

inline certificate_facts good_certificate() {
    certificate_facts c;
    c.subject = "CN=mail.example.com";
    c.issuer = "C=US, O=Let's Encrypt, CN=R11";
    c.common_name = "mail.example.com";
    c.dns_names = {"mail.example.com", "smtp.example.com"};
    c.not_before = 1'735'689'600;  // 2025-01-01T00:00:00Z
    c.not_after = 1'743'465'600;   // 2025-04-01T00:00:00Z
    c.days_left = 60;
    c.chain_length = 2;
    c.chain_trusted = true;
    c.name_matches = true;
    return c;
}

/// Every phase passes (DATA skipped: no message was sent), STARTTLS on 587.
inline probe_result passing() {
    probe_result r;
    r.target = {"mail.example.com", 587, security_mode::starttls};

    auto dns = record(phase::dns, phase_status::pass, 3.24, "192.0.2.10, 2001:db8::10");
    dns.addresses = {"192.0.2.10", "2001:db8::10"};
    auto tcp = record(phase::tcp, phase_status::pass, 12.6, "192.0.2.10:587");
    tcp.peer = "192.0.2.10:587";
    auto greeting = record(phase::greeting, phase_status::pass, 20.1, "220 mail.example.com ESMTP");
    greeting.reply = reply(220, std::nullopt, {"mail.example.com ESMTP Postfix"});
    auto ehlo = record(phase::ehlo, phase_status::pass, 11.0, "STARTTLS SIZE PIPELINING");
    ehlo.capabilities = {"PIPELINING", "SIZE 10240000", "STARTTLS", "8BITMIME"};
    ehlo.size_limit = 10'240'000;
    auto starttls = record(phase::starttls, phase_status::pass, 10.5, "220 2.0.0 Ready");
    auto tls = record(phase::tls, phase_status::pass, 35.0, "TLSv1.3 TLS_AES_256_GCM_SHA384");
    tls.tls = tls_facts{"TLSv1.3", "TLS_AES_256_GCM_SHA384", ""};
    auto cert = record(phase::certificate, phase_status::pass, 0.4, "mail.example.com, 60 days");
    cert.certificate = good_certificate();
    auto auth = record(phase::auth, phase_status::pass, 40.2, "PLAIN accepted");
    auth.mechanism = "PLAIN";
    auth.auth_mechanisms = {"PLAIN", "LOGIN"};
    auth.reply = reply(235, enhanced_status{2, 7, 0}, {"2.7.0 Authentication successful"});
    auto mail = record(phase::mail_from, phase_status::pass, 9.9, "250 2.1.0 Ok");
    auto rcpt = record(phase::rcpt, phase_status::pass, 10.0, "250 2.1.5 Ok");
    auto data = record(phase::data, phase_status::skip, 0);
    auto quit = record(phase::quit, phase_status::pass, 5.0, "221 2.0.0 Bye");
    r.checks = {dns, tcp, greeting, ehlo, starttls, tls, cert, auth, mail, rcpt, data, quit};

    r.addresses = {{"192.0.2.10", 4, phase_status::pass, std::nullopt, ""}};
    r.round_trips = 9;
    r.duration = duration_ms{152.4};
    r.transcript = {
        {transcript_direction::info, duration_ms{3.2}, "connected to 192.0.2.10:587"},
        {transcript_direction::received, duration_ms{23.3}, "220 mail.example.com ESMTP Postfix"},
        {transcript_direction::sent, duration_ms{23.5}, "EHLO probe.example.net"},
        {transcript_direction::received, duration_ms{34.5}, "250-mail.example.com"},
        {transcript_direction::sent, duration_ms{90.0}, "AUTH PLAIN <redacted>"},
    };
    return r;
}

/// Implicit TLS on 465 (STARTTLS not asked), the server answers AUTH with 535.
inline probe_result auth_failure() {
    probe_result r = passing();
    r.target = {"mail.example.com", 465, security_mode::tls};
    auto& starttls = r.checks[4];
    starttls = record(phase::starttls, phase_status::skip, 0);
    auto& auth = r.checks[7];
    auth.status = phase_status::fail;
    auth.cause = probe_errc::bad_credentials;
    auth.mechanism = "PLAIN";
    auth.reply = reply(535, enhanced_status{5, 7, 8}, {"5.7.8 Error: authentication failed"});
    auth.detail = "535 5.7.8 Error: authentication failed";
    for (auto p : {phase::mail_from, phase::rcpt, phase::quit}) {
        for (auto& c : r.checks) {
            if (c.name == p) {
                c = record(p, phase_status::skip, 0);
            }
        }
    }
    r.outcome = {failure_category::auth_failed, probe_errc::bad_credentials, std::nullopt,
                 phase::auth};
    r.round_trips = 4;
    return r;
}

/// The certificate expired 30 days ago.
inline probe_result certificate_failure() {
    probe_result r = passing();
    auto& cert = r.checks[6];
    cert.status = phase_status::fail;
    cert.cause = probe_errc::cert_expired;
    cert.detail = "expired 2024-01-01";
    cert.certificate->not_before = 1'696'118'400;  // 2023-10-01T00:00:00Z
    cert.certificate->not_after = 1'704'067'200;   // 2024-01-01T00:00:00Z
    cert.certificate->days_left = -30;
    cert.certificate->verify_error = 10;
    cert.certificate->verify_error_text = "certificate has expired";
    for (std::size_t i = 7; i < r.checks.size(); ++i) {
        r.checks[i] = record(r.checks[i].name, phase_status::skip, 0);
    }
    r.outcome = {failure_category::smtp_connect_failed, probe_errc::cert_expired, std::nullopt,
                 phase::certificate};
    return r;
}

inline probe_result with_warnings() {
    probe_result r = passing();
    r.warnings = {
        {warning_kind::sender_differs_from_login,
         "From billing@example.com, login admin@example.com"},
        {warning_kind::cert_expiring, "expires 2025-04-01T00:00:00Z (10 days)"},
    };
    return r;
}

/// Sets a detail the way the pipeline does: the notes, and their English as the detail.
inline void set_detail(phase_record& r, detail_notes notes) {
    r.detail = render_detail_en(notes);
    r.notes = std::move(notes);
}

/// A passing probe whose details carry the probe's own sentences as notes: four addresses and
/// two more, a first address refused, the certificate's expiry, AUTH PLAIN without TLS.
inline probe_result passing_with_notes() {
    probe_result r = passing();
    set_detail(r.checks[0], {as_is("192.0.2.10, 192.0.2.11, 192.0.2.12, 192.0.2.13"),
                             {detail_text::more_items, {"2"}}});
    set_detail(r.checks[6], {{detail_text::cert_common_name, {"mail.example.com"}},
                             {detail_text::cert_expires_days, {"2025-04-01", "60"}}});
    address_attempt refused{"192.0.2.9", 4, phase_status::fail, probe_errc::tcp_refused, ""};
    refused.error_notes = {{detail_text::err_connection_refused, {"Connection refused"}}};
    refused.error = render_detail_en(refused.error_notes);
    r.addresses.insert(r.addresses.begin(), refused);
    detail_notes clear{{detail_text::auth_without_tls, {"PLAIN"}}};
    r.warnings = {{warning_kind::credentials_in_clear, render_detail_en(clear), clear}};
    return r;
}

/// Port 587 with --security starttls, and no STARTTLS in the EHLO reply.
inline probe_result starttls_missing() {
    probe_result r = passing();
    auto& starttls = r.checks[4];
    starttls.status = phase_status::fail;
    starttls.cause = probe_errc::starttls_unavailable;
    set_detail(starttls, {{detail_text::starttls_not_offered, {}}});
    for (std::size_t i = 5; i < r.checks.size(); ++i) {
        r.checks[i] = record(r.checks[i].name, phase_status::skip, 0);
        r.checks[i].skipped = skip_reason::after_failure;
    }
    r.outcome = {failure_category::connect_host, probe_errc::starttls_unavailable, std::nullopt,
                 phase::starttls};
    return r;
}

/// The connection to the only address was refused.
inline probe_result tcp_refused() {
    probe_result r = passing();
    auto& tcp = r.checks[1];
    tcp = record(phase::tcp, phase_status::fail, 0.3);
    tcp.cause = probe_errc::tcp_refused;
    tcp.sys_errno = 111;
    tcp.error_notes = {{detail_text::err_connection_refused, {"Connection refused"}}};
    tcp.error_text = render_detail_en(tcp.error_notes);
    set_detail(tcp, {{detail_text::subject_colon, {"192.0.2.10:587"}}, tcp.error_notes.front()});
    for (std::size_t i = 2; i < r.checks.size(); ++i) {
        r.checks[i] = record(r.checks[i].name, phase_status::skip, 0);
        r.checks[i].skipped = skip_reason::after_failure;
    }
    r.addresses = {
        {"192.0.2.10", 4, phase_status::fail, probe_errc::tcp_refused, "Connection refused"}};
    r.outcome = {failure_category::connect_host, probe_errc::tcp_refused, std::nullopt, phase::tcp};
    return r;
}

/// The result with every note dropped: what a renderer shows from the English strings alone.
inline probe_result without_notes(probe_result r) {
    for (auto& c : r.checks) {
        c.notes.clear();
        c.error_notes.clear();
    }
    for (auto& a : r.addresses) {
        a.error_notes.clear();
    }
    for (auto& w : r.warnings) {
        w.notes.clear();
    }
    return r;
}

constexpr std::string_view hostile_line = "5.7.8 \x1b[31mred\x1b[0m bad \xff\xfe bytes\r\n\x07";

/// A server that tries terminal escapes and invalid UTF-8 in its 535 reply.
inline probe_result hostile() {
    probe_result r = auth_failure();
    auto& auth = r.checks[7];
    auth.reply = reply(535, enhanced_status{5, 7, 8}, {std::string(hostile_line)});
    auth.detail = std::string(hostile_line);
    auth.error_text = "\x1b]0;title\x07";
    r.checks[3].capabilities = {"X-\x1b[2J"};
    r.transcript.push_back(
        {transcript_direction::received, duration_ms{99.0}, "535 " + std::string(hostile_line)});
    r.warnings = {{warning_kind::credentials_in_clear, "\x1b[1mbold\xc0\xaf"}};
    return r;
}

/// Strict RFC 3629 check, independent of the code under test.
inline bool valid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = 0;
        unsigned min = 0;
        unsigned cp = 0;
        if (c < 0x80) {
            ++i;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            n = 1, min = 0x80, cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2, min = 0x800, cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3, min = 0x10000, cp = c & 0x07;
        } else {
            return false;
        }
        if (i + n >= s.size()) {
            return false;
        }
        for (std::size_t k = 1; k <= n; ++k) {
            const auto b = static_cast<unsigned char>(s[i + k]);
            if ((b & 0xC0) != 0x80) {
                return false;
            }
            cp = (cp << 6) | (b & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return false;
        }
        i += n + 1;
    }
    return true;
}

/// No C0 control other than newline, no DEL.
inline bool no_controls_but_newline(std::string_view s) {
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c < 0x20 && c != '\n') || c == 0x7F) {
            return false;
        }
    }
    return true;
}

}  // namespace smtp_probe::fixtures
