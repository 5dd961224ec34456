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
};

/// Looks request.host up with the request's family, DNS server and budget.
[[nodiscard]] boost::asio::awaitable<host_lookup> look_up_host(const probe_request& request);

/// The report of a failed lookup, shaped like a probe that stopped at its first phase.
[[nodiscard]] probe_result dns_failure_result(const probe_request& request,
                                              const boost::system::error_code& ec,
                                              const dns_budget& budget);

}  // namespace smtp_probe
