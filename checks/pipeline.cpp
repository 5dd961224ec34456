#include "checks/pipeline.hpp"

#include <spdlog/spdlog.h>

#include <fmt/format.h>
#include <algorithm>
#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <ctime>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <variant>

#include "checks/auth_choice.hpp"
#include "checks/certificate_rules.hpp"
#include "checks/classify.hpp"
#include "checks/greeting_rules.hpp"
#include "checks/port_mode.hpp"
#include "checks/starttls_rules.hpp"
#include "checks/test_message.hpp"
#include "net/capabilities.hpp"
#include "net/resolver.hpp"
#include "net/sanitize.hpp"
#include "net/sasl.hpp"
#include "net/smtp_commands.hpp"
#include "net/smtp_stream.hpp"
#include "net/tls_client.hpp"

namespace smtp_probe {

namespace asio = boost::asio;
using boost::system::error_code;
using clock_type = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

constexpr const char* redacted = "<redacted>";
constexpr milliseconds polite_quit_timeout{2'000};
constexpr std::size_t max_detail_bytes = 300;

std::string shown(std::string_view untrusted) {
    return sanitize_for_display(untrusted, max_detail_bytes);
}

std::string strip_crlf(std::string_view line) {
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) {
        line.remove_suffix(1);
    }
    return std::string(line);
}

std::vector<phase> phase_order(security_mode mode, bool sends_message) {
    std::vector<phase> order = {phase::dns, phase::tcp};
    if (mode == security_mode::tls) {
        order.insert(order.end(), {phase::tls, phase::certificate, phase::greeting, phase::ehlo,
                                   phase::starttls});
    } else {
        order.insert(order.end(), {phase::greeting, phase::ehlo, phase::starttls, phase::tls,
                                   phase::certificate});
    }
    order.insert(order.end(), {phase::auth, phase::mail_from, phase::rcpt});
    if (sends_message) {
        order.push_back(phase::data);
    }
    order.push_back(phase::quit);
    return order;
}

std::string endpoint_text(const asio::ip::tcp::endpoint& ep) {
    const auto addr = ep.address();
    if (addr.is_v6()) {
        return fmt::format("[{}]:{}", addr.to_string(), ep.port());
    }
    return fmt::format("{}:{}", addr.to_string(), ep.port());
}

/// All the state of one probe run over one connection attempt sequence.
class probe_run {
public:
    probe_run(const probe_request& request, const probe_services& services, probe_result& result,
              clock_type::time_point started)
        : request_(request),
          services_(services),
          result_(result),
          started_(started),
          deadline_at_(started + request.deadline) {
        result_.target = {request.host, request.port, request.security};
        for (auto p : phase_order(request.security, request.send_to.has_value())) {
            phase_record rec;
            rec.name = p;
            result_.checks.push_back(std::move(rec));
        }
    }

    /// The session on an already resolved address list: tcp and everything after it.
    asio::awaitable<void> run_session(const std::vector<asio::ip::address>& addresses) {
        auto ex = co_await asio::this_coro::executor;
        stream_ = std::make_unique<smtp_stream>(ex, *services_.tls);
        if (!co_await connect_any(addresses)) {
            co_return;
        }
        // One step at a time: GCC 12 mis-evaluates co_await inside short-circuit operators.
        bool ok = true;
        if (request_.security == security_mode::tls) {
            ok = co_await tls_handshake();
            ok = ok && certificate();
            if (ok) {
                ok = co_await greeting();
            }
            if (ok) {
                ok = co_await ehlo();
            }
            if (ok) {
                skip(phase::starttls, skip_reason::implicit_tls);
            }
        } else {
            ok = co_await greeting();
            if (ok) {
                ok = co_await ehlo();
            }
            if (ok) {
                ok = co_await starttls();
            }
        }
        if (ok) {
            ok = co_await auth();
        }
        if (ok) {
            ok = co_await mail_from();
        }
        if (ok) {
            ok = co_await rcpt();
        }
        if (ok && request_.send_to) {
            ok = co_await data();
        }
        if (!ok) {
            co_await polite_quit();
            co_return;
        }
        co_await quit();
    }

