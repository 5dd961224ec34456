// The real wire: smtp_stream (net/transport/smtp_stream.hpp) behind session_wire.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include "checks/session/wire.hpp"
#include "net/transport/smtp_stream.hpp"

namespace boost::asio::ssl {
class context;
}

namespace smtp_probe {

class stream_wire final : public session_wire {
public:
    stream_wire(const boost::asio::any_io_executor& ex, boost::asio::ssl::context& tls_context);

    [[nodiscard]] boost::asio::awaitable<error_code> connect(endpoint to,
                                                             milliseconds timeout) override;
    [[nodiscard]] boost::asio::awaitable<error_code> write(std::string_view bytes,
                                                           milliseconds timeout) override;
    [[nodiscard]] boost::asio::awaitable<reply_outcome> read_reply(milliseconds timeout) override;
    [[nodiscard]] boost::asio::awaitable<error_code> start_tls(std::string_view server_name,
                                                               milliseconds timeout) override;
    void close() noexcept override;

    [[nodiscard]] bool tls_active() const noexcept override;
    /// Read off the live SSL when asked, as the phases did before the seam.
    [[nodiscard]] tls_facts tls() const override;
    [[nodiscard]] std::optional<certificate_facts> certificate() const override;
    [[nodiscard]] std::size_t buffered() const noexcept override;
    [[nodiscard]] std::uint64_t bytes_received() const noexcept override;
    [[nodiscard]] std::string_view first_bytes() const noexcept override;

    /// The factory the driver uses for real connections.
    [[nodiscard]] static wire_factory factory(const boost::asio::any_io_executor& ex,
                                              boost::asio::ssl::context& tls_context);

private:
    mutable smtp_stream stream_;  // native_tls() is not const; reading facts changes nothing
};

}  // namespace smtp_probe
