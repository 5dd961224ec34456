// Which probe a /probe request asks for, and whether the exporter may run it. The exporter must
// never become an open proxy or a port scanner (the lesson of blackbox_exporter's
// CVE-2020-16248 discussion): it probes the targets its config names, and beyond them only
// hosts its allowed_targets patterns match, on its allowed_ports, with a module that sends no
// secret unless that module opts in. Credentials never come from the query string.
#pragma once

#include <string>
#include <variant>

#include "checks/request.hpp"
#include "probe/config/run_config.hpp"
#include "probe/serve/query_string.hpp"

namespace smtp_probe {

struct admitted_probe {
    probe_request request;
    /// The `instance` a report names: the target's name, or host:port for an allowed host.
    std::string target;
    std::string module;
    const run_target* named = nullptr;  ///< the config's target, when the request named one
    bool debug = false;                 ///< ?debug=true: the transcript as text, not metrics
};

struct probe_refusal {
    int status = 400;     ///< 400 a malformed request, 403 a target the rules refuse
    std::string message;  ///< one sentence naming the rule; request text only quoted
};

/// The parameters /probe takes: target (a target's name, or HOST[:PORT] with module), module,
/// debug (true or false).
[[nodiscard]] std::variant<admitted_probe, probe_refusal> admit_probe(const run_config& config,
                                                                      const request_target& asked);

}  // namespace smtp_probe
