#include "probe/config/host_pattern.hpp"

#include <array>

#include "net/ascii.hpp"
#include "net/ip_literal.hpp"
#include "probe/cli/host_port.hpp"
#include "probe/cli/option_rules.hpp"
#include "probe/report/quote_value.hpp"

namespace smtp_probe {
namespace {

std::string accepted(std::string_view text) {
    return quote_value(text) +
           " is not a host pattern; use a name (mail.example.com), every name under a domain "
           "(*.example.com), an address (192.0.2.10) or a network (192.0.2.0/24, 2001:db8::/32)";
}

std::string normal_name(std::string_view name) {
    auto lowered = ascii_lowered(name);
    if (!lowered.empty() && lowered.back() == '.') {
        lowered.pop_back();
    }
    return lowered;
}

/// The address with an IPv4-mapped IPv6 address turned into its IPv4 one.
boost::asio::ip::address unmapped(const boost::asio::ip::address& a) {
    if (a.is_v6() && a.to_v6().is_v4_mapped()) {
        return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6());
    }
    return a;
}

template <std::size_t N>
bool same_prefix(const std::array<unsigned char, N>& a, const std::array<unsigned char, N>& b,
                 unsigned prefix) {
    for (std::size_t i = 0; i < N && prefix > 0; ++i) {
        const unsigned bits = prefix >= 8 ? 8 : prefix;
        const auto mask = static_cast<unsigned char>(0xff << (8 - bits));
        if ((a[i] & mask) != (b[i] & mask)) {
            return false;
        }
        prefix -= bits;
    }
    return true;
}

}  // namespace

std::variant<host_pattern, std::string> parse_host_pattern(std::string_view text) {
    host_pattern p;
    p.text = std::string(text);
    if (text.empty() || text.size() > 255) {
        return accepted(text);
    }
    if (text.starts_with("*.")) {
        const auto rest = text.substr(2);
        if (!is_host_name(rest) || rest.find('.') == std::string_view::npos) {
            return quote_value(text) +
                   ": a wildcard covers the names under a domain of at least two labels, as in "
                   "*.example.com";
        }
        p.what = host_pattern::kind::under_domain;
        p.domain = "." + normal_name(rest);
        return p;
    }
    const auto slash = text.find('/');
    const auto address_text = text.substr(0, slash);
    if (const auto address = parse_ip_literal(address_text);
        address && address_text.front() != '[') {
        p.what = host_pattern::kind::network;
        p.network = unmapped(*address);
        const unsigned longest = p.network.is_v4() ? 32 : 128;
        p.prefix = longest;
        if (slash != std::string_view::npos) {
            const auto bits = text.substr(slash + 1);
            if (bits.empty() || bits.size() > 3 || !is_digits(bits) ||
                std::stoul(std::string(bits)) > longest) {
                return quote_value(text) + ": the prefix length after '/' must be a number up to " +
                       std::to_string(longest);
            }
            p.prefix = static_cast<unsigned>(std::stoul(std::string(bits)));
            if (p.prefix < (p.network.is_v4() ? 8U : 16U)) {
                return quote_value(text) +
                       ": a network this wide would let the exporter scan most of the Internet; "
                       "use a prefix of at least /8 (IPv4) or /16 (IPv6)";
            }
        }
        return p;
    }
    if (slash != std::string_view::npos || text.find('*') != std::string_view::npos ||
        !is_host_name(text)) {
        return accepted(text);
    }
    p.what = host_pattern::kind::name;
    p.domain = normal_name(text);
    return p;
}

bool host_matches(const host_pattern& pattern, std::string_view host) {
    switch (pattern.what) {
        case host_pattern::kind::name:
            return !parse_ip_literal(host) && normal_name(host) == pattern.domain;
        case host_pattern::kind::under_domain: {
            if (parse_ip_literal(host)) {
                return false;
            }
            const auto name = normal_name(host);
            return name.size() > pattern.domain.size() && name.ends_with(pattern.domain);
        }
        case host_pattern::kind::network: {
            const auto parsed = parse_ip_literal(without_zone(host));
            if (!parsed) {
                return false;
            }
            const auto address = unmapped(*parsed);
            if (address.is_v4() != pattern.network.is_v4()) {
                return false;
            }
            return address.is_v4()
                       ? same_prefix(address.to_v4().to_bytes(), pattern.network.to_v4().to_bytes(),
                                     pattern.prefix)
                       : same_prefix(address.to_v6().to_bytes(), pattern.network.to_v6().to_bytes(),
                                     pattern.prefix);
        }
    }
    return false;
}

}  // namespace smtp_probe
