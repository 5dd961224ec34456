#include "checks/phase.hpp"

namespace smtp_probe {

std::string_view phase_name(phase p) {
    switch (p) {
        case phase::dns: return "dns";
        case phase::tcp: return "tcp";
        case phase::greeting: return "greeting";
        case phase::ehlo: return "ehlo";
        case phase::starttls: return "starttls";
        case phase::tls: return "tls";
        case phase::certificate: return "certificate";
        case phase::auth: return "auth";
        case phase::mail_from: return "mail_from";
        case phase::rcpt: return "rcpt";
        case phase::data: return "data";
        case phase::quit: return "quit";
    }
    return "unknown";
}

std::optional<phase> phase_from_name(std::string_view name) {
    for (auto p : all_phases) {
        if (phase_name(p) == name) {
            return p;
        }
    }
    return std::nullopt;
}

std::string_view status_name(phase_status s) {
    switch (s) {
        case phase_status::pass: return "pass";
        case phase_status::fail: return "fail";
        case phase_status::warn: return "warn";
        case phase_status::skip: return "skip";
    }
    return "unknown";
}

}  // namespace smtp_probe
