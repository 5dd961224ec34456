// The probe's own sentences: English exactly as the records (and so the JSON) always said them,
// Chinese without the probe's English words, and foreign errors mapped to sentences.
#include <doctest/doctest.h>

#include <ares.h>

#include <openssl/err.h>
#include <openssl/sslerr.h>
#include <openssl/x509_vfy.h>

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/system/errc.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "checks/certificate_rules.hpp"
#include "checks/detail_note.hpp"
#include "checks/errors.hpp"
#include "net/dns_error.hpp"
#include "probe/i18n/detail_text.hpp"

using namespace smtp_probe;
using t = detail_text;

namespace {

std::string en(const detail_notes& notes) {
    return render_detail_en(notes);
}

std::string zh(const detail_notes& notes) {
    return render_detail(notes, language::zh);
}

struct english_row {
    detail_note note;
    std::string_view expected;
};

// The strings the phases built with fmt::format before the notes existed.
const std::vector<english_row> english_rows = {
    {{t::verbatim, {"220 mail.example.com ESMTP"}}, "220 mail.example.com ESMTP"},
    {{t::subject_colon, {"192.0.2.1:587"}}, "192.0.2.1:587: "},
    {{t::more_items, {"3"}}, " (+3 more)"},
    {{t::size_planned, {"1000", "1400", "1024"}},
     "1000 bytes planned, about 1400 bytes encoded > SIZE 1024"},
    {{t::err_connection_refused, {"Connection refused"}}, "Connection refused"},
    {{t::err_dns_not_found, {"Domain name not found"}}, "Domain name not found"},
    {{t::greeting_tls_instead, {"3000", "465"}},
     "no greeting in 3000 ms, but a TLS handshake succeeded: port 465 expects implicit TLS"},
    {{t::non_smtp_banner, {"HTTP", "HTTP/1.1 400 Bad Request"}},
     "HTTP banner: HTTP/1.1 400 Bad Request"},
    {{t::tls_record_not_greeting, {}}, "the server sent a TLS record instead of a greeting"},
    {{t::greeting_bytes_received, {"0"}}, "0 bytes received"},
    {{t::greeting_timeout, {"10000", "0"}}, "10000 ms, 0 bytes"},
    {{t::unsolicited_after_greeting, {"12"}}, "12 unsolicited bytes after the greeting"},
    {{t::unsolicited_before_command, {"5"}}, "5 unsolicited bytes before the command"},
    {{t::unsolicited_after_reply, {"5"}}, "5 unsolicited bytes after the reply"},
    {{t::helo_name_unusable, {}}, "the HELO name contains CR, LF or NUL"},
    {{t::starttls_not_offered, {}}, "STARTTLS is not among the EHLO extensions"},
    {{t::ehlo_no_starttls, {}}, "EHLO: no STARTTLS"},
    {{t::bytes_after_starttls_220, {"9"}}, "9 bytes followed the 220 reply"},
    {{t::starttls_injection, {"9"}},
     "9 unexpected bytes after the STARTTLS 220 (possible injection)"},
    {{t::no_certificate, {}}, "the server presented no certificate"},
    {{t::cert_common_name, {"mail.example.com"}}, "CN=mail.example.com"},
    {{t::cert_no_subject, {}}, "no subject"},
    {{t::cert_names, {"a.example,b.example,+2"}}, ", names a.example,b.example,+2"},
    {{t::cert_names_none, {}}, ", names none"},
    {{t::cert_expired_day, {"2024-01-01", "1"}}, ", expired 2024-01-01 (1 day ago)"},
    {{t::cert_expired_days, {"2024-01-01", "30"}}, ", expired 2024-01-01 (30 days ago)"},
    {{t::cert_issuer_expired, {"R3", "2024-01-01"}}, ", chain: \"R3\" expired 2024-01-01"},
    {{t::cert_issuer_not_yet_valid, {"R3", "2031-01-01"}}, ", chain: \"R3\" valid from 2031-01-01"},
    {{t::cert_issuer_expires_day, {"R3", "2024-01-01", "1"}},
     ", chain: \"R3\" expires 2024-01-01 (1 day)"},
    {{t::cert_issuer_expires_days, {"R3", "2024-01-01", "9"}},
     ", chain: \"R3\" expires 2024-01-01 (9 days)"},
    {{t::cert_valid_from, {"2026-09-26"}}, ", valid from 2026-09-26"},
    {{t::cert_expires_day, {"2027-01-02", "1"}}, ", expires 2027-01-02 (1 day)"},
    {{t::cert_expires_days, {"2027-01-02", "89"}}, ", expires 2027-01-02 (89 days)"},
    {{t::cert_self_signed, {}}, ", self-signed"},
    {{t::cert_chain_error_code, {"20"}}, ", chain error 20"},
    {{t::cert_chain_error, {"unable to get local issuer certificate"}},
     ", chain: unable to get local issuer certificate"},
    {{t::cert_chain_issuer_unknown, {"unable to get local issuer certificate"}},
     ", chain: unable to get local issuer certificate"},
    {{t::cert_chain_self_signed, {"self-signed certificate in certificate chain"}},
     ", chain: self-signed certificate in certificate chain"},
    {{t::cert_chain_expired, {"certificate has expired"}}, ", chain: certificate has expired"},
    {{t::cert_chain_not_yet_valid, {"certificate is not yet valid"}},
     ", chain: certificate is not yet valid"},
    {{t::err_tls_wrong_version, {"wrong version number (SSL routines)"}},
     "wrong version number (SSL routines)"},
    {{t::ehlo_no_auth, {}}, "EHLO: no AUTH"},
    {{t::cram_md5_not_base64, {"!!"}}, "CRAM-MD5 challenge is not base64: !!"},
    {{t::ehlo_auth_list, {"GSSAPI NTLM"}}, "EHLO AUTH: GSSAPI NTLM"},
    {{t::auth_without_tls, {"PLAIN"}}, "AUTH PLAIN, no TLS"},
    {{t::auth_success_before_credential, {"CRAM-MD5", "235 ok"}},
     "AUTH CRAM-MD5 answered with success before any credential was sent: 235 ok"},
    {{t::auth_success_after_username, {"235 ok"}},
     "AUTH LOGIN answered with success after the username, before the password was sent: 235 "
     "ok"},
    {{t::auth_success_after_error, {"XOAUTH2", "235 ok"}},
     "AUTH XOAUTH2 answered with success after the server had refused the token: 235 ok"},
    {{t::auth_challenge_after_last_step, {"LOGIN", "334 UGFzc3dvcmQ6"}},
     "AUTH LOGIN asked for more after the exchange was complete: 334 UGFzc3dvcmQ6"},
    {{t::address_unusable, {}}, "the address contains characters SMTP cannot carry"},
    {{t::queue_id, {"4Xyz1"}}, "queue id 4Xyz1"},
    {{t::ipv6_literal_unusable, {"::1"}},
     "::1 is an IPv6 address, which WHMCS's mailer cannot use as the SMTP host"},
};

// Every sentence but verbatim, with how many values it takes.
const std::vector<std::pair<detail_text, int>> all_sentences = {
    {t::subject_colon, 1},
    {t::more_items, 1},
    {t::size_planned, 3},
    {t::err_connection_refused, 1},
    {t::err_timed_out, 1},
    {t::err_network_unreachable, 1},
    {t::err_host_unreachable, 1},
    {t::err_connection_reset, 1},
    {t::err_connection_aborted, 1},
    {t::err_operation_aborted, 1},
    {t::err_permission_denied, 1},
    {t::err_broken_pipe, 1},
    {t::err_end_of_file, 1},
    {t::err_reply_timeout, 1},
    {t::err_connection_lost, 1},
    {t::err_deadline_exceeded, 1},
    {t::err_dns_not_found, 1},
    {t::err_dns_no_data, 1},
    {t::err_dns_timeout, 1},
    {t::dns_no_answer_within, 1},
    {t::dns_cut_by_deadline, 1},
    {t::err_dns_server_failure, 1},
    {t::err_dns_refused, 1},
    {t::err_tls_wrong_version, 1},
    {t::err_tls_handshake_failure, 1},
    {t::err_tls_protocol_version, 1},
    {t::err_tls_unexpected_eof, 1},
    {t::reply_line_too_long, 2},
    {t::reply_too_many_lines, 2},
    {t::reply_too_large, 2},
    {t::reply_bad_code, 2},
    {t::reply_code_mismatch, 2},
    {t::reply_bad_separator, 2},
    {t::reply_invalid_byte, 2},
    {t::greeting_tls_instead, 2},
    {t::non_smtp_banner, 2},
    {t::tls_record_not_greeting, 0},
    {t::greeting_bytes_received, 1},
    {t::greeting_timeout, 2},
    {t::unsolicited_after_greeting, 1},
    {t::unsolicited_before_command, 1},
    {t::unsolicited_after_reply, 1},
    {t::helo_name_unusable, 0},
    {t::starttls_not_offered, 0},
    {t::ehlo_no_starttls, 0},
    {t::bytes_after_starttls_220, 1},
    {t::starttls_injection, 1},
    {t::no_certificate, 0},
    {t::cert_common_name, 1},
    {t::cert_no_subject, 0},
    {t::cert_names, 1},
    {t::cert_names_none, 0},
    {t::cert_expired_day, 2},
    {t::cert_expired_days, 2},
    {t::cert_valid_from, 1},
    {t::cert_expires_day, 2},
    {t::cert_expires_days, 2},
    {t::cert_issuer_expired, 2},
    {t::cert_issuer_not_yet_valid, 2},
    {t::cert_issuer_expires_day, 3},
    {t::cert_issuer_expires_days, 3},
    {t::cert_self_signed, 0},
    {t::cert_chain_error_code, 1},
    {t::cert_chain_error, 1},
    {t::cert_chain_issuer_unknown, 1},
    {t::cert_chain_self_signed, 1},
    {t::cert_chain_expired, 1},
    {t::cert_chain_not_yet_valid, 1},
    {t::ehlo_no_auth, 0},
    {t::cram_md5_not_base64, 1},
    {t::ehlo_auth_list, 1},
    {t::auth_without_tls, 1},
    {t::auth_success_before_credential, 2},
    {t::auth_success_after_username, 1},
    {t::auth_success_after_error, 2},
    {t::auth_challenge_after_last_step, 2},
    {t::address_unusable, 0},
    {t::queue_id, 1},
    {t::ipv6_literal_unusable, 1},
    {t::auto_starttls_used, 0},
};

/// The text with protocol names (which Chinese keeps) taken out.
std::string without_protocol_words(std::string s) {
    // Command-line options are typed as they are in any language.
    for (auto at = s.find("--"); at != std::string::npos; at = s.find("--")) {
        auto end = at + 2;
        while (end < s.size() && ((s[end] >= 'a' && s[end] <= 'z') || s[end] == '-')) {
            ++end;
        }
        s.erase(at, end - at);
    }
    for (std::string_view word :
         {"CRAM-MD5", "base64", "STARTTLS", "WHMCS", "SMTP", "EHLO", "HELO",
          "AUTH",     "SIZE",   "TLS",      "SSL",   "DNS",  "NUL",  "CN",
          "CA",       "CR",     "LF",       "ID",    "IPv6", "None", "LOGIN"}) {
        for (auto at = s.find(word); at != std::string::npos; at = s.find(word)) {
            s.erase(at, word.size());
        }
    }
    return s;
}

bool has_ascii_letter(std::string_view s) {
    for (char c : s) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            return true;
        }
    }
    return false;
}

