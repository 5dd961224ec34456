#include "tests/fake/fake_smtp_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cctype>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <thread>

namespace smtp_probe::fake {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using std::chrono::milliseconds;

// ---- script ----

script& script::send(std::string bytes) {
    steps_.push_back({step_kind::send, std::move(bytes), {}, {}});
    return *this;
}
script& script::send_echo(std::string format) {
    steps_.push_back({step_kind::send_echo, std::move(format), {}, {}});
    return *this;
}
script& script::send_slowly(std::string bytes, milliseconds per_byte) {
    steps_.push_back({step_kind::send_slowly, std::move(bytes), per_byte, {}});
    return *this;
}
script& script::expect(std::string command_prefix) {
    steps_.push_back({step_kind::expect, std::move(command_prefix), {}, {}});
    return *this;
}
script& script::expect_any() {
    steps_.push_back({step_kind::expect_any, {}, {}, {}});
    return *this;
}
script& script::expect_nothing(milliseconds how_long) {
    steps_.push_back({step_kind::expect_nothing, {}, how_long, {}});
    return *this;
}
script& script::auth(std::string final_reply) {
    steps_.push_back({step_kind::auth, std::move(final_reply), {}, {}});
    return *this;
}
script& script::sleep(milliseconds how_long) {
    steps_.push_back({step_kind::sleep, {}, how_long, {}});
    return *this;
}
script& script::start_tls() {
    steps_.push_back({step_kind::start_tls, {}, {}, {}});
    return *this;
}
script& script::close() {
    steps_.push_back({step_kind::close, {}, {}, {}});
    return *this;
}
script& script::reset() {
    steps_.push_back({step_kind::reset, {}, {}, {}});
    return *this;
}
script& script::silent_until_close() {
    steps_.push_back({step_kind::silent_until_close, {}, {}, {}});
    return *this;
}
script& script::respond(std::string default_reply,
                        std::vector<std::pair<std::string, std::string>> answers) {
    steps_.push_back({step_kind::respond, std::move(default_reply), {}, std::move(answers)});
    return *this;
}

script& script::send_forever(std::string bytes) {
    steps_.push_back({step_kind::send_forever, std::move(bytes), {}, {}});
    return *this;
}
script& script::close_notify() {
    steps_.push_back({step_kind::close_notify, {}, {}, {}});
    return *this;
}

script& script::append(const script& more) {
    steps_.insert(steps_.end(), more.steps_.begin(), more.steps_.end());
    return *this;
}

// ---- server ----

namespace {

constexpr std::size_t max_line = std::size_t{64} * 1024;
constexpr std::size_t max_raw = std::size_t{64} * 1024;

bool starts_with_nocase(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) {
        return false;
    }
    return std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
        return std::tolower(static_cast<unsigned char>(a)) ==
               std::tolower(static_cast<unsigned char>(b));
    });
}

/// A client's line, shortened and made printable, for an error message.
std::string shown(std::string_view line) {
    std::string out;
    for (char c : line.substr(0, 120)) {
        const auto u = static_cast<unsigned char>(c);
        out += (u >= 0x20 && u < 0x7f) ? c : '?';
    }
    if (line.size() > 120) {
        out += "...";
    }
    return out;
}

constexpr auto tuple_awaitable = asio::as_tuple(asio::use_awaitable);

}  // namespace

struct fake_smtp_server::impl {
    std::vector<script> scripts;
    server_options options;
    std::optional<asio::ssl::context> tls_context;
    // A unique_ptr rather than std::optional: clang-tidy 14's analyzer mis-models the optional's
    // union storage and reports a false double destruction of the io_context.
    std::unique_ptr<asio::io_context> io;
    std::uint16_t port = 0;
    std::thread thread;

    mutable std::mutex mutex;
    mutable std::condition_variable changed;
    std::vector<connection_record> records;
    std::size_t open_now = 0;   ///< accepted, script not ended
    std::size_t most_open = 0;  ///< the most at any one time

    impl(std::vector<script> s, server_options o);
    ~impl();

