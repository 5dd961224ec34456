// The heart of the probe: what a server's reply, a foreign error code or a finished probe means,
// as a cause and one of the WHMCS categories (docs/categories.md). Pure functions over values.
#pragma once

#include <boost/system/error_code.hpp>
#include <optional>
#include <string>
#include <vector>

#include "checks/errors.hpp"
#include "checks/evidence.hpp"
#include "checks/phase.hpp"
#include "net/reply.hpp"

namespace smtp_probe {

/// What was true of the session when a reply arrived.
struct reply_context {
    bool tls_active = false;        ///< the reply came over TLS
    bool starttls_offered = false;  ///< the last EHLO advertised STARTTLS
    /// false: the server has not greeted yet, so a refusal is a refusal of the session whatever
    /// phase the caller files the reply under (the greeting rules apply).
    bool after_greeting = true;
};

/// The cause a negative (4xx/5xx) or unexpected reply names at a phase. Evidence is weighed in
/// this order (docs/categories.md, "Reading a reply"):
///  1. the phase and the reply code frame the answer: at the greeting any 4xx/5xx refuses the
///     session; a 421 later ends the session (rate_limited when it names a rate or says "try
///     again later", else server_refused_session); STARTTLS refused is starttls_unavailable and
///     EHLO refused is ehlo_rejected whatever the text; any reply where a TLS handshake was
///     expected is port_mode_mismatch;
///  2. an RFC 3463 enhanced code that names one cause (5.7.139, 5.7.9, 5.7.14, 5.7.8, 5.7.11,
///     5.7.57, 5.7.60, 5.1.7, 5.1.8, 5.3.4, 5.1.1, 5.1.10, ...; three-digit details included);
///     a few well-known texts refine their own family (5.7.139 "credentials were incorrect" is
///     bad_credentials, 5.7.8 "access rights to this service" is app_password_required);
///  3. well-known server texts, as case-insensitive substrings (Postfix, Exim/cPanel, Dovecot,
///     Gmail, Microsoft 365, Amazon SES, Zoho, Yandex, QQ/Tencent, NetEase 163, Aliyun);
///  4. the bare code's RFC meaning in that phase (535 at AUTH, 530 at MAIL, 552, 550 at RCPT);
///  5. otherwise unexpected_reply.
/// At the end of the session (quit) every reply is unexpected_reply. A positive reply where a
/// failure was asked about is unexpected_reply (protocol_violation for a non-220 greeting).
[[nodiscard]] probe_errc cause_for_reply(phase p, const smtp_reply& reply,
                                         const reply_context& ctx = {});

/// The category of a cause at a phase: fixed_category() when the cause has one, else the
/// category of the phase: greeting, ehlo, starttls, tls -> connect_host; dns, tcp, certificate
/// -> smtp_connect_failed; auth -> auth_failed; mail_from, rcpt, data and quit ->
/// data_not_accepted (quit runs RSET/QUIT after the transaction; PHPMailer reports trouble past
/// the envelope as "data not accepted").
[[nodiscard]] failure_category category_for(phase p, probe_errc cause);

/// The cause a foreign or own error code names at a phase: cause_from_error() refined by what
/// can happen in that phase. Never fails to name one:
///  - dns: c-ares/netdb causes as they are; timeouts and cancellations -> dns_timeout; anything
///    else -> dns_server_failure;
///  - tcp: kernel causes as they are (ETIMEDOUT -> tcp_timeout); our own timeouts ->
///    tcp_timeout; anything else -> connection_lost;
///  - greeting: our timeout -> greeting_timeout; resets, EOF, kernel timeouts -> connection_lost;
///  - tls: OpenSSL errors -> tls_handshake_failed, or port_mode_mismatch for a plaintext reply
///    read as a record ("wrong version number"), or cert_untrusted when verification failed
///    inside the handshake; EOF/reset -> tls_handshake_failed; timeouts -> reply_timeout;
///  - certificate: anything not a certificate cause -> cert_untrusted;
///  - ehlo .. quit: timeouts -> reply_timeout; EOF, reset, kernel timeouts and TLS record errors
///    -> connection_lost.
/// From ehlo on, our own codes pass through; deadline_exceeded passes through in every phase.
[[nodiscard]] probe_errc cause_for_error(phase p, const boost::system::error_code& ec);

/// The evidence for the redirect of outbound SMTP to this machine (cPanel "SMTP Restrictions",
/// CSF SMTP_REDIRECT).
struct redirect_evidence {
    std::string target_host;                     ///< the host name or literal asked for
    std::optional<smtp_reply> greeting;          ///< the server's greeting, when one arrived
    std::vector<std::string> certificate_names;  ///< the leaf certificate's CN and DNS SANs
    std::vector<std::string> local_names;        ///< this machine's names (and addresses)
    /// The addresses really dialled (IP literals, optionally "[v6]:port" / "v4:port"). When one
    /// is loopback or one of local_names, the host asked for is this machine under another name.
    std::vector<std::string> target_addresses;
};

/// True when the server that answered is this machine while the host asked for is not: the
/// greeting's host name (first word after 220) or a certificate CN/SAN equals one of
/// local_names (case-insensitive, a trailing dot ignored, no wildcard matching), or the greeting
/// carries cPanel's Exim boilerplate ("We do not authorize the use of this system to transport
/// unsolicited ...") while naming a host other than the one asked for. The host asked for is this
/// machine when it is one of local_names, "localhost" or a name under ".localhost", a loopback
/// or unspecified literal (127.0.0.0/8, ::1, ::ffff:127.x, 0.0.0.0, ::), or when a dialled
/// address is loopback or one of local_names; then the answer is always false.
[[nodiscard]] bool looks_like_local_redirect(const redirect_evidence& e);

/// The verdict of a finished probe, and whether the caller must add the
/// smtp_restrictions_redirect warning.
struct decision {
    verdict outcome;
    bool redirect_warning = false;
};

/// The first failing phase (in result.checks order) decides: its cause (or, when the record
/// names none, cause_for_reply() of its reply, else unexpected_reply) and category_for(). When
/// looks_like_local_redirect() holds for the result (greeting record's reply, certificate
/// record's names, tcp record's peer): a failure keeps its category and phase, its cause becomes
/// underlying_cause and the cause is smtp_restrictions_redirect; without a failure the verdict
/// is ok and redirect_warning is set.
[[nodiscard]] decision decide(const probe_result& result,
                              const std::vector<std::string>& local_names);

}  // namespace smtp_probe
