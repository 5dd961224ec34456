// What can go wrong, as error codes (one per cause) and error conditions (one per WHMCS category).
// The ids are the contract of docs/categories.md (from shared/reference/categories.md): they are a
// public interface and never change spelling.
//
// probe_errc is an error_code enum: every failure cause the probe can name. failure_category is an
// error_condition enum: the ten categories of the WHMCS guide plus ok. Codes from asio, OpenSSL and
// c-ares compare equal to the right failure_category through equivalent(), so callers test
// `ec == failure_category::smtp_connect_failed` instead of listing foreign codes.
#pragma once

#include <boost/system/error_code.hpp>
#include <optional>
#include <string_view>
#include <type_traits>

namespace smtp_probe {

/// The WHMCS categories (section numbers of the guide in comments).
enum class failure_category {
    ok = 0,               ///< nothing failed
    instantiate_mail,     ///< 1 Could not instantiate mail function (local PHP mail())
    connect_host,         ///< 2 Could not connect to SMTP host
    auth_failed,          ///< 3 Authentication failed
    sender_verify,        ///< 4 Sender verify failed
    template_syntax,      ///< 5 Syntax error in an email template (not visible to a probe)
    smarty_policy,        ///< 6 Smarty security policy (not visible to a probe)
    data_not_accepted,    ///< 7 Data not accepted
    sending_disabled,     ///< 8 Email sending aborted by configuration (not visible to a probe)
    smtp_connect_failed,  ///< 9 SMTP connect() failed
    no_recipients,        ///< 10 No recipients provided for message (not visible to a probe)
};

inline constexpr failure_category all_categories[] = {
    failure_category::ok,
    failure_category::instantiate_mail,
    failure_category::connect_host,
    failure_category::auth_failed,
    failure_category::sender_verify,
    failure_category::template_syntax,
    failure_category::smarty_policy,
    failure_category::data_not_accepted,
    failure_category::sending_disabled,
    failure_category::smtp_connect_failed,
    failure_category::no_recipients,
};

/// Failure causes. Value 0 is reserved for success.
enum class probe_errc {
    // dns
    dns_not_found = 1,   ///< NXDOMAIN, or no A/AAAA for the name
    dns_server_failure,  ///< SERVFAIL, REFUSED, malformed answer, no reachable name server
    dns_timeout,         ///< no answer before the timeout
    // tcp
    tcp_timeout,       ///< SYN unanswered (a firewall drops it)
    tcp_refused,       ///< connection refused
    outbound_blocked,  ///< EACCES/EPERM from local policy
    no_route,          ///< host or network unreachable
    // greeting
    server_refused_session,  ///< 421/554 instead of 220
    port_mode_mismatch,      ///< the port wants the other TLS mode
    not_smtp,                ///< a non-SMTP banner
    greeting_timeout,        ///< no greeting, and no TLS either
    // settings
    ipv6_literal_host,  ///< WHMCS given an IPv6 literal as host, which PHPMailer cannot use
    // starttls / tls / certificate
    starttls_unavailable,  ///< STARTTLS required but not offered, or refused
    tls_handshake_failed,  ///< no shared protocol/cipher, alert, reset
    cert_expired,          ///< expired or not yet valid
    cert_untrusted,        ///< untrusted chain, self-signed
    cert_name_mismatch,    ///< the certificate does not name the host asked for
    // ehlo
    ehlo_rejected,  ///< EHLO and HELO both rejected
    // auth
    auth_requires_tls,       ///< AUTH only after STARTTLS
    auth_not_offered,        ///< no AUTH at all
    no_common_mechanism,     ///< nothing we can speak
    bad_credentials,         ///< 535
    auth_premature_success,  ///< 235 before the credential was sent (nothing was checked)
    app_password_required,   ///< 534 5.7.9
    web_login_required,      ///< 534 5.7.14
    auth_throttled,          ///< 454 4.7.0 too many attempts, 450 4.7.1 too many AUTH
    smtp_auth_disabled,      ///< 535 5.7.139
    auth_required,           ///< 530 5.7.0 at MAIL FROM
    // mail_from / rcpt / data
    sender_not_owned,    ///< From must equal the login
    sender_unknown,      ///< the sender address does not exist / fails verification
    rate_limited,        ///< a rate or connection limit
    message_too_large,   ///< 552 5.3.4
    relay_denied,        ///< relay not permitted
    recipient_rejected,  ///< recipient unknown or blocked
    content_rejected,    ///< 554 content/policy at DATA
    sender_unverified,   ///< SES: address not verified
    // any phase
    reply_timeout,       ///< a reply did not arrive within the phase timeout
    deadline_exceeded,   ///< the whole-probe deadline ran out
    protocol_violation,  ///< the server broke the protocol
    connection_lost,     ///< closed or reset in the middle of a phase
    unexpected_reply,    ///< a negative reply the probe has no more precise name for
    // local PHP mail()
    sendmail_missing,
    sendmail_not_executable,
    sendmail_failed,
    mail_disabled,
    // redirect of outbound SMTP to this machine (also a warning)
    smtp_restrictions_redirect,
};

/// Things worth knowing that do not make the probe fail (verdict stays ok, exit code 1).
enum class warning_kind {
    cert_expiring,               ///< inside the warning window
    sender_differs_from_login,   ///< From != AUTH user
    credentials_in_clear,        ///< AUTH without TLS
    size_limit_below_message,    ///< planned message larger than SIZE
    some_addresses_failed,       ///< one address failed while another passed
    smtp_restrictions_redirect,  ///< outbound SMTP lands on this machine
    insecure_certificate,        ///< a certificate failure turned into a warning by --insecure
    ipv6_literal_host,           ///< an IPv6 literal as host: fine here, unusable in WHMCS
    tls_not_used,                ///< auto mode and the server offered no STARTTLS
};

[[nodiscard]] std::string_view category_id(failure_category c);
[[nodiscard]] std::optional<failure_category> category_from_id(std::string_view id);
[[nodiscard]] std::string_view cause_id(probe_errc e);
[[nodiscard]] std::optional<probe_errc> cause_from_id(std::string_view id);
[[nodiscard]] std::string_view warning_id(warning_kind w);
[[nodiscard]] std::optional<warning_kind> warning_from_id(std::string_view id);

/// The category a cause belongs to when it does not depend on the phase
/// (reply_timeout, deadline_exceeded, protocol_violation, connection_lost, unexpected_reply and
/// smtp_restrictions_redirect do: use category_for() in classify.hpp). Returns nullopt for those.
[[nodiscard]] std::optional<failure_category> fixed_category(probe_errc e);

/// The cause a foreign error code (asio/system, netdb, OpenSSL, c-ares, or our own) names when
/// nothing but the code is known. Phase-aware refinements live in classify.hpp.
[[nodiscard]] std::optional<probe_errc> cause_from_error(const boost::system::error_code& ec);

[[nodiscard]] const boost::system::error_category& probe_error_category() noexcept;
[[nodiscard]] const boost::system::error_category& failure_category_category() noexcept;

[[nodiscard]] boost::system::error_code make_error_code(probe_errc e) noexcept;
[[nodiscard]] boost::system::error_condition make_error_condition(failure_category c) noexcept;

}  // namespace smtp_probe

template <>
struct boost::system::is_error_code_enum<smtp_probe::probe_errc> : std::true_type {};
template <>
struct boost::system::is_error_condition_enum<smtp_probe::failure_category> : std::true_type {};
