// The hosts an exporter may probe beyond the targets its config names (`allowed_targets`): a
// name ("mail.example.com"), every name under a domain ("*.example.com", not the domain
// itself), an address ("192.0.2.10", "2001:db8::10") or a network ("192.0.2.0/24",
// "2001:db8::/32"). A pattern never matches by what a name resolves to: a name that matches
// is probed wherever DNS points it, as it would be if the config named it.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace smtp_probe {

struct host_pattern {
    enum class kind { name, under_domain, network };
    kind what = kind::name;
    std::string text;    ///< as written, for messages
    std::string domain;  ///< name: the name; under_domain: ".example.com"; lower case
    boost::asio::ip::address network;
    unsigned prefix = 0;  ///< network: the prefix length (32 or 128 for one address)
};

/// The pattern `text` is, or one sentence naming what was wrong and the accepted forms.
[[nodiscard]] std::variant<host_pattern, std::string> parse_host_pattern(std::string_view text);

/// Whether `host` (a name, or an IP literal without brackets) is one the pattern allows. Names
/// compare without case and without a trailing dot; an IPv4-mapped IPv6 address
/// ("::ffff:192.0.2.1") is the IPv4 address it carries.
[[nodiscard]] bool host_matches(const host_pattern& pattern, std::string_view host);

}  // namespace smtp_probe