    template <typename F>
    void update(std::size_t index, F&& f) {
        {
            const std::lock_guard lock(mutex);
            f(records[index]);
        }
        changed.notify_all();
    }

    asio::awaitable<void> accept_loop(tcp::acceptor acceptor);
};

namespace {

/// One accepted connection playing its script. Lives in the io thread only.
class connection : public std::enable_shared_from_this<connection> {
public:
    connection(tcp::socket socket, fake_smtp_server::impl& owner, std::size_t index,
               const script& s)
        : owner_(owner),
          index_(index),
          script_(s),
          socket_(std::move(socket)),
          guard_(socket_.get_executor()),
          sleeper_(socket_.get_executor()) {}

    static asio::awaitable<void> run(std::shared_ptr<connection> self) {
        // Mark the record finished however the coroutine ends (also when the server stops).
        struct finish {
            connection& c;
            ~finish() {
                {
                    const std::lock_guard lock(c.owner_.mutex);
                    --c.owner_.open_now;
                }
                c.owner_.update(c.index_, [](connection_record& r) { r.finished = true; });
            }
        } finisher{*self};
        for (const auto& step : self->script_.steps()) {
            if (!co_await self->play(step)) {
                break;
            }
        }
        self->shut();
    }

private:
    using step_kind = script::step_kind;

    milliseconds step_timeout() const { return owner_.options.step_timeout; }

    void error(std::string text) {
        owner_.update(index_, [&](connection_record& r) { r.errors.push_back(std::move(text)); });
    }

    /// Cancels the socket's operations when `d` passes, unless re-armed or disarmed first.
    void arm(milliseconds d) {
        timed_out_ = false;
        const auto generation = ++generation_;
        guard_.expires_after(d);
        guard_.async_wait([self = shared_from_this(), generation](error_code ec) {
            if (!ec && generation == self->generation_) {
                self->timed_out_ = true;
                error_code ignored;
                self->socket_.cancel(ignored);
            }
        });
    }
    void disarm() {
        ++generation_;
        guard_.cancel();
    }

    void note_received(const char* data, std::size_t n) {
        owner_.update(index_, [&](connection_record& r) {
            r.bytes_received += n;
            const std::size_t room = max_raw - std::min(max_raw, r.raw.size());
            r.raw.append(data, std::min(room, n));
        });
    }

    asio::awaitable<std::size_t> read_some(error_code& ec) {
        std::size_t n = 0;
        if (tls_) {
            std::tie(ec, n) = co_await tls_->async_read_some(asio::buffer(chunk_), tuple_awaitable);
        } else {
            std::tie(ec, n) =
                co_await socket_.async_read_some(asio::buffer(chunk_), tuple_awaitable);
        }
        if (n > 0) {
            note_received(chunk_.data(), n);
        }
        co_return n;
    }

    asio::awaitable<error_code> write(std::string_view bytes) {
        arm(step_timeout());
        error_code ec;
        std::size_t n = 0;
        if (tls_) {
            std::tie(ec, n) =
                co_await asio::async_write(*tls_, asio::buffer(bytes), tuple_awaitable);
        } else {
            std::tie(ec, n) =
                co_await asio::async_write(socket_, asio::buffer(bytes), tuple_awaitable);
        }
        disarm();
        if (n > 0) {
            owner_.update(index_, [n](connection_record& r) { r.bytes_sent += n; });
        }
        co_return ec;
    }

    /// One line without its CRLF (a bare LF also ends a line); nullopt and `why` when none came.
    asio::awaitable<std::optional<std::string>> read_line(std::string& why) {
        arm(step_timeout());
        while (true) {
            const auto lf = buffer_.find('\n');
            if (lf != std::string::npos) {
                std::string line = buffer_.substr(0, lf);
                buffer_.erase(0, lf + 1);
                if (!line.empty() && line.back() == '\r') {
                    line.pop_back();
                }
                disarm();
                owner_.update(index_, [&](connection_record& r) { r.lines.push_back(line); });
                last_line_ = line;
                co_return line;
            }
            if (buffer_.size() > max_line) {
                disarm();
                why = "a line longer than 64 KiB";
                co_return std::nullopt;
            }
            error_code ec;
            const std::size_t n = co_await read_some(ec);
            buffer_.append(chunk_.data(), n);
            if (ec) {
                disarm();
                why = timed_out_ ? "nothing within the step timeout"
                                 : (ec == asio::error::eof ? "the client closed the connection"
                                                           : "read error: " + ec.message());
                co_return std::nullopt;
            }
        }
    }

