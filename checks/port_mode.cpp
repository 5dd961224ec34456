#include "checks/port_mode.hpp"

#include "net/ascii.hpp"

#include <algorithm>
#include <cctype>

namespace smtp_probe {
namespace {

constexpr std::uint16_t smtp_port = 25;
constexpr std::uint16_t submissions_port = 465;  // RFC 8314 section 7.3
constexpr std::uint16_t submission_port = 587;   // RFC 6409 section 3.1

}  // namespace

std::uint16_t default_port(security_mode m) {
    switch (m) {
        case security_mode::tls:
            return submissions_port;
        case security_mode::starttls:
            return submission_port;
        case security_mode::none:
        case security_mode::automatic:
            return smtp_port;
    }
    return smtp_port;
}

security_mode default_security(std::uint16_t port) {
    switch (port) {
        case submissions_port:
            return security_mode::tls;
        case submission_port:
            return security_mode::starttls;
        default:
            return security_mode::automatic;
    }
}

port_mode resolve_port_mode(std::optional<std::uint16_t> port, std::optional<security_mode> mode) {
    if (port && mode) {
        return {*port, *mode};
    }
    if (port) {
        return {*port, default_security(*port)};
    }
    if (mode) {
        return {default_port(*mode), *mode};
    }
    return {submission_port, security_mode::starttls};
}

std::optional<security_mode> security_from_ssl_type(std::string_view ssl_type) {
    // PHPMailer's SMTPAutoTLS is on by default and WHMCS offers no control for it: with "None"
    // PHPMailer still issues STARTTLS whenever EHLO advertises it, with full certificate checks,
    // and a failed upgrade fails the connection (no fallback to plain text).
    if (iequals(ssl_type, "None")) {
        return security_mode::automatic;
    }
    if (iequals(ssl_type, "TLS")) {
        return security_mode::starttls;
    }
    if (iequals(ssl_type, "SSL")) {
        return security_mode::tls;
    }
    return std::nullopt;
}

std::string_view ssl_type_name(security_mode m) {
    switch (m) {
        // WHMCS has no "automatic" setting. With "None" it leaves PHPMailer's SMTPAutoTLS on,
        // and PHPMailer then issues STARTTLS whenever the server advertises it: "None" behaves
        // like automatic, so automatic is named "None" too.
        case security_mode::none:
        case security_mode::automatic:
            return "None";
        case security_mode::starttls:
            return "TLS";
        case security_mode::tls:
            return "SSL";
    }
    return "None";
}

std::string_view mode_warning_id(mode_warning w) {
    switch (w) {
        case mode_warning::tls_on_port_25:
            return "tls_on_port_25";
        case mode_warning::tls_on_port_587:
            return "tls_on_port_587";
        case mode_warning::starttls_on_465:
            return "starttls_on_465";
        case mode_warning::plain_on_465:
            return "plain_on_465";
        case mode_warning::plain_on_587:
            return "plain_on_587";
    }
    return "unknown";
}

std::vector<mode_warning> port_mode_advice(port_mode pm) {
    std::vector<mode_warning> out;
    const bool plain =
        pm.security == security_mode::none || pm.security == security_mode::automatic;
    if (pm.port == smtp_port && pm.security == security_mode::tls) {
        out.push_back(mode_warning::tls_on_port_25);
    }
    if (pm.port == submission_port && pm.security == security_mode::tls) {
        out.push_back(mode_warning::tls_on_port_587);
    }
    if (pm.port == submissions_port && pm.security == security_mode::starttls) {
        out.push_back(mode_warning::starttls_on_465);
    }
    if (pm.port == submissions_port && plain) {
        out.push_back(mode_warning::plain_on_465);
    }
    // Automatic on 587 still upgrades when STARTTLS is offered; only "none" refuses to.
    if (pm.port == submission_port && pm.security == security_mode::none) {
        out.push_back(mode_warning::plain_on_587);
    }
    return out;
}

bool sniff_tls_when_greeting_is_slow(std::uint16_t port) {
    return port != smtp_port;
}

}  // namespace smtp_probe