/// An OpenSSL error as Asio reports it.
boost::system::error_code tls_error(int reason) {
    return {static_cast<int>(ERR_PACK(ERR_LIB_SSL, 0, reason)),
            boost::asio::error::get_ssl_category()};
}

constexpr std::int64_t day = 86'400;
constexpr std::int64_t t_2026_11_25 = 1'795'564'800;
constexpr std::int64_t t_2027_01_02 = 1'798'848'000;

certificate_facts cert() {
    certificate_facts f;
    f.subject = "CN=mail.example.com";
    f.common_name = "mail.example.com";
    f.dns_names = {"mail.example.com"};
    f.not_before = t_2026_11_25 - 60 * day;
    f.not_after = t_2027_01_02;
    f.chain_trusted = true;
    return f;
}

}  // namespace

TEST_CASE("English: each sentence renders exactly as the phases always wrote it") {
    for (const auto& row : english_rows) {
        CAPTURE(row.expected);
        CHECK(en({row.note}) == row.expected);
        CHECK(render_detail({row.note}, language::en) == row.expected);
    }
}

TEST_CASE("notes render one after another, continuations carrying their own separator") {
    const detail_notes notes{{t::cert_common_name, {"mail.smtp-lab.test"}},
                             {t::cert_expires_days, {"2027-02-23", "89"}}};
    CHECK(en(notes) == "CN=mail.smtp-lab.test, expires 2027-02-23 (89 days)");
    CHECK(zh(notes) == "CN=mail.smtp-lab.test，2027-02-23 到期（还剩 89 天）");
    const detail_notes dns{as_is("192.0.2.1, 192.0.2.2, 192.0.2.3, 192.0.2.4"),
                           {t::more_items, {"2"}}};
    CHECK(en(dns) == "192.0.2.1, 192.0.2.2, 192.0.2.3, 192.0.2.4 (+2 more)");
    CHECK(zh(dns) == "192.0.2.1, 192.0.2.2, 192.0.2.3, 192.0.2.4（另有 2 个）");
}

