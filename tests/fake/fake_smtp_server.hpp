// A scripted SMTP server for tests: listens on 127.0.0.1 (port 0), runs its own io_context in a
// thread, and plays a script on every connection it accepts. It records what the client sent so
// tests can assert on it. Asio stays inside fake_smtp_server.cpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tests/fake/test_certs.hpp"

namespace smtp_probe::fake {

/// What one connection does, step by step. Every step that waits for the client is bounded by the
/// server's step_timeout. When the steps run out the connection is closed.
class script {
public:
    enum class step_kind {
        send,                ///< write `text`
        send_echo,           ///< write `text` with each "{line}" replaced by the last line read
        send_slowly,         ///< write `text` one byte at a time, `delay` between bytes
        expect,              ///< read one line; it must start with `text` (case-insensitive)
        expect_any,          ///< read one line, whatever it is
        expect_nothing,      ///< for `delay`, the client must send nothing
        auth,                ///< AUTH <mech> [initial response]; without one, "334 " and a line
        sleep,               ///< wait `delay`
        start_tls,           ///< server-side TLS handshake
        close,               ///< close the connection (FIN)
        reset,               ///< SO_LINGER 0, then close (RST)
        silent_until_close,  ///< read and discard until the client closes
        respond,             ///< answer every line: first matching `answers` prefix, else `text`
        send_forever,        ///< write `text` again and again until the client stops it
        close_notify,        ///< TLS close_notify (when TLS is up), then close
    };
    struct step {
        step_kind kind;
        std::string text;
        std::chrono::milliseconds delay{0};
        std::vector<std::pair<std::string, std::string>> answers;
    };

    script& send(std::string bytes);
    /// Writes `format` with every "{line}" replaced by the last line the client sent (CRLF
    /// removed): a server that echoes what it received.
    script& send_echo(std::string format);
    script& send_slowly(std::string bytes,
                        std::chrono::milliseconds per_byte = std::chrono::milliseconds{10});
    script& expect(std::string command_prefix);
    script& expect_any();
    script& expect_nothing(std::chrono::milliseconds how_long);
    /// Reads "AUTH <mechanism>[ <initial response>]"; without an initial response sends "334 \r\n"
    /// and reads the response line (RFC 4954 section 4). Then sends `final_reply`.
    script& auth(std::string final_reply);
    script& sleep(std::chrono::milliseconds how_long);
    script& start_tls();
    /// Closes the TCP connection (FIN). After start_tls no close_notify is sent: a truncation.
    script& close();
    /// After start_tls: sends a TLS close_notify (RFC 8446 section 6.1) before closing.
    script& close_notify();
    script& reset();
    script& silent_until_close();
    /// The default responder: every line gets the reply of the first (case-insensitive) prefix in
    /// `answers` it starts with, else `default_reply` (QUIT: "221"). After answering QUIT it
    /// closes. Lines that follow an accepted DATA until "." get no reply.
    script& respond(std::string default_reply,
                    std::vector<std::pair<std::string, std::string>> answers = {});
    /// Writes `bytes` over and over (e.g. "250-more\r\n", a reply that never ends) until a write
    /// fails because the client hung up or stopped reading, or step_timeout has passed; then the
    /// script goes on.
    script& send_forever(std::string bytes);

    /// Appends the steps of `more`.
    script& append(const script& more);

    [[nodiscard]] const std::vector<step>& steps() const { return steps_; }

private:
    std::vector<step> steps_;
};

/// What one connection saw.
struct connection_record {
    std::vector<std::string> lines;  ///< every line read (CRLF removed), plaintext or TLS
    std::string raw;                 ///< the first 64 KiB received (after start_tls: decrypted)
    std::uint64_t bytes_received = 0;
    std::uint64_t bytes_sent = 0;     ///< written by the script (plaintext or TLS payload)
    bool tls_established = false;     ///< a server handshake completed
    bool finished = false;            ///< the script ended (or the connection broke)
    std::vector<std::string> errors;  ///< where the client departed from the script
};

struct server_options {
    std::optional<tls_identity> tls;  ///< needed by start_tls steps
    /// Upper bound of every step that waits for the client (and of silent_until_close).
    std::chrono::milliseconds step_timeout{10'000};
    /// A loopback address to listen on: "127.0.0.1" or "::1".
    std::string listen_address = "127.0.0.1";
    /// The port to listen on; 0 picks a free one.
    std::uint16_t port = 0;
};

class fake_smtp_server {
public:
    /// Every connection plays `s`.
    explicit fake_smtp_server(script s, server_options options = {});
    /// Connection i plays per_connection[i]; the last script repeats for later connections.
    explicit fake_smtp_server(std::vector<script> per_connection, server_options options = {});
    /// Stops at once: closes the listener and every connection, joins the thread.
    ~fake_smtp_server();
    fake_smtp_server(const fake_smtp_server&) = delete;
    fake_smtp_server& operator=(const fake_smtp_server&) = delete;

    [[nodiscard]] std::uint16_t port() const;
    [[nodiscard]] std::size_t connection_count() const;
    /// The most connections whose scripts were running at one time.
    [[nodiscard]] std::size_t most_open_connections() const;
    /// A copy of the records, in the order connections were accepted.
    [[nodiscard]] std::vector<connection_record> connections() const;
    /// Waits until at least `count` connections were accepted and all accepted ones finished.
    [[nodiscard]] bool wait_finished(std::size_t count, std::chrono::milliseconds timeout) const;
    /// Every connection's errors, prefixed with the connection's index.
    [[nodiscard]] std::vector<std::string> errors() const;

    struct impl;  ///< opaque: the io_context, its thread and the records

private:
    std::unique_ptr<impl> impl_;
};

/// A TCP port on 127.0.0.1 that nobody listens on (bound, then closed).
[[nodiscard]] std::uint16_t closed_port();

}  // namespace smtp_probe::fake
