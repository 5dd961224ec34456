#include "net/mailbox.hpp"

#include <string>

#include "net/ip_literal.hpp"

namespace smtp_probe {
namespace {

bool is_ascii_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_utf8_byte(char c) {
    return static_cast<unsigned char>(c) >= 0x80;
}

bool is_atext(char c) {
    return is_ascii_alnum(c) || is_utf8_byte(c) ||
           std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

bool is_dot_string(std::string_view s) {
    if (s.empty() || s.front() == '.' || s.back() == '.') {
        return false;
    }
    char previous = '\0';
    for (const char c : s) {
        if (c == '.' ? previous == '.' : !is_atext(c)) {
            return false;
        }
        previous = c;
    }
    return true;
}

/// RFC 5321: qtextSMTP = %d32-33 / %d35-91 / %d93-126, quoted-pairSMTP = "\" %d32-126.
bool is_quoted_string(std::string_view s) {
    if (s.size() < 2 || s.front() != '"' || s.back() != '"') {
        return false;
    }
    s = s.substr(1, s.size() - 2);
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto u = static_cast<unsigned char>(s[i]);
        if (s[i] == '\\') {
            if (++i == s.size()) {
                return false;
            }
            const auto next = static_cast<unsigned char>(s[i]);
            if (next < 32 || next > 126) {
                return false;
            }
        } else if (s[i] == '"' || (u < 32) || u == 127) {
            return false;
        }
        // RFC 5321 allows '<' and '>' inside quotes, but the path "<...>" would then be
        // ambiguous to servers that scan for the first '>'; the command builder refuses them
        // (net/smtp_commands.hpp), so they are refused here too.
        if (s[i] == '<' || s[i] == '>') {
            return false;
        }
    }
    return true;
}

bool is_label(std::string_view label) {
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
        return false;
    }
    for (const char c : label) {
        if (!is_ascii_alnum(c) && c != '-' && !is_utf8_byte(c)) {
            return false;
        }
    }
    return true;
}

bool is_domain(std::string_view d) {
    if (d.empty() || d.size() > 253) {
        return false;
    }
    while (true) {
        const auto dot = d.find('.');
        if (!is_label(d.substr(0, dot))) {
            return false;
        }
        if (dot == std::string_view::npos) {
            return true;
        }
        d.remove_prefix(dot + 1);
    }
}

/// RFC 5321 section 4.1.3: [192.0.2.1] or [IPv6:2001:db8::1].
bool is_address_literal(std::string_view d) {
    if (d.size() < 3 || d.front() != '[' || d.back() != ']') {
        return false;
    }
    d = d.substr(1, d.size() - 2);
    constexpr std::string_view v6_tag = "IPv6:";
    if (d.size() > v6_tag.size() && d.substr(0, v6_tag.size()) == v6_tag) {
        return parse_ipv6(d.substr(v6_tag.size())).has_value();
    }
    return parse_ipv4(d).has_value();
}

}  // namespace

bool is_mailbox(std::string_view address) {
    if (address.size() > 254 || address.find('\0') != std::string_view::npos) {
        return false;
    }
    // The local part may itself hold an '@' inside quotes, so the last '@' separates.
    const auto at = address.rfind('@');
    if (at == std::string_view::npos || at == 0 || at > 64) {
        return false;
    }
    const auto local = address.substr(0, at);
    const auto domain = address.substr(at + 1);
    const bool local_ok = local.front() == '"' ? is_quoted_string(local) : is_dot_string(local);
    return local_ok && (is_domain(domain) || is_address_literal(domain));
}

}  // namespace smtp_probe
