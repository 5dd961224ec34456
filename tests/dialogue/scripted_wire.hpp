// A scripted server behind session_wire, in the style of Boost.MySQL's test streams: the test
// lists every operation the probe must make (connect, the bytes it writes, the bytes the server
// sends, the TLS handshake) and the session runs against it on a plain io_context, no sockets.
// fail_at(k) makes the k-th operation fail (Beast's fail_count): that one and every later one
// returns the error, as a dead connection would.
#pragma once

#include <boost/asio/error.hpp>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "checks/phase.hpp"
#include "checks/session/wire.hpp"
#include "tests/dialogue/reply_framing.hpp"

namespace smtp_probe::testing {

enum class step_kind { connect, read, write, tls };

struct script_step {
    step_kind kind;
    phase during;       ///< the phase the probe is in when it makes this operation
    std::string bytes;  ///< read: what the server sends; write: what the probe must send
    boost::system::error_code error;  ///< connect, tls: the outcome
    tls_facts tls;
    std::optional<certificate_facts> certificate;
};

/// The script, shared by the test and every wire the factory makes.
struct dialogue_script {
    std::vector<script_step> steps;
    std::size_t next = 0;
    std::optional<std::size_t> fail_at;
    boost::system::error_code fail_with;
    bool failed = false;                ///< the injected failure happened
    std::vector<std::string> problems;  ///< operations the script did not expect
    std::vector<std::string> writes;    ///< every write the probe made, in order
    phase current = phase::tcp;
    std::size_t wires_made = 0;

    // ---- the builder -------------------------------------------------------------------------
    dialogue_script& in(phase p) {
        current = p;
        return *this;
    }
    dialogue_script& expect_connect(boost::system::error_code ec = {}) {
        steps.push_back({step_kind::connect, current, {}, ec, {}, {}});
        return *this;
    }
    dialogue_script& expect_read(std::string server_bytes) {
        steps.push_back({step_kind::read, current, std::move(server_bytes), {}, {}, {}});
        return *this;
    }
    dialogue_script& expect_write(std::string probe_bytes) {
        steps.push_back({step_kind::write, current, std::move(probe_bytes), {}, {}, {}});
        return *this;
    }
    /// A handshake that succeeds with these facts (cert nullopt: the server sent none).
    dialogue_script& expect_tls(tls_facts facts, std::optional<certificate_facts> cert) {
        steps.push_back({step_kind::tls, current, {}, {}, std::move(facts), std::move(cert)});
        return *this;
    }
    dialogue_script& expect_tls_failure(boost::system::error_code ec) {
        steps.push_back({step_kind::tls, current, {}, ec, {}, {}});
        return *this;
    }
    void fail_at_step(std::size_t k, boost::system::error_code ec) {
        fail_at = k;
        fail_with = ec;
    }
    [[nodiscard]] bool done() const { return next == steps.size(); }

    // ---- what the wire calls -----------------------------------------------------------------
    /// The step for the next operation of `kind`, or the error it ends with.
    [[nodiscard]] std::pair<const script_step*, boost::system::error_code> take(step_kind kind) {
        if (failed) {
            return {nullptr, fail_with};
        }
        if (fail_at && next == *fail_at) {
            failed = true;
            ++next;
            return {nullptr, fail_with};
        }
        if (next >= steps.size()) {
            problems.push_back("operation after the end of the script");
            return {nullptr, boost::asio::error::connection_reset};
        }
        const auto& step = steps[next];
        if (step.kind != kind) {
            problems.push_back("step " + std::to_string(next) + ": expected " +
                               kind_name(step.kind) + ", the probe did " + kind_name(kind));
            return {nullptr, boost::asio::error::connection_reset};
        }
        ++next;
        return {&step, {}};
    }

    [[nodiscard]] static std::string kind_name(step_kind k) {
        switch (k) {
            case step_kind::connect:
                return "connect";
            case step_kind::read:
                return "read";
            case step_kind::write:
                return "write";
            case step_kind::tls:
                return "tls";
        }
        return "?";
    }
};

class scripted_wire final : public session_wire {
public:
    explicit scripted_wire(std::shared_ptr<dialogue_script> script) : script_(std::move(script)) {}

