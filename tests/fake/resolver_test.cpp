// resolve_host() against an in-process fake DNS server on 127.0.0.1 (same io_context). No query
// ever leaves the loopback interface: every DNS lookup names the fake with dns_server, and the
// hosts-file cases use "localhost", which c-ares 1.18 never sends to a name server.
#include <ares.h>
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "net/dns_error.hpp"
#include "net/resolver.hpp"

namespace {

namespace asio = boost::asio;
using asio::ip::udp;
using smtp_probe::address_family;
using smtp_probe::make_dns_error;
using smtp_probe::resolve_host;
using smtp_probe::resolve_options;
using smtp_probe::resolve_outcome;
using namespace std::chrono_literals;

constexpr std::uint16_t type_a = 1;
constexpr std::uint16_t type_cname = 5;
constexpr std::uint16_t type_aaaa = 28;
constexpr std::uint8_t rcode_servfail = 2;
constexpr std::uint8_t rcode_nxdomain = 3;
constexpr std::uint8_t rcode_refused = 5;

using bytes = std::vector<std::uint8_t>;

void put16(bytes& out, unsigned value) {
    out.push_back(static_cast<std::uint8_t>(value >> 8));
    out.push_back(static_cast<std::uint8_t>(value));
}

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

struct record {
    bytes owner;  // empty: a pointer to the question name
    std::uint16_t type;
    bytes data;
};

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
    for (const auto& rr : answers) {
        if (rr.owner.empty()) {
            put16(out, 0xc00c);
        } else {
            out.insert(out.end(), rr.owner.begin(), rr.owner.end());
        }
        put16(out, rr.type);
        put16(out, 1);  // IN
        put16(out, 0);
        put16(out, 60);  // TTL
        put16(out, static_cast<unsigned>(rr.data.size()));
        out.insert(out.end(), rr.data.begin(), rr.data.end());
    }
    return out;
}

record rr(std::uint16_t type, bytes data, bytes owner = {}) {
    record r;
    r.owner = std::move(owner);
    r.type = type;
    r.data = std::move(data);
    return r;
}

// What the fake knows about one name. Names it does not know get NXDOMAIN.
struct zone_entry {
    std::uint8_t rcode = 0;
    std::vector<record> a;
    std::vector<record> aaaa;
    bool silent_a = false;
    bool silent_aaaa = false;
    bool malformed = false;
};

std::map<std::string, zone_entry> make_zone() {
    std::map<std::string, zone_entry> zone;
    zone["a.test"].a.push_back(rr(type_a, v4("192.0.2.1")));
    zone["a.test"].a.push_back(rr(type_a, v4("192.0.2.2")));
    zone["v6.test"].aaaa.push_back(rr(type_aaaa, v6("2001:db8::1")));
    zone["both.test"].a.push_back(rr(type_a, v4("192.0.2.10")));
    zone["both.test"].aaaa.push_back(rr(type_aaaa, v6("2001:db8::10")));
    auto& alias = zone["alias.test"];
    alias.a.push_back(rr(type_cname, encode_name("real.test")));
    alias.a.push_back(rr(type_a, v4("192.0.2.20"), encode_name("real.test")));
    alias.aaaa.push_back(rr(type_cname, encode_name("real.test")));
    zone["half.test"].a.push_back(rr(type_a, v4("192.0.2.30")));  // AAAA never answers
    zone["half.test"].silent_aaaa = true;
    for (int i = 0; i < 100; ++i) {
        zone["many.test"].a.push_back(
            rr(type_a, bytes{10, 0, static_cast<std::uint8_t>(i / 250), std::uint8_t(i)}));
    }
    zone["dup.test"].a.push_back(rr(type_a, v4("192.0.2.5")));
    zone["dup.test"].a.push_back(rr(type_a, v4("192.0.2.5")));
    zone["servfail.test"].rcode = rcode_servfail;
    zone["refused.test"].rcode = rcode_refused;
    zone["malformed.test"].malformed = true;
    zone["silent.test"].silent_a = true;
    zone["silent.test"].silent_aaaa = true;
    return zone;
}

