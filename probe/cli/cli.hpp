// The command line: each subcommand (check, diagnose, explain, php-mail) read into its command
// struct (a probe_request and output options for the probing ones); they share one CLI11 app.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "checks/request.hpp"
#include "probe/cli/secret_source.hpp"

namespace smtp_probe {

struct output_options {
    enum class format { text, json } fmt = format::text;
    std::string lang;  ///< "zh" or "en"
    bool transcript = false;
    int verbosity = 0;
    std::string log_level = "warn";  ///< trace|debug|info|warn|error|off
    enum class color_mode { automatic, always, never } color = color_mode::automatic;
};

struct check_command {
    probe_request request;
    output_options output;
    std::vector<std::string> notices;    ///< warnings for stderr, e.g. implicit TLS on port 25
    std::optional<std::string> as_user;  ///< --as-user: connect as this user (root only)
};

/// `smtp-probe explain [TEXT]`: what a line of WHMCS System Logs (or a category id) means.
struct explain_command {
    enum class source {
        argument,        ///< TEXT was given (its words joined by single spaces)
        standard_input,  ///< no TEXT and stdin is not a terminal: a pasted excerpt
        category_list,   ///< no TEXT at a terminal: list the categories
    };
    source from = source::category_list;
    std::string text;
    output_options output;  ///< fmt, lang and color are used
};

/// `smtp-probe php-mail`: the local check of PHP mail() (category instantiate_mail).
struct php_mail_command {
    std::string php_binary = "php";                 ///< --php
    std::optional<std::string> php_ini;             ///< --php-ini
    std::optional<std::string> send_to;             ///< --send-to: one real test message
    std::optional<std::string> from;                ///< --from: its From header
    std::chrono::milliseconds send_timeout{30000};  ///< for the sendmail program (or PHP)
    std::optional<std::string> as_user;             ///< --as-user: check as this user (root only)
    output_options output;                          ///< fmt and lang are used
};

/// `smtp-probe diagnose HOST`: every usual port and mode (probe/commands/diagnose/diagnose.hpp).
/// The request carries host, credentials, envelope, TLS, DNS and timeouts; its port and security
/// are unused.
struct diagnose_command {
    probe_request request;
    output_options output;
    std::vector<std::uint16_t> extra_ports;     ///< --ports, each with its default mode
    std::optional<std::uint64_t> message_size;  ///< --message-size, bytes
    std::optional<std::string> send_to;         ///< --send-to: one real test message
    std::optional<std::string> as_user;         ///< --as-user: connect as this user (root only)
};

struct cli_error {
    std::string message;  ///< one sentence: what was wrong and what is accepted
    std::string usage;    ///< help text to print after the message, or empty
};

struct cli_help {
    std::string text;  ///< --help / --version output; exit 0
};

using cli_result = std::variant<check_command, diagnose_command, explain_command, php_mail_command,
                                cli_help, cli_error>;

/// Environment lookup and prompting are injected so that tests need no real environment or
/// terminal. The prompt is used only when stdin_is_terminal is true.
struct cli_environment {
    std::function<const char*(const char*)> getenv = ::getenv;
    std::function<std::optional<std::string>(std::string_view prompt)> prompt_secret =
        read_secret_from_terminal;
    bool stdin_is_terminal = false;
};

/// Reads argv. Secrets (password or token) are read last, after everything else was accepted,
/// so that a mistake elsewhere never costs a prompt.
[[nodiscard]] cli_result parse_command_line(int argc, const char* const* argv,
                                            const cli_environment& env);

}  // namespace smtp_probe