TEST_CASE("Chinese: the probe's own sentences in Chinese") {
    CHECK(zh({{t::starttls_not_offered, {}}}) == "EHLO 扩展列表中没有 STARTTLS");
    CHECK(zh({{t::greeting_tls_instead, {"3000", "465"}}}) ==
          "3000 毫秒内没有收到问候，但 TLS 握手成功：端口 465 要求隐式 TLS（WHMCS 中的“SSL”）");
    CHECK(zh({{t::unsolicited_after_greeting, {"12"}}}) == "问候之后服务器又主动发来 12 字节");
    CHECK(zh({{t::no_certificate, {}}}) == "服务器没有出示证书");
    CHECK(zh({{t::auth_without_tls, {"PLAIN"}}}) == "AUTH PLAIN，未使用 TLS");
    CHECK(zh({{t::queue_id, {"4Xyz1"}}}) == "队列 ID 4Xyz1");
    CHECK(zh({{t::cert_common_name, {"a.test"}},
              {t::cert_expired_days, {"2024-01-01", "30"}},
              {t::cert_self_signed, {}}}) == "CN=a.test，已于 2024-01-01 过期（30 天前），自签名");
    CHECK(zh({{t::subject_colon, {"192.0.2.1:25"}},
              {t::err_connection_refused, {"Connection refused"}}}) == "192.0.2.1:25：连接被拒绝");
}

