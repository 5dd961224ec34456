// ehlo: EHLO and the capabilities it lists; HELO when EHLO is refused.
#include <fmt/format.h>
#include <string>
#include <utility>

#include "checks/session/phases.hpp"
#include "checks/session/probe_session.hpp"
#include "net/capabilities.hpp"
#include "net/smtp_commands.hpp"

namespace smtp_probe::phases {

namespace asio = boost::asio;

asio::awaitable<bool> ehlo(probe_session& s) {
    auto& rec = s.begin(phase::ehlo);
    const auto name = s.request.helo_name.empty() ? std::string("localhost") : s.request.helo_name;
    const auto line = smtp_cmd::ehlo(name);
    if (!line) {
        s.fail(rec, probe_errc::ehlo_rejected, detail_notes{{detail_text::helo_name_unusable, {}}});
        co_return false;
    }
    auto out = co_await s.command(*line);
    if (out.error) {
        s.fail_io(rec, out);
        co_return false;
    }
    rec.reply = out.reply;
    if (out.reply.code == 250) {
        s.caps = parse_capabilities(out.reply);
    } else if (out.reply.permanent_negative()) {
        // RFC 5321 section 3.2: a server that rejects EHLO may still accept HELO.
        auto helo = co_await s.command(*smtp_cmd::helo(name));
        if (helo.error) {
            s.fail_io(rec, helo);
            co_return false;
        }
        rec.reply = helo.reply;
        if (helo.reply.code != 250) {
            s.fail(rec, probe_errc::ehlo_rejected, shown(helo.reply.summary()));
            co_return false;
        }
        rec.used_helo = true;
        s.caps = {};
    } else {
        s.fail(rec, cause_for_reply(phase::ehlo, out.reply, s.context()),
               shown(out.reply.summary()));
        co_return false;
    }
    rec.capabilities = s.caps.keywords;
    rec.auth_mechanisms = s.caps.auth_mechanisms;
    rec.size_limit = s.caps.size;
    // Language-neutral: the server's name and what it offers.
    std::string detail = shown(s.caps.server_name);
    if (rec.used_helo) {
        detail += " · HELO";
    } else if (!s.caps.keywords.empty()) {
        detail += " · " + shown(fmt::format("{}", fmt::join(s.caps.keywords, " ")));
    }
    s.pass(rec, std::move(detail));
    co_return true;
}

}  // namespace smtp_probe::phases
