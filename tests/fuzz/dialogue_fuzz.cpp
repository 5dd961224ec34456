// The whole session (run_probe over a wire_factory, checks/session/pipeline.hpp) against a server
// played from the input, no sockets. Input: [mode][mechanism][flags][port] then chunks, each
// [length][bytes]: one read of the server (length 0xFF: the read fails with a reset, 0xFE: it
// times out). Invariants: the session ends within a bounded number of operations; no credential
// goes out before TLS unless the request allows plaintext; after STARTTLS no pre-handshake byte
// is consumed as a reply; a failure always names its phase and cause; finish() ran.
#include <spdlog/logger.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "checks/session/pipeline.hpp"
#include "net/io_error.hpp"
#include "net/sasl.hpp"
#include "tests/dialogue/reply_framing.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using namespace smtp_probe;
namespace asio = boost::asio;
using boost::system::error_code;

constexpr std::size_t max_operations = 64;
/// Operations after the limit, each failing: a session still going after these is stuck.
constexpr std::size_t max_operations_after_limit = 16;

constexpr std::string_view user = "fuzz-user";
constexpr std::string_view password = "Pa55-fuzz-secret";
constexpr std::string_view token = "tok-fuzz-secret";

struct sent {
    std::string bytes;
    bool tls_active = false;
};

/// What the input's server sends, and everything the probe did to it.
struct server_state {
    std::vector<std::string_view> chunks;  ///< one per read, in order
    std::size_t next_chunk = 0;
    std::size_t operations = 0;
    bool tls_fails = false;
    std::optional<certificate_facts> certificate;
    std::vector<sent> writes;
    std::size_t wires_made = 0;
    bool first_wire_closed = false;

    /// Counts one operation; false once the wire is worn out.
    [[nodiscard]] bool operation() {
        ++operations;
        SP_FUZZ_CHECK(operations <= max_operations + max_operations_after_limit);
        return operations <= max_operations;
    }
};

class memory_wire final : public session_wire {
public:
    memory_wire(std::shared_ptr<server_state> state, bool first)
        : state_(std::move(state)), first_(first) {}

    asio::awaitable<error_code> connect(endpoint, milliseconds) override {
        if (!first_) {
            co_return asio::error::connection_refused;  // the TLS sniff's second connection
        }
        co_return state_->operation() ? error_code{} : error_code{asio::error::connection_reset};
    }

    asio::awaitable<error_code> write(std::string_view bytes, milliseconds) override {
        if (!first_ || !state_->operation()) {
            co_return asio::error::connection_reset;
        }
        state_->writes.push_back({std::string(bytes), tls_active_});
        co_return error_code{};
    }

    asio::awaitable<reply_outcome> read_reply(milliseconds) override {
        for (;;) {
            if (auto out = framing_.next()) {
                // A reply read under TLS is made of bytes that came under TLS only.
                SP_FUZZ_CHECK(!tls_active_ || framing_.received - framing_.parser.buffered() >=
                                                  received_before_tls_);
                co_return std::move(*out);
            }
            reply_outcome failed;
            if (!first_ || !state_->operation() || state_->next_chunk >= state_->chunks.size()) {
                failed.error = make_error_code(io_errc::connection_lost);
                co_return failed;
            }
            const auto chunk = state_->chunks[state_->next_chunk++];
            if (chunk == "\xff") {
                failed.error = asio::error::connection_reset;
                co_return failed;
            }
            if (chunk == "\xfe") {
                failed.error = make_error_code(io_errc::timeout);
                co_return failed;
            }
            framing_.feed(chunk);
        }
    }

    asio::awaitable<error_code> start_tls(std::string_view, milliseconds) override {
        if (!first_ || !state_->operation()) {
            co_return asio::error::connection_reset;
        }
        // STARTTLS injection (CVE-2011-0411): the session must have refused to go on with
        // bytes that came before the handshake.
        SP_FUZZ_CHECK(framing_.parser.buffered() == 0);
        if (state_->tls_fails) {
            co_return asio::error::connection_reset;
        }
        tls_active_ = true;
        received_before_tls_ = framing_.received;
        co_return error_code{};
    }

    void close() noexcept override {
        if (first_) {
            state_->first_wire_closed = true;
        }
    }
    bool tls_active() const noexcept override { return tls_active_; }
    tls_facts tls() const override { return {"TLSv1.3", "TLS_AES_128_GCM_SHA256", ""}; }
    std::optional<certificate_facts> certificate() const override { return state_->certificate; }
    std::size_t buffered() const noexcept override { return framing_.parser.buffered(); }
    std::uint64_t bytes_received() const noexcept override { return framing_.received; }
    std::string_view first_bytes() const noexcept override { return framing_.first; }

private:
    std::shared_ptr<server_state> state_;
    bool first_;
    smtp_probe::testing::reply_framing framing_;
    bool tls_active_ = false;
    std::uint64_t received_before_tls_ = 0;
};