TEST_CASE("Chinese: no English word of the probe's own in any sentence") {
    for (const auto& [id, count] : all_sentences) {
        // Values are digits, so any Latin letter left is the template's.
        const std::vector<std::string> args(static_cast<std::size_t>(count), "7");
        const auto text = zh({{id, args}});
        CAPTURE(text);
        CHECK_FALSE(text.empty());
        CHECK_FALSE(has_ascii_letter(without_protocol_words(text)));
        for (std::string_view word : {"expires", "expired", "days", "day", "more", "bytes",
                                      "not among", "banner", "greeting", "names", "chain"}) {
            CHECK(text.find(word) == std::string::npos);
        }
    }
    // A foreign error's own English message is replaced, not repeated.
    CHECK(zh({{t::err_timed_out, {"Connection timed out"}}}) == "连接超时");
    // What is shown as it is stays as it is.
    CHECK(zh({as_is("250 2.0.0 Ok: queued as ABC")}) == "250 2.0.0 Ok: queued as ABC");
}

TEST_CASE("localized: the recorded English unless the notes can say it in Chinese") {
    const detail_notes notes{{t::no_certificate, {}}};
    CHECK(localized("the server presented no certificate", notes, language::en) ==
          "the server presented no certificate");
    CHECK(localized("the server presented no certificate", notes, language::zh) ==
          "服务器没有出示证书");
    CHECK(localized("250 Ok", {}, language::zh) == "250 Ok");  // a record built by hand
}

