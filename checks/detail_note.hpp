// The probe's own words in a phase detail, an error text or a warning, kept as sentence ids and
// their values, so the text report can say them in the reader's language while what the server
// said (replies, names, addresses) stays as it is. English is rendered here and fills the existing
// `detail` strings (JSON, logs); other languages live in probe/ (probe/i18n/detail_text.hpp).
#pragma once

#include <boost/system/error_code.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "net/reply_parser.hpp"

namespace smtp_probe {

/// One sentence of the probe. Templates use {0}, {1}, ... for the values, in order. A sentence
/// that continues another starts with its own separator (", expires ..."), so that each language
/// punctuates itself.
enum class detail_text {
    verbatim,       ///< {0}: a value shown as it is (a reply, an address, a cipher)
    subject_colon,  ///< "{0}: " before an error: a host or address:port
    more_items,     ///< " (+{0} more)"
    size_planned,   ///< {0} planned, {1} encoded, {2} the SIZE limit
    // foreign errors: {0} is the system's own message, which English shows unchanged
    err_connection_refused,
    err_timed_out,
    err_network_unreachable,
    err_host_unreachable,
    err_connection_reset,
    err_connection_aborted,
    err_operation_aborted,
    err_permission_denied,
    err_broken_pipe,
    err_end_of_file,
    err_reply_timeout,
    err_connection_lost,
    err_deadline_exceeded,
    err_dns_not_found,
    err_dns_no_data,
    err_dns_timeout,
    dns_no_answer_within,  ///< {0} ms: the --dns-timeout that ran out
    dns_cut_by_deadline,   ///< {0} ms: what the --deadline had left for the lookup
    err_dns_server_failure,
    err_dns_refused,
    err_tls_wrong_version,      ///< plaintext where a TLS record was expected
    err_tls_handshake_failure,  ///< a handshake_failure alert, no shared cipher
    err_tls_protocol_version,   ///< no TLS version both sides accept
    err_tls_unexpected_eof,     ///< the peer closed during the handshake
    // a reply that broke RFC 5321 section 4.2: {0} the violation's name, {1} the offending text
    reply_line_too_long,
    reply_too_many_lines,
    reply_too_large,
    reply_bad_code,
    reply_code_mismatch,
    reply_bad_separator,
    reply_invalid_byte,
    // greeting
    greeting_tls_instead,        ///< {0} ms waited, {1} the port
    non_smtp_banner,             ///< {0} protocol, {1} the banner
    tls_record_not_greeting,     ///<
    greeting_bytes_received,     ///< {0} bytes
    greeting_timeout,            ///< {0} ms, {1} bytes
    unsolicited_after_greeting,  ///< {0} bytes
    unsolicited_before_command,  ///< {0} bytes
    unsolicited_after_reply,     ///< {0} bytes
    // ehlo
    helo_name_unusable,
    // starttls
    starttls_not_offered,
    ehlo_no_starttls,
    bytes_after_starttls_220,  ///< {0} bytes
    starttls_injection,        ///< {0} bytes
    // certificate
    no_certificate,
    cert_common_name,  ///< "CN={0}"
    cert_no_subject,
    cert_names,  ///< ", names {0}"
    cert_names_none,
    cert_expired_day,   ///< {0} date, {1} == 1 day ago
    cert_expired_days,  ///< {0} date, {1} days ago
    cert_valid_from,    ///< {0} date
    cert_expires_day,   ///< {0} date, {1} == 1 day left
    cert_expires_days,  ///< {0} date, {1} days left
    // a certificate of the chain above the leaf: {0} its name
    cert_issuer_expired,        ///< {0} name, {1} date
    cert_issuer_not_yet_valid,  ///< {0} name, {1} date
    cert_issuer_expires_day,    ///< {0} name, {1} date, {2} = 1
    cert_issuer_expires_days,   ///< {0} name, {1} date, {2} days left
    cert_self_signed,
    cert_chain_error_code,  ///< {0} the X509_V_ code
    cert_chain_error,       ///< {0} OpenSSL's text
    // the same ", chain: {0}" in English, for the verification errors met most
    cert_chain_issuer_unknown,  ///< {0} OpenSSL's text: the issuer was not found or not trusted
    cert_chain_self_signed,     ///< {0} OpenSSL's text: a self-signed certificate in the chain
    cert_chain_expired,         ///< {0} OpenSSL's text: a certificate of the chain expired
    cert_chain_not_yet_valid,   ///< {0} OpenSSL's text: one is not valid yet
    // auth
    ehlo_no_auth,
    cram_md5_not_base64,             ///< {0} the server's challenge
    ehlo_auth_list,                  ///< {0} the mechanisms
    auth_without_tls,                ///< {0} the mechanism
    auth_success_before_credential,  ///< {0} the mechanism, {1} the reply: 235 after AUTH
    auth_success_after_username,     ///< {0} the reply: LOGIN's 235 after the username
    auth_success_after_error,        ///< {0} the mechanism, {1} the reply
    auth_challenge_after_last_step,  ///< {0} the mechanism, {1} the reply: one 334 too many
    // envelope
    address_unusable,
    queue_id,  ///< {0}
    // WHMCS's view of the settings
    ipv6_literal_unusable,  ///< {0} the host: PHPMailer cannot use it as the SMTP host
    auto_starttls_used,     ///< SSL Type None: PHPMailer upgraded with STARTTLS by itself
};

struct detail_note {
    detail_text id = detail_text::verbatim;
    std::vector<std::string> args;  ///< already sanitised

    friend bool operator==(const detail_note&, const detail_note&) = default;
};

using detail_notes = std::vector<detail_note>;

/// A value shown as it is.
[[nodiscard]] detail_note as_is(std::string text);

/// A foreign error (asio, the OS, c-ares, OpenSSL, the probe's own error codes): a known one gets
/// its id, anything else is shown as `message` says it. `message` is ec.message(), sanitised.
[[nodiscard]] detail_note error_detail(const boost::system::error_code& ec, std::string message);

/// A reply the parser refused (net/reply_parser.hpp); `offending` is the sanitised server text.
[[nodiscard]] detail_note violation_detail(reply_violation v, std::string offending);

/// The English template of a sentence.
[[nodiscard]] std::string_view detail_template_en(detail_text id);

/// The notes one after another, each through `template_of`; a template that asks for more values
/// than given renders as "?" rather than throwing.
[[nodiscard]] std::string render_detail(const detail_notes& notes,
                                        std::string_view (*template_of)(detail_text));

/// The English rendering: what `detail`, `error_text` and the JSON report carry.
[[nodiscard]] std::string render_detail_en(const detail_notes& notes);

}  // namespace smtp_probe
