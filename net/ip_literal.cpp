#include "net/ip_literal.hpp"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <string>

namespace smtp_probe {
namespace {

// The longest textual IPv6 address with an IPv4 tail and a zone is well under this.
constexpr std::size_t max_literal_length = 64;

std::optional<boost::asio::ip::address> parse_bare(std::string_view text) {
    // make_address() reads a C string: a NUL would hide whatever follows it.
    if (text.empty() || text.size() > max_literal_length ||
        text.find('\0') != std::string_view::npos) {
        return std::nullopt;
    }
    boost::system::error_code ec;
    auto address = boost::asio::ip::make_address(std::string(text), ec);
    if (ec) {
        return std::nullopt;
    }
    return address;
}

std::optional<std::uint16_t> parse_port(std::string_view text) {
    if (text.empty() || text.size() > 5) {
        return std::nullopt;
    }
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value == 0 || value > 65535) {
        return std::nullopt;
    }
    return static_cast<std::uint16_t>(value);
}

/// inet_pton reads a C string: a NUL would hide whatever follows it, and a bound keeps the copy
/// small.
bool pton(int family, std::string_view text, void* out) {
    if (text.empty() || text.size() > max_literal_length ||
        text.find('\0') != std::string_view::npos) {
        return false;
    }
    const std::string z(text);
    return ::inet_pton(family, z.c_str(), out) == 1;
}

}  // namespace

std::optional<boost::asio::ip::address_v4> parse_ipv4(std::string_view text) {
    boost::asio::ip::address_v4::bytes_type bytes{};
    if (!pton(AF_INET, text, bytes.data())) {
        return std::nullopt;
    }
    return boost::asio::ip::address_v4(bytes);
}

std::optional<boost::asio::ip::address_v6> parse_ipv6(std::string_view text) {
    boost::asio::ip::address_v6::bytes_type bytes{};
    if (!pton(AF_INET6, text, bytes.data())) {
        return std::nullopt;
    }
    return boost::asio::ip::address_v6(bytes);
}

std::string_view without_zone(std::string_view text) {
    return text.substr(0, text.find('%'));
}

std::optional<boost::asio::ip::address> parse_ip_literal(std::string_view text) {
    if (text.size() >= 2 && text.front() == '[' && text.back() == ']') {
        text = text.substr(1, text.size() - 2);
    }
    return parse_bare(text);
}

std::optional<dns_server_endpoint> parse_dns_server(std::string_view text) {
    std::string_view host = text;
    std::string_view port_text;  // empty: the default port
    bool want_v6 = false;
    bool want_v4 = false;

    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos) {
            return std::nullopt;
        }
        host = text.substr(1, close - 1);
        const auto rest = text.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') {
                return std::nullopt;
            }
            port_text = rest.substr(1);
            if (port_text.empty()) {
                return std::nullopt;
            }
        }
        want_v6 = true;  // "[192.0.2.1]:53" is a typo worth rejecting
    } else if (const auto colon = text.find(':');
               colon != std::string_view::npos && text.find(':', colon + 1) == text.npos) {
        host = text.substr(0, colon);  // exactly one colon: IPv4:PORT
        port_text = text.substr(colon + 1);
        if (port_text.empty()) {
            return std::nullopt;
        }
        want_v4 = true;
    }

    std::uint16_t port = 53;
    if (!port_text.empty()) {
        const auto parsed = parse_port(port_text);
        if (!parsed) {
            return std::nullopt;
        }
        port = *parsed;
    }
    if (host.find('%') != std::string_view::npos) {
        return std::nullopt;  // a zone: ares_addr_port_node has no field for it
    }
    auto address = parse_bare(host);
    if (!address || (want_v6 && !address->is_v6()) || (want_v4 && !address->is_v4())) {
        return std::nullopt;
    }
    return dns_server_endpoint{*address, port};
}

}  // namespace smtp_probe
