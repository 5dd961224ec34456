// `smtp-probe check HOST`: one set of settings, every step up to RCPT TO.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <vector>

#include "checks/evidence.hpp"
#include "checks/request.hpp"
#include "probe/cli/probe_options.hpp"

namespace smtp_probe {

class runtime;

/// The checked options of `check`.
using check_command = probe_settings;

/// The probe of request on rt (the request must outlive the coroutine): one result, or with
/// request.all_addresses one per address. Throws setup_error when the trust store cannot be
/// read.
[[nodiscard]] boost::asio::awaitable<std::vector<probe_result>> run_check(
    runtime& rt, const probe_request& request);

}  // namespace smtp_probe
