// A scripted DNS server for tests: answers A/AAAA/CNAME from a zone given by the test, over UDP
// and (for answers that do not fit in 512 bytes) TCP on the same port of 127.0.0.1 or ::1. It runs
// on an io_context of the caller or on a thread of its own. Queries from non-loopback peers are
// counted and dropped. Asio stays inside fake_dns_server.cpp.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace smtp_probe::fake {

namespace dns {

inline constexpr std::uint16_t type_a = 1;
inline constexpr std::uint16_t type_cname = 5;
inline constexpr std::uint16_t type_aaaa = 28;
inline constexpr std::uint8_t rcode_servfail = 2;
inline constexpr std::uint8_t rcode_nxdomain = 3;
inline constexpr std::uint8_t rcode_refused = 5;

using bytes = std::vector<std::uint8_t>;

/// "a.b" -> 1 'a' 1 'b' 0 (RFC 1035 section 3.1).
[[nodiscard]] bytes encode_name(const std::string& name);
/// The 4 / 16 bytes of an address literal.
[[nodiscard]] bytes v4(const char* text);
[[nodiscard]] bytes v6(const char* text);

/// One resource record of an answer.
struct record {
    bytes owner;  ///< empty: a pointer to the question name
    std::uint16_t type = type_a;
    bytes data;
};

[[nodiscard]] record rr(std::uint16_t type, bytes data, bytes owner = {});

/// What the server knows about one name. Names it does not know get NXDOMAIN.
struct zone_entry {
    std::uint8_t rcode = 0;
    std::vector<record> a;     ///< the answer to an A query, in this order
    std::vector<record> aaaa;  ///< the answer to an AAAA query, in this order
    bool silent_a = false;     ///< never answer A queries
    bool silent_aaaa = false;
    bool malformed = false;  ///< answer with the RDATA cut short
};

/// Names in lower case, without the final dot.
using zone = std::map<std::string, zone_entry>;

}  // namespace dns

class fake_dns_server {
public:
    /// Serves on `io`, which the caller runs; stop() (or the destructor) closes the sockets.
    fake_dns_server(boost::asio::io_context& io, dns::zone zone,
                    const std::string& bind_to = "127.0.0.1");
    /// Serves on an io_context run by a thread of its own; the destructor stops and joins it.
    explicit fake_dns_server(dns::zone zone, const std::string& bind_to = "127.0.0.1");
    ~fake_dns_server();
    fake_dns_server(const fake_dns_server&) = delete;
    fake_dns_server& operator=(const fake_dns_server&) = delete;

    /// "127.0.0.1:PORT" or "[::1]:PORT", for probe_request::dns_server / resolve_options.
    [[nodiscard]] std::string server() const;
    /// Queries received for `name` (lower case, no final dot), over UDP and TCP.
    [[nodiscard]] int queries_for(const std::string& name) const;
    [[nodiscard]] int tcp_queries() const;
    /// Datagrams dropped because they came from a non-loopback address.
    [[nodiscard]] int from_elsewhere() const;

    /// Closes the sockets. With the caller's io_context, call it from that context's thread.
    void stop();

    struct impl;  ///< opaque: the sockets, the zone, the counters and (threaded) the thread

private:
    std::unique_ptr<impl> impl_;
};

}  // namespace smtp_probe::fake
