#include "checks/starttls_rules.hpp"

#include "net/ascii.hpp"

#include <algorithm>
#include <cctype>

namespace smtp_probe {
namespace {

std::string_view bare_address(std::string_view s) {
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string_view::npos) {
        return {};
    }
    s = s.substr(first, s.find_last_not_of(" \t") - first + 1);
    if (s.size() >= 2 && s.front() == '<' && s.back() == '>') {
        s = s.substr(1, s.size() - 2);
    }
    return s;
}

}  // namespace

tls_step after_ehlo(security_mode mode, bool starttls_offered, bool tls_active) {
    if (tls_active) {
        return tls_step::none;
    }
    switch (mode) {
        case security_mode::none:
        case security_mode::tls:
            return tls_step::none;
        case security_mode::automatic:
            return starttls_offered ? tls_step::starttls : tls_step::none;
        case security_mode::starttls:
            return starttls_offered ? tls_step::starttls : tls_step::fail_unavailable;
    }
    return tls_step::none;
}

bool sender_differs_from_login(std::string_view from, std::string_view user) {
    from = bare_address(from);
    user = bare_address(user);
    if (from.empty() || user.empty()) {
        return false;
    }
    if (iequals(from, user)) {
        return false;
    }
    if (user.find('@') != std::string_view::npos) {
        return true;
    }
    const auto at = from.rfind('@');
    if (at == std::string_view::npos) {
        return true;
    }
    const auto local = from.substr(0, at);
    const auto domain = from.substr(at + 1);
    if (iequals(user, local)) {
        return false;
    }
    // cPanel accepts "user+domain" and "user%domain" for clients that cannot send an '@'.
    for (char sep : {'+', '%'}) {
        if (user.size() == local.size() + 1 + domain.size() && user[local.size()] == sep &&
            iequals(user.substr(0, local.size()), local) &&
            iequals(user.substr(local.size() + 1), domain)) {
            return false;
        }
    }
    return true;
}

bool looks_like_mailbox(std::string_view address) {
    constexpr std::size_t max_mailbox = 254;
    if (address.empty() || address.size() > max_mailbox) {
        return false;
    }
    if (std::count(address.begin(), address.end(), '@') != 1) {
        return false;
    }
    const auto at = address.find('@');
    if (at == 0 || at + 1 == address.size()) {
        return false;
    }
    return std::none_of(address.begin(), address.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u <= 0x20 || u == 0x7f || c == '<' || c == '>';
    });
}

}  // namespace smtp_probe
