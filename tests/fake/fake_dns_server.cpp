#include "tests/fake/fake_dns_server.hpp"

#include <array>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <future>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <utility>

namespace smtp_probe::fake {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;

namespace dns {

namespace {

void put16(bytes& out, unsigned value) {
    out.push_back(static_cast<std::uint8_t>(value >> 8));
    out.push_back(static_cast<std::uint8_t>(value));
}

}  // namespace

bytes encode_name(const std::string& name) {
    bytes out;
    std::istringstream labels(name);
    for (std::string label; std::getline(labels, label, '.');) {
        out.push_back(static_cast<std::uint8_t>(label.size()));
        out.insert(out.end(), label.begin(), label.end());
    }
    out.push_back(0);
    return out;
}

bytes v4(const char* text) {
    const auto a = asio::ip::make_address_v4(text).to_bytes();
    return {a.begin(), a.end()};
}

bytes v6(const char* text) {
    const auto a = asio::ip::make_address_v6(text).to_bytes();
    return {a.begin(), a.end()};
}

record rr(std::uint16_t type, bytes data, bytes owner) {
    record r;
    r.owner = std::move(owner);
    r.type = type;
    r.data = std::move(data);
    return r;
}

namespace {

struct parsed_query {
    std::uint16_t id = 0;
    std::uint16_t flags = 0;
    std::string name;  // lower case, no final dot
    std::uint16_t type = 0;
    std::size_t question_end = 0;
};

std::optional<parsed_query> parse_query(const std::uint8_t* p, std::size_t n) {
    if (n < 12 || p[4] != 0 || p[5] != 1) {
        return std::nullopt;
    }
    parsed_query q;
    q.id = static_cast<std::uint16_t>(p[0] << 8 | p[1]);
    q.flags = static_cast<std::uint16_t>(p[2] << 8 | p[3]);
    std::size_t at = 12;
    while (true) {
        if (at >= n) {
            return std::nullopt;
        }
        const std::size_t len = p[at++];
        if (len == 0) {
            break;
        }
        if (len > 63 || at + len > n) {
            return std::nullopt;
        }
        if (!q.name.empty()) {
            q.name += '.';
        }
        for (std::size_t i = 0; i < len; ++i) {
            const char c = static_cast<char>(p[at + i]);
            q.name += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        }
        at += len;
    }
    if (at + 4 > n) {
        return std::nullopt;
    }
    q.type = static_cast<std::uint16_t>(p[at] << 8 | p[at + 1]);
    q.question_end = at + 4;
    return q;
}

bytes build_reply(const std::uint8_t* query, const parsed_query& q, std::uint8_t rcode,
                  const std::vector<record>& answers) {
    bytes out;
    put16(out, q.id);
    put16(out, 0x8000u | (q.flags & 0x0100u) | 0x0080u | rcode);  // QR, RD copied, RA
    put16(out, 1);
    put16(out, static_cast<unsigned>(answers.size()));
    put16(out, 0);
    put16(out, 0);
    out.insert(out.end(), query + 12, query + q.question_end);
    for (const auto& r : answers) {
        if (r.owner.empty()) {
            put16(out, 0xc00c);
        } else {
            out.insert(out.end(), r.owner.begin(), r.owner.end());
        }
        put16(out, r.type);
        put16(out, 1);  // IN
        put16(out, 0);
        put16(out, 60);  // TTL
        put16(out, static_cast<unsigned>(r.data.size()));
        out.insert(out.end(), r.data.begin(), r.data.end());
    }
    return out;
}

// The scripted answer to one query. nullopt: stay silent.
std::optional<bytes> answer(const zone& z, const std::uint8_t* query, const parsed_query& q) {
    const auto it = z.find(q.name);
    if (it == z.end()) {
        return build_reply(query, q, rcode_nxdomain, {});
    }
    const zone_entry& e = it->second;
    const bool a = q.type == type_a;
    const bool aaaa = q.type == type_aaaa;
    if ((a && e.silent_a) || (aaaa && e.silent_aaaa)) {
        return std::nullopt;
    }
    if (e.malformed) {
        // Header and question intact, the answer's RDATA cut short: RDLENGTH 4, 2 bytes follow.
        auto out = build_reply(query, q, 0, {rr(q.type, v4("192.0.2.99"))});
        out.pop_back();
        out.pop_back();
        return out;
    }
    static const std::vector<record> none;
    return build_reply(query, q, e.rcode, a ? e.a : aaaa ? e.aaaa : none);
}

}  // namespace
}  // namespace dns

// Serves the zone over UDP and, for answers too large for UDP (RFC 1035 section 4.2.1: 512
// bytes; the client then retries over TCP, RFC 7766), over TCP on the same port number.
struct fake_dns_server::impl {
    std::unique_ptr<asio::io_context> own_io;  // set when the server runs its own thread
    asio::io_context& io;
    dns::zone zone;
    udp::socket udp_socket;
    tcp::acceptor acceptor;
    std::vector<std::shared_ptr<tcp::socket>> connections;  // touched in the io thread only
    std::string server_text;

    mutable std::mutex mutex;
    std::map<std::string, int> queries;
    std::atomic<int> tcp_queries{0};
    std::atomic<int> from_elsewhere{0};
    std::thread thread;

