// The exporter's HTTP/1.1 listener over Boost.Beast: every request bounded in size and time,
// a bounded number of connections, and a stop that lets the requests being answered finish.
// The only unit that includes Beast; the exporter sees plain http_ask / http_answer values.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace boost::asio::ssl {
class context;
}

namespace smtp_probe {

/// One request as the exporter reads it. Everything in it is untrusted.
struct http_ask {
    std::string method;  ///< "GET", "POST"
    std::string target;  ///< the request target as sent: "/probe?target=cpanel-1"
    std::optional<std::string> scrape_timeout;  ///< X-Prometheus-Scrape-Timeout-Seconds
    std::optional<std::string> authorization;
    std::string peer;  ///< the client's address:port
};

struct http_answer {
    unsigned status = 200;
    std::string content_type = "text/plain; charset=utf-8";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
};

using http_handler = std::function<boost::asio::awaitable<http_answer>(http_ask)>;

struct http_limits {
    std::size_t connections = 256;  ///< open at once; the next ones get a 503 and are closed
    std::size_t header_bytes = 8 * 1024;
    std::size_t body_bytes = 16 * 1024;
    std::chrono::milliseconds read_timeout{10'000};       ///< to read one whole request
    std::chrono::milliseconds idle_timeout{60'000};       ///< between requests of one connection
    std::chrono::milliseconds write_timeout{30'000};      ///< to write one answer
    std::chrono::milliseconds handshake_timeout{10'000};  ///< HTTPS: the TLS handshake
    std::size_t requests_per_connection = 10'000;
};

class http_server {
public:
    /// Binds and listens on `at`; throws boost::system::system_error when it cannot. With
    /// `tls` (a server context, which must outlive the server) it speaks HTTPS only.
    http_server(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& at,
                http_handler handler, http_limits limits = {},
                boost::asio::ssl::context* tls = nullptr);
    http_server(const http_server&) = delete;
    http_server& operator=(const http_server&) = delete;
    ~http_server();

    [[nodiscard]] boost::asio::ip::tcp::endpoint local_endpoint() const;

    /// Accepts and answers until stop(); returns once every connection has ended.
    [[nodiscard]] boost::asio::awaitable<void> run();

    /// Stops accepting, closes idle connections; a request being answered is answered, then
    /// its connection closes.
    void stop();

    struct state;

private:
    std::shared_ptr<state> state_;
};

}  // namespace smtp_probe
