// resolve_host() against an in-process fake DNS server on 127.0.0.1 (same io_context;
// tests/fake/fake_dns_server.hpp). No query ever leaves the loopback interface: every DNS lookup
// names the fake with dns_server, and the hosts-file cases use "localhost", which c-ares 1.18 never
// sends to a name server.
#include <ares.h>
#include <doctest/doctest.h>

#include <algorithm>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "net/dns_error.hpp"
#include "net/transport/resolver.hpp"
#include "tests/fake/fake_dns_server.hpp"

namespace {

namespace asio = boost::asio;
using asio::ip::udp;
using smtp_probe::address_family;
using smtp_probe::make_dns_error;
using smtp_probe::resolve_host;
using smtp_probe::resolve_options;
using smtp_probe::resolve_outcome;
using namespace smtp_probe::fake::dns;
using zone_map = smtp_probe::fake::dns::zone;
using namespace std::chrono_literals;

zone_map make_zone() {
    zone_map zone;
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

// The shared fake DNS server (tests/fake/fake_dns_server.hpp) serving make_zone() on the test's
// io_context.
class fake_dns : public smtp_probe::fake::fake_dns_server {
public:
    explicit fake_dns(asio::io_context& ioc, const char* bind_to = "127.0.0.1")
        : fake_dns_server(ioc, make_zone(), bind_to) {}
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
                   [&](const std::exception_ptr& e, resolve_outcome r) {
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
    out.reserve(addresses.size());
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

TEST_CASE("every address is kept, deduplicated") {
    {
        // Before: only the first 64 were kept, and the later ones were never tried.
        via_fake t;
        const auto got = t.resolve("many.test", address_family::ipv4).outcome;
        CHECK_FALSE(got.error);
        CHECK(got.addresses.size() == 100);
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
                           [&, i](const std::exception_ptr& e, resolve_outcome r) {
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
            CHECK(results[i]->addresses.size() == 100);
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
    asio::co_spawn(ioc, resolve_host(ioc.get_executor(), "silent.test", options),
                   asio::bind_cancellation_slot(
                       cancel.slot(), [&](const std::exception_ptr& e, resolve_outcome r) {
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