    impl(asio::io_context* external, dns::zone z, const std::string& bind_to)
        : own_io(external != nullptr ? nullptr : std::make_unique<asio::io_context>(1)),
          io(external != nullptr ? *external : *own_io),
          zone(std::move(z)),
          udp_socket(io),
          acceptor(io) {
        const auto address = asio::ip::make_address(bind_to);
        // UDP on port 0 first, then TCP on the same number; retried when that TCP port is taken.
        for (int attempt = 0;; ++attempt) {
            udp_socket = udp::socket(io, udp::endpoint(address, 0));
            boost::system::error_code ec;
            acceptor.open(address.is_v6() ? tcp::v6() : tcp::v4());
            acceptor.bind(tcp::endpoint(address, udp_socket.local_endpoint().port()), ec);
            if (!ec) {
                acceptor.listen();
                break;
            }
            acceptor.close();
            if (attempt == 20) {
                throw boost::system::system_error(ec);
            }
        }
        const auto port = std::to_string(udp_socket.local_endpoint().port());
        server_text = address.is_v6() ? "[" + address.to_string() + "]:" + port
                                      : address.to_string() + ":" + port;
        asio::co_spawn(io, serve_udp(), asio::detached);
        asio::co_spawn(io, accept_tcp(), asio::detached);
        if (own_io) {
            thread = std::thread([this] { own_io->run(); });
        }
    }

    ~impl() {
        if (own_io) {
            own_io->stop();
            if (thread.joinable()) {
                thread.join();
            }
        }
    }

    void stop() {
        boost::system::error_code ignored;
        udp_socket.close(ignored);
        acceptor.close(ignored);
        for (const auto& c : connections) {
            c->close(ignored);
        }
    }

    std::optional<dns::bytes> handle(const std::uint8_t* query, std::size_t n) {
        const auto q = dns::parse_query(query, n);
        if (!q) {
            return std::nullopt;
        }
        {
            const std::lock_guard lock(mutex);
            ++queries[q->name];
        }
        return dns::answer(zone, query, *q);
    }

    asio::awaitable<void> serve_udp() {
        std::array<std::uint8_t, 1500> buffer{};
        udp::endpoint from;
        while (true) {
            auto [ec, n] = co_await udp_socket.async_receive_from(
                asio::buffer(buffer), from, asio::as_tuple(asio::use_awaitable));
            if (ec == asio::error::operation_aborted || !udp_socket.is_open()) {
                co_return;
            }
            if (ec) {
                continue;
            }
            if (!from.address().is_loopback()) {
                ++from_elsewhere;
                continue;
            }
            auto reply = handle(buffer.data(), n);
            if (!reply) {
                continue;
            }
            if (reply->size() > 512) {  // header and question only, TC set, no records
                const auto q = dns::parse_query(buffer.data(), n);
                *reply = dns::build_reply(buffer.data(), *q, 0, {});
                (*reply)[2] |= 0x02;
            }
            boost::system::error_code send_ec;
            udp_socket.send_to(asio::buffer(*reply), from, 0, send_ec);
        }
    }

    asio::awaitable<void> accept_tcp() {
        while (true) {
            auto [ec, peer] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
            if (ec) {
                co_return;
            }
            auto connection = std::make_shared<tcp::socket>(std::move(peer));
            connections.push_back(connection);
            asio::co_spawn(acceptor.get_executor(), serve_tcp(connection), asio::detached);
        }
    }

    asio::awaitable<void> serve_tcp(std::shared_ptr<tcp::socket> s) {
        const auto token = asio::as_tuple(asio::use_awaitable);
        while (true) {
            std::array<std::uint8_t, 2> length{};
            auto [ec1, n1] = co_await asio::async_read(*s, asio::buffer(length), token);
            if (ec1) {
                co_return;
            }
            dns::bytes query(static_cast<std::size_t>(length[0] << 8 | length[1]));
            auto [ec2, n2] = co_await asio::async_read(*s, asio::buffer(query), token);
            if (ec2) {
                co_return;
            }
            ++tcp_queries;
            auto reply = handle(query.data(), query.size());
            if (!reply) {
                continue;
            }
            dns::bytes framed;
            dns::put16(framed, static_cast<unsigned>(reply->size()));
            framed.insert(framed.end(), reply->begin(), reply->end());
            auto [ec3, n3] = co_await asio::async_write(*s, asio::buffer(framed), token);
            if (ec3) {
                co_return;
            }
        }
    }
};

fake_dns_server::fake_dns_server(asio::io_context& io, dns::zone zone, const std::string& bind_to)
    : impl_(std::make_unique<impl>(&io, std::move(zone), bind_to)) {}

fake_dns_server::fake_dns_server(dns::zone zone, const std::string& bind_to)
    : impl_(std::make_unique<impl>(nullptr, std::move(zone), bind_to)) {}

fake_dns_server::~fake_dns_server() = default;

std::string fake_dns_server::server() const {
    return impl_->server_text;
}

int fake_dns_server::queries_for(const std::string& name) const {
    const std::lock_guard lock(impl_->mutex);
    const auto it = impl_->queries.find(name);
    return it == impl_->queries.end() ? 0 : it->second;
}

int fake_dns_server::tcp_queries() const {
    return impl_->tcp_queries;
}

int fake_dns_server::from_elsewhere() const {
    return impl_->from_elsewhere;
}

void fake_dns_server::stop() {
    if (impl_->own_io && !impl_->own_io->stopped()) {
        // Close the sockets in the server's own thread, and wait for it.
        std::promise<void> done;
        asio::post(*impl_->own_io, [&] {
            impl_->stop();
            done.set_value();
        });
        done.get_future().wait();
        return;
    }
    impl_->stop();
}

}  // namespace smtp_probe::fake
