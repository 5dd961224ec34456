#include "checks/certificate_rules.hpp"

#include <fmt/format.h>
#include <openssl/x509_vfy.h>

#include <array>
#include <cctype>
#include <limits>

#include "net/ascii.hpp"
#include "net/ip_literal.hpp"

namespace smtp_probe {
namespace {

constexpr std::int64_t seconds_per_day = 86'400;

// Certificate dates come from the server: never let a subtraction overflow.
std::int64_t saturating_sub(std::int64_t a, std::int64_t b) {
    std::int64_t r = 0;
    if (__builtin_sub_overflow(a, b, &r)) {
        return b < 0 ? std::numeric_limits<std::int64_t>::max()
                     : std::numeric_limits<std::int64_t>::min();
    }
    return r;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    std::int64_t q = a / b;
    if (a % b != 0 && ((a < 0) != (b < 0))) {
        --q;
    }
    return q;
}

std::string lower_dns_name(std::string_view s) {
    if (!s.empty() && s.back() == '.') {
        s.remove_suffix(1);
    }
    return ascii_lowered(s);
}

bool has_empty_label(std::string_view name) {
    if (name.empty() || name.front() == '.' || name.back() == '.') {
        return true;
    }
    return name.find("..") != std::string_view::npos;
}

// An IP address in binary form (4 or 16 bytes), for comparing textual forms such as "::1" and
// "0:0:0:0:0:0:0:1".
/// An IP address as it is compared with a certificate's iPAddress entries: both families'
/// values compare unequal, and an IPv4-mapped IPv6 address is not its IPv4 address.
std::optional<boost::asio::ip::address> parse_ip(std::string_view text) {
    if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
        text = text.substr(1, text.size() - 2);
    }
    text = without_zone(text);
    if (auto v4 = parse_ipv4(text)) {
        return boost::asio::ip::address(*v4);
    }
    if (auto v6 = parse_ipv6(text)) {
        return boost::asio::ip::address(*v6);
    }
    return std::nullopt;
}

// RFC 6125 section 6.4.3, reduced to the safe subset: the wildcard is the whole left-most label
// and stands for exactly one non-empty label; the rest must have two labels or more, so "*.com"
// never matches. Partial wildcards ("f*.example.com") and wildcards elsewhere match nothing.
bool dns_name_matches(const std::string& host, std::string_view presented) {
    const std::string pattern = lower_dns_name(presented);
    if (has_empty_label(pattern)) {
        return false;
    }
    if (pattern.find('*') == std::string::npos) {
        return pattern == host;
    }
    if (pattern.size() < 2 || pattern[0] != '*' || pattern[1] != '.') {
        return false;
    }
    const std::string_view rest = std::string_view(pattern).substr(2);
    if (rest.find('*') != std::string_view::npos || rest.find('.') == std::string_view::npos) {
        return false;
    }
    const auto dot = host.find('.');
    if (dot == std::string::npos || dot == 0) {
        return false;
    }
    return std::string_view(host).substr(dot + 1) == rest;
}

constexpr std::size_t max_field = 96;
constexpr std::size_t max_listed_names = 5;

// Certificate text is the server's: printable ASCII only, bounded.
std::string clean(std::string_view s) {
    std::string out;
    for (char c : s.substr(0, max_field)) {
        const auto u = static_cast<unsigned char>(c);
        out.push_back(u >= 0x20 && u < 0x7f ? c : '?');
    }
    if (s.size() > max_field) {
        out += "...";
    }
    return out;
}

// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's civil_from_days).
std::string iso_date(std::int64_t epoch_seconds) {
    const std::int64_t z = floor_div(epoch_seconds, seconds_per_day) + 719'468;
    const std::int64_t era = floor_div(z, 146'097);
    const std::int64_t doe = z - era * 146'097;
    const std::int64_t yoe = (doe - doe / 1'460 + doe / 36'524 - doe / 146'096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
    const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
    const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
    return fmt::format("{:04}-{:02}-{:02}", y, m, d);
}

bool is_name_error(int verify_error) {
    return verify_error == X509_V_ERR_HOSTNAME_MISMATCH ||
           verify_error == X509_V_ERR_IP_ADDRESS_MISMATCH;
}

/// The sentence for OpenSSL's verification error: the common ones by name.
detail_text chain_error_text(int verify_error) {
    switch (verify_error) {
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
        case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
            return detail_text::cert_chain_issuer_unknown;
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
            return detail_text::cert_chain_self_signed;
        case X509_V_ERR_CERT_HAS_EXPIRED:
            return detail_text::cert_chain_expired;
        case X509_V_ERR_CERT_NOT_YET_VALID:
            return detail_text::cert_chain_not_yet_valid;
        default:
            return detail_text::cert_chain_error;
    }
}

std::string names_list(const certificate_facts& f) {
    std::string out;
    std::size_t listed = 0;
    const std::size_t total = f.dns_names.size() + f.ip_addresses.size();
    for (const auto* names : {&f.dns_names, &f.ip_addresses}) {
        for (const auto& n : *names) {
            if (listed == max_listed_names) {
                break;
            }
            out += listed == 0 ? "" : ",";
            out += clean(n);
            ++listed;
        }
    }
    if (total > listed) {
        out += fmt::format(",+{}", total - listed);
    }
    return out;
}

}  // namespace

std::int64_t days_left(std::int64_t not_after, std::int64_t now) {
    return floor_div(saturating_sub(not_after, now), seconds_per_day);
}

cert_date_state date_state(std::int64_t not_before, std::int64_t not_after, std::int64_t now,
                           int warn_days) {
    if (now < not_before) {
        return cert_date_state::not_yet_valid;
    }
    if (now > not_after) {
        return cert_date_state::expired;
    }
    return days_left(not_after, now) < warn_days ? cert_date_state::expiring
                                                 : cert_date_state::valid;
}

bool host_matches(std::string_view host, const std::vector<std::string>& dns_names,
                  const std::vector<std::string>& ip_addresses, std::string_view common_name) {
    if (const auto ip = parse_ip(host)) {
        for (const auto& presented : ip_addresses) {
            if (parse_ip(presented) == ip) {
                return true;
            }
        }
        return false;
    }
    const std::string name = lower_dns_name(host);
    if (has_empty_label(name) || name.find('*') != std::string::npos) {
        return false;
    }
    if (dns_names.empty()) {
        return !common_name.empty() && dns_name_matches(name, common_name);
    }
    for (const auto& presented : dns_names) {
        if (dns_name_matches(name, presented)) {
            return true;
        }
    }
    return false;
}

chain_dates judge_chain_dates(const certificate_facts& facts, std::int64_t now) {
    chain_dates out;
    out.earliest_not_after = facts.not_after;
    for (std::size_t i = 1; i < facts.chain.size(); ++i) {
        const auto& c = facts.chain[i];
        const auto state = date_state(c.not_before, c.not_after, now, 0);
        if (!out.out_of_range &&
            (state == cert_date_state::expired || state == cert_date_state::not_yet_valid)) {
            out.out_of_range = i;
            out.state = state;
        }
        if (c.not_after < out.earliest_not_after) {
            out.earliest = i;
            out.earliest_not_after = c.not_after;
        }
    }
    return out;
}

certificate_judgement judge_certificate(const certificate_facts& facts, std::string_view host,
                                        std::int64_t now, int warn_days, bool insecure) {
    certificate_judgement j;
    const auto dates = date_state(facts.not_before, facts.not_after, now, warn_days);
    const auto chain = judge_chain_dates(facts, now);
    const bool names_ok =
        host_matches(host, facts.dns_names, facts.ip_addresses, facts.common_name);
    j.days_left = days_left(facts.not_after, now);
    j.name_matches = names_ok;
    const bool leaf_dates_bad =
        dates == cert_date_state::expired || dates == cert_date_state::not_yet_valid;
    // The verification ignores dates; were a host set on it, a name error would only repeat what
    // host_matches decides. A self-signed leaf that did not verify is untrusted whatever the last
    // error was.
    const bool untrusted =
        !facts.chain_trusted && (facts.self_signed || !is_name_error(facts.verify_error));
    // An issuer expiring before the leaf does, inside the window: the chain stops working first.
    const bool issuer_expiring = !chain.out_of_range && chain.earliest != 0 && warn_days > 0 &&
                                 days_left(chain.earliest_not_after, now) < warn_days;

    if (untrusted) {
        j.cause = probe_errc::cert_untrusted;
    } else if (leaf_dates_bad || chain.out_of_range) {
        j.cause = probe_errc::cert_expired;
    } else if (!names_ok) {
        j.cause = probe_errc::cert_name_mismatch;
    }

    using t = detail_text;
    auto& notes = j.notes;
    if (!facts.common_name.empty()) {
        notes.push_back({t::cert_common_name, {clean(facts.common_name)}});
    } else if (!facts.subject.empty()) {
        notes.push_back(as_is(clean(facts.subject)));
    } else {
        notes.push_back({t::cert_no_subject, {}});
    }
    if (!names_ok) {
        if (facts.dns_names.empty() && facts.ip_addresses.empty()) {
            notes.push_back({t::cert_names_none, {}});
        } else {
            notes.push_back({t::cert_names, {names_list(facts)}});
        }
    }
    // The count of days picks the sentence, so that English can say "1 day" and "2 days".
    switch (dates) {
        case cert_date_state::expired: {
            const auto ago = days_left(now, facts.not_after);
            notes.push_back({ago == 1 ? t::cert_expired_day : t::cert_expired_days,
                             {iso_date(facts.not_after), std::to_string(ago)}});
            break;
        }
        case cert_date_state::not_yet_valid:
            notes.push_back({t::cert_valid_from, {iso_date(facts.not_before)}});
            break;
        case cert_date_state::valid:
        case cert_date_state::expiring: {
            const auto left = days_left(facts.not_after, now);
            notes.push_back({left == 1 ? t::cert_expires_day : t::cert_expires_days,
                             {iso_date(facts.not_after), std::to_string(left)}});
            break;
        }
    }
    if (chain.out_of_range) {
        const auto& c = facts.chain[*chain.out_of_range];
        notes.push_back(
            chain.state == cert_date_state::expired
                ? detail_note{t::cert_issuer_expired, {clean(c.name), iso_date(c.not_after)}}
                : detail_note{t::cert_issuer_not_yet_valid,
                              {clean(c.name), iso_date(c.not_before)}});
    } else if (issuer_expiring) {
        const auto& c = facts.chain[chain.earliest];
        const auto left = days_left(c.not_after, now);
        notes.push_back({left == 1 ? t::cert_issuer_expires_day : t::cert_issuer_expires_days,
                         {clean(c.name), iso_date(c.not_after), std::to_string(left)}});
    }
    if (facts.self_signed && !facts.chain_trusted) {
        notes.push_back({t::cert_self_signed, {}});
    } else if (untrusted) {
        if (facts.verify_error_text.empty()) {
            notes.push_back({t::cert_chain_error_code, {std::to_string(facts.verify_error)}});
        } else {
            notes.push_back(
                {chain_error_text(facts.verify_error), {clean(facts.verify_error_text)}});
        }
    }
    j.detail = render_detail_en(notes);

    if (j.cause) {
        j.status = insecure ? phase_status::warn : phase_status::fail;
        if (insecure) {
            j.warning = warning_kind::insecure_certificate;
        }
    } else if (dates == cert_date_state::expiring || issuer_expiring) {
        j.status = phase_status::warn;
        j.warning = warning_kind::cert_expiring;
    }
    return j;
}

}  // namespace smtp_probe