TEST_CASE("foreign errors: the common ones get a sentence, English keeps their message") {
    namespace errc = boost::system::errc;
    namespace asio_error = boost::asio::error;
    const std::vector<std::pair<boost::system::error_code, detail_text>> rows = {
        {asio_error::connection_refused, t::err_connection_refused},
        {errc::make_error_code(errc::connection_refused), t::err_connection_refused},
        {asio_error::timed_out, t::err_timed_out},
        {asio_error::network_unreachable, t::err_network_unreachable},
        {asio_error::host_unreachable, t::err_host_unreachable},
        {asio_error::connection_reset, t::err_connection_reset},
        {asio_error::connection_aborted, t::err_connection_aborted},
        {asio_error::operation_aborted, t::err_operation_aborted},
        {asio_error::access_denied, t::err_permission_denied},
        {asio_error::broken_pipe, t::err_broken_pipe},
        {asio_error::eof, t::err_end_of_file},
        {make_error_code(probe_errc::reply_timeout), t::err_reply_timeout},
        {make_error_code(probe_errc::connection_lost), t::err_connection_lost},
        {make_error_code(probe_errc::deadline_exceeded), t::err_deadline_exceeded},
        {make_dns_error(ARES_ENOTFOUND), t::err_dns_not_found},
        {make_dns_error(ARES_ENODATA), t::err_dns_no_data},
        {make_dns_error(ARES_ETIMEOUT), t::err_dns_timeout},
        {make_dns_error(ARES_ESERVFAIL), t::err_dns_server_failure},
        {make_dns_error(ARES_EREFUSED), t::err_dns_refused},
        {tls_error(SSL_R_WRONG_VERSION_NUMBER), t::err_tls_wrong_version},
        {tls_error(SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE), t::err_tls_handshake_failure},
        {tls_error(SSL_R_NO_SHARED_CIPHER), t::err_tls_handshake_failure},
        {tls_error(SSL_R_TLSV1_ALERT_PROTOCOL_VERSION), t::err_tls_protocol_version},
        {tls_error(SSL_R_UNSUPPORTED_PROTOCOL), t::err_tls_protocol_version},
        {tls_error(SSL_R_UNEXPECTED_EOF_WHILE_READING), t::err_tls_unexpected_eof},
    };
    for (const auto& [ec, id] : rows) {
        CAPTURE(ec.message());
        const auto note = error_detail(ec, ec.message());
        CHECK(note.id == id);
        CHECK(en({note}) == ec.message());
        CHECK(zh({note}) != ec.message());
        CHECK_FALSE(has_ascii_letter(without_protocol_words(zh({note}))));
    }
    CHECK(zh({error_detail(asio_error::connection_refused, "x")}) == "连接被拒绝");
    CHECK(zh({error_detail(asio_error::timed_out, "x")}) == "连接超时");
    CHECK(zh({error_detail(asio_error::network_unreachable, "x")}) == "网络不可达");
}

