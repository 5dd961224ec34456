#include "checks/session/stream_wire.hpp"

#include <boost/asio/ssl/context.hpp>

#include "net/transport/tls_client.hpp"

namespace smtp_probe {

namespace asio = boost::asio;

stream_wire::stream_wire(const asio::any_io_executor& ex, asio::ssl::context& tls_context)
    : stream_(ex, tls_context) {}

asio::awaitable<session_wire::error_code> stream_wire::connect(endpoint to, milliseconds timeout) {
    co_return co_await stream_.connect(to, timeout);
}

asio::awaitable<session_wire::error_code> stream_wire::write(std::string_view bytes,
                                                             milliseconds timeout) {
    co_return co_await stream_.write(bytes, timeout);
}

asio::awaitable<reply_outcome> stream_wire::read_reply(milliseconds timeout) {
    co_return co_await stream_.read_reply(timeout);
}

asio::awaitable<session_wire::error_code> stream_wire::start_tls(std::string_view server_name,
                                                                 milliseconds timeout) {
    co_return co_await stream_.handshake(server_name, timeout);
}

void stream_wire::close() noexcept {
    stream_.close();
}

bool stream_wire::tls_active() const noexcept {
    return stream_.tls_active();
}

tls_facts stream_wire::tls() const {
    return read_tls_facts(stream_.native_tls());
}

std::optional<certificate_facts> stream_wire::certificate() const {
    return read_certificate_facts(stream_.native_tls());
}

std::size_t stream_wire::buffered() const noexcept {
    return stream_.buffered();
}

std::uint64_t stream_wire::bytes_received() const noexcept {
    return stream_.bytes_received();
}

std::string_view stream_wire::first_bytes() const noexcept {
    return stream_.first_bytes();
}

wire_factory stream_wire::factory(const asio::any_io_executor& ex,
                                  asio::ssl::context& tls_context) {
    return [ex, &tls_context]() -> std::unique_ptr<session_wire> {
        return std::make_unique<stream_wire>(ex, tls_context);
    };
}

}  // namespace smtp_probe