    /// Plays one step; false ends the script.
    asio::awaitable<bool> play(const script::step& step) {
        switch (step.kind) {
            case step_kind::send:
                co_return !(co_await write(step.text));
            case step_kind::send_echo: {
                std::string bytes = step.text;
                const std::string mark = "{line}";
                for (auto at = bytes.find(mark); at != std::string::npos;
                     at = bytes.find(mark, at + last_line_.size())) {
                    bytes.replace(at, mark.size(), last_line_);
                }
                co_return !(co_await write(bytes));
            }
            case step_kind::send_slowly:
                for (const char& c : step.text) {
                    if (co_await write(std::string_view(&c, 1))) {
                        co_return false;
                    }
                    co_await pause(step.delay);
                }
                co_return true;
            case step_kind::expect:
            case step_kind::expect_any: {
                std::string why;
                const auto line = co_await read_line(why);
                const std::string wanted =
                    step.kind == step_kind::expect ? "'" + step.text + "'" : "a line";
                if (!line) {
                    error("expected " + wanted + ", got " + why);
                    co_return false;
                }
                if (step.kind == step_kind::expect && !starts_with_nocase(*line, step.text)) {
                    error("expected " + wanted + ", got '" + shown(*line) + "'");
                    (void)co_await write("500 5.5.1 fake server: unexpected command\r\n");
                    co_return false;
                }
                co_return true;
            }
            case step_kind::expect_nothing: {
                if (!buffer_.empty()) {
                    error("the client had already sent '" + shown(buffer_) + "'");
                    co_return true;
                }
                arm(step.delay);
                error_code ec;
                const std::size_t n = co_await read_some(ec);
                disarm();
                buffer_.append(chunk_.data(), n);
                if (n > 0) {
                    error("the client sent '" + shown(buffer_) + "' where it should wait");
                    co_return true;
                }
                if (ec && !timed_out_) {
                    error("expected silence, got " +
                          (ec == asio::error::eof ? std::string("the client closed the connection")
                                                  : ec.message()));
                    co_return false;
                }
                co_return true;
            }
            case step_kind::auth:
                co_return co_await play_auth(step.text);
            case step_kind::sleep:
                co_await pause(step.delay);
                co_return true;
            case step_kind::start_tls:
                co_return co_await play_start_tls();
            case step_kind::close:
                shut();
                co_return false;
            case step_kind::reset: {
                error_code ignored;
                socket_.set_option(asio::socket_base::linger(true, 0), ignored);
                socket_.close(ignored);
                co_return false;
            }
            case step_kind::silent_until_close: {
                arm(step_timeout());
                while (true) {
                    error_code ec;
                    (void)co_await read_some(ec);
                    if (ec) {
                        break;
                    }
                }
                disarm();
                co_return false;
            }
            case step_kind::respond:
                co_return co_await play_respond(step);
            case step_kind::send_forever:
                co_return co_await play_send_forever(step.text);
            case step_kind::close_notify:
                if (tls_) {
                    arm(step_timeout());
                    (void)co_await tls_->async_shutdown(tuple_awaitable);
                    disarm();
                }
                shut();
                co_return false;
        }
        co_return false;
    }

    asio::awaitable<void> pause(milliseconds d) {
        sleeper_.expires_after(d);
        (void)co_await sleeper_.async_wait(tuple_awaitable);
    }