TEST_CASE("foreign errors nobody named keep the system's words in every language") {
    const auto tls = tls_error(SSL_R_BAD_SIGNATURE);
    const auto note = error_detail(tls, tls.message());
    CHECK(note.id == t::verbatim);
    CHECK(zh({note}) == tls.message());
    CHECK_FALSE(tls.message().empty());
    const auto other = error_detail(make_error_code(probe_errc::not_smtp), "not_smtp");
    CHECK(other.id == t::verbatim);
    CHECK(zh({other}) == "not_smtp");
}

TEST_CASE("a template asking for more values than given renders ? instead of throwing") {
    CHECK(en({{t::greeting_timeout, {"1"}}}) == "?");
    CHECK(zh({{t::greeting_timeout, {"1"}}}) == "?");
}

TEST_CASE("the certificate judgement carries notes whose English is its detail") {
    const auto good = judge_certificate(cert(), "mail.example.com", t_2026_11_25, 14, false);
    CHECK(good.detail == render_detail_en(good.notes));
    CHECK(good.detail == "CN=mail.example.com, expires 2027-01-02 (38 days)");
    CHECK(zh(good.notes) == "CN=mail.example.com，2027-01-02 到期（还剩 38 天）");

    auto bad = cert();
    bad.self_signed = true;
    bad.chain_trusted = false;
    const auto j = judge_certificate(bad, "other.example.net", t_2027_01_02 + day, 14, false);
    CHECK(j.detail ==
          "CN=mail.example.com, names mail.example.com, expired 2027-01-02 (1 day ago), "
          "self-signed");
    CHECK(j.detail == render_detail_en(j.notes));
    CHECK(zh(j.notes) ==
          "CN=mail.example.com，证书所列名称 mail.example.com，已于 2027-01-02 过期（1 "
          "天前），自签名");
}

TEST_CASE("OpenSSL's common verification errors get Chinese, English keeps OpenSSL's text") {
    struct row {
        int verify_error;
        std::string_view text;
        std::string_view zh_tail;
    };
    const std::vector<row> rows = {
        {X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, "unable to get local issuer certificate",
         "，证书链：找不到签发者证书（缺少中间证书，或 CA 不受本机信任）"},
        {X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, "self-signed certificate in certificate chain",
         "，证书链：链中有不受信任的自签名证书"},
        {X509_V_ERR_CERT_HAS_EXPIRED, "certificate has expired", "，证书链：链中有证书已过期"},
        {X509_V_ERR_CERT_REVOKED, "certificate revoked", "，证书链：certificate revoked"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.text);
        auto f = cert();
        f.chain_trusted = false;
        f.verify_error = r.verify_error;
        f.verify_error_text = std::string(r.text);
        const auto j = judge_certificate(f, "mail.example.com", t_2026_11_25, 14, false);
        CHECK(j.detail ==
              "CN=mail.example.com, expires 2027-01-02 (38 days), chain: " + std::string(r.text));
        CHECK(zh(j.notes) ==
              "CN=mail.example.com，2027-01-02 到期（还剩 38 天）" + std::string(r.zh_tail));
    }
}

TEST_CASE("a reply the parser refused: its name and the server's text, as fail_io wrote them") {
    const std::vector<std::pair<reply_violation, std::string_view>> rows = {
        {reply_violation::line_too_long, "回复中有一行过长：X"},
        {reply_violation::too_many_lines, "回复的行数过多：X"},
        {reply_violation::reply_too_large, "回复过大：X"},
        {reply_violation::bad_code, "回复码无效：X"},
        {reply_violation::code_mismatch, "多行回复中各行的回复码不一致：X"},
        {reply_violation::bad_separator, "回复码后面的分隔符无效：X"},
        {reply_violation::invalid_byte, "回复中含有 NUL 字节：X"},
    };
    for (const auto& [v, zh_text] : rows) {
        CAPTURE(violation_name(v));
        const auto note = violation_detail(v, "X");
        CHECK(en({note}) == std::string(violation_name(v)) + ": X");
        CHECK(zh({note}) == zh_text);
    }
    CHECK(violation_detail(reply_violation::none, "X") == as_is("X"));
}
