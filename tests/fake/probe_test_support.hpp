// What the probe's fake-server tests share: a request with short timeouts, a trace-level log
// capture, readable names for a result, and the check that a probe failed where it should.
#pragma once

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "checks/errors.hpp"
#include "checks/evidence.hpp"
#include "checks/phase.hpp"
#include "checks/request.hpp"
#include "tests/fake/fake_smtp_server.hpp"

namespace smtp_probe::testing {

/// Everything the probe logs, at trace level, so a test can look for leaked secrets.
struct captured_log {
    std::shared_ptr<std::ostringstream> out = std::make_shared<std::ostringstream>();
    std::shared_ptr<spdlog::logger> logger;
    explicit captured_log(const std::string& name = "fake_probe") {
        auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(*out);
        logger = std::make_shared<spdlog::logger>(name, std::move(sink));
        logger->set_level(spdlog::level::trace);
    }
    [[nodiscard]] std::string text() const {
        logger->flush();
        return out->str();
    }
};

/// A request for 127.0.0.1:port with short timeouts so the suites stay quick.
inline probe_request make_request(std::uint16_t port, security_mode mode,
                                  std::chrono::milliseconds deadline = std::chrono::seconds(20)) {
    using namespace std::chrono_literals;
    probe_request r;
    r.host = "127.0.0.1";
    r.port = port;
    r.security = mode;
    r.timeouts.connect = 2s;
    r.timeouts.reply = 2s;
    r.timeouts.greeting_tls_sniff = 500ms;
    r.timeouts.dns = 2s;
    r.deadline = deadline;
    r.helo_name = "probe.test";
    r.keep_transcript = true;
    r.cert_warn_days = 14;
    r.from = "user@example.test";
    r.rcpt = "rcpt@example.test";
    return r;
}

inline void add_credentials(probe_request& r) {
    r.user = "user";
    r.password = secret(std::string("password"));
}

inline std::string category_of(const probe_result& r) {
    return std::string(category_id(r.outcome.category));
}

inline std::string cause_of(const probe_result& r) {
    return r.outcome.cause ? std::string(cause_id(*r.outcome.cause)) : std::string("(none)");
}

inline std::string failed_phase_of(const probe_result& r) {
    return r.outcome.failed_phase ? std::string(phase_name(*r.outcome.failed_phase))
                                  : std::string("(none)");
}

inline std::string status_of(const probe_result& r, phase p) {
    const auto* rec = r.find(p);
    return rec != nullptr ? std::string(status_name(rec->status)) : std::string("(missing)");
}

inline bool has_warning(const probe_result& r, warning_kind w) {
    return std::any_of(r.warnings.begin(), r.warnings.end(),
                       [w](const probe_warning& x) { return x.kind == w; });
}

/// The whole result as text, attached to failing checks (shortened: it may quote hostile text).
inline std::string describe(const probe_result& r) {
    std::string s = "outcome: " + category_of(r) + " / " + cause_of(r) + " at " +
                    failed_phase_of(r) +
                    fmt::format(" after {:.0f} ms\n",
                                std::chrono::duration<double, std::milli>(r.duration).count());
    for (const auto& rec : r.checks) {
        s += "  " + std::string(phase_name(rec.name)) + ": " + std::string(status_name(rec.status));
        if (rec.cause) {
            s += " (" + std::string(cause_id(*rec.cause)) + ")";
        }
        s += " " + rec.detail.substr(0, 200) + "\n";
    }
    for (const auto& w : r.warnings) {
        s += "  warning " + std::string(warning_id(w.kind)) + ": " + w.detail + "\n";
    }
    std::size_t shown = 0;
    for (const auto& t : r.transcript) {
        if (++shown > 40) {
            s += "  ...\n";
            break;
        }
        s += t.direction == transcript_direction::sent       ? "  > "
             : t.direction == transcript_direction::received ? "  < "
                                                             : "  * ";
        s += t.text.substr(0, 200) + "\n";
    }
    return s;
}

/// The failure is (category, cause) at `failed`, and every phase in `passed` passed.
inline void check_failure(const probe_result& r, std::string_view category, std::string_view cause,
                          phase failed, const std::vector<phase>& passed) {
    INFO(describe(r));
    CHECK(category_of(r) == category);
    CHECK(cause_of(r) == cause);
    CHECK(failed_phase_of(r) == phase_name(failed));
    CHECK(status_of(r, failed) == "fail");
    const auto* rec = r.find(failed);
    REQUIRE(rec != nullptr);
    REQUIRE(rec->cause.has_value());
    CHECK(cause_id(*rec->cause) == cause);
    for (const phase p : passed) {
        CAPTURE(phase_name(p));
        CHECK(status_of(r, p) == "pass");
    }
    CHECK(exit_status_of(r) == exit_status::failure);
}

inline bool any_line_starts_with(const std::vector<std::string>& lines, std::string_view prefix) {
    return std::any_of(lines.begin(), lines.end(),
                       [&](const std::string& l) { return l.rfind(prefix, 0) == 0; });
}

/// The lines a connection received, once the server is done with it.
inline std::vector<std::string> lines_of(const fake::fake_smtp_server& server,
                                         std::size_t connection = 0) {
    using namespace std::chrono_literals;
    CHECK(server.wait_finished(connection + 1, 5s));
    const auto records = server.connections();
    return connection < records.size() ? records[connection].lines : std::vector<std::string>{};
}

}  // namespace smtp_probe::testing
