#include "checks/whmcs_rules.hpp"

#include "net/ip_literal.hpp"

namespace smtp_probe {

bool is_ipv6_literal_host(std::string_view host) {
    const auto address = parse_ip_literal(host);
    return address && address->is_v6();
}

auto_tls_note auto_tls_note_for(const probe_result& r) {
    if (!r.target.whmcs_settings || !r.auto_starttls) {
        return auto_tls_note::none;
    }
    if (r.ok()) {
        return auto_tls_note::works_upgraded;
    }
    const auto failed = r.outcome.failed_phase;
    if (failed == phase::starttls || failed == phase::tls || failed == phase::certificate) {
        return auto_tls_note::upgrade_failed;
    }
    return auto_tls_note::upgraded_failed_later;
}

std::string_view auto_tls_note_id(auto_tls_note n) {
    switch (n) {
        case auto_tls_note::none:
            return "none";
        case auto_tls_note::works_upgraded:
            return "works_upgraded";
        case auto_tls_note::upgrade_failed:
            return "upgrade_failed";
        case auto_tls_note::upgraded_failed_later:
            return "upgraded_failed_later";
    }
    return "none";
}

}  // namespace smtp_probe
