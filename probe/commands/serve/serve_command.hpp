// `smtp-probe serve --config FILE`: a Prometheus exporter of the config's targets (see
// probe/serve/exporter.hpp), reloading its config on SIGHUP and stopping on SIGTERM once the
// probes it is answering have ended.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "probe/report/output_options.hpp"

namespace smtp_probe {

/// 10587: outside 9100-9999, the range the Prometheus wiki's default port allocations filled
/// by 2023, and no service of /etc/services nor a Postfix content filter port (10024-10026).
inline constexpr std::uint16_t default_serve_port = 10587;

/// The checked options of `serve`.
struct serve_command {
    std::string config_path;
    std::optional<std::string>
        listen;  ///< --listen ADDRESS:PORT; else the config's, else the default
    bool check_config = false;
    output_options output;
    std::function<const char*(const char*)> getenv;
};

}  // namespace smtp_probe
