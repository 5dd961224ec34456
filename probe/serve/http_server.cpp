#include "probe/serve/http_server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <list>

#include "probe/report/endpoint_text.hpp"

namespace smtp_probe {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

/// What stop() needs of a connection: its socket, and whether it is answering a request.
struct connection {
    tcp::socket* socket = nullptr;
    bool busy = false;
};

std::string peer_text(const tcp::socket& socket) {
    error_code ec;
    const auto ep = socket.remote_endpoint(ec);
    if (ec) {
        return "unknown";
    }
    return endpoint_text(ep.address().to_string(), ep.port());
}

/// The answer to a request that could not be read: too large, malformed, or over a bound.
http::response<http::string_body> refusal(http::status status, std::string text, unsigned version) {
    http::response<http::string_body> res{status, version};
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.keep_alive(false);
    res.body() = std::move(text) + "\n";
    res.prepare_payload();
    return res;
}

}  // namespace

struct http_server::state {
    state(asio::io_context& io_in, http_handler h, http_limits l, asio::ssl::context* t)
        : io(io_in), acceptor(io_in), handler(std::move(h)), limits(l), tls(t), all_closed(io_in) {}
    asio::io_context& io;
    tcp::acceptor acceptor;
    http_handler handler;
    http_limits limits;
    asio::ssl::context* tls = nullptr;
    bool stopping = false;
    std::list<connection*> connections;
    std::size_t open = 0;
    asio::steady_timer all_closed;
};

namespace {

asio::awaitable<void> answer_busy(std::shared_ptr<http_server::state> s, tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    stream.expires_after(std::chrono::seconds(2));
    auto res = refusal(http::status::service_unavailable,
                       "the exporter has " + std::to_string(s->limits.connections) +
                           " connections open already; try again",
                       11);
    res.set(http::field::retry_after, "1");
    error_code ec;
    co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
}

template <class Stream>
asio::awaitable<void> answer_requests(std::shared_ptr<http_server::state> s, Stream& stream,
                                      connection& c, const std::string& peer) {
    beast::flat_buffer buffer(s->limits.header_bytes + s->limits.body_bytes);
    for (std::size_t n = 0; n < s->limits.requests_per_connection && !s->stopping; ++n) {
        http::request_parser<http::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(s->limits.header_bytes));
        parser.body_limit(s->limits.body_bytes);
        beast::get_lowest_layer(stream).expires_after(n == 0 ? s->limits.read_timeout
                                                             : s->limits.idle_timeout);
        error_code ec;
        co_await http::async_read(stream, buffer, parser,
                                  asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            std::optional<http::response<http::string_body>> res;
            if (ec == http::error::header_limit) {
                res = refusal(http::status::request_header_fields_too_large,
                              "the request's header is larger than " +
                                  std::to_string(s->limits.header_bytes) + " bytes",
                              11);
            } else if (ec == http::error::body_limit) {
                res = refusal(http::status::payload_too_large,
                              "the request's body is larger than " +
                                  std::to_string(s->limits.body_bytes) + " bytes",
                              11);
            } else if (ec.category() == make_error_code(http::error::bad_method).category() &&
                       ec != http::error::end_of_stream && ec != http::error::partial_message) {
                res = refusal(http::status::bad_request, "not an HTTP/1.1 request", 11);
            }
            if (res) {
                beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
                co_await http::async_write(stream, *res,
                                           asio::redirect_error(asio::use_awaitable, ec));
            }
            break;
        }
        c.busy = true;
        auto& req = parser.get();
        http_ask ask;
        ask.method = std::string(req.method_string());
        ask.target = std::string(req.target());
        if (const auto f = req.find("X-Prometheus-Scrape-Timeout-Seconds"); f != req.end()) {
            ask.scrape_timeout = std::string(f->value());
        }
        if (const auto f = req.find(http::field::authorization); f != req.end()) {
            ask.authorization = std::string(f->value());
        }
        ask.peer = peer;
        http_answer answer;
        try {
            answer = co_await s->handler(std::move(ask));
        } catch (const std::exception&) {
            answer = {500, "text/plain; charset=utf-8", "internal error\n", {}};
        }
        http::response<http::string_body> res{static_cast<http::status>(answer.status),
                                              req.version()};
        res.set(http::field::content_type, answer.content_type);
        res.set(http::field::cache_control, "no-store");
        res.set("X-Content-Type-Options", "nosniff");
        for (const auto& [name, value] : answer.headers) {
            res.set(name, value);
        }
        res.keep_alive(req.keep_alive() && !s->stopping);
        if (req.method() != http::verb::head) {
            res.body() = std::move(answer.body);
        }
        res.prepare_payload();
        beast::get_lowest_layer(stream).expires_after(s->limits.write_timeout);
        co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
        c.busy = false;
        if (ec || !res.keep_alive()) {
            break;
        }
    }
}

