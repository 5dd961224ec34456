// The seam between the session and the bytes: every I/O the phases do, as awaitable operations
// on one connection. stream_wire (stream_wire.hpp) is the real one over TCP and TLS; tests and
// the dialogue fuzz target play a server from memory behind the same interface.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "net/reply_outcome.hpp"
#include "net/transport/tls_facts.hpp"

namespace smtp_probe {

/// One SMTP connection as the phases see it. Operations are awaited one at a time.
class session_wire {
public:
    using error_code = boost::system::error_code;
    using endpoint = boost::asio::ip::tcp::endpoint;
    using milliseconds = std::chrono::milliseconds;

    session_wire() = default;
    session_wire(const session_wire&) = delete;
    session_wire& operator=(const session_wire&) = delete;
    virtual ~session_wire() = default;

    /// A connect that does not finish in time yields boost::asio::error::timed_out.
    [[nodiscard]] virtual boost::asio::awaitable<error_code> connect(endpoint to,
                                                                     milliseconds timeout) = 0;
    /// Writes all of `bytes` (which must outlive the co_await).
    [[nodiscard]] virtual boost::asio::awaitable<error_code> write(std::string_view bytes,
                                                                   milliseconds timeout) = 0;
    /// One complete reply; a reply already buffered is returned without reading.
    [[nodiscard]] virtual boost::asio::awaitable<reply_outcome> read_reply(
        milliseconds timeout) = 0;
    /// The TLS client handshake; `server_name` goes into SNI unless it is an IP literal.
    [[nodiscard]] virtual boost::asio::awaitable<error_code> start_tls(std::string_view server_name,
                                                                       milliseconds timeout) = 0;

    /// Closes the connection at once; safe to call more than once.
    virtual void close() noexcept = 0;

    [[nodiscard]] virtual bool tls_active() const noexcept = 0;
    /// After a start_tls that succeeded: what the handshake agreed on, and the server's
    /// certificate (nullopt when it sent none).
    [[nodiscard]] virtual tls_facts tls() const = 0;
    [[nodiscard]] virtual std::optional<certificate_facts> certificate() const = 0;

    /// Bytes received and not yet consumed by a returned reply.
    [[nodiscard]] virtual std::size_t buffered() const noexcept = 0;
    /// The total number of bytes received so far, and the first bytes (up to 256), raw.
    [[nodiscard]] virtual std::uint64_t bytes_received() const noexcept = 0;
    [[nodiscard]] virtual std::string_view first_bytes() const noexcept = 0;
};

/// Makes a fresh, unconnected wire: one per connection attempt (the tcp phase makes a new one
/// after each failed address; the greeting phase's TLS sniff makes a second connection).
using wire_factory = std::function<std::unique_ptr<session_wire>()>;

}  // namespace smtp_probe
