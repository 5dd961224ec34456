// The DATA phase, used only by `diagnose --send-to`: one labelled test message, its queue id, and
// every refusal at DATA named. `check` never reaches DATA.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "checks/errors.hpp"
#include "checks/session/pipeline.hpp"
#include "tests/fake/fake_smtp_server.hpp"
#include "tests/fake/run_blocking.hpp"

using namespace std::chrono_literals;
using namespace smtp_probe;
using fake::fake_smtp_server;
using fake::script;

namespace {

probe_request plain_request(std::uint16_t port) {
    probe_request r;
    r.host = "127.0.0.1";
    r.port = port;
    r.security = security_mode::none;
    r.timeouts.connect = 2s;
    r.timeouts.reply = 3s;
    r.deadline = 20s;
    r.helo_name = "probe.test";
    r.from = "billing@example.test";
    r.keep_transcript = true;
    return r;
}

script server_answering(std::string data_reply, std::string final_reply) {
    script s;
    s.send("220 fake.test ESMTP\r\n")
        .respond("250 2.0.0 Ok\r\n", {{"EHLO", "250-fake.test\r\n250 8BITMIME\r\n"},
                                      {"DATA", std::move(data_reply)},
                                      {".", std::move(final_reply)}});
    return s;
}

std::vector<std::string> received(const fake_smtp_server& server) {
    REQUIRE(server.wait_finished(1, 5s));
    const auto records = server.connections();
    REQUIRE_FALSE(records.empty());
    return records[0].lines;
}

bool has_line(const std::vector<std::string>& lines, const std::string& prefix) {
    return std::any_of(lines.begin(), lines.end(),
                       [&](const std::string& l) { return l.rfind(prefix, 0) == 0; });
}

std::string cause_text(const probe_result& r) {
    return r.outcome.cause ? std::string(cause_id(*r.outcome.cause)) : "(none)";
}

}  // namespace

TEST_CASE("--send-to: the message goes to that address and the queue id is reported") {
    fake_smtp_server server(server_answering("354 End data with <CR><LF>.<CR><LF>\r\n",
                                             "250 2.0.0 Ok: queued as 4XyZ1k2LmNz8\r\n"));
    auto request = plain_request(server.port());
    request.send_to = "admin@example.net";
    const auto r = probe_once(request, nullptr);
    CAPTURE(cause_text(r));
    CHECK(r.ok());
    const auto* data = r.find(phase::data);
    REQUIRE(data != nullptr);
    CHECK(data->status == phase_status::pass);
    CHECK(data->detail == "queue id 4XyZ1k2LmNz8");
    const auto lines = received(server);
    CHECK(has_line(lines, "RCPT TO:<admin@example.net>"));
    CHECK(has_line(lines, "Subject: smtp-probe test message"));
    CHECK(has_line(lines, "Auto-Submitted: auto-generated"));
    CHECK(has_line(lines, "QUIT"));
}

TEST_CASE("without --send-to no DATA is ever sent") {
    fake_smtp_server server(server_answering("354 go\r\n", "250 queued\r\n"));
    auto request = plain_request(server.port());
    request.rcpt = "admin@example.net";
    const auto r = probe_once(request, nullptr);
    CHECK(r.ok());
    CHECK(r.find(phase::data) == nullptr);
    CHECK_FALSE(has_line(received(server), "DATA"));
}

TEST_CASE("refusals at DATA name their cause") {
    struct row {
        const char* data_reply;
        const char* final_reply;
        const char* category;
        const char* cause;
    };
    for (const auto& c : {
             row{"354 go ahead\r\n",
                 "554 5.7.1 Message rejected: content matches a spam signature\r\n",
                 "data_not_accepted", "content_rejected"},
             row{"354 go ahead\r\n", "552 5.3.4 Message size exceeds fixed limit\r\n",
                 "data_not_accepted", "message_too_large"},
             row{"354 go ahead\r\n",
                 "554 Message rejected: Email address is not verified. The following identities "
                 "failed the check in region US-EAST-1: billing@example.test\r\n",
                 "sender_verify", "sender_unverified"},
             row{"451 4.7.1 Too many messages, slow down\r\n", "250 unused\r\n",
                 "data_not_accepted", "rate_limited"},
         }) {
        CAPTURE(c.final_reply);
        fake_smtp_server server(server_answering(c.data_reply, c.final_reply));
        auto request = plain_request(server.port());
        request.send_to = "admin@example.net";
        const auto r = probe_once(request, nullptr);
        CHECK(category_id(r.outcome.category) == c.category);
        CHECK(cause_text(r) == c.cause);
        REQUIRE(r.outcome.failed_phase.has_value());
        CHECK(*r.outcome.failed_phase == phase::data);
    }
}