asio::awaitable<void> serve_connection(std::shared_ptr<http_server::state> s, tcp::socket socket) {
    beast::tcp_stream tcp_stream(std::move(socket));
    connection c{&tcp_stream.socket()};
    const auto me = s->connections.insert(s->connections.end(), &c);
    ++s->open;
    const auto peer = peer_text(tcp_stream.socket());
    error_code ignored;
    if (s->tls == nullptr) {
        co_await answer_requests(s, tcp_stream, c, peer);
        tcp_stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        tcp_stream.socket().close(ignored);
    } else {
        beast::ssl_stream<beast::tcp_stream> tls_stream(std::move(tcp_stream), *s->tls);
        c.socket = &beast::get_lowest_layer(tls_stream).socket();
        beast::get_lowest_layer(tls_stream).expires_after(s->limits.handshake_timeout);
        error_code ec;
        co_await tls_stream.async_handshake(asio::ssl::stream_base::server,
                                            asio::redirect_error(asio::use_awaitable, ec));
        if (!ec) {
            co_await answer_requests(s, tls_stream, c, peer);
            beast::get_lowest_layer(tls_stream).expires_after(std::chrono::seconds(2));
            co_await tls_stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
        }
        beast::get_lowest_layer(tls_stream).socket().close(ignored);
    }
    s->connections.erase(me);
    if (--s->open == 0 && s->stopping) {
        s->all_closed.cancel();
    }
}

}  // namespace

http_server::http_server(asio::io_context& io, const tcp::endpoint& at, http_handler handler,
                         http_limits limits, asio::ssl::context* tls)
    : state_(std::make_shared<state>(io, std::move(handler), limits, tls)) {
    auto& a = state_->acceptor;
    a.open(at.protocol());
    a.set_option(tcp::acceptor::reuse_address(true));
    if (at.address().is_v6()) {
        a.set_option(asio::ip::v6_only(true));
    }
    a.bind(at);
    a.listen(asio::socket_base::max_listen_connections);
}

http_server::~http_server() {
    stop();
}

tcp::endpoint http_server::local_endpoint() const {
    return state_->acceptor.local_endpoint();
}

asio::awaitable<void> http_server::run() {
    auto s = state_;
    while (!s->stopping) {
        error_code ec;
        auto socket =
            co_await s->acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            if (s->stopping || ec == asio::error::operation_aborted) {
                break;
            }
            // EMFILE and friends: wait a little rather than spin.
            asio::steady_timer pause(s->io, std::chrono::milliseconds(50));
            co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        socket.set_option(tcp::no_delay(true), ec);
        if (s->open >= s->limits.connections) {
            asio::co_spawn(s->io, answer_busy(s, std::move(socket)), asio::detached);
            continue;
        }
        asio::co_spawn(s->io, serve_connection(s, std::move(socket)), asio::detached);
    }
    if (s->open > 0) {
        s->all_closed.expires_at(asio::steady_timer::time_point::max());
        error_code ec;
        co_await s->all_closed.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

void http_server::stop() {
    auto& s = *state_;
    if (s.stopping) {
        return;
    }
    s.stopping = true;
    error_code ignored;
    s.acceptor.close(ignored);
    for (auto* c : s.connections) {
        if (!c->busy) {
            c->socket->cancel(ignored);
        }
    }
}

}  // namespace smtp_probe
