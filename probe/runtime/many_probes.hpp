// Many probes at once on one runtime (`run`, later `serve`): each under its own deadline, with
// bounds that keep a monitoring run polite to the servers it watches.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "checks/evidence.hpp"
#include "checks/request.hpp"

namespace smtp_probe {

class runtime;

struct probe_limits {
    std::size_t concurrency = 50;  ///< probes (and lookups) running at once
    std::size_t per_host = 2;      ///< probes connected to one server address (IP and port)
};

/// What one probe of many came to: its result, or why it could not run (an unreadable trust
/// store), which never stops the others.
struct probe_outcome {
    std::optional<probe_result> result;
    std::string setup_error;
};

/// Called on the runtime's thread as each probe ends, with its index in the requests.
using probe_finished = std::function<void(std::size_t index, probe_outcome&& outcome)>;

/// Probes every request (they must outlive the coroutine) within `limits`:
/// - logins with the same user to the same host and port never overlap (one wrong password
///   must not become a burst that trips fail2ban or cPHulk);
/// - the host is looked up first, so that the per-host bound counts the address connected to,
///   and the time the lookup took comes off the probe's deadline; waiting for a slot does not.
/// request.all_addresses is ignored: one result per request.
[[nodiscard]] boost::asio::awaitable<void> run_many_probes(
    runtime& rt, const std::vector<probe_request>& requests, probe_limits limits,
    probe_finished finished);

}  // namespace smtp_probe
