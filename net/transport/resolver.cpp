#include "net/transport/resolver.hpp"

#include <ares.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <string_view>

#include "net/dns_error.hpp"
#include "net/ip_literal.hpp"

namespace smtp_probe {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;
using strand_type = asio::strand<asio::any_io_executor>;

// c-ares 1.18 tries every server `tries` times and doubles the per-try timeout each round
// (ares__send_query), so n servers take n * timeout * (2^tries - 1) before it gives up.
constexpr int ares_tries = 2;
constexpr int ares_timeout_units = (1 << ares_tries) - 1;
constexpr std::chrono::milliseconds min_try_timeout{50};

// How often in a row a descriptor found ready at once is dispatched without a real wait.
constexpr int max_immediate_dispatches = 16;

// RFC 1035 section 2.3.4: 255 octets on the wire, i.e. 253 characters and an optional final dot.
constexpr std::size_t max_name_length = 254;

int library_status() {
    static std::once_flag once;
    static int status = ARES_SUCCESS;
    std::call_once(once, [] { status = ares_library_init(ARES_LIB_INIT_ALL); });
    return status;
}

resolve_outcome failure(int ares_status) {
    resolve_outcome out;
    out.error = make_dns_error(ares_status);
    return out;
}

int ares_family(address_family family) {
    switch (family) {
        case address_family::ipv4:
            return AF_INET;
        case address_family::ipv6:
            return AF_INET6;
        case address_family::any:
            break;
    }
    return AF_UNSPEC;
}

bool family_accepts(address_family family, const asio::ip::address& address) {
    switch (family) {
        case address_family::ipv4:
            return address.is_v4();
        case address_family::ipv6:
            return address.is_v6();
        case address_family::any:
            break;
    }
    return true;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return std::ranges::equal(a, b, [](char x, char y) {
        const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; };
        return lower(x) == lower(y);
    });
}

bool is_localhost(std::string_view host) {
    if (!host.empty() && host.back() == '.') {
        host.remove_suffix(1);
    }
    return equals_ignoring_case(host, "localhost");
}

// Not a literal, so it must look like a DNS name before it goes to c-ares.
bool is_plausible_name(std::string_view host) {
    if (host.empty() || host.size() > max_name_length || host.front() == '[') {
        return false;
    }
    return std::ranges::none_of(host, [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte <= 0x20 || byte == 0x7f;
    });
}

// The name servers /etc/resolv.conf (or c-ares's fallback) gives, to size the per-try timeout.
int count_system_servers() {
    ares_channel probe = nullptr;
    if (ares_init(&probe) != ARES_SUCCESS) {
        return 1;
    }
    int count = 0;
    ares_addr_port_node* servers = nullptr;
    if (ares_get_servers_ports(probe, &servers) == ARES_SUCCESS) {
        for (const auto* s = servers; s != nullptr; s = s->next) {
            ++count;
        }
    }
    ares_free_data(servers);
    ares_destroy(probe);
    return std::max(count, 1);
}

std::optional<asio::ip::address> to_address(const ares_addrinfo_node& node) {
    if (node.ai_addr == nullptr) {
        return std::nullopt;
    }
    if (node.ai_family == AF_INET && node.ai_addrlen >= sizeof(sockaddr_in)) {
        sockaddr_in sin{};
        std::memcpy(&sin, node.ai_addr, sizeof sin);
        return asio::ip::address_v4(ntohl(sin.sin_addr.s_addr));
    }
    if (node.ai_family == AF_INET6 && node.ai_addrlen >= sizeof(sockaddr_in6)) {
        sockaddr_in6 sin6{};
        std::memcpy(&sin6, node.ai_addr, sizeof sin6);
        asio::ip::address_v6::bytes_type bytes{};
        std::memcpy(bytes.data(), &sin6.sin6_addr, bytes.size());
        return asio::ip::address_v6(bytes, sin6.sin6_scope_id);
    }
    return std::nullopt;
}

// The end of the CNAME chain (c-ares appends aliases in answer order), else the name itself.
std::string canonical_name_of(const ares_addrinfo& info, const std::string& asked) {
    const char* name = nullptr;
    for (const auto* c = info.cnames; c != nullptr; c = c->next) {
        if (c->name != nullptr) {
            name = c->name;
        }
    }
    if (name == nullptr) {
        name = info.name;
    }
    std::string out = name != nullptr ? std::string(name) : asked;
    if (out.size() > 1 && out.back() == '.') {
        out.pop_back();
    }
    if (out.size() > max_name_length) {
        out.resize(max_name_length);
    }
    return out;
}