    [[nodiscard]] boost::asio::awaitable<error_code> connect(endpoint, milliseconds) override {
        auto [step, ec] = script_->take(step_kind::connect);
        co_return step ? step->error : ec;
    }

    [[nodiscard]] boost::asio::awaitable<error_code> write(std::string_view bytes,
                                                           milliseconds) override {
        script_->writes.emplace_back(bytes);
        auto [step, ec] = script_->take(step_kind::write);
        if (step && step->bytes != bytes) {
            script_->problems.push_back("write: expected \"" + step->bytes +
                                        "\", the probe sent \"" + std::string(bytes) + "\"");
            co_return boost::asio::error::connection_reset;
        }
        co_return ec;
    }

    [[nodiscard]] boost::asio::awaitable<reply_outcome> read_reply(milliseconds) override {
        for (;;) {
            if (auto out = framing_.next()) {
                co_return std::move(*out);
            }
            auto [step, ec] = script_->take(step_kind::read);
            if (!step) {
                reply_outcome out;
                out.error = ec;
                co_return out;
            }
            framing_.feed(step->bytes);
        }
    }

    [[nodiscard]] boost::asio::awaitable<error_code> start_tls(std::string_view,
                                                               milliseconds) override {
        auto [step, ec] = script_->take(step_kind::tls);
        if (!step) {
            co_return ec;
        }
        if (!step->error) {
            tls_ = step->tls;
            certificate_ = step->certificate;
            tls_active_ = true;
        }
        co_return step->error;
    }

    void close() noexcept override { closed_ = true; }
    [[nodiscard]] bool tls_active() const noexcept override { return tls_active_; }
    [[nodiscard]] tls_facts tls() const override { return tls_; }
    [[nodiscard]] std::optional<certificate_facts> certificate() const override {
        return certificate_;
    }
    [[nodiscard]] std::size_t buffered() const noexcept override {
        return framing_.parser.buffered();
    }
    [[nodiscard]] std::uint64_t bytes_received() const noexcept override {
        return framing_.received;
    }
    [[nodiscard]] std::string_view first_bytes() const noexcept override { return framing_.first; }

private:
    std::shared_ptr<dialogue_script> script_;
    reply_framing framing_;
    tls_facts tls_;
    std::optional<certificate_facts> certificate_;
    bool tls_active_ = false;
    bool closed_ = false;
};

/// A connection that is refused: every wire after the first (the tcp phase's next address, the
/// greeting phase's TLS sniff) gets one, so that the script plays exactly one connection.
class refused_wire final : public session_wire {
public:
    [[nodiscard]] boost::asio::awaitable<error_code> connect(endpoint, milliseconds) override {
        co_return boost::asio::error::connection_refused;
    }
    [[nodiscard]] boost::asio::awaitable<error_code> write(std::string_view,
                                                           milliseconds) override {
        co_return boost::asio::error::not_connected;
    }
    [[nodiscard]] boost::asio::awaitable<reply_outcome> read_reply(milliseconds) override {
        co_return reply_outcome{boost::asio::error::not_connected, {}, {}, {}};
    }
    [[nodiscard]] boost::asio::awaitable<error_code> start_tls(std::string_view,
                                                               milliseconds) override {
        co_return boost::asio::error::not_connected;
    }
    void close() noexcept override {}
    [[nodiscard]] bool tls_active() const noexcept override { return false; }
    [[nodiscard]] tls_facts tls() const override { return {}; }
    [[nodiscard]] std::optional<certificate_facts> certificate() const override {
        return std::nullopt;
    }
    [[nodiscard]] std::size_t buffered() const noexcept override { return 0; }
    [[nodiscard]] std::uint64_t bytes_received() const noexcept override { return 0; }
    [[nodiscard]] std::string_view first_bytes() const noexcept override { return {}; }
};

/// The first wire plays the script, every later one is refused.
[[nodiscard]] inline wire_factory scripted_factory(std::shared_ptr<dialogue_script> script) {
    return [script]() -> std::unique_ptr<session_wire> {
        if (script->wires_made++ == 0) {
            return std::make_unique<scripted_wire>(script);
        }
        return std::make_unique<refused_wire>();
    };
}

}  // namespace smtp_probe::testing
