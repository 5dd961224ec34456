// The options of a probe, shared by the commands that probe (check, diagnose): declared on a
// subcommand, then read and checked into probe_settings (the request and how to report it).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "checks/monitoring_state.hpp"
#include "checks/request.hpp"
#include "probe/cli/cli.hpp"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace smtp_probe {

// The options of a probe (check, diagnose) as CLI11 saw them. Every value is kept as text and
// validated afterwards so that each message is one sentence of ours.
struct probe_option_set {
    CLI::App* app = nullptr;
    std::vector<CLI::Option*> valued;  ///< options that take a value (each may appear once)
    bool nagios_format = false;        ///< --format nagios is accepted (check)

    CLI::Option* host = nullptr;
    CLI::Option* port = nullptr;
    CLI::Option* security = nullptr;
    CLI::Option* ssl_type = nullptr;
    CLI::Option* user = nullptr;
    CLI::Option* password_env = nullptr;
    CLI::Option* password_file = nullptr;
    CLI::Option* token_env = nullptr;
    CLI::Option* token_file = nullptr;
    CLI::Option* auth_mech = nullptr;
    CLI::Option* from = nullptr;
    CLI::Option* rcpt = nullptr;
    CLI::Option* no_rcpt = nullptr;
    CLI::Option* timeout = nullptr;
    CLI::Option* connect_timeout = nullptr;
    CLI::Option* dns_timeout = nullptr;
    CLI::Option* deadline = nullptr;
    CLI::Option* ipv4 = nullptr;
    CLI::Option* ipv6 = nullptr;
    CLI::Option* all_addresses = nullptr;
    CLI::Option* ca_file = nullptr;
    CLI::Option* ca_path = nullptr;
    CLI::Option* insecure = nullptr;
    CLI::Option* cert_warn_days = nullptr;
    CLI::Option* time_warning = nullptr;  ///< check only, like the three below
    CLI::Option* time_critical = nullptr;
    CLI::Option* cert_warning = nullptr;
    CLI::Option* cert_critical = nullptr;
    CLI::Option* helo = nullptr;
    CLI::Option* as_user = nullptr;
    CLI::Option* dns_server = nullptr;
    CLI::Option* format = nullptr;
    CLI::Option* lang = nullptr;
    CLI::Option* transcript = nullptr;
    CLI::Option* verbose = nullptr;
    CLI::Option* log_level = nullptr;
    CLI::Option* color = nullptr;
    CLI::Option* version = nullptr;
};

/// What the options say: the request, how to report, notices for stderr, --as-user.
struct probe_settings {
    probe_request request;
    output_options output;
    std::vector<std::string> notices;    ///< warnings for stderr, e.g. implicit TLS on port 25
    std::optional<std::string> as_user;  ///< --as-user: connect as this user (root only)
    monitoring_thresholds thresholds;    ///< check's --time-warning and the like
};

/// Which options a command takes: check chooses the port and mode, diagnose tries them all.
enum class probe_options_of { check, diagnose };

/// Declares the options on `app` (the command's subcommand).
[[nodiscard]] probe_option_set declare_probe_options(CLI::App& app, probe_options_of which);

/// Adds one more option that takes a value, kept as text like the others (a command's own).
CLI::Option* add_valued_option(probe_option_set& o, const std::string& name,
                               const std::string& type, const std::string& help,
                               const std::string& group);

/// Checks the values and reads the secret last, after everything else was accepted, so that a
/// mistake elsewhere never costs a prompt.
[[nodiscard]] std::variant<probe_settings, cli_error> build_probe_settings(
    const probe_option_set& o, const cli_environment& env);

/// --version, an option given twice or swallowing the next, and leftovers: what stops the
/// command before its values are read.
[[nodiscard]] std::optional<std::variant<cli_help, cli_error>> probe_options_problem(
    const probe_option_set& o);

}  // namespace smtp_probe
