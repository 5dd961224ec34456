// The lookup a caller does before its probes when it must know the addresses first: diagnose
// (one lookup for every combination) and run (connections bounded per server address). Bounded
// as the probe's own DNS phase is: --dns-timeout, or what the deadline leaves.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include "checks/dns_budget.hpp"
#include "checks/evidence.hpp"
#include "checks/request.hpp"
#include "net/transport/resolver.hpp"

namespace smtp_probe {

struct host_lookup {
    resolve_outcome found;
    dns_budget budget;
    duration_ms took{0};  ///< how long the lookup itself took
};

/// Looks request.host up with the request's family, DNS server and budget.
[[nodiscard]] boost::asio::awaitable<host_lookup> look_up_host(const probe_request& request);

/// The report of a failed lookup, shaped like a probe of request's host, port and mode that
/// stopped at its first phase after lookup.took.
[[nodiscard]] probe_result dns_failure_result(const probe_request& request,
                                              const host_lookup& lookup);

}  // namespace smtp_probe