    asio::awaitable<std::optional<std::vector<asio::ip::address>>> dns() {
        auto& rec = begin(phase::dns);
        resolve_options options;
        options.family = request_.family;
        options.timeout = bounded(request_.timeouts.dns);
        options.dns_server = request_.dns_server;
        auto ex = co_await asio::this_coro::executor;
        auto outcome = co_await resolve_host(ex, request_.host, options);
        if (outcome.error) {
            rec.error_text = shown(outcome.error.message());
            fail(rec,
                 deadline_passed() ? probe_errc::deadline_exceeded
                                   : cause_for_error(phase::dns, outcome.error),
                 fmt::format("{}: {}", request_.host, rec.error_text));
            co_return std::nullopt;
        }
        for (const auto& a : outcome.addresses) {
            rec.addresses.push_back(a.to_string());
        }
        std::string detail;
        for (std::size_t i = 0; i < rec.addresses.size() && i < 4; ++i) {
            detail += (i ? ", " : "") + rec.addresses[i];
        }
        if (rec.addresses.size() > 4) {
            detail += fmt::format(" (+{} more)", rec.addresses.size() - 4);
        }
        pass(rec, detail);
        co_return std::move(outcome.addresses);
    }

    /// Marks every phase that did not run as skipped, decides the verdict, stamps the duration.
    void finish() {
        for (auto& rec : result_.checks) {
            if (!ran_.contains(rec.name)) {
                rec.status = phase_status::skip;
                rec.skipped =
                    failed_phase_ ? skip_reason::after_failure : skip_reason::not_requested;
            }
        }
        const auto decision = decide(result_, request_.local_names);
        result_.outcome = decision.outcome;
        if (decision.redirect_warning) {
            add_warning(warning_kind::smtp_restrictions_redirect, shown(request_.host));
        }
        result_.duration = clock_type::now() - started_;
        if (stream_) {
            stream_->close();
        }
    }

    void fail_dns_shared(const phase_record& dns_record) {
        auto& rec = record(phase::dns);
        rec = dns_record;
        ran_.insert(phase::dns);
        if (rec.status == phase_status::fail) {
            failed_phase_ = phase::dns;
        }
    }

private:
    // ---- bookkeeping -------------------------------------------------------------------------

    phase_record& record(phase p) {
        for (auto& rec : result_.checks) {
            if (rec.name == p) {
                return rec;
            }
        }
        phase_record rec;
        rec.name = p;
        result_.checks.push_back(std::move(rec));
        return result_.checks.back();
    }

    phase_record& begin(phase p) {
        auto& rec = record(p);
        ran_.insert(p);
        phase_started_[p] = clock_type::now();
        services_.log->debug("phase {} started", phase_name(p));
        return rec;
    }

    void stamp(phase_record& rec) { rec.duration += clock_type::now() - phase_started_[rec.name]; }

    void pass(phase_record& rec, std::string detail, phase_status status = phase_status::pass) {
        stamp(rec);
        rec.status = status;
        rec.detail = std::move(detail);
        services_.log->debug("phase {} {} in {:.1f} ms: {}", phase_name(rec.name),
                             status_name(status), rec.duration.count(), rec.detail);
    }

    void fail(phase_record& rec, probe_errc cause, std::string detail) {
        stamp(rec);
        rec.status = phase_status::fail;
        rec.cause = cause;
        rec.detail = std::move(detail);
        failed_phase_ = rec.name;
        services_.log->info("phase {} failed ({}) in {:.1f} ms: {}", phase_name(rec.name),
                            cause_id(cause), rec.duration.count(), rec.detail);
    }

    void skip(phase p, skip_reason why) {
        auto& rec = record(p);
        ran_.insert(p);
        rec.status = phase_status::skip;
        rec.skipped = why;
    }

    void add_warning(warning_kind kind, std::string detail) {
        for (const auto& w : result_.warnings) {
            if (w.kind == kind) {
                return;
            }
        }
        services_.log->info("warning {}: {}", warning_id(kind), detail);
        result_.warnings.push_back({kind, std::move(detail)});
    }

    void note(transcript_direction dir, std::string text) {
        const char* arrow = dir == transcript_direction::sent       ? ">"
                            : dir == transcript_direction::received ? "<"
                                                                    : "*";
        services_.log->trace("{} {}", arrow, text);
        if (request_.keep_transcript) {
            result_.transcript.push_back({dir, clock_type::now() - started_, std::move(text)});
        }
    }

