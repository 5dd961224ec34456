// The phases of one probe, in the order they run. Their names are a public interface (JSON,
// perfdata, metrics): never rename one.
#pragma once

#include <optional>
#include <string_view>

namespace smtp_probe {

enum class phase {
    dns,          ///< resolve the host name
    tcp,          ///< connect to one of the addresses
    greeting,     ///< the server's 220 banner
    ehlo,         ///< EHLO (HELO fallback), capabilities
    starttls,     ///< STARTTLS command and its 220
    tls,          ///< the TLS handshake (after STARTTLS or implicit)
    certificate,  ///< chain, host name, validity dates
    auth,         ///< SMTP AUTH
    mail_from,    ///< MAIL FROM
    rcpt,         ///< RCPT TO
    data,         ///< DATA (only when a message is really sent)
    quit,         ///< RSET and QUIT
};

inline constexpr phase all_phases[] = {
    phase::dns,         phase::tcp,  phase::greeting,  phase::ehlo, phase::starttls, phase::tls,
    phase::certificate, phase::auth, phase::mail_from, phase::rcpt, phase::data,     phase::quit,
};

[[nodiscard]] std::string_view phase_name(phase p);
[[nodiscard]] std::optional<phase> phase_from_name(std::string_view name);

/// pass: the phase did what it should; fail: it decided the verdict; warn: it passed with a
/// warning; skip: it did not run (not asked for, or an earlier phase failed).
enum class phase_status { pass, fail, warn, skip };

[[nodiscard]] std::string_view status_name(phase_status s);

/// Why a phase did not run; the renderers put it into words in each language.
enum class skip_reason {
    none,                 ///< not skipped, or no particular reason recorded
    after_failure,        ///< an earlier phase failed
    not_requested,        ///< nothing asked for it
    not_offered,          ///< STARTTLS: the server does not offer it (auto mode)
    plaintext_requested,  ///< --security none
    implicit_tls,         ///< STARTTLS: the connection is TLS from the start
    no_tls,               ///< tls/certificate: the session stays in plaintext
    no_user,              ///< auth: no --user
    no_secret,            ///< auth: no password or token
    no_sender,            ///< mail_from/rcpt: neither --from nor an address as --user
    no_recipient,         ///< rcpt: --no-rcpt
};

[[nodiscard]] std::string_view skip_reason_id(skip_reason r);

}  // namespace smtp_probe
