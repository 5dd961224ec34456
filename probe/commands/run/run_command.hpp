// `smtp-probe run --config FILE`: every target of a config, probed at once within bounds, for
// cron, monitoring systems and pre-go-live checks of many servers.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "probe/report/output_options.hpp"
#include "probe/runtime/many_probes.hpp"

namespace smtp_probe {

/// The checked options of `run`.
struct run_command {
    std::string config_path;
    probe_limits limits;
    std::vector<std::string> only;      ///< --only: these targets
    std::optional<std::string> module;  ///< --module: the targets of this module
    bool check_config = false;          ///< validate (secrets included) without connecting
    enum class format { text, jsonl, json, nagios } fmt = format::text;
    output_options output;
    std::optional<std::string> as_user;
    std::function<const char*(const char*)> getenv;  ///< where password_env is read
};

}  // namespace smtp_probe
