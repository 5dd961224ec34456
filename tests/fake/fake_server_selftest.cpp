// Tests of the fake SMTP server and the test certificates, with a small blocking client made of
// POSIX sockets and OpenSSL (no Asio, so this file compiles quickly).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <doctest/doctest.h>
#include <cerrno>
#include <chrono>
#include <ctime>
#include <string>
#include <string_view>
#include <thread>

#include "tests/fake/fake_smtp_server.hpp"
#include "tests/fake/test_certs.hpp"

using namespace std::chrono_literals;
using smtp_probe::fake::ca_kind;
using smtp_probe::fake::closed_port;
using smtp_probe::fake::fake_smtp_server;
using smtp_probe::fake::leaf_kind;
using smtp_probe::fake::script;
using smtp_probe::fake::server_options;
using smtp_probe::fake::test_pki;

namespace {

/// A blocking client with a 3 s receive timeout: enough to drive the server by hand.
class raw_client {
public:
    explicit raw_client(std::uint16_t port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        REQUIRE(fd_ >= 0);
        timeval tv{3, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(port);
        connect_result_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
        connect_errno_ = connect_result_ == 0 ? 0 : errno;
    }
    ~raw_client() {
        if (ssl_ != nullptr) {
            SSL_free(ssl_);
        }
        if (ctx_ != nullptr) {
            SSL_CTX_free(ctx_);
        }
        close();
    }
    raw_client(const raw_client&) = delete;
    raw_client& operator=(const raw_client&) = delete;

    [[nodiscard]] bool connected() const { return connect_result_ == 0; }
    [[nodiscard]] int connect_errno() const { return connect_errno_; }

    void close() {
        if (fd_ >= 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }

    void send(std::string_view bytes) {
        if (ssl_ != nullptr) {
            REQUIRE(SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size())) ==
                    static_cast<int>(bytes.size()));
        } else {
            REQUIRE(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
                    static_cast<ssize_t>(bytes.size()));
        }
    }

    /// One byte: 1 when read, 0 at EOF, -1 on error (errno in last_errno()).
    int read_byte(char& c) {
        if (ssl_ != nullptr) {
            const int n = SSL_read(ssl_, &c, 1);
            return n > 0 ? 1 : (SSL_get_error(ssl_, n) == SSL_ERROR_ZERO_RETURN ? 0 : -1);
        }
        const ssize_t n = ::recv(fd_, &c, 1, 0);
        last_errno_ = n < 0 ? errno : 0;
        return static_cast<int>(n);
    }

    /// A line with its CRLF; what was read so far when the stream ends.
    std::string read_line() {
        std::string line;
        char c = 0;
        while (read_byte(c) == 1) {
            line += c;
            if (c == '\n') {
                break;
            }
        }
        return line;
    }

    /// Lines until the last line of a reply ("NNN " or a bare "NNN").
    std::string read_reply() {
        std::string all;
        while (true) {
            const std::string line = read_line();
            all += line;
            if (line.size() < 4 || line[3] != '-') {
                return all;
            }
        }
    }

    /// 0 at a clean EOF, -1 on an error (a reset), 1 if data came.
    int read_end() {
        char c = 0;
        return read_byte(c);
    }
    [[nodiscard]] int last_errno() const { return last_errno_; }

    /// Whether a byte arrives within `wait`.
    bool readable_within(std::chrono::milliseconds wait) {
        pollfd p{fd_, POLLIN, 0};
        return ::poll(&p, 1, static_cast<int>(wait.count())) == 1;
    }

