#include "net/transport/smtp_stream.hpp"

#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "net/io_error.hpp"
#include "net/ip_literal.hpp"

namespace smtp_probe {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

constexpr std::size_t first_bytes_kept = 256;

// RFC 6066 section 3: a literal IPv4 or IPv6 address is not permitted in SNI.
bool is_ip_literal(std::string_view host) {
    return parse_ipv4(host) || parse_ipv6(without_zone(host));
}

}  // namespace

smtp_stream::smtp_stream(const asio::any_io_executor& ex, asio::ssl::context& tls_context)
    : tls_context_(tls_context), socket_(ex), timer_(ex) {}

smtp_stream::~smtp_stream() {
    close();
}

void smtp_stream::arm_timer(std::chrono::milliseconds timeout) {
    // A generation number keeps a late expiry of an earlier operation from cancelling this one.
    const auto generation = ++timer_generation_;
    timer_fired_ = false;
    timer_.expires_after(timeout);
    timer_.async_wait([this, generation](const error_code& ec) {
        if (!ec && generation == timer_generation_) {
            timer_fired_ = true;
            error_code ignored;
            socket_.cancel(ignored);
        }
    });
}

bool smtp_stream::disarm_timer() {
    ++timer_generation_;
    timer_.cancel();
    return timer_fired_;
}

asio::awaitable<error_code> smtp_stream::connect(tcp::endpoint endpoint,
                                                 std::chrono::milliseconds timeout) {
    error_code ec;
    socket_.open(endpoint.protocol(), ec);
    if (ec) {
        co_return ec;
    }
    arm_timer(timeout);
    co_await socket_.async_connect(endpoint, asio::redirect_error(asio::use_awaitable, ec));
    if (disarm_timer() && (!ec || ec == asio::error::operation_aborted)) {
        ec = asio::error::timed_out;
    }
    if (!ec) {
        socket_.set_option(tcp::no_delay(true), ec);
        ec = {};
    }
    co_return ec;
}

asio::awaitable<error_code> smtp_stream::handshake(std::string_view server_name,
                                                   std::chrono::milliseconds timeout) {
    tls_.emplace(socket_, tls_context_);
    if (!server_name.empty() && !is_ip_literal(server_name)) {
        const std::string name(server_name);
        SSL_set_tlsext_host_name(tls_->native_handle(), name.c_str());
    }
    error_code ec;
    arm_timer(timeout);
    co_await tls_->async_handshake(asio::ssl::stream_base::client,
                                   asio::redirect_error(asio::use_awaitable, ec));
    if (disarm_timer() && (!ec || ec == asio::error::operation_aborted)) {
        ec = make_error_code(io_errc::timeout);
    }
    co_return ec;
}

asio::awaitable<std::size_t> smtp_stream::read_some(error_code& ec) {
    std::array<char, 4096> buffer{};
    std::size_t n = 0;
    if (tls_) {
        n = co_await tls_->async_read_some(asio::buffer(buffer),
                                           asio::redirect_error(asio::use_awaitable, ec));
    } else {
        n = co_await socket_.async_read_some(asio::buffer(buffer),
                                             asio::redirect_error(asio::use_awaitable, ec));
    }
    if (n > 0) {
        bytes_received_ += n;
        if (first_bytes_.size() < first_bytes_kept) {
            first_bytes_.append(buffer.data(), std::min(n, first_bytes_kept - first_bytes_.size()));
        }
        parser_.feed(std::string_view(buffer.data(), n));
    }
    co_return n;
}

asio::awaitable<reply_outcome> smtp_stream::read_reply(std::chrono::milliseconds timeout) {
    reply_outcome out;
    arm_timer(timeout);
    for (;;) {
        auto parsed = parser_.next();
        if (parsed.state == parse_result::status::reply) {
            out.reply = std::move(parsed.reply);
            break;
        }
        if (parsed.state == parse_result::status::error) {
            out.error = make_error_code(io_errc::protocol_violation);
            out.violation = parsed.violation;
            out.offending = std::move(parsed.offending);
            break;
        }
        error_code ec;
        (void)co_await read_some(ec);
        if (ec) {
            if (timer_fired_ && ec == asio::error::operation_aborted) {
                ec = make_error_code(io_errc::timeout);
            } else if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) {
                ec = make_error_code(io_errc::connection_lost);
            }
            out.error = ec;
            break;
        }
    }
    (void)disarm_timer();
    co_return out;
}

asio::awaitable<error_code> smtp_stream::write(std::string_view bytes,
                                               std::chrono::milliseconds timeout) {
    error_code ec;
    arm_timer(timeout);
    if (tls_) {
        co_await asio::async_write(*tls_, asio::buffer(bytes.data(), bytes.size()),
                                   asio::redirect_error(asio::use_awaitable, ec));
    } else {
        co_await asio::async_write(socket_, asio::buffer(bytes.data(), bytes.size()),
                                   asio::redirect_error(asio::use_awaitable, ec));
    }
    if (disarm_timer() && ec == asio::error::operation_aborted) {
        ec = make_error_code(io_errc::timeout);
    }
    co_return ec;
}

void smtp_stream::close() noexcept {
    error_code ignored;
    ++timer_generation_;
    timer_.cancel();
    if (socket_.is_open()) {
        socket_.shutdown(tcp::socket::shutdown_both, ignored);
        socket_.close(ignored);
    }
}

SSL* smtp_stream::native_tls() noexcept {
    return tls_ ? tls_->native_handle() : nullptr;
}

std::optional<smtp_stream::tcp::endpoint> smtp_stream::remote_endpoint() const {
    error_code ec;
    auto ep = socket_.remote_endpoint(ec);
    if (ec) {
        return std::nullopt;
    }
    return ep;
}

}  // namespace smtp_probe
