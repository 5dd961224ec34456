// tcp: one connection, to the first of the resolved addresses that accepts it. Every attempt is
// kept as evidence (result.addresses).
#include <fmt/format.h>
#include <memory>
#include <string>
#include <utility>

#include "checks/session/phases.hpp"
#include "checks/session/probe_session.hpp"

namespace smtp_probe::phases {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

std::string endpoint_text(const asio::ip::tcp::endpoint& ep) {
    const auto addr = ep.address();
    if (addr.is_v6()) {
        return fmt::format("[{}]:{}", addr.to_string(), ep.port());
    }
    return fmt::format("{}:{}", addr.to_string(), ep.port());
}

}  // namespace

asio::awaitable<bool> connect_any(probe_session& s,
                                  const std::vector<asio::ip::address>& addresses) {
    auto& rec = s.begin(phase::tcp);
    error_code last_error;
    bool connected = false;
    for (const auto& address : addresses) {
        if (s.deadline_passed()) {
            last_error = make_error_code(probe_errc::deadline_exceeded);
            break;
        }
        const asio::ip::tcp::endpoint ep(address, s.request.port);
        address_attempt attempt;
        attempt.address = address.to_string();
        attempt.family = address.is_v6() ? 6 : 4;
        s.note(transcript_direction::info, "connecting to " + endpoint_text(ep));
        const auto ec = co_await s.wire->connect(ep, s.bounded(s.request.timeouts.connect));
        ++s.result.round_trips;
        if (!ec) {
            attempt.status = phase_status::pass;
            s.result.addresses.push_back(std::move(attempt));
            s.endpoint = ep;
            connected = true;
            break;
        }
        last_error = ec;
        attempt.status = phase_status::fail;
        attempt.cause = s.cause_of(phase::tcp, ec);
        attempt.error_notes = {error_detail(ec, shown(ec.message()))};
        attempt.error = render_detail_en(attempt.error_notes);
        s.result.addresses.push_back(std::move(attempt));
        s.wire->close();
        s.wire = s.make_wire();
    }
    if (!connected) {
        probe_session::set_error(rec, error_detail(last_error, shown(last_error.message())));
        if (last_error.category() == boost::system::system_category()) {
            rec.sys_errno = last_error.value();
        }
        const auto target = addresses.empty() ? shown(s.request.host)
                                              : endpoint_text({addresses.back(), s.request.port});
        s.fail(rec, s.cause_of(phase::tcp, last_error),
               {{detail_text::subject_colon, {target}}, rec.error_notes.front()});
        co_return false;
    }
    rec.peer = endpoint_text(*s.endpoint);
    if (s.result.addresses.size() > 1) {
        s.add_warning(warning_kind::some_addresses_failed,
                      fmt::format("{}/{} ✗, {} ✓", s.result.addresses.size() - 1,
                                  s.result.addresses.size(), s.endpoint->address().to_string()));
    }
    s.pass(rec, *rec.peer);
    co_return true;
}

}  // namespace smtp_probe::phases