    /// TLS client handshake, verifying against `ca_file` with host `host` (a name or an IP).
    /// Returns whether the handshake completed; the X509 verdict is in verify_result().
    bool start_tls(const std::string& ca_file, const std::string& host) {
        ctx_ = SSL_CTX_new(TLS_client_method());
        REQUIRE(ctx_ != nullptr);
        REQUIRE(SSL_CTX_load_verify_locations(ctx_, ca_file.c_str(), nullptr) == 1);
        SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);  // judge after the handshake
        ssl_ = SSL_new(ctx_);
        REQUIRE(ssl_ != nullptr);
        if (host.find_first_not_of("0123456789.") == std::string::npos) {
            REQUIRE(X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), host.c_str()) == 1);
        } else {
            REQUIRE(SSL_set1_host(ssl_, host.c_str()) == 1);
            SSL_set_tlsext_host_name(ssl_, host.c_str());
        }
        SSL_set_fd(ssl_, fd_);
        const bool ok = SSL_connect(ssl_) == 1;
        ERR_clear_error();
        return ok;
    }
    [[nodiscard]] long verify_result() const { return SSL_get_verify_result(ssl_); }
    [[nodiscard]] X509* peer_certificate() const { return SSL_get0_peer_certificate(ssl_); }

private:
    int fd_ = -1;
    int connect_result_ = -1;
    int connect_errno_ = 0;
    int last_errno_ = 0;
    SSL_CTX* ctx_ = nullptr;
    SSL* ssl_ = nullptr;
};

/// The common start of a STARTTLS conversation, up to and including the handshake.
script starttls_prefix() {
    script s;
    s.send("220 fake.test ESMTP\r\n")
        .expect("EHLO")
        .send("250-fake.test\r\n250 STARTTLS\r\n")
        .expect("STARTTLS")
        .send("220 2.0.0 go ahead\r\n")
        .start_tls();
    return s;
}

}  // namespace

TEST_CASE("a scripted conversation is played and every line recorded") {
    fake_smtp_server server(script()
                                .send("220 fake.test ESMTP\r\n")
                                .expect("ehlo")
                                .send("250-fake.test\r\n250 SIZE 1000\r\n")
                                .expect("MAIL FROM:")
                                .send("250 2.1.0 ok\r\n"));
    raw_client c(server.port());
    REQUIRE(c.connected());
    CHECK(c.read_reply() == "220 fake.test ESMTP\r\n");
    c.send("EHLO probe.test\r\n");
    CHECK(c.read_reply() == "250-fake.test\r\n250 SIZE 1000\r\n");
    c.send("mail from:<a@example.com>\r\n");
    CHECK(c.read_reply() == "250 2.1.0 ok\r\n");
    CHECK(c.read_end() == 0);  // the script ran out: the server closes
    REQUIRE(server.wait_finished(1, 2s));
    const auto records = server.connections();
    REQUIRE(records.size() == 1);
    CHECK(records[0].lines ==
          std::vector<std::string>{"EHLO probe.test", "mail from:<a@example.com>"});
    CHECK(records[0].bytes_received == 17 + 27);
    CHECK_FALSE(records[0].tls_established);
    CHECK(server.errors().empty());
}

TEST_CASE("a command the script does not expect is an error, answered 500, and ends it") {
    fake_smtp_server server(script().send("220 hi\r\n").expect("EHLO").send("250 ok\r\n"));
    raw_client c(server.port());
    CHECK(c.read_reply() == "220 hi\r\n");
    c.send("HELO probe.test\r\n");
    CHECK(c.read_reply().substr(0, 4) == "500 ");
    CHECK(c.read_end() == 0);
    REQUIRE(server.wait_finished(1, 2s));
    const auto errors = server.errors();
    REQUIRE(errors.size() == 1);
    CHECK(errors[0] == "connection 0: expected 'EHLO', got 'HELO probe.test'");
}

TEST_CASE("the default responder answers by prefix, skips message content, closes after QUIT") {
    fake_smtp_server server(script()
                                .send("220 hi\r\n")
                                .respond("250 ok\r\n", {{"RCPT", "550 5.1.1 no such user\r\n"},
                                                        {"DATA", "354 go\r\n"}}));
    raw_client c(server.port());
    CHECK(c.read_reply() == "220 hi\r\n");
    c.send("NOOP\r\n");
    CHECK(c.read_reply() == "250 ok\r\n");
    c.send("rcpt to:<x@example.com>\r\n");
    CHECK(c.read_reply() == "550 5.1.1 no such user\r\n");
    c.send("DATA\r\n");
    CHECK(c.read_reply() == "354 go\r\n");
    c.send("Subject: x\r\n\r\nbody\r\n.\r\n");
    CHECK(c.read_reply() == "250 ok\r\n");
    c.send("QUIT\r\n");
    CHECK(c.read_reply().substr(0, 4) == "221 ");
    CHECK(c.read_end() == 0);
    REQUIRE(server.wait_finished(1, 2s));
    CHECK(server.connections()[0].lines.size() == 8);
    CHECK(server.errors().empty());
}