// The scripted answer to one query. nullopt: stay silent.
std::optional<bytes> answer(const std::uint8_t* query, const parsed_query& q) {
    static const auto zone = make_zone();
    const auto it = zone.find(q.name);
    if (it == zone.end()) {
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

// Serves the zone over UDP and, for answers too large for UDP (RFC 1035 section 4.2.1: 512
// bytes; the client then retries over TCP, RFC 7766), over TCP on the same port number.
class fake_dns {
  public:
    explicit fake_dns(asio::io_context& ioc, const char* bind_to = "127.0.0.1")
        : udp_(ioc), acceptor_(ioc) {
        const auto address = asio::ip::make_address(bind_to);
        for (int attempt = 0;; ++attempt) {
            udp_ = udp::socket(ioc, udp::endpoint(address, 0));
            boost::system::error_code ec;
            acceptor_.open(address.is_v6() ? tcp::v6() : tcp::v4());
            acceptor_.bind(tcp::endpoint(address, udp_.local_endpoint().port()), ec);
            if (!ec) {
                acceptor_.listen();
                break;
            }
            acceptor_.close();
            if (attempt == 20) {
                throw boost::system::system_error(ec);
            }
        }
        asio::co_spawn(ioc, serve_udp(), asio::detached);
        asio::co_spawn(ioc, accept_tcp(), asio::detached);
    }

    [[nodiscard]] std::string server() const {
        const auto local = udp_.local_endpoint();
        const auto port = std::to_string(local.port());
        return local.address().is_v6() ? "[" + local.address().to_string() + "]:" + port
                                       : local.address().to_string() + ":" + port;
    }

    [[nodiscard]] int queries_for(const std::string& name) const {
        const auto it = queries_.find(name);
        return it == queries_.end() ? 0 : it->second;
    }

    [[nodiscard]] int tcp_queries() const { return tcp_queries_; }
    [[nodiscard]] int from_elsewhere() const { return from_elsewhere_; }

    void stop() {
        boost::system::error_code ignored;
        udp_.close(ignored);
        acceptor_.close(ignored);
        for (const auto& c : connections_) {
            c->close(ignored);
        }
    }

  private:
    using tcp = asio::ip::tcp;

    std::optional<bytes> handle(const std::uint8_t* query, std::size_t n) {
        const auto q = parse_query(query, n);
        if (!q) {
            return std::nullopt;
        }
        ++queries_[q->name];
        return answer(query, *q);
    }

    asio::awaitable<void> serve_udp() {
        std::array<std::uint8_t, 1500> buffer{};
        udp::endpoint from;
        while (true) {
            auto [ec, n] = co_await udp_.async_receive_from(asio::buffer(buffer), from,
                                                            asio::as_tuple(asio::use_awaitable));
            if (ec == asio::error::operation_aborted || !udp_.is_open()) {
                co_return;
            }
            if (ec) {
                continue;
            }
            if (!from.address().is_loopback()) {
                ++from_elsewhere_;
                continue;
            }
            auto reply = handle(buffer.data(), n);
            if (!reply) {
                continue;
            }
            if (reply->size() > 512) {  // header and question only, TC set, no records
                const auto q = parse_query(buffer.data(), n);
                *reply = build_reply(buffer.data(), *q, 0, {});
                (*reply)[2] |= 0x02;
            }
            boost::system::error_code send_ec;
            udp_.send_to(asio::buffer(*reply), from, 0, send_ec);
        }
    }

    asio::awaitable<void> accept_tcp() {
        while (true) {
            auto [ec, peer] = co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
            if (ec) {
                co_return;
            }
            auto connection = std::make_shared<tcp::socket>(std::move(peer));
            connections_.push_back(connection);
            asio::co_spawn(acceptor_.get_executor(), serve_tcp(connection), asio::detached);
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
            bytes query(static_cast<std::size_t>(length[0] << 8 | length[1]));
            auto [ec2, n2] = co_await asio::async_read(*s, asio::buffer(query), token);
            if (ec2) {
                co_return;
            }
            ++tcp_queries_;
            auto reply = handle(query.data(), query.size());
            if (!reply) {
                continue;
            }
            bytes framed;
            put16(framed, static_cast<unsigned>(reply->size()));
            framed.insert(framed.end(), reply->begin(), reply->end());
            auto [ec3, n3] = co_await asio::async_write(*s, asio::buffer(framed), token);
            if (ec3) {
                co_return;
            }
        }
    }

    udp::socket udp_;
    tcp::acceptor acceptor_;
    std::vector<std::shared_ptr<tcp::socket>> connections_;
    std::map<std::string, int> queries_;
    int tcp_queries_ = 0;
    int from_elsewhere_ = 0;
};

struct timed_outcome {
    resolve_outcome outcome;
    std::chrono::milliseconds elapsed{};
};

// Runs one resolve on ioc (the fake, if any, shares it) and stops the fake afterwards.
timed_outcome run_resolve(asio::io_context& ioc, fake_dns* fake, std::string host,
                          resolve_options options) {
    std::optional<resolve_outcome> result;
    const auto start = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point end;
    asio::co_spawn(ioc, resolve_host(ioc.get_executor(), std::move(host), std::move(options)),
                   [&](std::exception_ptr e, resolve_outcome r) {
                       end = std::chrono::steady_clock::now();
                       if (fake != nullptr) {
                           fake->stop();
                       }
                       if (e) {
                           std::rethrow_exception(e);
                       }
                       result = std::move(r);
                   });
    ioc.run_for(30s);
    REQUIRE(result.has_value());
    return {std::move(*result), std::chrono::duration_cast<std::chrono::milliseconds>(end - start)};
}

struct via_fake {
    asio::io_context ioc;
    fake_dns fake{ioc};

    timed_outcome resolve(std::string host, address_family family = address_family::any,
                          std::chrono::milliseconds timeout = 5s) {
        resolve_options options;
        options.family = family;
        options.timeout = timeout;
        options.dns_server = fake.server();
        return run_resolve(ioc, &fake, std::move(host), std::move(options));
    }
};

std::vector<std::string> sorted_text(const std::vector<asio::ip::address>& addresses) {
    std::vector<std::string> out;
    for (const auto& a : addresses) {
        out.push_back(a.to_string());
    }
    std::ranges::sort(out);
    return out;
}

using strings = std::vector<std::string>;

}  // namespace

TEST_CASE("IP literals resolve to themselves without DNS") {
    struct row {
        const char* host;
        address_family family;
        const char* expected;  // nullptr: ARES_ENODATA
    };
    const row rows[] = {
        {"192.0.2.1", address_family::any, "192.0.2.1"},
        {"192.0.2.1", address_family::ipv4, "192.0.2.1"},
        {"[192.0.2.1]", address_family::any, "192.0.2.1"},
        {"2001:db8::1", address_family::any, "2001:db8::1"},
        {"[2001:db8::1]", address_family::ipv6, "2001:db8::1"},
        {"192.0.2.1", address_family::ipv6, nullptr},
        {"[2001:db8::1]", address_family::ipv4, nullptr},
    };
    for (const auto& r : rows) {
        CAPTURE(r.host);
        asio::io_context ioc;
        resolve_options options;
        options.family = r.family;
        options.dns_server = "127.0.0.1:9";  // would be asked if the literal were not recognised
        const auto got = run_resolve(ioc, nullptr, r.host, options).outcome;
        if (r.expected == nullptr) {
            CHECK(got.error == make_dns_error(ARES_ENODATA));
            CHECK(got.addresses.empty());
        } else {
            CHECK_FALSE(got.error);
            CHECK(sorted_text(got.addresses) == strings{r.expected});
            CHECK(got.canonical_name == r.expected);
            CHECK_FALSE(got.from_hosts_file);
        }
    }
}

TEST_CASE("A records") {
    via_fake t;
    const auto got = t.resolve("a.test").outcome;
    CHECK_FALSE(got.error);
    CHECK(sorted_text(got.addresses) == strings{"192.0.2.1", "192.0.2.2"});
    CHECK(got.canonical_name == "a.test");
    CHECK_FALSE(got.from_hosts_file);
    CHECK(t.fake.queries_for("a.test") >= 1);
    CHECK(t.fake.from_elsewhere() == 0);
}

TEST_CASE("AAAA records") {
    via_fake t;
    const auto got = t.resolve("v6.test").outcome;
    CHECK_FALSE(got.error);
    CHECK(sorted_text(got.addresses) == strings{"2001:db8::1"});
}

TEST_CASE("the family option filters a name with both A and AAAA") {
    {
        via_fake t;
        CHECK(sorted_text(t.resolve("both.test").outcome.addresses) ==
              strings{"192.0.2.10", "2001:db8::10"});
    }
    {
        via_fake t;
        const auto got = t.resolve("both.test", address_family::ipv4).outcome;
        CHECK_FALSE(got.error);
        CHECK(sorted_text(got.addresses) == strings{"192.0.2.10"});
    }
    {
        via_fake t;
        const auto got = t.resolve("both.test", address_family::ipv6).outcome;
        CHECK_FALSE(got.error);
        CHECK(sorted_text(got.addresses) == strings{"2001:db8::10"});
    }
}

TEST_CASE("a name without an address of the family asked for") {
    via_fake t;
    const auto got = t.resolve("v6.test", address_family::ipv4).outcome;
    CHECK(got.error == make_dns_error(ARES_ENODATA));
    CHECK(got.addresses.empty());
}

TEST_CASE("a CNAME chain gives the canonical name") {
    via_fake t;
    const auto got = t.resolve("alias.test").outcome;
    CHECK_FALSE(got.error);
    CHECK(sorted_text(got.addresses) == strings{"192.0.2.20"});
    CHECK(got.canonical_name == "real.test");
}

TEST_CASE("addresses are bounded and deduplicated") {
    {
        via_fake t;
        const auto got = t.resolve("many.test", address_family::ipv4).outcome;
        CHECK_FALSE(got.error);
        CHECK(got.addresses.size() == smtp_probe::max_resolved_addresses);
        CHECK(t.fake.tcp_queries() >= 1);  // the answer needed TCP
    }
    {
        via_fake t;
        const auto got = t.resolve("dup.test", address_family::ipv4).outcome;
        CHECK(sorted_text(got.addresses) == strings{"192.0.2.5"});
    }
}

TEST_CASE("server errors map to c-ares codes") {
    struct row {
        const char* host;
        int status;
    };
    const row rows[] = {
        {"nx.test", ARES_ENOTFOUND},
        {"servfail.test", ARES_ESERVFAIL},
        {"refused.test", ARES_EREFUSED},
        {"malformed.test", ARES_EBADRESP},
    };
    for (const auto& r : rows) {
        for (const auto family : {address_family::any, address_family::ipv4}) {
            CAPTURE(r.host);
            CAPTURE(static_cast<int>(family));
            via_fake t;
            const auto got = t.resolve(r.host, family);
            CHECK(got.outcome.error == make_dns_error(r.status));
            CHECK(got.outcome.addresses.empty());
            CHECK(t.fake.queries_for(r.host) >= 1);
            CHECK(got.elapsed < 3s);  // an answer, not a timeout
        }
    }
}

TEST_CASE("a silent server times out within the timeout") {
    for (const auto timeout : {300ms, 900ms}) {
        CAPTURE(timeout.count());
        via_fake t;
        const auto got = t.resolve("silent.test", address_family::any, timeout);
        CHECK(got.outcome.error == make_dns_error(ARES_ETIMEOUT));
        CHECK(got.outcome.addresses.empty());
        CHECK(got.elapsed < timeout + 1s);
        CHECK(got.elapsed >= timeout / 2);
        CHECK(t.fake.queries_for("silent.test") >= 2);  // c-ares retried inside the timeout
    }
}

TEST_CASE("an answered family survives the other family's silence") {
    via_fake t;
    const auto got = t.resolve("half.test", address_family::any, 600ms);
    CHECK_FALSE(got.outcome.error);
    CHECK(sorted_text(got.outcome.addresses) == strings{"192.0.2.30"});
    CHECK(got.elapsed < 1600ms);
}

std::size_t open_descriptors() {
    return static_cast<std::size_t>(
        std::distance(std::filesystem::directory_iterator("/proc/self/fd"),
                      std::filesystem::directory_iterator{}));
}

TEST_CASE("twenty concurrent lookups on one io_context, no descriptor left open") {
    struct job {
        const char* host;
        address_family family;
        int status;
        strings expected;
        std::chrono::milliseconds timeout = 5s;
    };
    const job kinds[] = {
        {"a.test", address_family::any, ARES_SUCCESS, {"192.0.2.1", "192.0.2.2"}},
        {"v6.test", address_family::ipv6, ARES_SUCCESS, {"2001:db8::1"}},
        {"both.test", address_family::ipv4, ARES_SUCCESS, {"192.0.2.10"}},
        {"nx.test", address_family::any, ARES_ENOTFOUND, {}},
        {"servfail.test", address_family::ipv4, ARES_ESERVFAIL, {}},
        {"alias.test", address_family::any, ARES_SUCCESS, {"192.0.2.20"}},
        {"silent.test", address_family::any, ARES_ETIMEOUT, {}, 400ms},
        {"malformed.test", address_family::ipv4, ARES_EBADRESP, {}},
        {"many.test", address_family::ipv4, ARES_SUCCESS, {}},  // over TCP; size checked below
        {"dup.test", address_family::ipv4, ARES_SUCCESS, {"192.0.2.5"}},
    };
    constexpr int count = 20;
    const auto descriptors_before = open_descriptors();
    std::vector<std::optional<resolve_outcome>> results(count);
    int pending = count;
    {
        asio::io_context ioc;
        fake_dns fake(ioc);
        for (int i = 0; i < count; ++i) {
            const auto& k = kinds[i % std::size(kinds)];
            resolve_options options;
            options.family = k.family;
            options.timeout = k.timeout;
            options.dns_server = fake.server();
            asio::co_spawn(ioc, resolve_host(ioc.get_executor(), k.host, options),
                           [&, i](std::exception_ptr e, resolve_outcome r) {
                               if (e) {
                                   std::rethrow_exception(e);
                               }
                               results[i] = std::move(r);
                               if (--pending == 0) {
                                   fake.stop();
                               }
                           });
        }
        ioc.run_for(30s);
        CHECK(fake.tcp_queries() >= 2);
    }
    CHECK(pending == 0);
    CHECK(open_descriptors() == descriptors_before);
    for (int i = 0; i < count; ++i) {
        const auto& k = kinds[i % std::size(kinds)];
        CAPTURE(i);
        CAPTURE(k.host);
        REQUIRE(results[i].has_value());
        CHECK(results[i]->error ==
              (k.status == ARES_SUCCESS ? boost::system::error_code{} : make_dns_error(k.status)));
        if (std::string_view(k.host) == "many.test") {
            CHECK(results[i]->addresses.size() == smtp_probe::max_resolved_addresses);
        } else {
            CHECK(sorted_text(results[i]->addresses) == k.expected);
        }
    }
}

TEST_CASE("cancelling the awaiting coroutine ends the lookup") {
    asio::io_context ioc;
    fake_dns fake(ioc);
    resolve_options options;
    options.timeout = 10s;
    options.dns_server = fake.server();
    asio::cancellation_signal cancel;
    std::optional<resolve_outcome> result;
    const auto start = std::chrono::steady_clock::now();
    asio::co_spawn(
        ioc, resolve_host(ioc.get_executor(), "silent.test", options),
        asio::bind_cancellation_slot(cancel.slot(), [&](std::exception_ptr e, resolve_outcome r) {
            fake.stop();
            if (e) {
                std::rethrow_exception(e);
            }
            result = std::move(r);
        }));
    asio::steady_timer timer(ioc, 200ms);
    timer.async_wait(
        [&](boost::system::error_code) { cancel.emit(asio::cancellation_type::terminal); });
    ioc.run_for(30s);
    REQUIRE(result.has_value());
    CHECK(result->error == make_dns_error(ARES_ECANCELLED));
    CHECK(std::chrono::steady_clock::now() - start < 5s);
}

TEST_CASE("a name server on ::1") {
    asio::io_context ioc;
    std::optional<fake_dns> fake;
    try {
        fake.emplace(ioc, "::1");
    } catch (const boost::system::system_error& e) {
        MESSAGE("no IPv6 loopback here, skipped: " << e.what());
        return;
    }
    resolve_options options;
    options.dns_server = fake->server();
    CHECK(options.dns_server->front() == '[');
    const auto got = run_resolve(ioc, &*fake, "a.test", options).outcome;
    CHECK_FALSE(got.error);
    CHECK(sorted_text(got.addresses) == strings{"192.0.2.1", "192.0.2.2"});
}

TEST_CASE("an unusable dns_server or name fails before any query") {
    asio::io_context ioc;
    resolve_options options;
    options.dns_server = "dns.example.com";
    CHECK(run_resolve(ioc, nullptr, "a.test", options).outcome.error ==
          make_dns_error(ARES_EBADSTR));
    options.dns_server = "127.0.0.1:9";
    for (const std::string& name : {std::string(), std::string(300, 'a'), std::string("a b.test"),
                                    std::string("[a.test]"), std::string("a\0b", 3)}) {
        asio::io_context again;
        CHECK(run_resolve(again, nullptr, name, options).outcome.error ==
              make_dns_error(ARES_EBADNAME));
    }
}

TEST_CASE("a closed port on the name server") {
    asio::io_context ioc;
    std::uint16_t port = 0;
    {
        udp::socket probe(ioc, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
        port = probe.local_endpoint().port();
    }
    resolve_options options;
    options.timeout = 1s;
    options.dns_server = "127.0.0.1:" + std::to_string(port);
    const auto got = run_resolve(ioc, nullptr, "a.test", options);
    // ICMP port unreachable gives ECONNREFUSED; a stack that drops it silently gives ETIMEOUT.
    CHECK((got.outcome.error == make_dns_error(ARES_ECONNREFUSED) ||
           got.outcome.error == make_dns_error(ARES_ETIMEOUT)));
    CHECK(got.elapsed < 2s);
}

TEST_CASE("localhost comes from the hosts file, never from DNS") {
    {
        // No dns_server: c-ares reads the hosts file (or synthesises localhost, RFC 6761).
        asio::io_context ioc;
        resolve_options options;
        options.family = address_family::ipv4;
        const auto got = run_resolve(ioc, nullptr, "localhost", options).outcome;
        CHECK_FALSE(got.error);
        CHECK(
            std::ranges::find(got.addresses, asio::ip::address(asio::ip::address_v4::loopback())) !=
            got.addresses.end());
        CHECK(got.from_hosts_file);
    }
    {
        // With a dns_server, localhost still does not go to the server.
        via_fake t;
        const auto got = t.resolve("localhost", address_family::ipv4).outcome;
        CHECK_FALSE(got.error);
        CHECK(got.from_hosts_file);
        CHECK(t.fake.queries_for("localhost") == 0);
    }
}

TEST_CASE("with a dns_server the hosts file is skipped") {
    // Any name of /etc/hosts other than localhost: the fake does not know it.
    std::ifstream hosts("/etc/hosts");
    std::string line;
    std::string name;
    while (name.empty() && std::getline(hosts, line)) {
        std::istringstream fields(line.substr(0, line.find('#')));
        std::string address;
        fields >> address;
        for (std::string n; fields >> n;) {
            if (n.find("localhost") == std::string::npos) {
                std::ranges::transform(n, n.begin(), [](unsigned char c) {
                    return static_cast<char>(std::tolower(c));
                });
                name = n;
                break;
            }
        }
    }
    if (name.empty()) {
        MESSAGE("/etc/hosts names nothing but localhost, skipped");
        return;
    }
    CAPTURE(name);
    via_fake t;
    const auto got = t.resolve(name).outcome;
    CHECK(got.error == make_dns_error(ARES_ENOTFOUND));
    CHECK_FALSE(got.from_hosts_file);
    CHECK(t.fake.queries_for(name) >= 1);
}
