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

/// The dates of the chain above the leaf (facts.chain[1..]), and the earliest expiry of all.
struct chain_dates {
    /// The first issuer out of its dates (an index into facts.chain), with expired or
    /// not_yet_valid.
    std::optional<std::size_t> out_of_range;
    cert_date_state state = cert_date_state::valid;
    /// The certificate that expires first, the leaf included (0 = the leaf), and when.
    std::size_t earliest = 0;
    std::int64_t earliest_not_after = 0;
};

/// RFC 5280 section 6.1.3 (a)(2): every certificate of the path must be within its dates, the
/// trust anchor included as OpenSSL checks it (error 10, X509_V_ERR_CERT_HAS_EXPIRED).
[[nodiscard]] chain_dates judge_chain_dates(const certificate_facts& facts, std::int64_t now);

struct certificate_judgement {
    phase_status status = phase_status::pass;
    std::optional<probe_errc> cause;      ///< the failure (also kept when insecure made it a warn)
    std::optional<warning_kind> warning;  ///< cert_expiring or insecure_certificate
    detail_notes notes;                   ///< sanitised facts: name, dates, trust
    std::string detail;                   ///< the notes in English
    std::int64_t days_left = 0;           ///< whole days until the leaf's not_after
    bool name_matches = false;            ///< host_matches() for the host asked for
};

/// Precedence: an untrusted chain (cert_untrusted: a self-signed certificate or an unknown issuer
/// is not fixed by renewing it, and the certificate a CA issues instead comes with fresh dates
/// and the right names), then a date out of range anywhere in the chain (cert_expired: renewing
/// fixes it), then a name mismatch (cert_name_mismatch), then the earliest expiry in the chain
/// within warn_days (warning cert_expiring). The notes name every fault found, whichever heads.
/// With insecure, a failure becomes status warn with warning insecure_certificate and keeps its
/// cause.
/// Computes dates and names itself (facts.days_left and facts.name_matches are not read) and
/// returns them for the evidence.
[[nodiscard]] certificate_judgement judge_certificate(const certificate_facts& facts,
                                                      std::string_view host, std::int64_t now,
                                                      int warn_days, bool insecure);

}  // namespace smtp_probe