TEST_CASE("AUTH with and without an initial response") {
    const auto make = [] {
        return script().send("220 hi\r\n").auth("235 2.7.0 ok\r\n").respond("250 ok\r\n");
    };
    SUBCASE("initial response on the AUTH line") {
        fake_smtp_server server(make());
        raw_client c(server.port());
        CHECK(c.read_reply() == "220 hi\r\n");
        c.send("AUTH PLAIN AHVzZXIAcGFzc3dvcmQ=\r\n");
        CHECK(c.read_reply() == "235 2.7.0 ok\r\n");
        c.send("QUIT\r\n");
        CHECK(c.read_reply().substr(0, 4) == "221 ");
        REQUIRE(server.wait_finished(1, 2s));
        CHECK(server.connections()[0].lines[0] == "AUTH PLAIN AHVzZXIAcGFzc3dvcmQ=");
    }
    SUBCASE("empty challenge, then the response") {
        fake_smtp_server server(make());
        raw_client c(server.port());
        CHECK(c.read_reply() == "220 hi\r\n");
        c.send("AUTH PLAIN\r\n");
        CHECK(c.read_reply() == "334 \r\n");
        c.send("AHVzZXIAcGFzc3dvcmQ=\r\n");
        CHECK(c.read_reply() == "235 2.7.0 ok\r\n");
        REQUIRE(server.connections()[0].lines.size() == 2);
        CHECK(server.connections()[0].lines[1] == "AHVzZXIAcGFzc3dvcmQ=");
    }
}

TEST_CASE("close in the middle of a reply, and reset") {
    SUBCASE("close") {
        fake_smtp_server server(script().send("250-first\r\n").close());
        raw_client c(server.port());
        CHECK(c.read_line() == "250-first\r\n");
        CHECK(c.read_end() == 0);
    }
    SUBCASE("reset") {
        fake_smtp_server server(script().send("220 hi\r\n").expect("EHLO").reset());
        raw_client c(server.port());
        CHECK(c.read_reply() == "220 hi\r\n");
        c.send("EHLO x\r\n");
        CHECK(c.read_end() == -1);
        CHECK(c.last_errno() == ECONNRESET);
    }
}

TEST_CASE("silence, expect_nothing and slow sending") {
    SUBCASE("silent until the client closes") {
        fake_smtp_server server(script().silent_until_close());
        raw_client c(server.port());
        CHECK_FALSE(c.readable_within(300ms));
        c.send("EHLO x\r\n");
        CHECK_FALSE(c.readable_within(200ms));
        c.close();
        REQUIRE(server.wait_finished(1, 2s));
        CHECK(server.connections()[0].raw == "EHLO x\r\n");
        CHECK(server.errors().empty());
    }
    SUBCASE("a client that talks before the greeting is caught") {
        fake_smtp_server server(script().expect_nothing(300ms).send("220 hi\r\n"));
        raw_client c(server.port());
        c.send("EHLO early\r\n");
        CHECK(c.read_reply() == "220 hi\r\n");
        REQUIRE(server.wait_finished(1, 2s));
        const auto errors = server.errors();
        REQUIRE(errors.size() == 1);
        CHECK(errors[0].find("EHLO early") != std::string::npos);
    }
    SUBCASE("a client that waits passes expect_nothing") {
        fake_smtp_server server(script().expect_nothing(200ms).send("220 hi\r\n"));
        raw_client c(server.port());
        CHECK(c.read_reply() == "220 hi\r\n");
        REQUIRE(server.wait_finished(1, 2s));
        CHECK(server.errors().empty());
    }
    SUBCASE("one byte at a time") {
        fake_smtp_server server(script().send_slowly("220 slow\r\n", 20ms));
        raw_client c(server.port());
        const auto start = std::chrono::steady_clock::now();
        CHECK(c.read_reply() == "220 slow\r\n");
        CHECK(std::chrono::steady_clock::now() - start >= 9 * 20ms);
    }
    SUBCASE("a step that waits too long gives up at step_timeout") {
        server_options o;
        o.step_timeout = 200ms;
        fake_smtp_server server(script().send("220 hi\r\n").expect("EHLO"), o);
        raw_client c(server.port());
        CHECK(c.read_reply() == "220 hi\r\n");
        CHECK(c.read_end() == 0);
        REQUIRE(server.wait_finished(1, 2s));
        REQUIRE(server.errors().size() == 1);
        CHECK(server.errors()[0] ==
              "connection 0: expected 'EHLO', got nothing within the step timeout");
    }
}

