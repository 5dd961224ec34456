// Evidence records: what each phase measured and saw. Verdicts and every renderer (text, JSON,
// later Nagios and Prometheus) read these values and nothing else.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "checks/detail_note.hpp"
#include "checks/errors.hpp"
#include "checks/phase.hpp"
#include "checks/request.hpp"
#include "checks/whmcs_log_line.hpp"
#include "net/reply.hpp"

namespace smtp_probe {

using duration_ms = std::chrono::duration<double, std::milli>;

struct tls_facts {
    std::string version;  ///< "TLSv1.3"
    std::string cipher;   ///< "TLS_AES_256_GCM_SHA384"
    std::string alpn;     ///< usually empty for SMTP
};

/// What the server's leaf certificate says, and what verification concluded. Times are UTC
/// seconds since the epoch.
/// One certificate of the chain: what is needed to say which one expired.
struct chain_certificate {
    std::string name;  ///< its common name, else its subject (sanitised)
    std::int64_t not_before = 0;
    std::int64_t not_after = 0;
    bool operator==(const chain_certificate&) const = default;
};

struct certificate_facts {
    std::string subject;  ///< one-line RFC 2253 form
    std::string issuer;
    std::string common_name;
    /// Every subjectAltName dNSName and iPAddress entry (the certificate list's size bounds
    /// them): matching reads them all, reports show the first ones.
    std::vector<std::string> dns_names;
    std::vector<std::string> ip_addresses;
    std::int64_t not_before = 0;
    std::int64_t not_after = 0;
    std::int64_t days_left = 0;  ///< whole days until not_after (negative when expired)
    int chain_length = 0;
    bool self_signed = false;
    bool chain_trusted = false;  ///< OpenSSL verification of the chain (dates apart)
    int verify_error = 0;        ///< X509_V_* code, 0 when the chain verified
    std::string verify_error_text;
    bool name_matches = false;  ///< RFC 6125 match against the host asked for
    /// The leaf first, then its issuers: the chain verification built up to the trust anchor,
    /// or when it built none, the certificates as the server sent them. Every one's dates
    /// count (RFC 5280 section 6.1.3 (a)(2)), as OpenSSL and so PHP check them.
    std::vector<chain_certificate> chain;
};

struct phase_record {
    phase name = phase::dns;
    phase_status status = phase_status::skip;
    duration_ms duration{0};
    std::optional<probe_errc> cause;          ///< set when status is fail
    skip_reason skipped = skip_reason::none;  ///< set when status is skip
    /// One short, language-neutral fact for the phase line: an address, the server's reply, a TLS
    /// version. Sanitised.
    std::string detail;
    /// `detail` sentence by sentence, for the text report in other languages; detail is their
    /// English rendering. Empty for records built by hand: then detail is shown as it is.
    detail_notes notes;

    // Evidence; only what the phase produced is set.
    std::optional<smtp_reply> reply;  ///< the last (deciding) reply, text bounded but not sanitised
    std::optional<int> sys_errno;
    std::string error_text;    ///< the foreign error's message (asio, OpenSSL, c-ares), sanitised
    detail_notes error_notes;  ///< error_text as notes, like `notes`
    std::vector<std::string> addresses;     ///< dns: resolved addresses
    std::optional<std::string> peer;        ///< tcp: the address:port connected to
    std::vector<std::string> capabilities;  ///< ehlo: the keywords advertised
    std::vector<std::string> auth_mechanisms;
    std::optional<std::uint64_t> size_limit;  ///< ehlo: SIZE, 0 = no limit announced
    std::optional<std::string> mechanism;     ///< auth: the mechanism used
    std::optional<tls_facts> tls;
    std::optional<certificate_facts> certificate;
    bool used_helo = false;  ///< ehlo: fell back to HELO
};

struct address_attempt {
    std::string address;  ///< IP literal
    int family = 4;       ///< 4 or 6
    phase_status status = phase_status::skip;
    std::optional<probe_errc> cause;
    std::string error;              ///< short sanitised description
    detail_notes error_notes = {};  ///< error as notes (checks/detail_note.hpp)
};

struct probe_warning {
    warning_kind kind;
    std::string detail;       ///< sanitised, language-neutral fact (a date, two addresses, a size)
    detail_notes notes = {};  ///< detail as notes (checks/detail_note.hpp)
};

enum class transcript_direction { sent, received, info };

struct transcript_entry {
    transcript_direction direction;
    duration_ms at{0};  ///< since the probe started
    std::string text;   ///< sanitised; AUTH payloads already replaced by "<redacted>"
};

struct verdict {
    failure_category category = failure_category::ok;
    std::optional<probe_errc> cause;             ///< nullopt when ok
    std::optional<probe_errc> underlying_cause;  ///< the phase's own cause under a redirect
    std::optional<phase> failed_phase;
};

struct probe_target {
    std::string host;
    std::uint16_t port = 0;
    security_mode security = security_mode::automatic;
    bool whmcs_settings = false;  ///< given as a WHMCS SSL Type (probe_request::whmcs_settings)
};

struct probe_result {
    probe_target target;
    std::vector<phase_record> checks;  ///< in pipeline order, every phase present
    std::vector<address_attempt> addresses;
    std::vector<probe_warning> warnings;
    verdict outcome;
    int round_trips = 0;
    duration_ms duration{0};
    std::vector<transcript_entry> transcript;
    /// Automatic mode upgraded the session with STARTTLS because the server offered it, as
    /// PHPMailer's SMTPAutoTLS does with WHMCS's SSL Type None. Set when the upgrade was tried,
    /// whether or not it succeeded.
    bool auto_starttls = false;
    /// What WHMCS will log for this failure, one line per PHPMailer era; empty when ok.
    std::vector<whmcs_log_line> whmcs_log;

    [[nodiscard]] bool ok() const { return outcome.category == failure_category::ok; }
    [[nodiscard]] const phase_record* find(phase p) const {
        for (const auto& r : checks) {
            if (r.name == p) {
                return &r;
            }
        }
        return nullptr;
    }
};

/// Exit codes as monitoring tools expect them.
enum class exit_status : int { ok = 0, warning = 1, failure = 2, cannot_run = 3 };

[[nodiscard]] inline exit_status exit_status_of(const probe_result& r) {
    if (!r.ok()) {
        return exit_status::failure;
    }
    return r.warnings.empty() ? exit_status::ok : exit_status::warning;
}

}  // namespace smtp_probe
