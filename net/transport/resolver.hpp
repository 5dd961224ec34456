// Asynchronous name resolution with c-ares, driven by an Asio executor (no threads).
//
// resolve_host() behaves like the system resolver: the hosts file first, then the name servers of
// /etc/resolv.conf (with its search list and ndots). With options.dns_server set it asks only that
// server and skips the hosts file ("localhost" aside): the user wants to test that server.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "net/address_family.hpp"

namespace smtp_probe {

struct resolve_options {
    address_family family = address_family::any;
    std::chrono::milliseconds timeout{10'000};  ///< the whole lookup, retries included
    /// "IP", "IP:PORT", "[V6]:PORT" or a bare IPv6 address (see parse_dns_server()); else the
    /// system's name servers.
    std::optional<std::string> dns_server;
};

struct resolve_outcome {
    /// Empty on success, else make_dns_error(ARES_...):
    /// ENOTFOUND / ENODATA   the name does not exist or has no address of the family asked for
    ///                       (an IP literal of the other family gives ENODATA too);
    /// ESERVFAIL, EREFUSED   what the only name server answered; EBADRESP a malformed answer;
    /// ECONNREFUSED          no name server could be reached, or (c-ares 1.18, several system
    ///                       servers) every one of them answered SERVFAIL/REFUSED;
    /// ETIMEOUT              no answer within options.timeout;
    /// EBADNAME              an empty, overlong or otherwise impossible name;
    /// EBADSTR               options.dns_server cannot be parsed;
    /// ECANCELLED            the awaiting coroutine was cancelled.
    boost::system::error_code error;
    /// In the order to try them (RFC 6724), all of them: the DNS message's size bounds their
    /// number, and PHP tries every one too, so a cap here could hide the one that connects.
    std::vector<boost::asio::ip::address> addresses;
    std::string canonical_name;  ///< the end of the CNAME chain, or the name asked for
    /// The answer came without a DNS query: the hosts file, or c-ares's own "localhost"
    /// (RFC 6761 section 6.3). False for IP literals; with dns_server only "localhost" can be
    /// answered this way (c-ares never sends it to a name server).
    bool from_hosts_file = false;
};

/// Resolves host (a name, or an IP literal with or without brackets, which resolves to itself at
/// once). Never throws for a failed lookup; safe to run many at once on one io_context.
[[nodiscard]] boost::asio::awaitable<resolve_outcome> resolve_host(boost::asio::any_io_executor ex,
                                                                   std::string host,
                                                                   resolve_options options);

}  // namespace smtp_probe