// Readiness now, without waiting (POLLERR/POLLHUP count: c-ares will see the error itself).
bool ready_now(int fd, bool read) {
    pollfd p{};
    p.fd = fd;
    p.events = read ? POLLIN : POLLOUT;
    return ::poll(&p, 1, 0) > 0;
}

// One lookup on its own channel. Every handler holds a shared_ptr to it, so the channel is
// destroyed only after the last handler has run (or been dropped with its io_context).
class lookup : public std::enable_shared_from_this<lookup> {
public:
    lookup(strand_type strand, address_family family)
        : strand_(std::move(strand)),
          family_(family),
          ares_timer_(strand_),
          deadline_(strand_),
          done_(strand_) {}
    lookup(const lookup&) = delete;
    lookup& operator=(const lookup&) = delete;

    ~lookup() {
        destroying_ = true;
        if (channel_ != nullptr) {
            ares_destroy(channel_);  // closes its sockets, telling on_sock_state first
        }
        watchers_.clear();  // each releases (never closes) a descriptor c-ares might still own
    }

    [[nodiscard]] int open(const std::optional<dns_server_endpoint>& server, bool use_hosts_file,
                           std::chrono::milliseconds timeout) {
        const int servers = server ? 1 : count_system_servers();
        const auto per_try = std::max(timeout / (servers * ares_timeout_units), min_try_timeout);
        std::string lookups = use_hosts_file ? "fb" : "b";

        ares_options options{};
        options.sock_state_cb = &lookup::on_sock_state;
        options.sock_state_cb_data = this;
        options.timeout = static_cast<int>(
            std::min<std::int64_t>(per_try.count(), std::numeric_limits<int>::max()));
        options.tries = ares_tries;
        options.lookups = lookups.data();
        int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_LOOKUPS;
        if (servers == 1) {
            // c-ares 1.18 answers SERVFAIL/REFUSED by trying the next server and, once all are
            // tried, reports ECONNREFUSED. With one server there is no next: let the answer
            // through so that it is reported as ESERVFAIL/EREFUSED.
            options.flags = ARES_FLAG_NOCHECKRESP;
            mask |= ARES_OPT_FLAGS;
        }

        ares_channel channel = nullptr;
        if (const int status = ares_init_options(&channel, &options, mask);
            status != ARES_SUCCESS) {
            return status;
        }
        channel_ = channel;
        if (!server) {
            return ARES_SUCCESS;
        }
        ares_addr_port_node node{};
        node.next = nullptr;
        if (server->address.is_v4()) {
            node.family = AF_INET;
            const auto bytes = server->address.to_v4().to_bytes();
            std::memcpy(&node.addr.addr4, bytes.data(), bytes.size());
        } else {
            node.family = AF_INET6;
            const auto bytes = server->address.to_v6().to_bytes();
            std::memcpy(&node.addr.addr6, bytes.data(), bytes.size());
        }
        node.udp_port = server->port;
        node.tcp_port = server->port;
        return ares_set_servers_ports(channel_, &node);
    }

    [[nodiscard]] asio::awaitable<resolve_outcome> run(std::string host,
                                                       std::chrono::milliseconds timeout) {
        const auto self = shared_from_this();
        host_ = std::move(host);
        deadline_.expires_after(timeout);
        deadline_.async_wait([self](const error_code& ec) { self->on_deadline(ec); });

        ares_addrinfo_hints hints{};
        hints.ai_family = ares_family(family_);
        hints.ai_flags = ARES_AI_CANONNAME;
        inside_getaddrinfo_ = true;
        ares_getaddrinfo(channel_, host_.c_str(), nullptr, &hints, &lookup::on_addrinfo, this);
        inside_getaddrinfo_ = false;

        if (!finished_) {
            rearm_ares_timer();
            done_.expires_at(asio::steady_timer::time_point::max());
            co_await done_.async_wait(asio::as_tuple(asio::use_awaitable));
            if (!finished_) {  // our awaiter was cancelled
                ares_cancel(channel_);
                if (!finished_) {
                    finish(ARES_ECANCELLED, nullptr);
                }
            }
        }
        co_return std::move(outcome_);
    }

private:
    struct watcher {
        watcher(const strand_type& strand, std::uint64_t watcher_id)
            : descriptor(strand), id(watcher_id) {}
        watcher(const watcher&) = delete;
        watcher& operator=(const watcher&) = delete;
        ~watcher() {
            if (descriptor.is_open()) {
                (void)descriptor.release();
            }
        }

