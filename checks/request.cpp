#include "checks/request.hpp"

#include "net/ascii.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace smtp_probe {

std::string_view security_name(security_mode m) {
    switch (m) {
        case security_mode::none:
            return "none";
        case security_mode::automatic:
            return "auto";
        case security_mode::starttls:
            return "starttls";
        case security_mode::tls:
            return "tls";
    }
    return "unknown";
}

std::optional<security_mode> security_from_name(std::string_view name) {
    for (auto m : {security_mode::none, security_mode::automatic, security_mode::starttls,
                   security_mode::tls}) {
        if (iequals(security_name(m), name)) {
            return m;
        }
    }
    return std::nullopt;
}

std::string_view mechanism_name(auth_mechanism m) {
    switch (m) {
        case auth_mechanism::plain:
            return "PLAIN";
        case auth_mechanism::login:
            return "LOGIN";
        case auth_mechanism::cram_md5:
            return "CRAM-MD5";
        case auth_mechanism::xoauth2:
            return "XOAUTH2";
        case auth_mechanism::oauthbearer:
            return "OAUTHBEARER";
    }
    return "unknown";
}

std::optional<auth_mechanism> mechanism_from_name(std::string_view name) {
    for (auto m : {auth_mechanism::plain, auth_mechanism::login, auth_mechanism::cram_md5,
                   auth_mechanism::xoauth2, auth_mechanism::oauthbearer}) {
        if (iequals(mechanism_name(m), name)) {
            return m;
        }
    }
    return std::nullopt;
}

probe_request probe_request::clone() const {
    probe_request r;
    r.host = host;
    r.port = port;
    r.security = security;
    r.whmcs_settings = whmcs_settings;
    r.user = user;
    r.password = password.clone();
    r.oauth_token = oauth_token.clone();
    r.forced_mechanism = forced_mechanism;
    r.from = from;
    r.rcpt = rcpt;
    r.skip_rcpt = skip_rcpt;
    r.send_to = send_to;
    r.timeouts = timeouts;
    r.deadline = deadline;
    r.family = family;
    r.all_addresses = all_addresses;
    r.ca_file = ca_file;
    r.ca_path = ca_path;
    r.insecure = insecure;
    r.cert_warn_days = cert_warn_days;
    r.helo_name = helo_name;
    r.dns_server = dns_server;
    r.keep_transcript = keep_transcript;
    r.local_names = local_names;
    return r;
}

}  // namespace smtp_probe
