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

credentials credentials::clone() const {
    credentials c;
    c.user = user;
    c.password = password.clone();
    c.oauth_token = oauth_token.clone();
    c.forced_mechanism = forced_mechanism;
    return c;
}

probe_request probe_request::clone() const {
    // Every part but the credentials is plain data: copied whole, so that a field added to one
    // is never left out.
    probe_request r;
    static_cast<target_settings&>(r) = *this;
    static_cast<credentials&>(r) = credentials::clone();
    static_cast<envelope&>(r) = *this;
    static_cast<probe_policy&>(r) = *this;
    r.local_names = local_names;
    return r;
}

}  // namespace smtp_probe