        asio::posix::stream_descriptor descriptor;
        std::uint64_t id;  // tells this socket from a later one that reuses the fd number
        bool want_read = false;
        bool want_write = false;
        bool read_armed = false;
        bool write_armed = false;
        int read_immediate = 0;
        int write_immediate = 0;
    };

    static void on_sock_state(void* data, ares_socket_t fd, int readable, int writable) {
        static_cast<lookup*>(data)->sock_state(fd, readable != 0, writable != 0);
    }

    static void on_addrinfo(void* arg, int status, int /*timeouts*/, ares_addrinfo* result) {
        auto* self = static_cast<lookup*>(arg);
        if (self->finished_ || self->destroying_) {
            if (result != nullptr) {
                ares_freeaddrinfo(result);
            }
            return;
        }
        self->finish(status, result);
    }

    void sock_state(int fd, bool readable, bool writable) {
        if (!readable && !writable) {
            // c-ares is about to close fd: take it out of the reactor, leave the close to c-ares.
            if (const auto it = watchers_.find(fd); it != watchers_.end()) {
                error_code ignored;
                it->second->descriptor.cancel(ignored);
                (void)it->second->descriptor.release();
                watchers_.erase(it);
            }
            return;
        }
        if (destroying_) {
            return;
        }
        auto it = watchers_.find(fd);
        if (it == watchers_.end()) {
            auto fresh = std::make_unique<watcher>(strand_, ++last_watcher_id_);
            error_code ec;
            fresh->descriptor.assign(fd, ec);
            if (ec) {
                fail_soon(ARES_ECONNREFUSED);
                return;
            }
            it = watchers_.emplace(fd, std::move(fresh)).first;
        }
        it->second->want_read = readable;
        it->second->want_write = writable;
        if (!finished_) {
            arm(fd, *it->second);
        }
    }

    void arm(int fd, watcher& w) {
        if (w.want_read && !w.read_armed) {
            start_wait(fd, w, true);
        }
        if (w.want_write && !w.write_armed) {
            start_wait(fd, w, false);
        }
    }

    void start_wait(int fd, watcher& w, bool read) {
        (read ? w.read_armed : w.write_armed) = true;
        auto handler = [self = shared_from_this(), fd, id = w.id, read](const error_code& ec) {
            self->on_ready(fd, id, read, ec);
        };
        // Asio's epoll reactor is edge-triggered and a wait does not look at the descriptor
        // first, so readiness that arrived before the wait was queued would be missed.
        int& immediate = read ? w.read_immediate : w.write_immediate;
        if (immediate < max_immediate_dispatches && ready_now(fd, read)) {
            ++immediate;
            asio::post(strand_, [handler = std::move(handler)] { handler(error_code{}); });
            return;
        }
        immediate = 0;
        w.descriptor.async_wait(read ? asio::posix::descriptor_base::wait_read
                                     : asio::posix::descriptor_base::wait_write,
                                std::move(handler));
    }

    void on_ready(int fd, std::uint64_t id, bool read, const error_code& ec) {
        const auto it = watchers_.find(fd);
        if (it == watchers_.end() || it->second->id != id) {
            return;  // c-ares closed that socket meanwhile
        }
        watcher& w = *it->second;
        (read ? w.read_armed : w.write_armed) = false;
        if (finished_ || ec == asio::error::operation_aborted) {
            return;
        }
        if (!(read ? w.want_read : w.want_write)) {
            return;
        }
        ares_process_fd(channel_, read ? fd : ARES_SOCKET_BAD, read ? ARES_SOCKET_BAD : fd);
        if (finished_) {
            return;
        }
        // In there c-ares may have closed this socket, even opened another under the same fd.
        if (const auto again = watchers_.find(fd); again != watchers_.end()) {
            arm(fd, *again->second);
        }
        rearm_ares_timer();
    }

