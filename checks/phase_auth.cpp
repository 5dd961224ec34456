// auth: one SMTP AUTH exchange (RFC 4954) with the mechanism auth_choice picks. Credentials go
// out only through send_secret, so no transcript or log line ever carries them.
#include <fmt/format.h>
#include <string>
#include <utility>

#include "checks/auth_choice.hpp"
#include "checks/phases.hpp"
#include "checks/probe_session.hpp"
#include "net/sasl.hpp"
#include "net/smtp_commands.hpp"
#include "net/smtp_stream.hpp"

namespace smtp_probe::phases {

namespace asio = boost::asio;

namespace {

constexpr const char* redacted = "<redacted>";

/// Sends a line carrying a credential: the transcript and logs show only <redacted>.
asio::awaitable<reply_outcome> send_secret(probe_session& s, std::string label,
                                           const secret& line) {
    // An echo of this very line (the CRAM-MD5 response is no secret the request holds) is
    // scrubbed from the replies as well.
    s.scrub_also(line.reveal());
    co_return co_await s.exchange(line.reveal(), std::move(label));
}

asio::awaitable<reply_outcome> authenticate(probe_session& s, auth_mechanism mech) {
    const auto& user = *s.request.user;
    const auto name = std::string(mechanism_name(mech));
    switch (mech) {
        case auth_mechanism::plain: {
            const auto ir = plain_initial_response(user, s.request.password);
            const auto line = *smtp_cmd::auth(name, ir);
            auto out = co_await send_secret(s, fmt::format("AUTH PLAIN {}", redacted), line);
            if (!out.error && out.reply.code == 334) {
                // A server that ignores the initial response asks for it (RFC 4954 section 4).
                out = co_await send_secret(s, redacted, *smtp_cmd::auth_response(ir));
            }
            co_return out;
        }
        case auth_mechanism::login: {
            auto out = co_await s.command(*smtp_cmd::auth(name));
            if (out.error || out.reply.code != 334) {
                co_return out;
            }
            out = co_await s.exchange(*smtp_cmd::auth_response(login_username(user)), redacted);
            if (out.error || out.reply.code != 334) {
                co_return out;
            }
            co_return co_await send_secret(
                s, redacted, *smtp_cmd::auth_response(login_password(s.request.password)));
        }
        case auth_mechanism::cram_md5: {
            auto out = co_await s.command(*smtp_cmd::auth(name));
            if (out.error || out.reply.code != 334) {
                co_return out;
            }
            const auto response = cram_md5_response(out.reply.text(), user, s.request.password);
            if (!response) {
                out.error = make_error_code(probe_errc::protocol_violation);
                out.violation = reply_violation::bad_separator;
                s.set_offending(out, {detail_text::cram_md5_not_base64, {out.reply.text()}});
                co_return out;
            }
            co_return co_await send_secret(s, redacted, *smtp_cmd::auth_response(*response));
        }
        case auth_mechanism::xoauth2:
        case auth_mechanism::oauthbearer: {
            const bool xo = mech == auth_mechanism::xoauth2;
            const auto ir = xo ? xoauth2_initial_response(user, s.request.oauth_token)
                               : oauthbearer_initial_response(user, s.request.host, s.request.port,
                                                              s.request.oauth_token);
            const auto line = *smtp_cmd::auth(name, ir);
            auto out = co_await send_secret(s, fmt::format("AUTH {} {}", name, redacted), line);
            if (!out.error && out.reply.code == 334) {
                // The 334 carries a JSON error; the client must answer before the final
                // reply comes (RFC 7628 section 3.2.3): an empty line, or ^A for OAUTHBEARER.
                out = co_await s.exchange(xo ? "\r\n" : "AQ==\r\n", xo ? "" : "AQ==");
            }
            co_return out;
        }
    }
    co_return reply_outcome{make_error_code(probe_errc::no_common_mechanism), {}, {}, {}};
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
    const bool tls = s.stream->tls_active();
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
    rec.mechanism = std::string(mechanism_name(mech));
    if (exposes_password(mech, tls)) {
        s.add_warning(
            warning_kind::credentials_in_clear,
            detail_notes{{detail_text::auth_without_tls, {std::string(mechanism_name(mech))}}});
    }
    auto out = co_await authenticate(s, mech);
    if (!s.accepted(rec, out, {235})) {
        co_return false;
    }
    s.pass(rec, fmt::format("{}: {}", mechanism_name(mech), shown(out.reply.summary())));
    co_return true;
}

}  // namespace smtp_probe::phases