TEST_CASE("STARTTLS and implicit TLS with the test CA") {
    test_pki pki;
    server_options o;
    o.tls = pki.leaf(leaf_kind::valid);
    SUBCASE("STARTTLS") {
        fake_smtp_server server(
            starttls_prefix().expect("EHLO").send("250 fake.test\r\n").respond("250 ok\r\n"), o);
        raw_client c(server.port());
        CHECK(c.read_reply() == "220 fake.test ESMTP\r\n");
        c.send("EHLO a\r\n");
        CHECK(c.read_reply() == "250-fake.test\r\n250 STARTTLS\r\n");
        c.send("STARTTLS\r\n");
        CHECK(c.read_reply() == "220 2.0.0 go ahead\r\n");
        REQUIRE(c.start_tls(pki.ca_file(), "localhost"));
        CHECK(c.verify_result() == X509_V_OK);
        c.send("EHLO b\r\n");
        CHECK(c.read_reply() == "250 fake.test\r\n");
        c.send("QUIT\r\n");
        CHECK(c.read_reply().substr(0, 4) == "221 ");
        REQUIRE(server.wait_finished(1, 2s));
        const auto r = server.connections()[0];
        CHECK(r.tls_established);
        CHECK(r.lines == std::vector<std::string>{"EHLO a", "STARTTLS", "EHLO b", "QUIT"});
        CHECK(server.errors().empty());
    }
    SUBCASE("implicit TLS: silent to a plaintext client, answers after a handshake") {
        fake_smtp_server server(
            script().start_tls().send("220 tls.test ESMTP\r\n").respond("250 ok\r\n"), o);
        {
            raw_client plain(server.port());
            CHECK_FALSE(plain.readable_within(300ms));
        }
        raw_client c(server.port());
        REQUIRE(c.start_tls(pki.ca_file(), "127.0.0.1"));
        CHECK(c.verify_result() == X509_V_OK);
        CHECK(c.read_reply() == "220 tls.test ESMTP\r\n");
        c.close();
        REQUIRE(server.wait_finished(2, 2s));
        const auto records = server.connections();
        CHECK_FALSE(records[0].tls_established);
        CHECK(records[1].tls_established);
    }
    SUBCASE("TLS offered to a plaintext server: the ClientHello is recorded") {
        fake_smtp_server server(script().send("220 plain.test ESMTP\r\n").silent_until_close());
        raw_client c(server.port());
        CHECK_FALSE(c.start_tls(pki.ca_file(), "localhost"));
        c.close();
        REQUIRE(server.wait_finished(1, 2s));
        const auto raw = server.connections()[0].raw;
        REQUIRE_FALSE(raw.empty());
        CHECK(raw[0] == '\x16');  // TLS handshake record
    }
}

