// The shared state of one probe over one connection attempt sequence, and the bookkeeping every
// phase uses: phase records, timings, warnings, the transcript, and one command/reply exchange.
// Internal to sp_checks_session; the phases themselves are in checks/phase_*.cpp.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "checks/classify.hpp"
#include "checks/evidence.hpp"
#include "checks/request.hpp"
#include "checks/session/pipeline.hpp"
#include "checks/session/wire.hpp"
#include "net/capabilities.hpp"
#include "net/secret_scrub.hpp"

namespace smtp_probe {

using clock_type = std::chrono::steady_clock;

/// Server text made fit for a detail or a transcript line: sanitised and bounded.
[[nodiscard]] std::string shown(std::string_view untrusted);

/// A command line without its CRLF, for the transcript.
[[nodiscard]] std::string strip_crlf(std::string_view line);

/// All the state of one probe run over one connection attempt sequence.
class probe_session {
public:
    /// Fills result.target, and one record per phase of `order`. The deadline is
    /// started + request.deadline unless `deadline_at` says otherwise (the later addresses of
    /// --all-addresses share the first one's).
    /// `make_wire` makes every connection the session opens.
    probe_session(const probe_request& request, const probe_services& services,
                  probe_result& result, clock_type::time_point started,
                  const std::vector<phase>& order, wire_factory make_wire,
                  std::optional<clock_type::time_point> deadline_at = std::nullopt);
    probe_session(const probe_session&) = delete;
    probe_session& operator=(const probe_session&) = delete;
    ~probe_session();

    /// Marks every phase that did not run as skipped, decides the verdict, stamps the duration.
    void finish();

    /// --all-addresses: the DNS phase ran once for every session; its record is copied in.
    void adopt_dns(const phase_record& dns_record);

    // ---- bookkeeping -------------------------------------------------------------------------

    phase_record& record(phase p);
    phase_record& begin(phase p);
    void stamp(phase_record& rec);
    /// The detail goes in as notes (checks/detail_note.hpp); rec.detail is their English.
    void pass(phase_record& rec, detail_notes detail, phase_status status = phase_status::pass);
    void fail(phase_record& rec, probe_errc cause, detail_notes detail);
    /// A detail that is all the server's words or plain values: shown as it is in any language.
    void pass(phase_record& rec, std::string detail, phase_status status = phase_status::pass);
    void fail(phase_record& rec, probe_errc cause, std::string detail);
    /// Sets rec.error_notes and rec.error_text, its English.
    static void set_error(phase_record& rec, detail_note error);
    void skip(phase p, skip_reason why);
    void add_warning(warning_kind kind, detail_notes detail);
    void add_warning(warning_kind kind, std::string detail);
    void note(transcript_direction dir, std::string text);
    void note_reply(const smtp_reply& reply);

    [[nodiscard]] bool deadline_passed() const;

    /// A phase timeout, cut to what is left of the whole-probe deadline.
    [[nodiscard]] std::chrono::milliseconds bounded(std::chrono::milliseconds timeout) const;

    /// The cause for an I/O error at a phase, with the deadline taking precedence over the
    /// phase timeout it cut short.
    [[nodiscard]] probe_errc cause_of(phase p, const boost::system::error_code& ec) const;

    [[nodiscard]] reply_context context() const;

    void fail_io(phase_record& rec, const reply_outcome& out);

    /// The probe's own words for what is wrong with a reply: out.offending gets their English,
    /// and fail_io the note, so that the text report can say it in other languages.
    void set_offending(reply_outcome& out, detail_note note);

    /// The outcome of one command at `rec`: true when the reply is one of `accepted`; otherwise
    /// the phase fails, on the I/O error or on what the reply means (classify.hpp).
    bool accepted(phase_record& rec, const reply_outcome& out, std::initializer_list<int> codes);

    /// Sends one command and reads its reply. `display` is what the transcript shows.
    /// `bytes` must outlive the co_await (callers pass locals or temporaries of the awaiting
    /// full-expression); `display` is owned, since it is often built on the fly.
    [[nodiscard]] boost::asio::awaitable<reply_outcome> exchange(
        std::string_view bytes, std::string display, bool trailing_bytes_allowed = false);

    [[nodiscard]] boost::asio::awaitable<reply_outcome> command(std::string_view line);

    /// Reads one reply: the only way server replies enter the session, with the credentials
    /// scrubbed out before anything stores, logs or prints them.
    [[nodiscard]] boost::asio::awaitable<reply_outcome> read_reply(
        std::chrono::milliseconds timeout);

    /// Scrubs credentials out of other server text (a non-SMTP banner).
    void scrub(std::string& server_text) const;
    /// Something that carries a credential is about to be sent: from now on an echo of it is
    /// scrubbed too. A trailing CRLF is not part of it.
    void scrub_also(std::string_view sent);

    // ---- state the phases read and write -----------------------------------------------------

    const probe_request& request;
    const probe_services& services;
    probe_result& result;
    const wire_factory make_wire;
    /// The connection; made by the driver, replaced by the tcp phase after a failed address.
    std::unique_ptr<session_wire> wire;
    std::optional<boost::asio::ip::tcp::endpoint> endpoint;
    ehlo_capabilities caps;
    std::optional<phase> failed_phase;

private:
    clock_type::time_point started_;
    clock_type::time_point deadline_at_;
    std::set<phase> ran_;
    std::map<phase, clock_type::time_point> phase_started_;
    /// What exchange() put into reply_outcome::offending, as a note for fail_io.
    std::optional<detail_note> offending_note_;
    secret_scrubber scrubber_;
};

}  // namespace smtp_probe
