// quit: the end of the session (RFC 5321 section 4.1.1.10), after a pass or after a failure.
// Nothing here ever fails the probe.
#include <algorithm>
#include <chrono>

#include "checks/session/phases.hpp"
#include "checks/session/probe_session.hpp"
#include "net/smtp_commands.hpp"

namespace smtp_probe::phases {

namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {

constexpr milliseconds polite_quit_timeout{2'000};

}  // namespace

/// RSET then QUIT: the envelope is dropped (whatever DATA sent is already queued) and the session
/// ended politely. Problems here never fail the probe.
asio::awaitable<void> quit(probe_session& s) {
    auto& rec = s.begin(phase::quit);
    auto out = co_await s.command(smtp_cmd::rset());
    if (!out.error) {
        out = co_await s.command(smtp_cmd::quit());
    }
    if (out.error) {
        s.stamp(rec);
        rec.status = phase_status::skip;
        // Ignored: the envelope was already judged.
        rec.notes = {error_detail(out.error, shown(out.error.message()))};
        rec.detail = render_detail_en(rec.notes);
    } else {
        rec.reply = out.reply;
        s.pass(rec, shown(out.reply.summary()));
    }
    s.wire->close();
}

/// After a failure the session is ended politely when the connection is still usable.
asio::awaitable<void> polite_quit(probe_session& s) {
    const auto* failed = s.failed_phase ? &s.record(*s.failed_phase) : nullptr;
    const bool usable = failed && failed->reply && s.wire && !s.deadline_passed();
    if (usable) {
        s.note(transcript_direction::info, "ending the session after the failure");
        (void)co_await s.wire->write(smtp_cmd::quit(),
                                     std::min(polite_quit_timeout, s.bounded(polite_quit_timeout)));
        (void)co_await s.read_reply(std::min(polite_quit_timeout, s.bounded(polite_quit_timeout)));
    }
    if (s.wire) {
        s.wire->close();
    }
}

}  // namespace smtp_probe::phases