    // RFC 4954 section 4: "AUTH mechanism [initial-response]"; without an initial response the
    // server sends an empty challenge ("334 ") and the client answers on its own line.
    asio::awaitable<bool> play_auth(const std::string& final_reply) {
        std::string why;
        const auto line = co_await read_line(why);
        if (!line) {
            error("expected 'AUTH', got " + why);
            co_return false;
        }
        if (!starts_with_nocase(*line, "AUTH ")) {
            error("expected 'AUTH', got '" + shown(*line) + "'");
            (void)co_await write("500 5.5.1 fake server: unexpected command\r\n");
            co_return false;
        }
        const auto mechanism_end = line->find(' ', 5);
        if (mechanism_end == std::string::npos) {
            if (co_await write("334 \r\n")) {
                co_return false;
            }
            const auto response = co_await read_line(why);
            if (!response) {
                error("expected the AUTH response, got " + why);
                co_return false;
            }
        }
        co_return !(co_await write(final_reply));
    }

    asio::awaitable<bool> play_send_forever(const std::string& unit) {
        if (unit.empty()) {
            co_return true;
        }
        // Whole units in chunks of about 16 KiB, so that the loop is not one syscall per line.
        std::string chunk;
        while (chunk.size() < std::size_t{16} * 1024) {
            chunk += unit;
        }
        const auto until = std::chrono::steady_clock::now() + step_timeout();
        while (std::chrono::steady_clock::now() < until) {
            if (co_await write(chunk)) {
                co_return false;  // the client hung up, or stopped reading for step_timeout
            }
        }
        co_return true;
    }

    asio::awaitable<bool> play_start_tls() {
        if (!owner_.tls_context) {
            error("start_tls without server_options::tls");
            co_return false;
        }
        if (!buffer_.empty()) {
            error("the client sent '" + shown(buffer_) + "' before the TLS handshake");
            buffer_.clear();
        }
        tls_.emplace(socket_, *owner_.tls_context);
        arm(step_timeout());
        const auto [ec] =
            co_await tls_->async_handshake(asio::ssl::stream_base::server, tuple_awaitable);
        disarm();
        if (ec) {
            error("TLS handshake failed: " +
                  (timed_out_ ? std::string("nothing within the step timeout") : ec.message()));
            co_return false;
        }
        owner_.update(index_, [](connection_record& r) { r.tls_established = true; });
        co_return true;
    }

    asio::awaitable<bool> play_respond(const script::step& step) {
        bool in_data = false;
        while (true) {
            std::string why;
            const auto line = co_await read_line(why);
            if (!line) {
                co_return false;  // the client went away or went quiet: the script is over
            }
            if (in_data && *line != ".") {
                continue;  // message content (RFC 5321 section 4.1.1.4)
            }
            in_data = false;
            const std::string* reply = &step.text;
            bool matched = false;
            for (const auto& [prefix, answer] : step.answers) {
                if (starts_with_nocase(*line, prefix)) {
                    reply = &answer;
                    matched = true;
                    break;
                }
            }
            const bool quit = starts_with_nocase(*line, "QUIT");
            static const std::string bye = "221 2.0.0 fake server closing\r\n";
            if (quit && !matched) {
                reply = &bye;
            }
            if (co_await write(*reply)) {
                co_return false;
            }
            if (quit) {
                co_return false;
            }
            if (starts_with_nocase(*line, "DATA") && starts_with_nocase(*reply, "354")) {
                in_data = true;
            }
        }
    }

    void shut() {
        error_code ignored;
        guard_.cancel();
        sleeper_.cancel();
        if (socket_.is_open()) {
            socket_.shutdown(tcp::socket::shutdown_both, ignored);
            socket_.close(ignored);
        }
    }

    fake_smtp_server::impl& owner_;
    std::size_t index_;
    const script& script_;
    tcp::socket socket_;
    std::optional<asio::ssl::stream<tcp::socket&>> tls_;
    asio::steady_timer guard_;
    asio::steady_timer sleeper_;
    std::uint64_t generation_ = 0;
    bool timed_out_ = false;
    std::string buffer_;
    std::string last_line_;  ///< the last line read, for send_echo
    std::array<char, 4096> chunk_{};
};

}  // namespace

