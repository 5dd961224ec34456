// auth: one SMTP AUTH exchange (RFC 4954) with the mechanism auth_choice picks. Credentials go
// out only through send_secret, so no transcript or log line ever carries them.
#include <fmt/format.h>
#include <algorithm>
#include <string>
#include <utility>

#include "checks/auth_choice.hpp"
#include "checks/auth_exchange.hpp"
#include "checks/session/phases.hpp"
#include "checks/session/probe_session.hpp"
#include "net/sasl.hpp"
#include "net/smtp_commands.hpp"

namespace smtp_probe::phases {

namespace asio = boost::asio;

namespace {

constexpr const char* redacted = "<redacted>";

/// How the exchange ended: the last reply, and what it meant for the mechanism's steps.
struct auth_run {
    reply_outcome out;
    auth_next end = auth_next::refused;
    auth_sent last = auth_sent::command;  ///< what the client had sent when it ended
};

/// Sends a line carrying a credential: the transcript and logs show only <redacted>. When the
/// line is readable on the wire, the credentials_in_clear warning is raised now, once it has
/// really gone out.
asio::awaitable<reply_outcome> send_secret(probe_session& s, std::string label, const secret& line,
                                           bool readable_credential) {
    // An echo of this very line (the CRAM-MD5 response is no secret the request holds) is
    // scrubbed from the replies as well.
    s.scrub_also(line.reveal());
    if (readable_credential && !s.wire->tls_active()) {
        const auto mech = *s.record(phase::auth).mechanism;
        const bool warned = std::any_of(
            s.result.warnings.begin(), s.result.warnings.end(),
            [](const probe_warning& w) { return w.kind == warning_kind::credentials_in_clear; });
        if (!warned) {
            s.add_warning(warning_kind::credentials_in_clear,
                          detail_notes{{detail_text::auth_without_tls, {mech}}});
        }
    }
    co_return co_await s.exchange(line.reveal(), std::move(label));
}

/// The first line: the command, with the initial response where the mechanism has one.
asio::awaitable<reply_outcome> start(probe_session& s, auth_mechanism mech, auth_sent& sent) {
    const auto& user = *s.request.user;
    const auto name = std::string(mechanism_name(mech));
    const bool exposed = exposes_password(mech, false);
    switch (mech) {
        case auth_mechanism::plain: {
            sent = auth_sent::command_with_credential;
            const auto line =
                *smtp_cmd::auth(name, plain_initial_response(user, s.request.password));
            co_return co_await send_secret(s, fmt::format("AUTH PLAIN {}", redacted), line,
                                           exposed);
        }
        case auth_mechanism::xoauth2:
        case auth_mechanism::oauthbearer: {
            sent = auth_sent::command_with_credential;
            const auto ir = mech == auth_mechanism::xoauth2
                                ? xoauth2_initial_response(user, s.request.oauth_token)
                                : oauthbearer_initial_response(user, s.request.host, s.request.port,
                                                               s.request.oauth_token);
            const auto line = *smtp_cmd::auth(name, ir);
            co_return co_await send_secret(s, fmt::format("AUTH {} {}", name, redacted), line,
                                           exposed);
        }
        case auth_mechanism::login:
        case auth_mechanism::cram_md5:
            sent = auth_sent::command;
            co_return co_await s.command(*smtp_cmd::auth(name));
    }
    co_return reply_outcome{make_error_code(probe_errc::no_common_mechanism), {}, {}, {}};
}

/// The credential line, answering the 334 that asked for it.
asio::awaitable<reply_outcome> send_credential(probe_session& s, auth_mechanism mech,
                                               const reply_outcome& challenge) {
    const auto& user = *s.request.user;
    const bool exposed = exposes_password(mech, false);
    switch (mech) {
        case auth_mechanism::plain:
            co_return co_await send_secret(
                s, redacted,
                *smtp_cmd::auth_response(plain_initial_response(user, s.request.password)),
                exposed);
        case auth_mechanism::login:
            co_return co_await send_secret(
                s, redacted, *smtp_cmd::auth_response(login_password(s.request.password)), exposed);
        case auth_mechanism::cram_md5: {
            const auto response =
                cram_md5_response(challenge.reply.text(), user, s.request.password);
            if (!response) {
                auto out = challenge;
                out.error = make_error_code(probe_errc::protocol_violation);
                out.violation = reply_violation::bad_separator;
                s.set_offending(out, {detail_text::cram_md5_not_base64, {out.reply.text()}});
                co_return out;
            }
            co_return co_await send_secret(s, redacted, *smtp_cmd::auth_response(*response),
                                           exposed);
        }
        case auth_mechanism::xoauth2:
        case auth_mechanism::oauthbearer:
            break;  // their credential is in the command
    }
    co_return reply_outcome{make_error_code(probe_errc::protocol_violation), {}, {}, {}};
}

/// Follows the mechanism's exchange step by step (checks/auth_exchange.hpp) until it ends.
asio::awaitable<auth_run> authenticate(probe_session& s, auth_mechanism mech) {
    auth_run run;
    auto& sent = run.last;
    run.out = co_await start(s, mech, sent);
    // Each step moves `sent` forward (command, username, credential), so four replies end it.
    for (int step = 0; step < 4 && !run.out.error; ++step) {
        run.end = next_auth_step(mech, sent, run.out.reply.code);
        switch (run.end) {
            case auth_next::send_username:
                run.out = co_await s.exchange(
                    *smtp_cmd::auth_response(login_username(*s.request.user)), redacted);
                sent = auth_sent::username;
                break;
            case auth_next::send_credential:
                run.out = co_await send_credential(s, mech, run.out);
                sent = auth_sent::credential;
                break;
            case auth_next::send_error_ack: {
                // The 334 carries a JSON error; the client must answer before the final
                // reply comes (RFC 7628 section 3.2.3): an empty line, or ^A for OAUTHBEARER.
                const bool xo = mech == auth_mechanism::xoauth2;
                run.out = co_await s.exchange(xo ? "\r\n" : "AQ==\r\n", xo ? "" : "AQ==");
                sent = auth_sent::error_ack;
                break;
            }
            default:
                co_return run;
        }
    }
    run.end = auth_next::refused;
    co_return run;
}

}  // namespace

asio::awaitable<bool> auth(probe_session& s) {
    if (!s.request.user) {
        s.skip(phase::auth, skip_reason::no_user);
        co_return true;
    }
    if (s.request.password.empty() && s.request.oauth_token.empty()) {
        s.skip(phase::auth, skip_reason::no_secret);
        co_return true;
    }
    auto& rec = s.begin(phase::auth);
    const bool tls = s.wire->tls_active();
    const auto plan = choose_mechanism(s.caps.auth_mechanisms, tls, !s.request.password.empty(),
                                       !s.request.oauth_token.empty(), s.request.forced_mechanism,
                                       s.caps.starttls);
    if (!plan.mechanism) {
        const auto cause = plan.failure.value_or(probe_errc::no_common_mechanism);
        s.fail(rec, cause,
               s.caps.auth_mechanisms.empty()
                   ? detail_notes{{detail_text::ehlo_no_auth, {}}}
                   : detail_notes{
                         {detail_text::ehlo_auth_list,
                          {shown(fmt::format("{}", fmt::join(s.caps.auth_mechanisms, " ")))}}});
        co_return false;
    }
    const auto mech = *plan.mechanism;
    const auto name = std::string(mechanism_name(mech));
    rec.mechanism = name;
    auto run = co_await authenticate(s, mech);
    const auto& out = run.out;
    const auto violation = [&](probe_errc cause, detail_note note) {
        rec.reply = out.reply;
        s.fail(rec, cause, detail_notes{std::move(note)});
    };
    switch (run.end) {
        case auth_next::succeeded:
            break;
        case auth_next::premature_success: {
            // Only a reply read without error gets here (authenticate() stops at an error).
            const auto reply = shown(out.reply.summary());
            violation(
                probe_errc::auth_premature_success,
                run.last == auth_sent::username
                    ? detail_note{detail_text::auth_success_after_username, {reply}}
                    : detail_note{detail_text::auth_success_before_credential, {name, reply}});
            co_return false;
        }
        case auth_next::success_after_error:
            violation(probe_errc::protocol_violation,
                      {detail_text::auth_success_after_error, {name, shown(out.reply.summary())}});
            co_return false;
        case auth_next::unexpected_challenge:
            violation(probe_errc::protocol_violation, {detail_text::auth_challenge_after_last_step,
                                                       {name, shown(out.reply.summary())}});
            co_return false;
        default:
            break;
    }
    if (!s.accepted(rec, out, {235})) {
        co_return false;
    }
    s.pass(rec, fmt::format("{}: {}", name, shown(out.reply.summary())));
    co_return true;
}

}  // namespace smtp_probe::phases
