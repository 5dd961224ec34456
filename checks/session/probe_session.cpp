#include "checks/session/probe_session.hpp"
#include "checks/whmcs_log.hpp"

#include <spdlog/spdlog.h>

#include <fmt/format.h>
#include <algorithm>
#include <utility>

#include "checks/credential_scrubber.hpp"
#include "net/sanitize.hpp"

namespace smtp_probe {

namespace asio = boost::asio;
using boost::system::error_code;
using std::chrono::milliseconds;

namespace {

constexpr std::size_t max_detail_bytes = 300;

}  // namespace

std::string shown(std::string_view untrusted) {
    return sanitize_for_display(untrusted, max_detail_bytes);
}

std::string strip_crlf(std::string_view line) {
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
        line.remove_suffix(1);
    }
    return std::string(line);
}

probe_session::probe_session(const probe_request& request, const probe_services& services,
                             probe_result& result, clock_type::time_point started,
                             const std::vector<phase>& order, wire_factory make_wire,
                             std::optional<clock_type::time_point> deadline_at)
    : request(request),
      services(services),
      result(result),
      make_wire(std::move(make_wire)),
      started_(started),
      deadline_at_(deadline_at.value_or(started + request.deadline)),
      scrubber_(credential_scrubber(request)) {
    result.target = {request.host, request.port, request.security, request.whmcs_settings};
    for (auto p : order) {
        phase_record rec;
        rec.name = p;
        result.checks.push_back(std::move(rec));
    }
}

probe_session::~probe_session() = default;

void probe_session::finish() {
    for (auto& rec : result.checks) {
        if (!ran_.contains(rec.name)) {
            rec.status = phase_status::skip;
            rec.skipped = failed_phase ? skip_reason::after_failure : skip_reason::not_requested;
        }
    }
    const auto decision = decide(result, request.local_names);
    result.outcome = decision.outcome;
    if (decision.redirect_warning) {
        add_warning(warning_kind::smtp_restrictions_redirect, shown(request.host));
    }
    const whmcs_log_context log_ctx{request.effective_from().value_or(""),
                                    request.effective_rcpt().value_or(""),
                                    request.user.has_value()};
    result.whmcs_log = whmcs_log_lines(result, log_ctx);
    result.duration = clock_type::now() - started_;
    if (wire) {
        wire->close();
    }
}

void probe_session::adopt_dns(const phase_record& dns_record) {
    auto& rec = record(phase::dns);
    rec = dns_record;
    ran_.insert(phase::dns);
    if (rec.status == phase_status::fail) {
        failed_phase = phase::dns;
    }
}

phase_record& probe_session::record(phase p) {
    for (auto& rec : result.checks) {
        if (rec.name == p) {
            return rec;
        }
    }
    phase_record rec;
    rec.name = p;
    result.checks.push_back(std::move(rec));
    return result.checks.back();
}

phase_record& probe_session::begin(phase p) {
    auto& rec = record(p);
    ran_.insert(p);
    phase_started_[p] = clock_type::now();
    services.log->debug("phase {} started", phase_name(p));
    return rec;
}

void probe_session::stamp(phase_record& rec) {
    rec.duration += clock_type::now() - phase_started_[rec.name];
}

void probe_session::pass(phase_record& rec, std::string detail, phase_status status) {
    pass(rec, detail_notes{as_is(std::move(detail))}, status);
}

void probe_session::fail(phase_record& rec, probe_errc cause, std::string detail) {
    fail(rec, cause, detail_notes{as_is(std::move(detail))});
}

void probe_session::set_error(phase_record& rec, detail_note error) {
    rec.error_notes = {std::move(error)};
    rec.error_text = render_detail_en(rec.error_notes);
}

void probe_session::pass(phase_record& rec, detail_notes detail, phase_status status) {
    stamp(rec);
    rec.status = status;
    rec.detail = render_detail_en(detail);
    rec.notes = std::move(detail);
    services.log->debug("phase {} {} in {:.1f} ms: {}", phase_name(rec.name), status_name(status),
                        rec.duration.count(), rec.detail);
}

void probe_session::fail(phase_record& rec, probe_errc cause, detail_notes detail) {
    stamp(rec);
    rec.status = phase_status::fail;
    rec.cause = cause;
    rec.detail = render_detail_en(detail);
    rec.notes = std::move(detail);
    failed_phase = rec.name;
    services.log->info("phase {} failed ({}) in {:.1f} ms: {}", phase_name(rec.name),
                       cause_id(cause), rec.duration.count(), rec.detail);
}

void probe_session::skip(phase p, skip_reason why) {
    auto& rec = record(p);
    ran_.insert(p);
    rec.status = phase_status::skip;
    rec.skipped = why;
}

void probe_session::add_warning(warning_kind kind, std::string detail) {
    add_warning(kind, detail_notes{as_is(std::move(detail))});
}

void probe_session::add_warning(warning_kind kind, detail_notes detail) {
    for (const auto& w : result.warnings) {
        if (w.kind == kind) {
            return;
        }
    }
    auto english = render_detail_en(detail);
    services.log->info("warning {}: {}", warning_id(kind), english);
    result.warnings.push_back({kind, std::move(english), std::move(detail)});
}

void probe_session::note(transcript_direction dir, std::string text) {
    const char* arrow = dir == transcript_direction::sent       ? ">"
                        : dir == transcript_direction::received ? "<"
                                                                : "*";
    services.log->trace("{} {}", arrow, text);
    if (request.keep_transcript) {
        result.transcript.push_back({dir, clock_type::now() - started_, std::move(text)});
    }
}

