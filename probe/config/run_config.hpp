// The config of scheduled checks (`run --config`, later `serve`): named modules hold what many
// targets share (port, mode, login, where the secret comes from, envelope, timeouts, trust), and
// targets name a host and the module to probe it with. The file never holds a secret, only
// where to read it. See examples/smtp-probe.toml for the annotated schema.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "checks/monitoring_state.hpp"
#include "checks/request.hpp"
#include "probe/config/host_pattern.hpp"

namespace smtp_probe {

/// One mistake in a config: where it is and what would be accepted.
struct config_error {
    std::string file;
    std::uint32_t line = 0;  ///< 1-based; 0 when the mistake has no place (an unreadable file)
    std::uint32_t column = 0;
    std::string key;  ///< "modules.billing.port", "targets[2].module"; empty for syntax errors
    std::string message;

    /// "FILE:LINE:COLUMN: KEY: MESSAGE", the parts that are known.
    [[nodiscard]] std::string text() const;
};

/// Where a module's password or OAuth token is read from (never the secret itself).
struct secret_reference {
    enum class kind { password, token };
    kind what = kind::password;
    bool from_file = false;
    std::string
        name;         ///< the variable, or the file's path (relative ones from the config's folder)
    std::string key;  ///< the key that named it, for messages
    std::uint32_t line = 0;
    std::uint32_t column = 0;
};

struct run_module {
    std::string name;
    /// Everything a target of this module is probed with but its host, port and mode; the
    /// secret is filled in by read_config_secrets().
    probe_request base;
    std::optional<std::uint16_t> port;
    std::optional<security_mode> security;
    std::optional<secret_reference> secret_source;
    /// Days left below which a certificate is critical for monitoring (cert_warn_days in base is
    /// the warning). 0: none given.
    int cert_critical_days = 0;
    /// What raises a target's monitoring state, as check's --time-warning and friends:
    /// time_warning, time_critical (Nagios ranges of seconds), cert_critical_days as
    /// cert_critical "N:". The certificate warning stays the verdict's own (cert_warn_days).
    monitoring_thresholds thresholds;
    /// `serve` may use this module for hosts the config does not name but allowed_targets
    /// permits. Off by default for a module with a secret: its password goes only to the
    /// targets the config names unless this says otherwise.
    bool unlisted_targets = false;
    std::uint32_t line = 0;
};

/// Which of n exporters probes a target on schedule: exporter `index` of `count` ("k/n").
struct shard_setting {
    std::uint32_t index = 0;
    std::uint32_t count = 1;
};

/// The [serve] table: what `smtp-probe serve` may probe and how much at once.
struct serve_settings {
    /// Hosts /probe may take as target=HOST:PORT&module=NAME beyond the named targets.
    std::vector<host_pattern> allowed_targets;
    /// The ports those hosts may be probed on.
    std::vector<std::uint16_t> allowed_ports{25, 465, 587};
    std::size_t concurrency = 32;  ///< probes at once; over it, /probe answers 503
    std::size_t per_host = 2;      ///< probes connected to one host and port at once
    /// Taken off Prometheus's X-Prometheus-Scrape-Timeout-Seconds, so that the answer is sent
    /// before Prometheus gives up.
    std::chrono::milliseconds scrape_timeout_offset{500};
    std::optional<std::string> listen;  ///< "127.0.0.1:10587"; --listen overrides it
    std::optional<shard_setting> shard;
    /// [serve.basic_auth_users]: user -> bcrypt hash; when any is given, every path asks for
    /// one of them (as exporter-toolkit's web config does).
    std::map<std::string, std::string> basic_auth_users;
    /// [serve.tls_server_config]: the listener speaks HTTPS with this certificate and key.
    std::optional<std::string> tls_cert_file;
    std::optional<std::string> tls_key_file;
    std::uint32_t line = 0;
};

struct run_target {
    std::string name;
    std::string host;
    std::optional<std::uint16_t> port;
    std::string module;
    std::map<std::string, std::string> labels;  ///< customer = "...", server = "..."
    std::uint32_t line = 0;
};

struct run_config {
    std::string file;
    std::vector<run_module> modules;
    std::vector<run_target> targets;
    serve_settings serve;

    [[nodiscard]] const run_module* module_named(std::string_view name) const;
};

using config_result = std::variant<run_config, std::vector<config_error>>;

/// Reads and checks a config held in `text` (`file` names it in messages and is the folder
/// relative secret files are found from). Every mistake found is returned, in file order.
[[nodiscard]] config_result parse_run_config(std::string_view text, const std::string& file);

/// The same for a file on disk (at most max_config_bytes).
[[nodiscard]] config_result load_run_config(const std::string& path);

inline constexpr std::size_t max_config_bytes = 16 * 1024 * 1024;

/// Reads every module's secret from its variable or file (a file group or others can read is
/// refused). Returns the mistakes; none of them contains a secret.
[[nodiscard]] std::vector<config_error> read_config_secrets(
    run_config& config, const std::function<const char*(const char*)>& getenv);

/// The request that probes `target`: its module's, with the target's host and port and the
/// mode resolved as `check` resolves it.
[[nodiscard]] probe_request request_for_target(const run_config& config, const run_target& target);

}  // namespace smtp_probe
