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
#include "net/transport/tls_facts.hpp"

namespace smtp_probe {

using duration_ms = std::chrono::duration<double, std::milli>;

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