TEST_CASE("every kind of test certificate verifies as it should") {
    test_pki pki;
    struct row {
        leaf_kind kind;
        const char* host;
        long verify;
    };
    const row rows[] = {
        {leaf_kind::valid, "localhost", X509_V_OK},
        {leaf_kind::valid, "127.0.0.1", X509_V_OK},
        {leaf_kind::expired, "localhost", X509_V_ERR_CERT_HAS_EXPIRED},
        {leaf_kind::not_yet_valid, "localhost", X509_V_ERR_CERT_NOT_YET_VALID},
        {leaf_kind::expiring_soon, "localhost", X509_V_OK},
        {leaf_kind::self_signed, "localhost", X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT},
        {leaf_kind::other_host, "localhost", X509_V_ERR_HOSTNAME_MISMATCH},
        {leaf_kind::other_host, "other.example", X509_V_OK},
        // OpenSSL (and so PHP) checks every certificate's dates and every name: the reference
        // for the probe's own judgement.
        {leaf_kind::expired_intermediate, "localhost", X509_V_ERR_CERT_HAS_EXPIRED},
        {leaf_kind::intermediate_expiring_soon, "localhost", X509_V_OK},
        {leaf_kind::name_past_300, "localhost", X509_V_OK},
        {leaf_kind::name_past_300, "host299.other.example", X509_V_OK},
        {leaf_kind::name_past_300, "other.example", X509_V_ERR_HOSTNAME_MISMATCH},
    };
    for (const auto& r : rows) {
        CAPTURE(static_cast<int>(r.kind));
        CAPTURE(r.host);
        server_options o;
        o.tls = pki.leaf(r.kind);
        fake_smtp_server server(script().start_tls().send("220 x\r\n"), o);
        raw_client c(server.port());
        REQUIRE(c.start_tls(pki.ca_file(), r.host));
        CHECK(c.verify_result() == r.verify);
        if (r.kind == leaf_kind::expiring_soon) {
            int days = 0;
            int seconds = 0;
            REQUIRE(ASN1_TIME_diff(&days, &seconds, nullptr,
                                   X509_get0_notAfter(c.peer_certificate())) == 1);
            CHECK(days == 3);
        }
    }
}

TEST_CASE("an expired test CA: OpenSSL refuses its valid leaf (error 10)") {
    test_pki pki(ca_kind::expired);
    server_options o;
    o.tls = pki.leaf(leaf_kind::valid);
    fake_smtp_server server(script().start_tls().send("220 x\r\n"), o);
    raw_client c(server.port());
    REQUIRE(c.start_tls(pki.ca_file(), "localhost"));
    CHECK(c.verify_result() == X509_V_ERR_CERT_HAS_EXPIRED);
}

TEST_CASE("one script per connection, connections served concurrently") {
    fake_smtp_server server(
        std::vector<script>{script().send("220 first\r\n").silent_until_close(),
                            script().send("220 second\r\n").respond("250 ok\r\n")});
    raw_client a(server.port());
    raw_client b(server.port());
    raw_client c(server.port());
    CHECK(a.read_reply() == "220 first\r\n");
    CHECK(b.read_reply() == "220 second\r\n");
    CHECK(c.read_reply() == "220 second\r\n");  // the last script repeats
    b.send("QUIT\r\n");
    CHECK(b.read_reply().substr(0, 4) == "221 ");
    CHECK(server.connection_count() == 3);
}

TEST_CASE("the destructor returns at once while a client is still connected") {
    server_options o;
    o.step_timeout = 60s;
    auto server = std::make_unique<fake_smtp_server>(script().silent_until_close(), o);
    raw_client c(server->port());
    REQUIRE(c.connected());
    std::this_thread::sleep_for(50ms);
    REQUIRE(server->connection_count() == 1);
    const auto start = std::chrono::steady_clock::now();
    server.reset();
    CHECK(std::chrono::steady_clock::now() - start < 1s);
    CHECK(c.read_end() == 0);  // the connection was closed, not left open
}

TEST_CASE("closed_port gives a port that refuses connections") {
    raw_client c(closed_port());
    CHECK_FALSE(c.connected());
    CHECK(c.connect_errno() == ECONNREFUSED);
}