    void note_reply(const smtp_reply& reply) {
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

    [[nodiscard]] bool deadline_passed() const { return clock_type::now() >= deadline_at_; }

    /// A phase timeout, cut to what is left of the whole-probe deadline.
    [[nodiscard]] milliseconds bounded(milliseconds timeout) const {
        // Rounded up, so that a phase cut by the deadline ends at or after it and is reported
        // as deadline_exceeded, not as the phase's own timeout.
        const auto left = std::chrono::ceil<milliseconds>(deadline_at_ - clock_type::now());
        return std::max(milliseconds{0}, std::min(timeout, left));
    }

    /// The cause for an I/O error at a phase, with the deadline taking precedence over the
    /// phase timeout it cut short.
    [[nodiscard]] probe_errc cause_of(phase p, const error_code& ec) const {
        if (deadline_passed()) {
            return probe_errc::deadline_exceeded;
        }
        return cause_for_error(p, ec);
    }

    [[nodiscard]] reply_context context() const {
        reply_context ctx;
        ctx.tls_active = stream_ && stream_->tls_active();
        ctx.starttls_offered = caps_.starttls;
        return ctx;
    }

    void fail_io(phase_record& rec, const reply_outcome& out) {
        if (out.violation != reply_violation::none) {
            rec.error_text =
                fmt::format("{}: {}", violation_name(out.violation), shown(out.offending));
        } else if (!out.offending.empty()) {
            rec.error_text = shown(out.offending);
        } else {
            rec.error_text = shown(out.error.message());
        }
        if (out.error.category() == boost::system::system_category()) {
            rec.sys_errno = out.error.value();
        }
        fail(rec, cause_of(rec.name, out.error), rec.error_text);
    }

    /// The outcome of one command at `rec`: true when the reply is one of `accepted`; otherwise
    /// the phase fails, on the I/O error or on what the reply means (classify.hpp).
    bool accepted(phase_record& rec, const reply_outcome& out, std::initializer_list<int> codes) {
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

    /// Sends one command and reads its reply. `display` is what the transcript shows.
    /// `bytes` must outlive the co_await (callers pass locals or temporaries of the awaiting
    /// full-expression); `display` is owned, since it is often built on the fly.
    asio::awaitable<reply_outcome> exchange(std::string_view bytes, std::string display,
                                            bool trailing_bytes_allowed = false) {
        note(transcript_direction::sent, std::move(display));
        reply_outcome out;
        // Without PIPELINING (we never use it) every reply answers one command (RFC 5321
        // section 4.1.4): bytes waiting before a command is sent would pair every later reply
        // with the wrong command.
        if (stream_->buffered() > 0) {
            out.error = make_error_code(probe_errc::protocol_violation);
            out.offending =
                fmt::format("{} unsolicited bytes before the command", stream_->buffered());
            co_return out;
        }
        out.error = co_await stream_->write(bytes, bounded(request_.timeouts.reply));
        if (out.error) {
            co_return out;
        }
        out = co_await stream_->read_reply(bounded(request_.timeouts.reply));
        ++result_.round_trips;
        if (!out.error) {
            note_reply(out.reply);
            if (!trailing_bytes_allowed && stream_->buffered() > 0) {
                out.error = make_error_code(probe_errc::protocol_violation);
                out.offending =
                    fmt::format("{} unsolicited bytes after the reply", stream_->buffered());
            }
        }
        co_return out;
    }

    asio::awaitable<reply_outcome> command(std::string_view line) {
        co_return co_await exchange(line, strip_crlf(line));
    }

    // ---- phases ------------------------------------------------------------------------------

    asio::awaitable<bool> connect_any(const std::vector<asio::ip::address>& addresses) {
        auto& rec = begin(phase::tcp);
        error_code last_error;
        bool connected = false;
        for (const auto& address : addresses) {
            if (deadline_passed()) {
                last_error = make_error_code(probe_errc::deadline_exceeded);
                break;
            }
            const asio::ip::tcp::endpoint ep(address, request_.port);
            address_attempt attempt;
            attempt.address = address.to_string();
            attempt.family = address.is_v6() ? 6 : 4;
            note(transcript_direction::info, "connecting to " + endpoint_text(ep));
            const auto ec = co_await stream_->connect(ep, bounded(request_.timeouts.connect));
            ++result_.round_trips;
            if (!ec) {
                attempt.status = phase_status::pass;
                result_.addresses.push_back(std::move(attempt));
                endpoint_ = ep;
                connected = true;
                break;
            }
            last_error = ec;
            attempt.status = phase_status::fail;
            attempt.cause = cause_of(phase::tcp, ec);
            attempt.error = shown(ec.message());
            result_.addresses.push_back(std::move(attempt));
            stream_->close();
            auto ex = co_await asio::this_coro::executor;
            stream_ = std::make_unique<smtp_stream>(ex, *services_.tls);
        }
        if (!connected) {
            rec.error_text = shown(last_error.message());
            if (last_error.category() == boost::system::system_category()) {
                rec.sys_errno = last_error.value();
            }
            const auto target = addresses.empty()
                                    ? shown(request_.host)
                                    : endpoint_text({addresses.back(), request_.port});
            fail(rec, cause_of(phase::tcp, last_error),
                 fmt::format("{}: {}", target, rec.error_text));
            co_return false;
        }
        rec.peer = endpoint_text(*endpoint_);
        if (result_.addresses.size() > 1) {
            add_warning(warning_kind::some_addresses_failed,
                        fmt::format("{}/{} ✗, {} ✓", result_.addresses.size() - 1,
                                    result_.addresses.size(), endpoint_->address().to_string()));
        }
        pass(rec, *rec.peer);
        co_return true;
    }

    /// A second connection that only tries a TLS handshake: it tells a port that expects
    /// implicit TLS (RFC 8314 section 3.3) from a server that is merely slow to greet.
    asio::awaitable<bool> sniff_tls(milliseconds timeout) {
        auto ex = co_await asio::this_coro::executor;
        smtp_stream second(ex, *services_.tls);
        if (co_await second.connect(*endpoint_, timeout)) {
            co_return false;
        }
        const bool ok = !co_await second.handshake(request_.host, timeout);
        second.close();
        co_return ok;
    }

    asio::awaitable<bool> greeting() {
        using namespace asio::experimental::awaitable_operators;
        auto& rec = begin(phase::greeting);
        const auto full = request_.timeouts.reply;
        const auto sniff_after = request_.timeouts.greeting_tls_sniff;
        reply_outcome out;
        bool tls_answered = false;
        // Port 25 waits the full timeout: servers there delay the greeting on purpose and
        // penalise clients that talk first (RFC 5321 section 4.3.1: the client waits).
        if (!stream_->tls_active() && sniff_tls_when_greeting_is_slow(request_.port) &&
            sniff_after < full) {
            out = co_await stream_->read_reply(bounded(sniff_after));
            if (out.error == probe_errc::reply_timeout && stream_->bytes_received() > 0 &&
                !deadline_passed()) {
                // Some of the greeting came: a slow server, not a TLS port. Wait out the rest
                // of the reply timeout; the parser keeps the partial line.
                out = co_await stream_->read_reply(bounded(full - sniff_after));
            } else if (out.error == probe_errc::reply_timeout && stream_->bytes_received() == 0 &&
                       !deadline_passed()) {
                note(transcript_direction::info,
                     "no greeting yet; trying a TLS handshake on a second connection");
                const auto rest = bounded(full - sniff_after);
                const auto rest_until = clock_type::now() + rest;
                auto first = co_await (stream_->read_reply(rest) || sniff_tls(rest));
                if (first.index() == 0) {
                    out = std::get<0>(std::move(first));
                } else {
                    tls_answered = std::get<1>(first);
                    if (!tls_answered) {
                        const auto left = std::chrono::duration_cast<milliseconds>(
                            rest_until - clock_type::now());
                        out = co_await stream_->read_reply(std::max(left, milliseconds{0}));
                    }
                }
            }
        } else {
            out = co_await stream_->read_reply(bounded(full));
        }
        ++result_.round_trips;

        if (tls_answered) {
            note(transcript_direction::info, "the second connection completed a TLS handshake");
            fail(rec, probe_errc::port_mode_mismatch,
                 fmt::format("no greeting in {} ms, but a TLS handshake succeeded: port {} "
                             "expects implicit TLS",
                             sniff_after.count(), request_.port));
            co_return false;
        }
        const auto banner = non_smtp_banner(stream_->first_bytes());
        if (banner && *banner != "TLS") {
            rec.error_text = shown(stream_->first_bytes().substr(0, 120));
            fail(rec, probe_errc::not_smtp, fmt::format("{} banner: {}", *banner, rec.error_text));
            co_return false;
        }
        if (out.error) {
            if (banner && *banner == "TLS") {
                fail(rec, probe_errc::port_mode_mismatch,
                     "the server sent a TLS record instead of a greeting");
                co_return false;
            }
            if (out.error == probe_errc::reply_timeout && !deadline_passed()) {
                rec.error_text = fmt::format("{} bytes received", stream_->bytes_received());
                fail(rec, probe_errc::greeting_timeout,
                     fmt::format("{} ms, {} bytes", full.count(), stream_->bytes_received()));
                co_return false;
            }
            fail_io(rec, out);
            co_return false;
        }
        note_reply(out.reply);
        rec.reply = out.reply;
        if (stream_->buffered() > 0) {
            // RFC 5321 section 4.3.1: after the greeting the server waits for the client.
            rec.error_text =
                fmt::format("{} unsolicited bytes after the greeting", stream_->buffered());
            fail(rec, probe_errc::protocol_violation, rec.error_text);
            co_return false;
        }
        const auto judgement = judge_greeting(out.reply);
        if (judgement.status == phase_status::fail) {
            fail(rec, judgement.cause.value_or(probe_errc::protocol_violation),
                 shown(out.reply.summary()));
            co_return false;
        }
        pass(rec, shown(out.reply.summary()));
        co_return true;
    }

    asio::awaitable<bool> ehlo() {
        auto& rec = begin(phase::ehlo);
        const auto name =
            request_.helo_name.empty() ? std::string("localhost") : request_.helo_name;
        const auto line = smtp_cmd::ehlo(name);
        if (!line) {
            fail(rec, probe_errc::ehlo_rejected, "the HELO name contains CR, LF or NUL");
            co_return false;
        }
        auto out = co_await command(*line);
        if (out.error) {
            fail_io(rec, out);
            co_return false;
        }
        rec.reply = out.reply;
        if (out.reply.code == 250) {
            caps_ = parse_capabilities(out.reply);
        } else if (out.reply.permanent_negative()) {
            // RFC 5321 section 3.2: a server that rejects EHLO may still accept HELO.
            auto helo = co_await command(*smtp_cmd::helo(name));
            if (helo.error) {
                fail_io(rec, helo);
                co_return false;
            }
            rec.reply = helo.reply;
            if (helo.reply.code != 250) {
                fail(rec, probe_errc::ehlo_rejected, shown(helo.reply.summary()));
                co_return false;
            }
            rec.used_helo = true;
            caps_ = {};
        } else {
            fail(rec, cause_for_reply(phase::ehlo, out.reply, context()),
                 shown(out.reply.summary()));
            co_return false;
        }
        rec.capabilities = caps_.keywords;
        rec.auth_mechanisms = caps_.auth_mechanisms;
        rec.size_limit = caps_.size;
        // Language-neutral: the server's name and what it offers.
        std::string detail = shown(caps_.server_name);
        if (rec.used_helo) {
            detail += " · HELO";
        } else if (!caps_.keywords.empty()) {
            detail += " · " + shown(fmt::format("{}", fmt::join(caps_.keywords, " ")));
        }
        pass(rec, std::move(detail));
        co_return true;
    }

    asio::awaitable<bool> starttls() {
        switch (after_ehlo(request_.security, caps_.starttls, stream_->tls_active())) {
            case tls_step::none:
                if (request_.security == security_mode::none) {
                    skip(phase::starttls, skip_reason::plaintext_requested);
                    skip(phase::tls, skip_reason::plaintext_requested);
                    skip(phase::certificate, skip_reason::plaintext_requested);
                } else {
                    skip(phase::starttls, skip_reason::not_offered);
                    skip(phase::tls, skip_reason::no_tls);
                    skip(phase::certificate, skip_reason::no_tls);
                    add_warning(warning_kind::tls_not_used, "EHLO: no STARTTLS");
                }
                co_return true;
            case tls_step::fail_unavailable: {
                auto& rec = begin(phase::starttls);
                fail(rec, probe_errc::starttls_unavailable,
                     "STARTTLS is not among the EHLO extensions");
                co_return false;
            }
            case tls_step::starttls:
                break;
        }
        auto& rec = begin(phase::starttls);
        // The STARTTLS 220 gets its own check below, with its own words.
        const auto starttls_line = smtp_cmd::starttls();
        auto out = co_await exchange(starttls_line, strip_crlf(starttls_line), true);
        if (!accepted(rec, out, {220})) {
            co_return false;
        }
        // Bytes that arrived with the 220 were sent before TLS and could be an injection
        // (CVE-2011-0411); RFC 3207 section 4.2 says to discard all pre-TLS knowledge.
        if (stream_->buffered() > 0) {
            rec.error_text = fmt::format("{} bytes followed the 220 reply", stream_->buffered());
            fail(rec, probe_errc::protocol_violation,
                 fmt::format("{} unexpected bytes after the STARTTLS 220 (possible injection)",
                             stream_->buffered()));
            co_return false;
        }
        pass(rec, shown(out.reply.summary()));
        const bool handshake_ok = co_await tls_handshake();
        if (!handshake_ok || !certificate()) {
            co_return false;
        }
        // RFC 3207 section 4.2: forget the pre-TLS capabilities and ask again.
        caps_ = {};
        co_return co_await ehlo();
    }

    asio::awaitable<bool> tls_handshake() {
        auto& rec = begin(phase::tls);
        const auto ec =
            co_await stream_->handshake(request_.host, bounded(request_.timeouts.reply));
        if (ec) {
            ++result_.round_trips;
            rec.error_text = shown(ec.message());
            auto cause = cause_of(phase::tls, ec);
            // "Wrong version number" means plaintext where TLS was expected. Right after the
            // server agreed to STARTTLS that is a broken handshake, not a port/mode mismatch.
            if (cause == probe_errc::port_mode_mismatch &&
                request_.security != security_mode::tls) {
                cause = probe_errc::tls_handshake_failed;
            }
            fail(rec, cause, rec.error_text);
            co_return false;
        }
        rec.tls = read_tls_facts(stream_->native_tls());
        // A full handshake costs two round trips before TLS 1.3 and one with it (RFC 8446 2).
        result_.round_trips += rec.tls->version == "TLSv1.3" ? 1 : 2;
        pass(rec, fmt::format("{} {}", rec.tls->version, rec.tls->cipher));
        co_return true;
    }

    bool certificate() {
        auto& rec = begin(phase::certificate);
        const auto now = static_cast<std::int64_t>(std::time(nullptr));
        auto facts = read_certificate_facts(stream_->native_tls(), request_.host, now);
        if (!facts) {
            fail(rec, probe_errc::cert_untrusted, "the server presented no certificate");
            return false;
        }
        const auto judgement = judge_certificate(*facts, request_.host, now,
                                                 request_.cert_warn_days, request_.insecure);
        rec.certificate = std::move(*facts);
        if (judgement.warning) {
            add_warning(*judgement.warning, judgement.detail);
        }
        if (judgement.status == phase_status::fail) {
            fail(rec, judgement.cause.value_or(probe_errc::cert_untrusted), judgement.detail);
            return false;
        }
        pass(rec, judgement.detail, judgement.status);
        return true;
    }

    asio::awaitable<bool> auth() {
        if (!request_.user) {
            skip(phase::auth, skip_reason::no_user);
            co_return true;
        }
        if (request_.password.empty() && request_.oauth_token.empty()) {
            skip(phase::auth, skip_reason::no_secret);
            co_return true;
        }
        auto& rec = begin(phase::auth);
        const bool tls = stream_->tls_active();
        const auto plan = choose_mechanism(caps_.auth_mechanisms, tls, !request_.password.empty(),
                                           !request_.oauth_token.empty(), request_.forced_mechanism,
                                           caps_.starttls);
        if (!plan.mechanism) {
            const auto cause = plan.failure.value_or(probe_errc::no_common_mechanism);
            fail(
                rec, cause,
                caps_.auth_mechanisms.empty()
                    ? std::string("EHLO: no AUTH")
                    : fmt::format("EHLO AUTH: {}",
                                  shown(fmt::format("{}", fmt::join(caps_.auth_mechanisms, " ")))));
            co_return false;
        }
        const auto mech = *plan.mechanism;
        rec.mechanism = std::string(mechanism_name(mech));
        if (exposes_password(mech, tls)) {
            add_warning(warning_kind::credentials_in_clear,
                        fmt::format("AUTH {}, no TLS", mechanism_name(mech)));
        }
        auto out = co_await authenticate(mech);
        if (!accepted(rec, out, {235})) {
            co_return false;
        }
        pass(rec, fmt::format("{}: {}", mechanism_name(mech), shown(out.reply.summary())));
        co_return true;
    }

    /// Sends a line carrying a credential: the transcript and logs show only <redacted>.
    asio::awaitable<reply_outcome> send_secret(std::string label, const secret& line) {
        co_return co_await exchange(line.reveal(), std::move(label));
    }

    asio::awaitable<reply_outcome> authenticate(auth_mechanism mech) {
        const auto& user = *request_.user;
        const auto name = std::string(mechanism_name(mech));
        switch (mech) {
            case auth_mechanism::plain: {
                const auto ir = plain_initial_response(user, request_.password);
                const auto line = *smtp_cmd::auth(name, ir);
                auto out = co_await send_secret(fmt::format("AUTH PLAIN {}", redacted), line);
                if (!out.error && out.reply.code == 334) {
                    // A server that ignores the initial response asks for it (RFC 4954 section 4).
                    out = co_await send_secret(redacted, *smtp_cmd::auth_response(ir));
                }
                co_return out;
            }
            case auth_mechanism::login: {
                auto out = co_await command(*smtp_cmd::auth(name));
                if (out.error || out.reply.code != 334) {
                    co_return out;
                }
                out = co_await exchange(*smtp_cmd::auth_response(login_username(user)), redacted);
                if (out.error || out.reply.code != 334) {
                    co_return out;
                }
                co_return co_await send_secret(
                    redacted, *smtp_cmd::auth_response(login_password(request_.password)));
            }
            case auth_mechanism::cram_md5: {
                auto out = co_await command(*smtp_cmd::auth(name));
                if (out.error || out.reply.code != 334) {
                    co_return out;
                }
                const auto response = cram_md5_response(out.reply.text(), user, request_.password);
                if (!response) {
                    out.error = make_error_code(probe_errc::protocol_violation);
                    out.violation = reply_violation::bad_separator;
                    out.offending = "CRAM-MD5 challenge is not base64: " + out.reply.text();
                    co_return out;
                }
                co_return co_await send_secret(redacted, *smtp_cmd::auth_response(*response));
            }
            case auth_mechanism::xoauth2:
            case auth_mechanism::oauthbearer: {
                const bool xo = mech == auth_mechanism::xoauth2;
                const auto ir = xo ? xoauth2_initial_response(user, request_.oauth_token)
                                   : oauthbearer_initial_response(
                                         user, request_.host, request_.port, request_.oauth_token);
                const auto line = *smtp_cmd::auth(name, ir);
                auto out = co_await send_secret(fmt::format("AUTH {} {}", name, redacted), line);
                if (!out.error && out.reply.code == 334) {
                    // The 334 carries a JSON error; the client must answer before the final
                    // reply comes (RFC 7628 section 3.2.3): an empty line, or ^A for OAUTHBEARER.
                    out = co_await exchange(xo ? "\r\n" : "AQ==\r\n", xo ? "" : "AQ==");
                }
                co_return out;
            }
        }
        co_return reply_outcome{make_error_code(probe_errc::no_common_mechanism), {}, {}, {}};
    }

    asio::awaitable<bool> mail_from() {
        const auto from = request_.effective_from();
        if (!from) {
            skip(phase::mail_from, skip_reason::no_sender);
            skip(phase::rcpt, skip_reason::no_sender);
            co_return true;
        }
        if (request_.user && sender_differs_from_login(*from, *request_.user)) {
            add_warning(warning_kind::sender_differs_from_login,
                        fmt::format("{} ≠ {}", shown(*from), shown(*request_.user)));
        }
        co_return co_await envelope_step(phase::mail_from, smtp_cmd::mail_from(*from),
                                         probe_errc::sender_unknown);
    }

    asio::awaitable<bool> rcpt() {
        const auto to = request_.effective_rcpt();
        if (!to) {
            skip(phase::rcpt, skip_reason::no_recipient);
            co_return true;
        }
        co_return co_await envelope_step(phase::rcpt, smtp_cmd::rcpt_to(*to),
                                         probe_errc::recipient_rejected);
    }

    /// MAIL FROM or RCPT TO: one command, 250 (or 251 for RCPT, RFC 5321 section 3.4) passes.
    /// `line` is empty when the address could not go into a command (CR, LF, NUL, brackets).
    asio::awaitable<bool> envelope_step(phase p, std::optional<std::string> line,
                                        probe_errc unusable_address) {
        auto& rec = begin(p);
        if (!line) {
            fail(rec, unusable_address, "the address contains characters SMTP cannot carry");
            co_return false;
        }
        auto out = co_await command(*line);
        // RCPT may also answer 251 "will forward" (RFC 5321 section 3.4).
        const bool ok =
            p == phase::rcpt ? accepted(rec, out, {250, 251}) : accepted(rec, out, {250});
        if (!ok) {
            co_return false;
        }
        pass(rec, shown(out.reply.summary()));
        co_return true;
    }

    /// DATA (RFC 5321 section 4.1.1.4): 354, the labelled test message, and the final reply
    /// that accepts it for delivery. Only with --send-to.
    asio::awaitable<bool> data() {
        auto& rec = begin(phase::data);
        auto out = co_await command(smtp_cmd::data());
        if (!accepted(rec, out, {354})) {
            co_return false;
        }
        test_message_fields fields;
        fields.from = request_.effective_from().value_or("");
        fields.to = *request_.send_to;
        fields.helo_name = request_.helo_name;
        fields.now = static_cast<std::int64_t>(std::time(nullptr));
        fields.unique = fmt::format("{:x}.{:x}", fields.now,
                                    std::chrono::steady_clock::now().time_since_epoch().count());
        const auto message = build_test_message(fields);
        out = co_await exchange(message, fmt::format("<test message, {} bytes>", message.size()));
        if (!accepted(rec, out, {250})) {
            co_return false;
        }
        const auto id = queue_id_from(out.reply);
        pass(rec, id ? fmt::format("queue id {}", shown(*id)) : shown(out.reply.summary()));
        co_return true;
    }

    /// RSET then QUIT: nothing is ever sent (no DATA). Problems here never fail the probe.
    asio::awaitable<void> quit() {
        auto& rec = begin(phase::quit);
        auto out = co_await command(smtp_cmd::rset());
        if (!out.error) {
            out = co_await command(smtp_cmd::quit());
        }
        if (out.error) {
            stamp(rec);
            rec.status = phase_status::skip;
            rec.detail = shown(out.error.message());  // ignored: the envelope was already judged
        } else {
            rec.reply = out.reply;
            pass(rec, shown(out.reply.summary()));
        }
        stream_->close();
    }

    /// After a failure the session is ended politely when the connection is still usable.
    asio::awaitable<void> polite_quit() {
        const auto* failed = failed_phase_ ? &record(*failed_phase_) : nullptr;
        const bool usable = failed && failed->reply && stream_ && !deadline_passed();
        if (usable) {
            note(transcript_direction::info, "ending the session after the failure");
            (void)co_await stream_->write(
                smtp_cmd::quit(), std::min(polite_quit_timeout, bounded(polite_quit_timeout)));
            (void)co_await stream_->read_reply(
                std::min(polite_quit_timeout, bounded(polite_quit_timeout)));
        }
        if (stream_) {
            stream_->close();
        }
    }

    const probe_request& request_;
    const probe_services& services_;
    probe_result& result_;
    clock_type::time_point started_;
    clock_type::time_point deadline_at_;
    std::unique_ptr<smtp_stream> stream_;
    std::optional<asio::ip::tcp::endpoint> endpoint_;
    ehlo_capabilities caps_;
    std::optional<phase> failed_phase_;
    std::set<phase> ran_;
    std::map<phase, clock_type::time_point> phase_started_;
};

}  // namespace

asio::awaitable<std::vector<probe_result>> run_probe(const probe_request& request,
                                                     probe_services services) {
    std::vector<probe_result> results;
    const auto started = clock_type::now();
    probe_result first;
    probe_run run(request, services, first, started);
    auto addresses = co_await run.dns();
    if (!addresses) {
        run.finish();
        results.push_back(std::move(first));
        co_return results;
    }
    if (!request.all_addresses || addresses->size() <= 1) {
        co_await run.run_session(*addresses);
        run.finish();
        results.push_back(std::move(first));
        co_return results;
    }
    // --all-addresses: one full session per address, one after the other (never in parallel:
    // parallel logins with one password trip fail2ban-style lockouts).
    const phase_record dns_record = *first.find(phase::dns);
    for (std::size_t i = 0; i < addresses->size(); ++i) {
        probe_result each;
        const auto each_started = clock_type::now();
        probe_run each_run(request, services, each, each_started);
        each_run.fail_dns_shared(dns_record);
        const std::vector<asio::ip::address> one{(*addresses)[i]};
        co_await each_run.run_session(one);
        each_run.finish();
        results.push_back(std::move(each));
    }
    co_return results;
}

std::vector<probe_result> run_check_all_addresses(const probe_request& request,
                                                  std::shared_ptr<spdlog::logger> log) {
    tls_client_options tls_options{request.ca_file, request.ca_path};
    auto tls = make_tls_client_context(tls_options);
    if (!tls.context) {
        throw setup_error(tls.error);
    }
    if (!log) {
        log = spdlog::default_logger();
    }
    asio::io_context io;
    probe_services services{tls.context.get(), std::move(log)};
    auto future = asio::co_spawn(io, run_probe(request, services), asio::use_future);
    io.run();
    return future.get();
}

probe_result run_check(const probe_request& request, std::shared_ptr<spdlog::logger> log) {
    auto results = run_check_all_addresses(request, std::move(log));
    return std::move(results.front());
}

}  // namespace smtp_probe
