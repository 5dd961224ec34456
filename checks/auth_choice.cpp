#include "checks/auth_choice.hpp"

#include <algorithm>
#include <initializer_list>

namespace smtp_probe {
namespace {

bool is_advertised(const std::vector<std::string>& advertised, auth_mechanism m) {
    return std::any_of(advertised.begin(), advertised.end(),
                       [m](const std::string& name) { return mechanism_from_name(name) == m; });
}

std::optional<auth_mechanism> first_advertised(const std::vector<std::string>& advertised,
                                               std::initializer_list<auth_mechanism> preference) {
    for (auto m : preference) {
        if (is_advertised(advertised, m)) {
            return m;
        }
    }
    return std::nullopt;
}

}  // namespace

auth_plan choose_mechanism(const std::vector<std::string>& advertised, bool tls_active,
                           bool have_password, bool have_token,
                           std::optional<auth_mechanism> forced, bool starttls_offered) {
    if (!have_password && !have_token) {
        return {};
    }
    if (advertised.empty()) {
        // RFC 3207 section 4: servers commonly hide AUTH until the session is encrypted.
        return {std::nullopt, !tls_active && starttls_offered ? probe_errc::auth_requires_tls
                                                              : probe_errc::auth_not_offered};
    }
    if (forced) {
        if (is_advertised(advertised, *forced)) {
            return {*forced, std::nullopt};
        }
        return {std::nullopt, probe_errc::no_common_mechanism};
    }
    if (have_token) {
        if (auto m = first_advertised(advertised,
                                      {auth_mechanism::xoauth2, auth_mechanism::oauthbearer})) {
            return {*m, std::nullopt};
        }
    }
    if (have_password) {
        const auto m =
            tls_active
                ? first_advertised(advertised, {auth_mechanism::plain, auth_mechanism::login,
                                                auth_mechanism::cram_md5})
                : first_advertised(advertised, {auth_mechanism::cram_md5, auth_mechanism::plain,
                                                auth_mechanism::login});
        if (m) {
            return {*m, std::nullopt};
        }
    }
    return {std::nullopt, probe_errc::no_common_mechanism};
}

bool exposes_password(auth_mechanism m, bool tls_active) {
    if (tls_active) {
        return false;
    }
    switch (m) {
        case auth_mechanism::plain:
        case auth_mechanism::login:
        case auth_mechanism::xoauth2:
        case auth_mechanism::oauthbearer:
            return true;
        case auth_mechanism::cram_md5:
            return false;
    }
    return true;
}

}  // namespace smtp_probe
