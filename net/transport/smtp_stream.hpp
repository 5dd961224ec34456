// One SMTP connection: plain TCP that may become TLS (implicit, or after STARTTLS), read and
// written only through bounded, timed operations. It moves bytes and hands them to the sans-io
// reply parser; it decides nothing about what the bytes mean.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "net/reply_outcome.hpp"
#include "net/reply_parser.hpp"

namespace smtp_probe {

class smtp_stream {
public:
    using tcp = boost::asio::ip::tcp;

    smtp_stream(const boost::asio::any_io_executor& ex, boost::asio::ssl::context& tls_context);
    smtp_stream(const smtp_stream&) = delete;
    smtp_stream& operator=(const smtp_stream&) = delete;
    ~smtp_stream();

    /// Connects to one endpoint. Errors: reply_timeout is never used here: a connect that does
    /// not finish in time yields boost::asio::error::timed_out.
    [[nodiscard]] boost::asio::awaitable<boost::system::error_code> connect(
        tcp::endpoint endpoint, std::chrono::milliseconds timeout);

    /// Runs the TLS client handshake on the connection (implicit TLS, or after STARTTLS).
    /// `server_name` goes into SNI unless it is an IP literal.
    [[nodiscard]] boost::asio::awaitable<boost::system::error_code> handshake(
        std::string_view server_name, std::chrono::milliseconds timeout);

    /// Reads until one complete reply is parsed, the timeout passes, or the peer breaks the
    /// protocol. A reply already buffered is returned without reading.
    [[nodiscard]] boost::asio::awaitable<reply_outcome> read_reply(
        std::chrono::milliseconds timeout);

    /// Writes all of `bytes`.
    [[nodiscard]] boost::asio::awaitable<boost::system::error_code> write(
        std::string_view bytes, std::chrono::milliseconds timeout);

    /// Closes the connection at once (used by the probe deadline and after QUIT).
    void close() noexcept;

    [[nodiscard]] bool tls_active() const noexcept { return tls_.has_value(); }
    [[nodiscard]] SSL* native_tls() noexcept;
    [[nodiscard]] std::size_t buffered() const noexcept { return parser_.buffered(); }
    /// The total number of bytes received so far, and the first bytes (up to 256), raw.
    [[nodiscard]] std::uint64_t bytes_received() const noexcept { return bytes_received_; }
    [[nodiscard]] const std::string& first_bytes() const noexcept { return first_bytes_; }
    [[nodiscard]] std::optional<tcp::endpoint> remote_endpoint() const;

private:
    using tls_stream = boost::asio::ssl::stream<tcp::socket&>;

    void arm_timer(std::chrono::milliseconds timeout);
    [[nodiscard]] bool disarm_timer();  // true when the timer had fired
    [[nodiscard]] boost::asio::awaitable<std::size_t> read_some(boost::system::error_code& ec);

    boost::asio::ssl::context& tls_context_;
    tcp::socket socket_;
    std::optional<tls_stream> tls_;
    boost::asio::steady_timer timer_;
    std::uint64_t timer_generation_ = 0;
    bool timer_fired_ = false;
    reply_parser parser_;
    std::uint64_t bytes_received_ = 0;
    std::string first_bytes_;
};

}  // namespace smtp_probe
