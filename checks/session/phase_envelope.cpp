// mail_from, rcpt and data: the envelope (RFC 5321 section 3.3) and, only with --send-to, the
// labelled test message.
#include <fmt/format.h>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>

#include "checks/session/phases.hpp"
#include "checks/session/probe_session.hpp"
#include "checks/starttls_rules.hpp"
#include "checks/test_message.hpp"
#include "net/smtp_commands.hpp"

namespace smtp_probe::phases {

namespace asio = boost::asio;

namespace {

/// MAIL FROM or RCPT TO: one command, 250 (or 251 for RCPT, RFC 5321 section 3.4) passes.
/// `line` is empty when the address could not go into a command (CR, LF, NUL, brackets).
asio::awaitable<bool> envelope_step(probe_session& s, phase p, std::optional<std::string> line,
                                    probe_errc unusable_address) {
    auto& rec = s.begin(p);
    if (!line) {
        s.fail(rec, unusable_address, detail_notes{{detail_text::address_unusable, {}}});
        co_return false;
    }
    auto out = co_await s.command(*line);
    // RCPT may also answer 251 "will forward" (RFC 5321 section 3.4).
    const bool ok =
        p == phase::rcpt ? s.accepted(rec, out, {250, 251}) : s.accepted(rec, out, {250});
    if (!ok) {
        co_return false;
    }
    s.pass(rec, shown(out.reply.summary()));
    co_return true;
}

}  // namespace

asio::awaitable<bool> mail_from(probe_session& s) {
    const auto from = s.request.effective_from();
    if (!from) {
        s.skip(phase::mail_from, skip_reason::no_sender);
        s.skip(phase::rcpt, skip_reason::no_sender);
        co_return true;
    }
    if (s.request.user && sender_differs_from_login(*from, *s.request.user)) {
        s.add_warning(warning_kind::sender_differs_from_login,
                      fmt::format("{} ≠ {}", shown(*from), shown(*s.request.user)));
    }
    co_return co_await envelope_step(s, phase::mail_from, smtp_cmd::mail_from(*from),
                                     probe_errc::sender_unknown);
}

asio::awaitable<bool> rcpt(probe_session& s) {
    const auto to = s.request.effective_rcpt();
    if (!to) {
        s.skip(phase::rcpt, skip_reason::no_recipient);
        co_return true;
    }
    co_return co_await envelope_step(s, phase::rcpt, smtp_cmd::rcpt_to(*to),
                                     probe_errc::recipient_rejected);
}

/// DATA (RFC 5321 section 4.1.1.4): 354, the labelled test message, and the final reply
/// that accepts it for delivery. Only with --send-to.
asio::awaitable<bool> data(probe_session& s) {
    auto& rec = s.begin(phase::data);
    auto out = co_await s.command(smtp_cmd::data());
    if (!s.accepted(rec, out, {354})) {
        co_return false;
    }
    test_message_fields fields;
    fields.from = s.request.effective_from().value_or("");
    fields.to = *s.request.send_to;
    fields.helo_name = s.request.helo_name;
    fields.now = static_cast<std::int64_t>(std::time(nullptr));
    fields.unique = fmt::format("{:x}.{:x}", fields.now,
                                std::chrono::steady_clock::now().time_since_epoch().count());
    const auto message = build_test_message(fields);
    out = co_await s.exchange(message, fmt::format("<test message, {} bytes>", message.size()));
    if (!s.accepted(rec, out, {250})) {
        co_return false;
    }
    const auto id = queue_id_from(out.reply);
    s.pass(rec, id ? detail_notes{{detail_text::queue_id, {shown(*id)}}}
                   : detail_notes{as_is(shown(out.reply.summary()))});
    co_return true;
}

}  // namespace smtp_probe::phases
