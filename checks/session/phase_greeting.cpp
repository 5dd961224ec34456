// greeting: the server's 220 (RFC 5321 section 4.3.1), and on ports where a silent server may be
// expecting implicit TLS, a TLS handshake on a second connection to tell the two apart.
#include <fmt/format.h>
#include <algorithm>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/this_coro.hpp>
#include <string>
#include <utility>
#include <variant>

#include "checks/greeting_rules.hpp"
#include "checks/port_mode.hpp"
#include "checks/session/phases.hpp"
#include "checks/session/probe_session.hpp"
#include "net/io_error.hpp"

namespace smtp_probe::phases {

namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {

/// A second connection that only tries a TLS handshake: it tells a port that expects
/// implicit TLS (RFC 8314 section 3.3) from a server that is merely slow to greet.
asio::awaitable<bool> sniff_tls(probe_session& s, milliseconds timeout) {
    const auto second = s.make_wire();
    if (co_await second->connect(*s.endpoint, timeout)) {
        co_return false;
    }
    const bool ok = !co_await second->start_tls(s.request.host, timeout);
    second->close();
    co_return ok;
}

}  // namespace

asio::awaitable<bool> greeting(probe_session& s) {
    using namespace asio::experimental::awaitable_operators;
    auto& rec = s.begin(phase::greeting);
    const auto full = s.request.timeouts.reply;
    const auto sniff_after = s.request.timeouts.greeting_tls_sniff;
    reply_outcome out;
    bool tls_answered = false;
    // Port 25 waits the full timeout: servers there delay the greeting on purpose and
    // penalise clients that talk first (RFC 5321 section 4.3.1: the client waits).
    if (!s.wire->tls_active() && sniff_tls_when_greeting_is_slow(s.request.port) &&
        sniff_after < full) {
        out = co_await s.read_reply(s.bounded(sniff_after));
        if (out.error == io_errc::timeout && s.wire->bytes_received() > 0 && !s.deadline_passed()) {
            // Some of the greeting came: a slow server, not a TLS port. Wait out the rest
            // of the reply timeout; the parser keeps the partial line.
            out = co_await s.read_reply(s.bounded(full - sniff_after));
        } else if (out.error == io_errc::timeout && s.wire->bytes_received() == 0 &&
                   !s.deadline_passed()) {
            s.note(transcript_direction::info,
                   "no greeting yet; trying a TLS handshake on a second connection");
            const auto rest = s.bounded(full - sniff_after);
            const auto rest_until = clock_type::now() + rest;
            auto first = co_await (s.read_reply(rest) || sniff_tls(s, rest));
            if (first.index() == 0) {
                out = std::get<0>(std::move(first));
            } else {
                tls_answered = std::get<1>(first);
                if (!tls_answered) {
                    const auto left =
                        std::chrono::duration_cast<milliseconds>(rest_until - clock_type::now());
                    out = co_await s.read_reply(std::max(left, milliseconds{0}));
                }
            }
        }
    } else {
        out = co_await s.read_reply(s.bounded(full));
    }
    ++s.result.round_trips;

    if (tls_answered) {
        s.note(transcript_direction::info, "the second connection completed a TLS handshake");
        s.fail(rec, probe_errc::port_mode_mismatch,
               {{detail_text::greeting_tls_instead,
                 {std::to_string(sniff_after.count()), std::to_string(s.request.port)}}});
        co_return false;
    }
    const auto banner = non_smtp_banner(s.wire->first_bytes());
    if (banner && *banner != "TLS") {
        std::string first(s.wire->first_bytes().substr(0, 120));
        s.scrub(first);
        rec.error_text = shown(first);
        s.fail(rec, probe_errc::not_smtp,
               {{detail_text::non_smtp_banner, {std::string(*banner), rec.error_text}}});
        co_return false;
    }
    if (out.error) {
        if (banner && *banner == "TLS") {
            s.fail(rec, probe_errc::port_mode_mismatch,
                   detail_notes{{detail_text::tls_record_not_greeting, {}}});
            co_return false;
        }
        if (out.error == io_errc::timeout && !s.deadline_passed()) {
            const auto received = std::to_string(s.wire->bytes_received());
            probe_session::set_error(rec, {detail_text::greeting_bytes_received, {received}});
            s.fail(rec, probe_errc::greeting_timeout,
                   {{detail_text::greeting_timeout, {std::to_string(full.count()), received}}});
            co_return false;
        }
        s.fail_io(rec, out);
        co_return false;
    }
    s.note_reply(out.reply);
    rec.reply = out.reply;
    if (s.wire->buffered() > 0) {
        // RFC 5321 section 4.3.1: after the greeting the server waits for the client.
        probe_session::set_error(
            rec, {detail_text::unsolicited_after_greeting, {std::to_string(s.wire->buffered())}});
        s.fail(rec, probe_errc::protocol_violation, rec.error_notes);
        co_return false;
    }
    const auto judgement = judge_greeting(out.reply);
    if (judgement.status == phase_status::fail) {
        s.fail(rec, judgement.cause.value_or(probe_errc::protocol_violation),
               shown(out.reply.summary()));
        co_return false;
    }
    s.pass(rec, shown(out.reply.summary()));
    co_return true;
}

}  // namespace smtp_probe::phases
