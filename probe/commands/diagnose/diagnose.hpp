// `smtp-probe diagnose`: every usual port and mode of one host, the connection stages of all of
// them at once, then AUTH one combination at a time, and a recommendation in WHMCS's terms.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "checks/evidence.hpp"
#include "checks/port_mode.hpp"
#include "checks/recommend.hpp"
#include "checks/request.hpp"
#include "probe/report/run_identity.hpp"

namespace smtp_probe {

class runtime;

/// 25 and 26 (auto), 465 (tls), 587 (starttls), then each extra port with its default mode by
/// port (default_security), without repeats.
[[nodiscard]] std::vector<port_mode> diagnose_combinations(
    const std::vector<std::uint16_t>& extra_ports);

struct diagnose_outcome {
    /// Set when the host name did not resolve: reported once, and nothing else ran.
    std::optional<probe_result> dns_failure;
    std::vector<combination_result> combinations;  ///< in the order of diagnose_combinations()
    recommendation advice;
    /// Diagnose's own warnings (message size against the recommended SIZE).
    std::vector<probe_warning> warnings;
    std::optional<std::uint64_t> planned_size;  ///< --message-size, bytes
    /// --send-to: the probe that sent the test message through the recommended combination.
    std::optional<probe_result> sent;
    std::optional<std::string> sent_to;
    /// The user the connections were made as (set by the app; --as-user may have switched it).
    std::optional<run_identity> ran_as;
};

/// The diagnosis on rt. base carries the host, credentials, envelope, TLS, DNS and timeouts; its
/// port and security are ignored. Throws setup_error when the trust store cannot be read.
/// The arguments are copied into the coroutine frame.
[[nodiscard]] boost::asio::awaitable<diagnose_outcome> run_diagnose(
    runtime& rt, probe_request base, std::vector<std::uint16_t> extra_ports,
    std::optional<std::uint64_t> planned_size, std::optional<std::string> send_to = std::nullopt);

/// 0 a combination works, 1 it works with warnings, 2 none works.
[[nodiscard]] exit_status exit_status_of(const diagnose_outcome& d);

}  // namespace smtp_probe