fake_smtp_server::impl::impl(std::vector<script> s, server_options o)
    : scripts(std::move(s)), options(std::move(o)) {
    if (scripts.empty()) {
        throw std::invalid_argument("fake_smtp_server needs at least one script");
    }
    if (options.tls) {
        tls_context.emplace(asio::ssl::context::tls_server);
        const std::string problem = use_identity(tls_context->native_handle(), *options.tls);
        if (!problem.empty()) {
            throw std::runtime_error("fake server TLS identity: " + problem);
        }
    }
    io = std::make_unique<asio::io_context>(1);
    tcp::acceptor acceptor(
        *io, tcp::endpoint(asio::ip::make_address(options.listen_address), options.port));
    port = acceptor.local_endpoint().port();
    asio::co_spawn(*io, accept_loop(std::move(acceptor)), asio::detached);
    thread = std::thread([this] { io->run(); });
}

fake_smtp_server::impl::~impl() {
    io->stop();
    if (thread.joinable()) {
        thread.join();
    }
    // Destroys every suspended coroutine, and with them the acceptor and the sockets, while the
    // members they use (records, TLS context) still exist.
    io.reset();
}

asio::awaitable<void> fake_smtp_server::impl::accept_loop(tcp::acceptor acceptor) {
    while (true) {
        auto [ec, socket] = co_await acceptor.async_accept(tuple_awaitable);
        if (ec) {
            if (!acceptor.is_open() || ec == asio::error::operation_aborted) {
                co_return;
            }
            continue;
        }
        // Every write goes out at once (no Nagle): a short send step leaves as one segment,
        // send_slowly as one segment per byte.
        error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        std::size_t index = 0;
        {
            const std::lock_guard lock(mutex);
            index = records.size();
            records.emplace_back();
            most_open = std::max(most_open, ++open_now);
        }
        changed.notify_all();
        const script& s = scripts[std::min(index, scripts.size() - 1)];
        asio::co_spawn(
            acceptor.get_executor(),
            connection::run(std::make_shared<connection>(std::move(socket), *this, index, s)),
            asio::detached);
    }
}

fake_smtp_server::fake_smtp_server(script s, server_options options)
    : fake_smtp_server(std::vector<script>{std::move(s)}, std::move(options)) {}

fake_smtp_server::fake_smtp_server(std::vector<script> per_connection, server_options options)
    : impl_(std::make_unique<impl>(std::move(per_connection), std::move(options))) {}

fake_smtp_server::~fake_smtp_server() = default;

std::uint16_t fake_smtp_server::port() const {
    return impl_->port;
}

std::size_t fake_smtp_server::connection_count() const {
    const std::lock_guard lock(impl_->mutex);
    return impl_->records.size();
}

std::size_t fake_smtp_server::most_open_connections() const {
    const std::lock_guard lock(impl_->mutex);
    return impl_->most_open;
}

std::vector<connection_record> fake_smtp_server::connections() const {
    const std::lock_guard lock(impl_->mutex);
    return impl_->records;
}

bool fake_smtp_server::wait_finished(std::size_t count, milliseconds timeout) const {
    std::unique_lock lock(impl_->mutex);
    return impl_->changed.wait_for(lock, timeout, [&] {
        return impl_->records.size() >= count &&
               std::all_of(impl_->records.begin(), impl_->records.end(),
                           [](const connection_record& r) { return r.finished; });
    });
}

std::vector<std::string> fake_smtp_server::errors() const {
    const std::lock_guard lock(impl_->mutex);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < impl_->records.size(); ++i) {
        for (const auto& e : impl_->records[i].errors) {
            out.push_back("connection " + std::to_string(i) + ": " + e);
        }
    }
    return out;
}

std::uint16_t closed_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        throw std::runtime_error("socket() failed");
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        ::close(fd);
        throw std::runtime_error("bind() failed");
    }
    ::close(fd);
    return ntohs(addr.sin_port);
}

}  // namespace smtp_probe::fake
