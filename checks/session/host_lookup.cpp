#include "checks/session/host_lookup.hpp"

#include <boost/asio/this_coro.hpp>
#include <chrono>

#include "checks/classify.hpp"
#include "net/sanitize.hpp"

namespace smtp_probe {

boost::asio::awaitable<host_lookup> look_up_host(const probe_request& request) {
    host_lookup out;
    out.budget = dns_budget_for(request.timeouts.dns, request.deadline);
    resolve_options options;
    options.family = request.family;
    options.timeout = out.budget.timeout;
    options.dns_server = request.dns_server;
    auto ex = co_await boost::asio::this_coro::executor;
    const auto started = std::chrono::steady_clock::now();
    out.found = co_await resolve_host(ex, request.host, options);
    out.took = std::chrono::steady_clock::now() - started;
    co_return out;
}

probe_result dns_failure_result(const probe_request& base, const host_lookup& lookup) {
    const auto& ec = lookup.found.error;
    const auto& budget = lookup.budget;
    probe_result r;
    r.target = probe_target{base.host, base.port, base.security};
    r.duration = lookup.took;
    for (const auto p : all_phases) {
        if (p == phase::data) {
            continue;
        }
        phase_record rec;
        rec.name = p;
        if (p == phase::dns) {
            rec.status = phase_status::fail;
            rec.duration = lookup.took;
            rec.cause = cause_for_error(phase::dns, ec);
            rec.error_notes = {error_detail(ec, sanitize_for_display(ec.message(), 300))};
            rec.error_text = render_detail_en(rec.error_notes);
            rec.notes = {{detail_text::subject_colon, {sanitize_for_display(base.host, 200)}},
                         rec.error_notes.front()};
            if (rec.cause == probe_errc::dns_timeout) {
                auto finding = dns_timeout_finding_for(budget);
                rec.cause = finding.cause;
                rec.notes.push_back(std::move(finding.note));
            }
            rec.detail = render_detail_en(rec.notes);
        } else {
            rec.skipped = skip_reason::after_failure;
        }
        r.checks.push_back(std::move(rec));
    }
    r.outcome = decide(r, base.local_names).outcome;
    return r;
}

}  // namespace smtp_probe