void probe_session::note_reply(const smtp_reply& reply) {
    const std::size_t n = reply.lines.empty() ? 1 : reply.lines.size();
    for (std::size_t i = 0; i < n; ++i) {
        const bool last = i + 1 == n;
        std::string line = std::to_string(reply.code) + (last ? " " : "-");
        if (!reply.lines.empty()) {
            line += reply.lines[i];
        }
        note(transcript_direction::received, shown(line));
    }
}

bool probe_session::deadline_passed() const {
    return clock_type::now() >= deadline_at_;
}

milliseconds probe_session::bounded(milliseconds timeout) const {
    // Rounded up, so that a phase cut by the deadline ends at or after it and is reported
    // as deadline_exceeded, not as the phase's own timeout.
    const auto left = std::chrono::ceil<milliseconds>(deadline_at_ - clock_type::now());
    return std::max(milliseconds{0}, std::min(timeout, left));
}

probe_errc probe_session::cause_of(phase p, const error_code& ec) const {
    if (deadline_passed()) {
        return probe_errc::deadline_exceeded;
    }
    return cause_for_error(p, ec);
}

reply_context probe_session::context() const {
    reply_context ctx;
    ctx.tls_active = wire && wire->tls_active();
    ctx.starttls_offered = caps.starttls;
    return ctx;
}

void probe_session::set_offending(reply_outcome& out, detail_note note) {
    out.offending = render_detail_en({note});
    offending_note_ = std::move(note);
}

void probe_session::fail_io(phase_record& rec, const reply_outcome& out) {
    // The probe's own sentence when set_offending() wrote it; a stream's own words otherwise.
    const bool ours = offending_note_ && render_detail_en({*offending_note_}) == out.offending;
    if (out.violation != reply_violation::none) {
        const auto name = std::string(violation_name(out.violation));
        const auto english = fmt::format("{}: {}", name, shown(out.offending));
        if (ours) {
            auto note = *offending_note_;
            for (auto& arg : note.args) {
                arg = shown(arg);
            }
            rec.error_notes = {{detail_text::subject_colon, {name}}, std::move(note)};
            rec.error_text = render_detail_en(rec.error_notes);
        }
        // Sanitising the parts may differ from sanitising the whole; the English must not.
        if (!ours || rec.error_text != english) {
            set_error(rec, violation_detail(out.violation, shown(out.offending)));
        }
    } else if (!out.offending.empty()) {
        set_error(rec, ours ? *offending_note_ : as_is(shown(out.offending)));
    } else {
        set_error(rec, error_detail(out.error, shown(out.error.message())));
    }
    if (out.error.category() == boost::system::system_category()) {
        rec.sys_errno = out.error.value();
    }
    fail(rec, cause_of(rec.name, out.error), rec.error_notes);
}

bool probe_session::accepted(phase_record& rec, const reply_outcome& out,
                             std::initializer_list<int> codes) {
    if (out.error) {
        fail_io(rec, out);
        return false;
    }
    rec.reply = out.reply;
    if (std::find(codes.begin(), codes.end(), out.reply.code) == codes.end()) {
        fail(rec, cause_for_reply(rec.name, out.reply, context()), shown(out.reply.summary()));
        return false;
    }
    return true;
}

asio::awaitable<reply_outcome> probe_session::exchange(std::string_view bytes, std::string display,
                                                       bool trailing_bytes_allowed) {
    note(transcript_direction::sent, std::move(display));
    reply_outcome out;
    // Without PIPELINING (we never use it) every reply answers one command (RFC 5321
    // section 4.1.4): bytes waiting before a command is sent would pair every later reply
    // with the wrong command.
    if (wire->buffered() > 0) {
        out.error = make_error_code(probe_errc::protocol_violation);
        set_offending(
            out, {detail_text::unsolicited_before_command, {std::to_string(wire->buffered())}});
        co_return out;
    }
    out.error = co_await wire->write(bytes, bounded(request.timeouts.reply));
    if (out.error) {
        co_return out;
    }
    out = co_await read_reply(bounded(request.timeouts.reply));
    ++result.round_trips;
    if (!out.error) {
        note_reply(out.reply);
        if (!trailing_bytes_allowed && wire->buffered() > 0) {
            out.error = make_error_code(probe_errc::protocol_violation);
            set_offending(
                out, {detail_text::unsolicited_after_reply, {std::to_string(wire->buffered())}});
        }
    }
    co_return out;
}

asio::awaitable<reply_outcome> probe_session::command(std::string_view line) {
    co_return co_await exchange(line, strip_crlf(line));
}

asio::awaitable<reply_outcome> probe_session::read_reply(milliseconds timeout) {
    auto out = co_await wire->read_reply(timeout);
    for (auto& line : out.reply.lines) {
        scrub(line);
    }
    scrub(out.offending);
    co_return out;
}

void probe_session::scrub_also(std::string_view sent) {
    while (!sent.empty() && (sent.back() == '\n' || sent.back() == '\r')) {
        sent.remove_suffix(1);
    }
    scrubber_.add_secret(sent);
}

void probe_session::scrub(std::string& server_text) const {
    scrubber_.scrub(server_text);
    if (services.scrubber) {
        services.scrubber->scrub(server_text);
    }
}

}  // namespace smtp_probe
