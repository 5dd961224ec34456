#include "probe/cli/host_port.hpp"

#include "net/ip_literal.hpp"
#include "probe/report/quote_value.hpp"

#include <algorithm>
#include <cctype>

namespace smtp_probe {
namespace {

constexpr std::string_view accepted_forms =
    "use a name (mail.example.com), an IPv4 address (192.0.2.1) or an IPv6 address "
    "(2001:db8::1 or [2001:db8::1]), optionally followed by :PORT ([2001:db8::1]:587 for IPv6)";

bool is_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) != 0;
    });
}

bool is_digits_and_dots(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return c == '.' || std::isdigit(static_cast<unsigned char>(c)) != 0;
    });
}

bool is_label_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-';
}

bool is_zone_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || c == '-';
}

/// A host without a port and without brackets: an IPv4 literal or a name.
std::variant<host_port, std::string> parse_plain_host(std::string_view host,
                                                      std::string_view whole) {
    if (host.empty()) {
        return "the host in " + quote_value(whole) + " is empty; " + std::string(accepted_forms);
    }
    if (is_ipv4_literal(host)) {
        return host_port{std::string(host), host_kind::ipv4, std::nullopt};
    }
    if (is_digits_and_dots(host)) {
        return quote_value(host) +
               " is not a valid IPv4 address; use four numbers from 0 to 255 like 192.0.2.1";
    }
    if (is_host_name(host)) {
        return host_port{std::string(host), host_kind::name, std::nullopt};
    }
    return quote_value(host) +
           " is not a valid host name or IP address; a name has letters, digits, '-' and '.' "
           "(write an international name in its xn-- form), or " +
           std::string(accepted_forms);
}

std::variant<std::uint16_t, std::string> port_after_colon(std::string_view port_text,
                                                          std::string_view whole) {
    if (port_text.empty()) {
        return quote_value(whole) + " ends with ':' but no port; use a number from 1 to 65535";
    }
    return parse_port(port_text);
}

std::variant<host_port, std::string> parse_bracketed(std::string_view text) {
    const auto close = text.find(']');
    if (close == std::string_view::npos) {
        return quote_value(text) +
               " opens '[' without a closing ']'; write an IPv6 address as [2001:db8::1] or "
               "[2001:db8::1]:587";
    }
    const auto inner = text.substr(1, close - 1);
    if (!is_ipv6_literal(inner)) {
        return quote_value(text) +
               " has no IPv6 address inside the brackets; brackets hold an IPv6 address, as in "
               "[2001:db8::1]:587";
    }
    const auto rest = text.substr(close + 1);
    if (rest.empty()) {
        return host_port{std::string(inner), host_kind::ipv6, std::nullopt};
    }
    if (rest.front() != ':') {
        return quote_value(text) + " has " + quote_value(rest) +
               " after ']'; only :PORT may follow, as in [2001:db8::1]:587";
    }
    auto port = port_after_colon(rest.substr(1), text);
    if (auto* error = std::get_if<std::string>(&port)) {
        return std::move(*error);
    }
    return host_port{std::string(inner), host_kind::ipv6, std::get<std::uint16_t>(port)};
}

std::variant<host_port, std::string> parse_bare_ipv6(std::string_view text) {
    if (!is_ipv6_literal(text)) {
        return quote_value(text) +
               " is neither an IPv6 address nor HOST:PORT; write an IPv6 address with a port as "
               "[2001:db8::1]:587";
    }
    // "::1:587" is the address ::1:587, but it may just as well mean ::1 port 587: refuse to
    // guess when the part before the last colon is an address and the rest a port.
    if (text.find('%') == std::string_view::npos) {
        const auto last = text.rfind(':');
        const auto prefix = text.substr(0, last);
        const auto suffix = text.substr(last + 1);
        if (is_ipv6_literal(prefix) && std::holds_alternative<std::uint16_t>(parse_port(suffix))) {
            const std::string p(prefix);
            const std::string s(suffix);
            return quote_value(text) + " is ambiguous: write [" + p + "]:" + s + " or " + p +
                   " --port " + s + " for port " + s + " on " + p + ", or [" + std::string(text) +
                   "] for the address " + std::string(text) + " itself";
        }
    }
    return host_port{std::string(text), host_kind::ipv6, std::nullopt};
}

}  // namespace

std::variant<std::uint16_t, std::string> parse_port(std::string_view text) {
    constexpr std::string_view range = "use a number from 1 to 65535";
    if (text.empty()) {
        return "the port is empty; " + std::string(range);
    }
    if (!is_digits(text)) {
        return "port " + quote_value(text) + " is not a number; " + std::string(range);
    }
    const auto first = text.find_first_not_of('0');
    const auto significant =
        first == std::string_view::npos ? std::string_view{} : text.substr(first);
    unsigned long value = 0;
    if (significant.size() <= 5) {
        for (char c : significant) {
            value = value * 10 + static_cast<unsigned long>(c - '0');
        }
    }
    if (significant.size() > 5 || value == 0 || value > 65535) {
        return "port " + quote_value(text) + " is out of range; " + std::string(range);
    }
    return static_cast<std::uint16_t>(value);
}

bool is_host_name(std::string_view name) {
    if (!name.empty() && name.back() == '.') {
        name.remove_suffix(1);
    }
    if (name.empty() || name.size() > 253) {
        return false;
    }
    std::size_t start = 0;
    while (start <= name.size()) {
        auto end = name.find('.', start);
        if (end == std::string_view::npos) {
            end = name.size();
        }
        const auto label = name.substr(start, end - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-' ||
            !std::all_of(label.begin(), label.end(), is_label_char)) {
            return false;
        }
        start = end + 1;
    }
    return true;
}

bool is_ipv4_literal(std::string_view text) {
    return parse_ipv4(text).has_value();
}

bool is_ipv6_literal(std::string_view text) {
    constexpr std::size_t max_address = 45;  // INET6_ADDRSTRLEN - 1
    constexpr std::size_t max_zone = 64;
    std::string_view address = text;
    if (const auto percent = text.find('%'); percent != std::string_view::npos) {
        const auto zone = text.substr(percent + 1);
        if (zone.empty() || zone.size() > max_zone ||
            !std::all_of(zone.begin(), zone.end(), is_zone_char)) {
            return false;
        }
        address = text.substr(0, percent);
    }
    return address.size() <= max_address && parse_ipv6(address).has_value();
}

std::variant<host_port, std::string> parse_host_port(std::string_view text) {
    if (text.empty()) {
        return "the host is empty; " + std::string(accepted_forms);
    }
    if (text.front() == '[') {
        return parse_bracketed(text);
    }
    const auto colons = std::count(text.begin(), text.end(), ':');
    if (colons >= 2) {
        return parse_bare_ipv6(text);
    }
    if (colons == 0) {
        return parse_plain_host(text, text);
    }
    const auto colon = text.find(':');
    auto parsed = parse_plain_host(text.substr(0, colon), text);
    if (auto* hp = std::get_if<host_port>(&parsed)) {
        auto port = port_after_colon(text.substr(colon + 1), text);
        if (auto* error = std::get_if<std::string>(&port)) {
            return std::move(*error);
        }
        hp->port = std::get<std::uint16_t>(port);
    }
    return parsed;
}

}  // namespace smtp_probe
