#include "checks/detail_note.hpp"
#include "net/io_error.hpp"

#include <ares.h>
#include <fmt/args.h>
#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/sslerr.h>

#include <boost/asio/error.hpp>
#include <cerrno>
#include <optional>
#include <utility>

#include "checks/errors.hpp"

namespace smtp_probe {
namespace {

std::optional<detail_text> system_error_id(int value) {
    switch (value) {
        case ECONNREFUSED:
            return detail_text::err_connection_refused;
        case ETIMEDOUT:
            return detail_text::err_timed_out;
        case ENETUNREACH:
            return detail_text::err_network_unreachable;
        case EHOSTUNREACH:
            return detail_text::err_host_unreachable;
        case ECONNRESET:
            return detail_text::err_connection_reset;
        case ECONNABORTED:
            return detail_text::err_connection_aborted;
        case ECANCELED:
            return detail_text::err_operation_aborted;
        case EACCES:
        case EPERM:
            return detail_text::err_permission_denied;
        case EPIPE:
            return detail_text::err_broken_pipe;
        default:
            return std::nullopt;
    }
}

std::optional<detail_text> dns_error_id(int value) {
    switch (value) {
        case ARES_ENOTFOUND:
            return detail_text::err_dns_not_found;
        case ARES_ENODATA:
            return detail_text::err_dns_no_data;
        case ARES_ETIMEOUT:
            return detail_text::err_dns_timeout;
        case ARES_ESERVFAIL:
        case ARES_ECONNREFUSED:
            return detail_text::err_dns_server_failure;
        case ARES_EREFUSED:
            return detail_text::err_dns_refused;
        default:
            return std::nullopt;
    }
}

std::optional<detail_text> tls_error_id(unsigned long packed) {
    switch (ERR_GET_REASON(packed)) {
        case SSL_R_WRONG_VERSION_NUMBER:
            return detail_text::err_tls_wrong_version;
        case SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE:
        case SSL_R_NO_SHARED_CIPHER:
            return detail_text::err_tls_handshake_failure;
        case SSL_R_UNSUPPORTED_PROTOCOL:
        case SSL_R_TLSV1_ALERT_PROTOCOL_VERSION:
        case SSL_R_NO_PROTOCOLS_AVAILABLE:
            return detail_text::err_tls_protocol_version;
        case SSL_R_UNEXPECTED_EOF_WHILE_READING:
            return detail_text::err_tls_unexpected_eof;
        default:
            return std::nullopt;
    }
}

std::optional<detail_text> error_id(const boost::system::error_code& ec) {
    if (ec.category() == boost::system::system_category() ||
        ec.category() == boost::system::generic_category()) {
        return system_error_id(ec.value());
    }
    if (ec == boost::asio::error::eof) {
        return detail_text::err_end_of_file;
    }
    if (ec == probe_errc::reply_timeout || ec == io_errc::timeout) {
        return detail_text::err_reply_timeout;
    }
    if (ec == probe_errc::connection_lost || ec == io_errc::connection_lost) {
        return detail_text::err_connection_lost;
    }
    if (ec == probe_errc::deadline_exceeded) {
        return detail_text::err_deadline_exceeded;
    }
    // net/dns_error.hpp is not ours to link: the c-ares category is known by its name.
    const std::string_view category = ec.category().name();
    if (category == "c-ares") {
        return dns_error_id(ec.value());
    }
    // Asio's OpenSSL category: the value is OpenSSL's packed error code.
    if (category == "asio.ssl") {
        return tls_error_id(static_cast<unsigned long>(static_cast<unsigned int>(ec.value())));
    }
    return std::nullopt;
}

}  // namespace

detail_note as_is(std::string text) {
    return {detail_text::verbatim, {std::move(text)}};
}

detail_note violation_detail(reply_violation v, std::string offending) {
    auto id = detail_text::verbatim;
    switch (v) {
        case reply_violation::none:
            break;
        case reply_violation::line_too_long:
            id = detail_text::reply_line_too_long;
            break;
        case reply_violation::too_many_lines:
            id = detail_text::reply_too_many_lines;
            break;
        case reply_violation::reply_too_large:
            id = detail_text::reply_too_large;
            break;
        case reply_violation::bad_code:
            id = detail_text::reply_bad_code;
            break;
        case reply_violation::code_mismatch:
            id = detail_text::reply_code_mismatch;
            break;
        case reply_violation::bad_separator:
            id = detail_text::reply_bad_separator;
            break;
        case reply_violation::invalid_byte:
            id = detail_text::reply_invalid_byte;
            break;
    }
    if (id == detail_text::verbatim) {
        return as_is(std::move(offending));
    }
    return {id, {std::string(violation_name(v)), std::move(offending)}};
}

detail_note error_detail(const boost::system::error_code& ec, std::string message) {
    return {error_id(ec).value_or(detail_text::verbatim), {std::move(message)}};
}

std::string_view detail_template_en(detail_text id) {
    using t = detail_text;
    switch (id) {
        case t::verbatim:
            return "{0}";
        case t::subject_colon:
            return "{0}: ";
        case t::more_items:
            return " (+{0} more)";
        case t::size_planned:
            return "{0} bytes planned, about {1} bytes encoded > SIZE {2}";
        // English shows the system's own message, exactly as before.
        case t::err_connection_refused:
        case t::err_timed_out:
        case t::err_network_unreachable:
        case t::err_host_unreachable:
        case t::err_connection_reset:
        case t::err_connection_aborted:
        case t::err_operation_aborted:
        case t::err_permission_denied:
        case t::err_broken_pipe:
        case t::err_end_of_file:
        case t::err_reply_timeout:
        case t::err_connection_lost:
        case t::err_deadline_exceeded:
        case t::err_dns_not_found:
        case t::err_dns_no_data:
        case t::err_dns_timeout:
        case t::err_dns_server_failure:
        case t::err_dns_refused:
        case t::err_tls_wrong_version:
        case t::err_tls_handshake_failure:
        case t::err_tls_protocol_version:
        case t::err_tls_unexpected_eof:
            return "{0}";
        case t::reply_line_too_long:
        case t::reply_too_many_lines:
        case t::reply_too_large:
        case t::reply_bad_code:
        case t::reply_code_mismatch:
        case t::reply_bad_separator:
        case t::reply_invalid_byte:
            return "{0}: {1}";
        case t::greeting_tls_instead:
            return "no greeting in {0} ms, but a TLS handshake succeeded: port {1} expects "
                   "implicit TLS";
        case t::non_smtp_banner:
            return "{0} banner: {1}";
        case t::tls_record_not_greeting:
            return "the server sent a TLS record instead of a greeting";
        case t::greeting_bytes_received:
            return "{0} bytes received";
        case t::greeting_timeout:
            return "{0} ms, {1} bytes";
        case t::unsolicited_after_greeting:
            return "{0} unsolicited bytes after the greeting";
        case t::unsolicited_before_command:
            return "{0} unsolicited bytes before the command";
        case t::unsolicited_after_reply:
            return "{0} unsolicited bytes after the reply";
        case t::helo_name_unusable:
            return "the HELO name contains CR, LF or NUL";
        case t::starttls_not_offered:
            return "STARTTLS is not among the EHLO extensions";
        case t::ehlo_no_starttls:
            return "EHLO: no STARTTLS";
        case t::bytes_after_starttls_220:
            return "{0} bytes followed the 220 reply";
        case t::starttls_injection:
            return "{0} unexpected bytes after the STARTTLS 220 (possible injection)";
        case t::no_certificate:
            return "the server presented no certificate";
        case t::cert_common_name:
            return "CN={0}";
        case t::cert_no_subject:
            return "no subject";
        case t::cert_names:
            return ", names {0}";
        case t::cert_names_none:
            return ", names none";
        case t::cert_expired_day:
            return ", expired {0} ({1} day ago)";
        case t::cert_expired_days:
            return ", expired {0} ({1} days ago)";
        case t::cert_valid_from:
            return ", valid from {0}";
        case t::cert_expires_day:
            return ", expires {0} ({1} day)";
        case t::cert_expires_days:
            return ", expires {0} ({1} days)";
        case t::cert_issuer_expired:
            return ", chain: \"{0}\" expired {1}";
        case t::cert_issuer_not_yet_valid:
            return ", chain: \"{0}\" valid from {1}";
        case t::cert_issuer_expires_day:
            return ", chain: \"{0}\" expires {1} ({2} day)";
        case t::cert_issuer_expires_days:
            return ", chain: \"{0}\" expires {1} ({2} days)";
        case t::cert_self_signed:
            return ", self-signed";
        case t::cert_chain_error_code:
            return ", chain error {0}";
        case t::cert_chain_error:
        case t::cert_chain_issuer_unknown:
        case t::cert_chain_self_signed:
        case t::cert_chain_expired:
        case t::cert_chain_not_yet_valid:
            return ", chain: {0}";
        case t::ehlo_no_auth:
            return "EHLO: no AUTH";
        case t::cram_md5_not_base64:
            return "CRAM-MD5 challenge is not base64: {0}";
        case t::ehlo_auth_list:
            return "EHLO AUTH: {0}";
        case t::auth_without_tls:
            return "AUTH {0}, no TLS";
        case t::dns_no_answer_within:
            return "no answer within {0} ms (--dns-timeout)";
        case t::dns_cut_by_deadline:
            return "the --deadline left {0} ms for the lookup, and it ran out";
        case t::auth_success_before_credential:
            return "AUTH {0} answered with success before any credential was sent: {1}";
        case t::auth_success_after_username:
            return "AUTH LOGIN answered with success after the username, before the password "
                   "was sent: {0}";
        case t::auth_success_after_error:
            return "AUTH {0} answered with success after the server had refused the token: {1}";
        case t::auth_challenge_after_last_step:
            return "AUTH {0} asked for more after the exchange was complete: {1}";
        case t::address_unusable:
            return "the address contains characters SMTP cannot carry";
        case t::queue_id:
            return "queue id {0}";
        case t::ipv6_literal_unusable:
            return "{0} is an IPv6 address, which WHMCS's mailer cannot use as the SMTP host";
        case t::auto_starttls_used:
            return "STARTTLS offered: with SSL Type None, WHMCS's mailer switches to TLS by itself";
    }
    return "{0}";
}

std::string render_detail(const detail_notes& notes, std::string_view (*template_of)(detail_text)) {
    std::string out;
    for (const auto& note : notes) {
        fmt::dynamic_format_arg_store<fmt::format_context> args;
        for (const auto& v : note.args) {
            args.push_back(v);
        }
        try {
            out += fmt::vformat(template_of(note.id), args);
        } catch (const fmt::format_error&) {
            out += "?";  // a template that wants more values than given: a bug, not a crash
        }
    }
    return out;
}

std::string render_detail_en(const detail_notes& notes) {
    return render_detail(notes, detail_template_en);
}

}  // namespace smtp_probe
