#include "checks/whmcs_log.hpp"

#include <fmt/format.h>

#include "net/sanitize.hpp"

namespace smtp_probe {

namespace {

using fc = failure_category;
using pe = probe_errc;
using era = phpmailer_era;

// PHPMailer's language strings (src/PHPMailer.php setLanguage();
// language/phpmailer.lang-zh_cn.php). The zh_cn file has no smtp_detail/smtp_code/smtp_code_ex
// before 6.9, so PHPMailer falls back to the English labels there.
constexpr std::string_view connect_host_en = "SMTP Error: Could not connect to SMTP host.";
constexpr std::string_view connect_host_zh = "SMTP 错误：无法连接到 SMTP 主机。";
// lang('smtp_connect_failed') appends the troubleshooting link in every language.
constexpr std::string_view troubleshooting =
    " https://github.com/PHPMailer/PHPMailer/wiki/Troubleshooting";
constexpr std::string_view connect_failed_en = "SMTP connect() failed.";
constexpr std::string_view connect_failed_zh = "SMTP服务器连接失败。";
constexpr std::string_view authenticate_en = "SMTP Error: Could not authenticate.";
constexpr std::string_view authenticate_zh = "SMTP 错误：登录失败。";
constexpr std::string_view from_failed_en = "The following From address failed: ";
constexpr std::string_view from_failed_zh = "发送地址错误：";
constexpr std::string_view recipients_failed_en = "SMTP Error: The following recipients failed: ";
constexpr std::string_view recipients_failed_zh = "SMTP 错误：收件人地址错误：";
constexpr std::string_view data_not_accepted_en = "SMTP Error: data not accepted.";
constexpr std::string_view data_not_accepted_zh = "SMTP 错误：数据不被接受。";
constexpr std::string_view smtp_error_en = "SMTP server error: ";
constexpr std::string_view smtp_error_zh = "SMTP服务器出错：";

// PHP's own warning texts (php-src ext/openssl/xp_ssl.c, OpenSSL 3 error strings), which
// SMTP::errorHandler stores as "Connection failed." with the warning as detail.
constexpr std::string_view crypto_prefix = "stream_socket_enable_crypto(): ";
constexpr std::string_view verify_failed =
    "SSL operation failed with code 1. OpenSSL Error messages: "
    "error:0A000086:SSL routines::certificate verify failed";

/// Server text as the report may carry it: control bytes escaped. PHPMailer's own line breaks (the
/// CRLF after each reply line, the LF inside PHP's OpenSSL warning) are written as one space, so
/// no line of the report can be split or forged; a log viewer shows them as white space too.
std::string clean_line(std::string_view s) {
    return sanitize_for_display(s, 512);
}

/// The enhanced code as SMTP::sendCommand's pattern finds it: "D.D.D" or "D.D.DD" only.
std::string phpmailer_code_ex(const smtp_reply& reply) {
    if (!reply.enhanced || reply.enhanced->subject > 9 || reply.enhanced->detail > 99) {
        return {};
    }
    return reply.enhanced->to_string();
}

/// How PHPMailer reaches the failure, which decides the shape of its message.
enum class shape {
    none,           ///< PHPMailer would not fail here (only QUIT failed)
    no_connection,  ///< stream_socket_client failed: DNS, TCP, the implicit-TLS handshake
    no_greeting,    ///< connected, but no 220 (refused, silent, not SMTP, waiting for TLS)
    host_invalid,   ///< the host is not usable at all (an IPv6 literal): nothing attempted
    starttls_refused,
    upgrade_failed,  ///< the TLS handshake or certificate after STARTTLS
    authenticate,
    mail_from,
    rcpt,
    data,
};

const phase_record* failed_record(const probe_result& r) {
    if (!r.outcome.failed_phase) {
        return nullptr;
    }
    return r.find(*r.outcome.failed_phase);
}

shape shape_of(const probe_result& r, const whmcs_log_context& ctx) {
    const auto p = r.outcome.failed_phase;
    if (!p) {
        return shape::none;
    }
    const bool implicit = r.target.security == security_mode::tls;
    switch (*p) {
        case phase::dns:
            return r.outcome.cause == pe::ipv6_literal_host ? shape::host_invalid
                                                            : shape::no_connection;
        case phase::tcp:
            return shape::no_connection;
        case phase::greeting:
            return shape::no_greeting;
        case phase::tls:
        case phase::certificate:
            return implicit ? shape::no_connection : shape::upgrade_failed;
        case phase::starttls:
            return shape::starttls_refused;
        case phase::ehlo:
            // SMTP::hello()'s result is ignored: the next command is what fails.
            return ctx.login ? shape::authenticate : shape::mail_from;
        case phase::auth:
            return shape::authenticate;
        case phase::mail_from:
            return shape::mail_from;
        case phase::rcpt:
            return shape::rcpt;
        case phase::data:
            return shape::data;
        case phase::quit:
            return shape::none;
    }
    return shape::none;
}

/// The PHP warning a failed handshake after STARTTLS leaves, as far as the probe can tell it.
std::string crypto_warning(const probe_result& r, const phase_record* rec) {
    auto cause = r.outcome.cause;
    if (cause == pe::smtp_restrictions_redirect && r.outcome.underlying_cause) {
        cause = r.outcome.underlying_cause;
    }
    if (rec != nullptr && rec->name == phase::certificate) {
        const auto& cert = rec->certificate;
        // OpenSSL verifies the chain and the dates during the handshake; PHP checks the peer
        // name only after a verified handshake.
        const bool chain_ok = cert && cert->chain_trusted && cause != pe::cert_expired;
        if (cause == pe::cert_name_mismatch && chain_ok) {
            if (!cert->dns_names.empty() || !cert->ip_addresses.empty()) {
                return fmt::format(
                    "{}Peer certificate subjectAltName did not match expected name `{}'",
                    crypto_prefix, clean_line(r.target.host));
            }
            return fmt::format("{}Peer certificate CN=`{}' did not match expected CN=`{}'",
                               crypto_prefix, clean_line(cert->common_name),
                               clean_line(r.target.host));
        }
        return std::string(crypto_prefix) + std::string(verify_failed);
    }
    // A handshake failure: OpenSSL's own error line when the probe has one.
    std::string out =
        std::string(crypto_prefix) + "SSL operation failed with code 1. OpenSSL Error messages: ";
    if (rec != nullptr && rec->error_text.rfind("error:", 0) == 0) {
        out += clean_line(rec->error_text);
    }
    return out;
}

whmcs_log_line line(era e, std::string en, std::string zh, std::optional<fc> heading) {
    return whmcs_log_line{e, std::move(en), std::move(zh), heading};
}

/// getSmtpErrorMessage(): the base text, then " error" and " detail" when set.
std::string with_error(std::string_view base, std::string_view error, std::string_view detail) {
    std::string out(base);
    if (!error.empty()) {
        out += ' ';
        out += error;
        if (!detail.empty()) {
            out += ' ';
            out += detail;
        }
    }
    return out;
}

/// smtpSend()'s From message: the implode of SMTP::getError(), then PHPMailer::setError()'s
/// appendix of the same error with labels.
std::string from_failed(std::string_view prefix, std::string_view smtp_error,
                        const std::string& from, const std::optional<smtp_reply>& reply) {
    const std::string error = "MAIL FROM command failed";
    const std::string detail = reply ? phpmailer_reply_detail(*reply) : std::string();
    const std::string code = reply ? std::to_string(reply->code) : std::string();
    const std::string code_ex = reply ? phpmailer_code_ex(*reply) : std::string();
    std::string out =
        fmt::format("{}{} : {},{},{},{}", prefix, clean_line(from), error, detail, code, code_ex);
    out += smtp_error;
    out += error;
    if (!detail.empty()) {
        out += " Detail: " + detail;
    }
    if (!code.empty() && code != "0") {
        out += " SMTP code: " + code;
    }
    if (!code_ex.empty()) {
        out += " Additional SMTP info: " + code_ex;
    }
    return out;
}

}  // namespace

std::string_view phpmailer_era_id(phpmailer_era e) {
    switch (e) {
        case era::up_to_6_5:
            return "<=6.5";
        case era::v6_6_0_to_6_6_4:
            return "6.6.0-6.6.4";
        case era::from_6_6_5:
            return ">=6.6.5";
    }
    return ">=6.6.5";
}

std::string phpmailer_reply_detail(const smtp_reply& reply) {
    // SMTP::sendCommand strips "CODE[ -]" plus the first line's "X.Y.Z " from every line; the
    // reply's lines here already lack "CODE[ -]".
    const std::string found = phpmailer_code_ex(reply);
    const std::string code_ex = found.empty() ? found : found + " ";
    std::string out;
    for (const auto& l : reply.lines) {
        std::string_view text = l;
        if (!code_ex.empty() && text.substr(0, code_ex.size()) == code_ex) {
            text.remove_prefix(code_ex.size());
        }
        out += clean_line(text);
        out += ' ';
    }
    return out;
}

std::vector<whmcs_log_line> whmcs_log_lines(const probe_result& r, const whmcs_log_context& ctx) {
    std::vector<whmcs_log_line> out;
    if (r.ok()) {
        return out;
    }
    const auto* rec = failed_record(r);
    const std::string connect_failed_en_url =
        std::string(connect_failed_en) + std::string(troubleshooting);
    const std::string connect_failed_zh_url =
        std::string(connect_failed_zh) + std::string(troubleshooting);
    switch (shape_of(r, ctx)) {
        case shape::none:
            return out;
        case shape::no_connection:
        case shape::no_greeting:
        case shape::host_invalid: {
            // <= 6.5: smtpConnect() returns false and smtpSend() throws smtp_connect_failed.
            out.push_back(line(era::up_to_6_5, connect_failed_en_url, connect_failed_zh_url,
                               fc::smtp_connect_failed));
            // 6.6.0-6.6.4: the exception names connect_host, but SMTP::close() has already
            // cleared the error.
            out.push_back(line(era::v6_6_0_to_6_6_4, std::string(connect_host_en),
                               std::string(connect_host_zh), fc::connect_host));
            // >= 6.6.5 keeps getSMTPConnection()'s "Failed to connect to server" (its detail is
            // empty; errno and errstr go to fields the message leaves out). A missing 220 sets
            // no error, and an unusable host is skipped before any attempt.
            const std::string_view error =
                shape_of(r, ctx) == shape::no_connection ? "Failed to connect to server" : "";
            out.push_back(line(era::from_6_6_5, with_error(connect_host_en, error, ""),
                               with_error(connect_host_zh, error, ""), fc::connect_host));
            return out;
        }
        case shape::starttls_refused:
        case shape::upgrade_failed: {
            std::string error;
            std::string detail;
            if (shape_of(r, ctx) == shape::starttls_refused) {
                error = "STARTTLS command failed";
                if (rec != nullptr && rec->reply) {
                    detail = phpmailer_reply_detail(*rec->reply);
                }
            } else {
                error = "Connection failed.";
                detail = crypto_warning(r, rec);
            }
            // <= 6.5 threw connect_host without the error.
            out.push_back(line(era::up_to_6_5, std::string(connect_host_en),
                               std::string(connect_host_zh), fc::connect_host));
            for (const auto e : {era::v6_6_0_to_6_6_4, era::from_6_6_5}) {
                out.push_back(line(e, with_error(connect_host_en, error, detail),
                                   with_error(connect_host_zh, error, detail), fc::connect_host));
            }
            return out;
        }
        case shape::authenticate:
            for (const auto e : all_phpmailer_eras) {
                out.push_back(line(e, std::string(authenticate_en), std::string(authenticate_zh),
                                   fc::auth_failed));
            }
            return out;
        case shape::mail_from: {
            const std::optional<smtp_reply> reply =
                rec != nullptr && rec->name == phase::mail_from ? rec->reply : std::nullopt;
            for (const auto e : all_phpmailer_eras) {
                out.push_back(line(e, from_failed(from_failed_en, smtp_error_en, ctx.from, reply),
                                   from_failed(from_failed_zh, smtp_error_zh, ctx.from, reply),
                                   std::nullopt));
            }
            return out;
        }
        case shape::rcpt: {
            // smtpSend() lists each refused recipient as "ADDR: DETAIL" (the reply's detail only).
            const std::string detail =
                rec != nullptr && rec->reply ? phpmailer_reply_detail(*rec->reply) : std::string();
            const std::string what = clean_line(ctx.rcpt) + ": " + detail;
            for (const auto e : all_phpmailer_eras) {
                out.push_back(line(e, std::string(recipients_failed_en) + what,
                                   std::string(recipients_failed_zh) + what, std::nullopt));
            }
            return out;
        }
        case shape::data:
            for (const auto e : all_phpmailer_eras) {
                out.push_back(line(e, std::string(data_not_accepted_en),
                                   std::string(data_not_accepted_zh), fc::data_not_accepted));
            }
            return out;
    }
    return out;
}

}  // namespace smtp_probe
