#include "checks/phase.hpp"

namespace smtp_probe {

std::string_view phase_name(phase p) {
    switch (p) {
        case phase::dns:
            return "dns";
        case phase::tcp:
            return "tcp";
        case phase::greeting:
            return "greeting";
        case phase::ehlo:
            return "ehlo";
        case phase::starttls:
            return "starttls";
        case phase::tls:
            return "tls";
        case phase::certificate:
            return "certificate";
        case phase::auth:
            return "auth";
        case phase::mail_from:
            return "mail_from";
        case phase::rcpt:
            return "rcpt";
        case phase::data:
            return "data";
        case phase::quit:
            return "quit";
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
        case phase_status::pass:
            return "pass";
        case phase_status::fail:
            return "fail";
        case phase_status::warn:
            return "warn";
        case phase_status::skip:
            return "skip";
    }
    return "unknown";
}

std::string_view skip_reason_id(skip_reason r) {
    switch (r) {
        case skip_reason::none:
            return "none";
        case skip_reason::after_failure:
            return "after_failure";
        case skip_reason::not_requested:
            return "not_requested";
        case skip_reason::not_offered:
            return "not_offered";
        case skip_reason::plaintext_requested:
            return "plaintext_requested";
        case skip_reason::implicit_tls:
            return "implicit_tls";
        case skip_reason::no_tls:
            return "no_tls";
        case skip_reason::no_user:
            return "no_user";
        case skip_reason::no_secret:
            return "no_secret";
        case skip_reason::no_sender:
            return "no_sender";
        case skip_reason::no_recipient:
            return "no_recipient";
    }
    return "unknown";
}

}  // namespace smtp_probe
