#include "probe/commands/diagnose/diagnose.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <exception>

#include "checks/classify.hpp"
#include "checks/credential_scrubber.hpp"
#include "checks/login_order.hpp"
#include "checks/session/host_lookup.hpp"
#include "checks/session/pipeline.hpp"
#include "net/sanitize.hpp"
#include "probe/runtime/runtime.hpp"

namespace smtp_probe {
namespace asio = boost::asio;

namespace {

/// A copy of base for one combination; credentials and envelope only when with_credentials
/// (without a user the pipeline skips AUTH, and without a sender MAIL FROM and RCPT).
probe_request request_for(const probe_request& base, port_mode pm, bool with_credentials) {
    auto r = base.clone();
    r.port = pm.port;
    r.security = pm.security;
    r.all_addresses = false;
    r.send_to.reset();  // only the one --send-to probe sets it, after the recommendation
    if (!with_credentials) {
        r.user.reset();
        r.password = secret();
        r.oauth_token = secret();
        r.forced_mechanism.reset();
        r.from.reset();
        r.rcpt.reset();
        r.skip_rcpt = false;
    }
    return r;
}

/// The probes of `requests` at once on the addresses diagnose resolved (both must outlive the
/// coroutine); their first results in the order of the requests.
asio::awaitable<std::vector<probe_result>> run_all(const std::vector<probe_request>& requests,
                                                   const probe_services& services,
                                                   const std::vector<asio::ip::address>& resolved) {
    auto ex = co_await asio::this_coro::executor;
    using probe_op = decltype(asio::co_spawn(ex, run_probe(requests.front(), services, resolved),
                                             asio::deferred));
    std::vector<probe_op> ops;
    ops.reserve(requests.size());
    for (const auto& request : requests) {
        ops.push_back(asio::co_spawn(ex, run_probe(request, services, resolved), asio::deferred));
    }
    auto [completion_order, errors, results] =
        co_await asio::experimental::make_parallel_group(std::move(ops))
            .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
    for (const auto& error : errors) {
        if (error) {
            std::rethrow_exception(error);
        }
    }
    std::vector<probe_result> out;
    out.reserve(results.size());
    for (auto& each : results) {
        out.push_back(std::move(each.front()));
    }
    co_return out;
}

bool has_credentials(const probe_request& r) {
    return r.user && (!r.password.empty() || !r.oauth_token.empty());
}

}  // namespace

std::vector<port_mode> diagnose_combinations(const std::vector<std::uint16_t>& extra_ports) {
    std::vector<port_mode> out{{25, security_mode::automatic},
                               {26, security_mode::automatic},
                               {465, security_mode::tls},
                               {587, security_mode::starttls}};
    for (const auto port : extra_ports) {
        const port_mode pm{port, default_security(port)};
        if (std::find(out.begin(), out.end(), pm) == out.end()) {
            out.push_back(pm);
        }
    }
    return out;
}

asio::awaitable<diagnose_outcome> run_diagnose(runtime& rt, probe_request base,
                                               std::vector<std::uint16_t> extra_ports,
                                               std::optional<std::uint64_t> planned_size,
                                               std::optional<std::string> send_to) {
    auto services = rt.services_for(base);
    services.scrubber = std::make_shared<const secret_scrubber>(credential_scrubber(base));
    diagnose_outcome out;
    out.planned_size = planned_size;
    // --deadline bounds the whole diagnosis, not each probe: each probe gets what is left (at
    // least 1 ms, so that one that cannot run still reports deadline_exceeded).
    const auto started = std::chrono::steady_clock::now();
    const auto request_at = [&](port_mode pm, bool with_credentials) {
        auto r = request_for(base, pm, with_credentials);
        const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - started);
        r.deadline = std::max(std::chrono::milliseconds{1}, base.deadline - spent);
        return r;
    };

    // One lookup for all: a name that does not resolve is one finding, not one per port, and
    // every combination connects to the addresses found here.
    // Bounded by the deadline like every later step (before, only --dns-timeout bounded it).
    const auto lookup = co_await look_up_host(base);
    const auto& resolved = lookup.found;
    if (resolved.error) {
        out.dns_failure = dns_failure_result(base, lookup);
        co_return out;
    }

    // Stage one: every combination at once, without credentials.
    const auto combos = diagnose_combinations(extra_ports);
    std::vector<probe_request> first;
    first.reserve(combos.size());
    for (const auto& pm : combos) {
        first.push_back(request_at(pm, false));
    }
    auto first_results = co_await run_all(first, services, resolved.addresses);
    for (std::size_t i = 0; i < combos.size(); ++i) {
        combination_result c;
        c.combo = combos[i];
        c.result = std::move(first_results[i]);
        out.combinations.push_back(std::move(c));
    }

    // Stage two: AUTH one combination at a time, best first; parallel or repeated failed
    // logins with one password trip cPHulk, fail2ban and provider lockouts.
    if (has_credentials(base)) {
        std::optional<std::uint16_t> refused_on;
        for (const auto i : login_order(out.combinations)) {
            auto& c = out.combinations[i];
            if (refused_on) {
                c.password_refused_on = refused_on;
                continue;
            }
            std::vector<probe_request> one;
            one.push_back(request_at(c.combo, true));
            auto results = co_await run_all(one, services, resolved.addresses);
            c.result = std::move(results.front());
            c.tried_auth = true;
            if (ends_login_attempts(c.result)) {
                refused_on = c.combo.port;
            }
        }
    }

    out.advice = recommend(out.combinations);
    if (planned_size && out.advice.chosen) {
        const auto& chosen = out.combinations[*out.advice.chosen].result;
        if (auto w = message_size_warning(*planned_size, announced_size(chosen))) {
            out.warnings.push_back(std::move(*w));
        }
    }
    // --send-to: one real message, only through the combination recommended above, and only
    // after it passed with the same credentials.
    if (send_to && out.advice.chosen) {
        std::vector<probe_request> one;
        one.push_back(request_at(out.combinations[*out.advice.chosen].combo, true));
        one.back().send_to = send_to;
        out.sent_to = std::move(send_to);
        auto results = co_await run_all(one, services, resolved.addresses);
        out.sent = std::move(results.front());
    }
    co_return out;
}

exit_status exit_status_of(const diagnose_outcome& d) {
    if (!d.advice.chosen || (d.sent && !d.sent->ok())) {
        return exit_status::failure;
    }
    const auto& chosen = d.combinations[*d.advice.chosen].result;
    const bool warned = !d.warnings.empty() || !chosen.warnings.empty() || d.advice.redirect;
    return warned ? exit_status::warning : exit_status::ok;
}

}  // namespace smtp_probe
