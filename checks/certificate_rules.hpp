// Judging the server's leaf certificate from its dates, its names and the chain verification:
// RFC 5280 section 4.1.2.5 (validity), RFC 6125 section 6.4 (matching the host name).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checks/errors.hpp"
#include "checks/evidence.hpp"
#include "checks/phase.hpp"

namespace smtp_probe {

/// Whole days from now until not_after (UTC seconds), rounded down: negative once expired
/// (one second after expiry gives -1).
[[nodiscard]] std::int64_t days_left(std::int64_t not_after, std::int64_t now);

enum class cert_date_state { valid, expiring, expired, not_yet_valid };

/// RFC 5280: valid from not_before through not_after, both inclusive. Expiring when fewer than
/// warn_days whole days are left (warn_days <= 0 never warns).
[[nodiscard]] cert_date_state date_state(std::int64_t not_before, std::int64_t not_after,
                                         std::int64_t now, int warn_days);

/// RFC 6125 section 6.4: does the certificate name the host asked for? Names compare
/// case-insensitively with a trailing dot ignored; "*" is honoured only as the whole left-most
/// label of a name with at least two more labels. An IP literal host (IPv6 in any textual form,
/// with or without brackets) matches only the iPAddress entries. The common name counts only when
/// there is no dNSName entry.
[[nodiscard]] bool host_matches(std::string_view host, const std::vector<std::string>& dns_names,
                                const std::vector<std::string>& ip_addresses,
                                std::string_view common_name);

struct certificate_judgement {
    phase_status status = phase_status::pass;
    std::optional<probe_errc> cause;      ///< the failure (also kept when insecure made it a warn)
    std::optional<warning_kind> warning;  ///< cert_expiring or insecure_certificate
    detail_notes notes;                   ///< sanitised facts: name, dates, trust
    std::string detail;                   ///< the notes in English
};

/// Precedence: a date out of range (cert_expired), then an untrusted chain (cert_untrusted), then
/// a name mismatch (cert_name_mismatch), then expiring soon (warning cert_expiring). With insecure,
/// a failure becomes status warn with warning insecure_certificate and keeps its cause.
/// Computes dates and names itself; facts.days_left and facts.name_matches are not read.
[[nodiscard]] certificate_judgement judge_certificate(const certificate_facts& facts,
                                                      std::string_view host, std::int64_t now,
                                                      int warn_days, bool insecure);

}  // namespace smtp_probe