    void rearm_ares_timer() {
        timeval storage{};
        const timeval* next = ares_timeout(channel_, nullptr, &storage);
        const auto generation = ++ares_timer_generation_;
        if (next == nullptr) {
            ares_timer_.cancel();
            return;
        }
        ares_timer_.expires_after(std::chrono::seconds(next->tv_sec) +
                                  std::chrono::microseconds(next->tv_usec));
        ares_timer_.async_wait([self = shared_from_this(), generation](const error_code& ec) {
            if (ec || generation != self->ares_timer_generation_ || self->finished_) {
                return;
            }
            ares_process_fd(self->channel_, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
            if (!self->finished_) {
                self->rearm_ares_timer();
            }
        });
    }

    void on_deadline(const error_code& ec) {
        if (ec || finished_) {
            return;
        }
        deadline_hit_ = true;
        ares_cancel(channel_);  // calls on_addrinfo with ARES_ECANCELLED (or partial success)
        if (!finished_) {
            finish(ARES_ETIMEOUT, nullptr);
        }
    }

    // Ends the lookup from a state where calling into c-ares is safe (not inside a callback).
    void fail_soon(int status) {
        asio::post(strand_, [self = shared_from_this(), status] {
            if (self->finished_) {
                return;
            }
            self->local_failure_ = status;
            ares_cancel(self->channel_);
            if (!self->finished_) {
                self->finish(status, nullptr);
            }
        });
    }

    void finish(int status, ares_addrinfo* result) {
        finished_ = true;
        if (status == ARES_SUCCESS && result != nullptr) {
            collect(*result);
            outcome_.from_hosts_file = inside_getaddrinfo_;
            if (outcome_.addresses.empty()) {
                status = ARES_ENODATA;
            }
        } else if (status == ARES_SUCCESS) {
            status = ARES_ENODATA;
        }
        if (status == ARES_ECANCELLED && deadline_hit_) {
            status = ARES_ETIMEOUT;
        } else if (status == ARES_ECANCELLED && local_failure_ != ARES_SUCCESS) {
            status = local_failure_;
        }
        if (status != ARES_SUCCESS) {
            outcome_ = failure(status);
        }
        if (result != nullptr) {
            ares_freeaddrinfo(result);
        }

        error_code ignored;
        deadline_.cancel();
        ares_timer_.cancel();
        for (auto& entry : watchers_) {
            entry.second->descriptor.cancel(ignored);
        }
        done_.cancel();
    }

    void collect(const ares_addrinfo& result) {
        for (const auto* node = result.nodes; node != nullptr; node = node->ai_next) {
            const auto address = to_address(*node);
            if (!address || !family_accepts(family_, *address)) {
                continue;
            }
            if (std::ranges::find(outcome_.addresses, *address) == outcome_.addresses.end()) {
                outcome_.addresses.push_back(*address);
            }
        }
        outcome_.canonical_name = canonical_name_of(result, host_);
    }

    strand_type strand_;
    address_family family_;
    ares_channel channel_ = nullptr;
    std::map<int, std::unique_ptr<watcher>> watchers_;
    std::uint64_t last_watcher_id_ = 0;
    asio::steady_timer ares_timer_;  // c-ares's own retry timeouts
    std::uint64_t ares_timer_generation_ = 0;
    asio::steady_timer deadline_;  // the whole lookup
    asio::steady_timer done_;      // cancelled to wake run()
    std::string host_;
    resolve_outcome outcome_;
    int local_failure_ = ARES_SUCCESS;
    bool inside_getaddrinfo_ = false;
    bool finished_ = false;
    bool deadline_hit_ = false;
    bool destroying_ = false;
};

}  // namespace

asio::awaitable<resolve_outcome> resolve_host(asio::any_io_executor ex, std::string host,
                                              resolve_options options) {
    if (const auto literal = parse_ip_literal(host)) {
        // Same code c-ares gives a name that has no address of the family asked for.
        if (!family_accepts(options.family, *literal)) {
            co_return failure(ARES_ENODATA);
        }
        resolve_outcome out;
        out.addresses.push_back(*literal);
        out.canonical_name = literal->to_string();
        co_return out;
    }
    if (!is_plausible_name(host)) {
        co_return failure(ARES_EBADNAME);
    }
    std::optional<dns_server_endpoint> server;
    if (options.dns_server) {
        server = parse_dns_server(*options.dns_server);
        if (!server) {
            co_return failure(ARES_EBADSTR);
        }
    }
    if (const int status = library_status(); status != ARES_SUCCESS) {
        co_return failure(status);
    }

    auto strand = asio::make_strand(ex);
    const auto state = std::make_shared<lookup>(strand, options.family);
    // c-ares 1.18 never sends "localhost" to DNS (RFC 6761 section 6.3): it needs the "f" step.
    const bool use_hosts_file = !server || is_localhost(host);
    if (const int status = state->open(server, use_hosts_file, options.timeout);
        status != ARES_SUCCESS) {
        co_return failure(status);
    }
    co_return co_await asio::co_spawn(strand, state->run(std::move(host), options.timeout),
                                      asio::use_awaitable);
}

}  // namespace smtp_probe