certificate_facts canned_certificate(bool trusted) {
    const auto now = static_cast<std::int64_t>(std::time(nullptr));
    certificate_facts c;
    c.subject = "CN=mx.test";
    c.issuer = "CN=Fuzz CA";
    c.common_name = "mx.test";
    c.ip_addresses = {"127.0.0.1"};
    c.not_before = now - 86'400;
    c.not_after = now + 90 * 86'400;
    c.chain_length = 2;
    c.chain_trusted = trusted;
    c.self_signed = !trusted;
    c.chain = {{"mx.test", c.not_before, c.not_after}, {"Fuzz CA", c.not_before, c.not_after}};
    return c;
}

bool contains(std::string_view hay, std::string_view needle) {
    return !needle.empty() && hay.find(needle) != std::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 4) {
        return 0;
    }
    const auto input = smtp_probe::fuzz::as_text(data, size);
    probe_request request;
    request.host = "127.0.0.1";
    constexpr security_mode modes[] = {security_mode::none, security_mode::automatic,
                                       security_mode::starttls, security_mode::tls};
    request.security = modes[data[0] % 4];
    constexpr auth_mechanism mechs[] = {auth_mechanism::plain, auth_mechanism::login,
                                        auth_mechanism::cram_md5, auth_mechanism::xoauth2,
                                        auth_mechanism::oauthbearer};
    if (data[1] % 6 < 5) {
        request.forced_mechanism = mechs[data[1] % 6];
    }
    const auto flags = data[2];
    if (flags & 0x01) {
        request.user = std::string(user);
        request.password = secret(std::string(password));
    }
    if (flags & 0x02) {
        request.user = std::string(user);
        request.oauth_token = secret(std::string(token));
    }
    request.whmcs_settings = (flags & 0x40) != 0;
    request.keep_transcript = (flags & 0x80) != 0;
    request.insecure = (flags & 0x20) != 0;
    constexpr std::uint16_t ports[] = {25, 465, 587, 2525};
    request.port = ports[data[3] % 4];
    request.helo_name = "probe.test";
    request.from = "from@example.test";
    request.rcpt = "rcpt@example.test";
    if (data[3] & 0x10) {
        request.send_to = "to@example.test";
    }

    auto state = std::make_shared<server_state>();
    state->tls_fails = (flags & 0x04) != 0;
    if (flags & 0x08) {
        state->certificate = canned_certificate((flags & 0x10) != 0);
    }
    for (std::size_t at = 4; at < size;) {
        const std::size_t n = data[at++];
        if (n >= 0xfe) {
            state->chunks.push_back(input.substr(at - 1, 1));
            continue;
        }
        state->chunks.push_back(input.substr(at, std::min(n, size - at)));
        at += n;
    }

    const wire_factory make_wire = [state]() -> std::unique_ptr<session_wire> {
        const bool first = state->wires_made++ == 0;
        return std::make_unique<memory_wire>(state, first);
    };
    static const auto log = std::make_shared<spdlog::logger>("dialogue_fuzz");
    asio::io_context io;
    probe_services services{nullptr, log, nullptr};
    auto future = asio::co_spawn(io, run_probe(request, services, make_wire), asio::use_future);
    io.run();
    // Every operation completes at once: when io.run() returns, the session has ended.
    SP_FUZZ_CHECK(future.wait_for(std::chrono::seconds(0)) == std::future_status::ready);
    const auto results = future.get();
    SP_FUZZ_CHECK(results.size() == 1);
    const auto& result = results.front();

    // finish() ran: the verdict is decided and the connection closed.
    SP_FUZZ_CHECK(state->wires_made == 0 || state->first_wire_closed);
    if (!result.ok()) {
        SP_FUZZ_CHECK(result.outcome.cause.has_value());
        SP_FUZZ_CHECK(result.outcome.failed_phase.has_value());
        const auto* failed = result.find(*result.outcome.failed_phase);
        SP_FUZZ_CHECK(failed != nullptr);
    }
    for (const auto& rec : result.checks) {
        SP_FUZZ_CHECK(rec.status != phase_status::fail || rec.cause.has_value());
    }

    // Credentials before TLS: only when plaintext is allowed (none; automatic when the server
    // did not offer STARTTLS).
    std::vector<std::string> secrets;
    if (!request.password.empty()) {
        secrets.emplace_back(password);
        secrets.emplace_back(login_password(request.password).reveal());
        secrets.emplace_back(plain_initial_response(user, request.password).reveal());
    }
    if (!request.oauth_token.empty()) {
        secrets.emplace_back(token);
        secrets.emplace_back(xoauth2_initial_response(user, request.oauth_token).reveal());
        secrets.emplace_back(
            oauthbearer_initial_response(user, request.host, request.port, request.oauth_token)
                .reveal());
    }
    bool sent_in_clear = false;
    for (const auto& w : state->writes) {
        for (const auto& s : secrets) {
            if (!w.tls_active && contains(w.bytes, s)) {
                sent_in_clear = true;
            }
        }
    }
    if (sent_in_clear) {
        const auto* starttls = result.find(phase::starttls);
        const bool allowed = request.security == security_mode::none ||
                             (request.security == security_mode::automatic && starttls &&
                              starttls->skipped == skip_reason::not_offered);
        SP_FUZZ_CHECK(allowed);
    }
    return 0;
}
