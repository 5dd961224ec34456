// dns: the addresses of the host asked for, through the system-like resolver
// (net/transport/resolver.hpp).
#include <fmt/format.h>
#include <boost/asio/this_coro.hpp>
#include <string>
#include <utility>

#include "checks/dns_budget.hpp"
#include "checks/session/phases.hpp"
#include "checks/session/probe_session.hpp"
#include "checks/whmcs_rules.hpp"
#include "net/transport/resolver.hpp"

namespace smtp_probe::phases {

namespace asio = boost::asio;

namespace {

/// The phase passes with the addresses found: up to four listed, then how many more.
void record_found(probe_session& s, phase_record& rec,
                  const std::vector<asio::ip::address>& addresses) {
    for (const auto& a : addresses) {
        rec.addresses.push_back(a.to_string());
    }
    std::string listed;
    for (std::size_t i = 0; i < rec.addresses.size() && i < 4; ++i) {
        listed += (i ? ", " : "") + rec.addresses[i];
    }
    detail_notes detail{as_is(std::move(listed))};
    if (rec.addresses.size() > 4) {
        detail.push_back({detail_text::more_items, {std::to_string(rec.addresses.size() - 4)}});
    }
    s.pass(rec, std::move(detail));
}

}  // namespace

asio::awaitable<std::optional<std::vector<asio::ip::address>>> dns(
    probe_session& s, const std::vector<asio::ip::address>* known) {
    auto& rec = s.begin(phase::dns);
    if (is_ipv6_literal_host(s.request.host)) {
        detail_notes why{{detail_text::ipv6_literal_unusable, {shown(s.request.host)}}};
        if (s.request.whmcs_settings) {
            // PHPMailer fails before connecting; so does the probe of WHMCS's settings.
            s.fail(rec, probe_errc::ipv6_literal_host, std::move(why));
            co_return std::nullopt;
        }
        s.add_warning(warning_kind::ipv6_literal_host, std::move(why));
    }
    if (known != nullptr) {
        record_found(s, rec, *known);
        co_return *known;
    }
    // bounded() gives min(--dns-timeout, what the deadline leaves): a shorter result means the
    // deadline is the limit.
    const auto timeout = s.bounded(s.request.timeouts.dns);
    const auto budget = dns_budget_for(s.request.timeouts.dns, timeout);
    resolve_options options;
    options.family = s.request.family;
    options.timeout = budget.timeout;
    options.dns_server = s.request.dns_server;
    auto ex = co_await asio::this_coro::executor;
    auto outcome = co_await resolve_host(ex, s.request.host, options);
    if (outcome.error) {
        probe_session::set_error(rec, error_detail(outcome.error, shown(outcome.error.message())));
        auto cause = s.deadline_passed() ? probe_errc::deadline_exceeded
                                         : cause_for_error(phase::dns, outcome.error);
        detail_notes detail{{detail_text::subject_colon, {s.request.host}},
                            rec.error_notes.front()};
        if (cause == probe_errc::dns_timeout || cause == probe_errc::deadline_exceeded) {
            // Both may run out at once: the deadline, which ends the probe, is the one named.
            auto finding = dns_timeout_finding_for(
                s.deadline_passed() ? dns_budget{budget.timeout, dns_limit::deadline} : budget);
            cause = finding.cause;
            detail.push_back(std::move(finding.note));
        }
        s.fail(rec, cause, std::move(detail));
        co_return std::nullopt;
    }
    record_found(s, rec, outcome.addresses);
    co_return std::move(outcome.addresses);
}

}  // namespace smtp_probe::phases
