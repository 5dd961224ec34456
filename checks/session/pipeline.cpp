// The driver of one probe: the phase table of each security mode, and the calls to the phases
// (checks/session/phase_*.cpp) in its order on a probe_session (checks/session/probe_session.hpp).
#include "checks/session/pipeline.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/this_coro.hpp>
#include <memory>
#include <span>
#include <utility>

#include "checks/session/phases.hpp"
#include "checks/session/probe_session.hpp"
#include "checks/session/stream_wire.hpp"
#include "net/transport/tls_client.hpp"

namespace smtp_probe {

namespace asio = boost::asio;

namespace {

using step_fn = asio::awaitable<bool> (*)(probe_session&);

/// One row of a mode's phase table: the record it fills, and the step that fills it. `run` is
/// null where the driver runs the step itself (dns, tcp) or an earlier row's step fills the
/// record (STARTTLS runs tls and certificate).
struct phase_row {
    phase record;
    step_fn run = nullptr;
    bool only_when_sending = false;  ///< data: only with --send-to
};

asio::awaitable<bool> certificate_step(probe_session& s) {
    co_return phases::certificate(s);
}

asio::awaitable<bool> skip_starttls(probe_session& s) {
    s.skip(phase::starttls, skip_reason::implicit_tls);
    co_return true;
}

asio::awaitable<bool> quit_step(probe_session& s) {
    co_await phases::quit(s);
    co_return true;
}

// The phase tables: the record list and the order the driver runs the steps in. After a failed
// step nothing later runs; polite_quit ends the session instead of quit.
constexpr phase_row implicit_tls_table[] = {
    {phase::dns},
    {phase::tcp},
    {phase::tls, phases::tls_handshake},
    {phase::certificate, certificate_step},
    {phase::greeting, phases::greeting},
    {phase::ehlo, phases::ehlo},
    {phase::starttls, skip_starttls},
    {phase::auth, phases::auth},
    {phase::mail_from, phases::mail_from},
    {phase::rcpt, phases::rcpt},
    {phase::data, phases::data, true},
    {phase::quit, quit_step},
};
constexpr phase_row plaintext_first_table[] = {
    {phase::dns},
    {phase::tcp},
    {phase::greeting, phases::greeting},
    {phase::ehlo, phases::ehlo},
    {phase::starttls, phases::starttls},  // STARTTLS, then tls, certificate and EHLO again
    {phase::tls},
    {phase::certificate},
    {phase::auth, phases::auth},
    {phase::mail_from, phases::mail_from},
    {phase::rcpt, phases::rcpt},
    {phase::data, phases::data, true},
    {phase::quit, quit_step},
};

std::span<const phase_row> phase_table(security_mode mode) {
    if (mode == security_mode::tls) {
        return implicit_tls_table;
    }
    return plaintext_first_table;
}

[[nodiscard]] bool row_applies(const phase_row& row, bool sends_message) {
    return !row.only_when_sending || sends_message;
}

std::vector<phase> phase_order(security_mode mode, bool sends_message) {
    std::vector<phase> order;
    for (const auto& row : phase_table(mode)) {
        if (row_applies(row, sends_message)) {
            order.push_back(row.record);
        }
    }
    return order;
}

/// The session on an already resolved address list: tcp and everything after it.
asio::awaitable<void> run_session(probe_session& s,
                                  const std::vector<asio::ip::address>& addresses) {
    s.wire = s.make_wire();
    if (!co_await phases::connect_any(s, addresses)) {
        co_return;
    }
    const bool sends_message = s.request.send_to.has_value();
    for (const auto& row : phase_table(s.request.security)) {
        if (row.run == nullptr || !row_applies(row, sends_message)) {
            continue;
        }
        const bool ok = co_await row.run(s);
        if (!ok) {
            co_await phases::polite_quit(s);
            co_return;
        }
    }
}

/// run_probe's body; `known` the addresses a caller resolved already, or null.
asio::awaitable<std::vector<probe_result>> probe_host(const probe_request& request,
                                                      probe_services services,
                                                      wire_factory make_wire,
                                                      const std::vector<asio::ip::address>* known) {
    std::vector<probe_result> results;
    const auto started = clock_type::now();
    const auto order = phase_order(request.security, request.send_to.has_value());
    probe_result first;
    probe_session session(request, services, first, started, order, make_wire);
    auto addresses = co_await phases::dns(session, known);
    if (!addresses) {
        session.finish();
        results.push_back(std::move(first));
        co_return results;
    }
    if (!request.all_addresses || addresses->size() <= 1) {
        co_await run_session(session, *addresses);
        session.finish();
        results.push_back(std::move(first));
        co_return results;
    }
    // --all-addresses: one full session per address, one after the other (never in parallel:
    // parallel logins with one password trip fail2ban-style lockouts), all within the one
    // deadline of the whole probe: each address gets what the ones before it left.
    const phase_record dns_record = *first.find(phase::dns);
    for (std::size_t i = 0; i < addresses->size(); ++i) {
        probe_result each;
        const auto each_started = clock_type::now();
        probe_session each_session(request, services, each, each_started, order, make_wire,
                                   started + request.deadline);
        each_session.adopt_dns(dns_record);
        const std::vector<asio::ip::address> one{(*addresses)[i]};
        co_await run_session(each_session, one);
        each_session.finish();
        results.push_back(std::move(each));
    }
    co_return results;
}

}  // namespace

asio::awaitable<std::vector<probe_result>> run_probe(const probe_request& request,
                                                     probe_services services) {
    auto ex = co_await asio::this_coro::executor;
    auto make_wire = stream_wire::factory(ex, *services.tls);
    co_return co_await probe_host(request, std::move(services), std::move(make_wire), nullptr);
}

asio::awaitable<std::vector<probe_result>> run_probe(
    const probe_request& request, probe_services services,
    const std::vector<asio::ip::address>& resolved) {
    auto ex = co_await asio::this_coro::executor;
    auto make_wire = stream_wire::factory(ex, *services.tls);
    co_return co_await probe_host(request, std::move(services), std::move(make_wire), &resolved);
}

asio::awaitable<std::vector<probe_result>> run_probe(const probe_request& request,
                                                     probe_services services,
                                                     wire_factory make_wire) {
    co_return co_await probe_host(request, std::move(services), std::move(make_wire), nullptr);
}

}  // namespace smtp_probe
