// What every command's option reading shares: reading a CLI11 option, the checks of values
// several commands take (mailboxes, --as-user, CA files, --format, --lang, --color), and
// CLI11's own errors and leftovers in our words.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "probe/cli/cli.hpp"

namespace CLI {
class App;
class Option;
class ParseError;
}  // namespace CLI

namespace smtp_probe {

inline constexpr std::string_view program_name = "smtp-probe";

/// "--name" of "--name=value".
[[nodiscard]] std::string_view option_name(std::string_view arg);
[[nodiscard]] bool is_digits(std::string_view s);
[[nodiscard]] cli_error fail(std::string message);

/// The value of an option (the last one given), or nothing (also for an option not declared:
/// nullptr).
[[nodiscard]] std::optional<std::string> given(const CLI::Option* opt);
[[nodiscard]] bool is_set(const CLI::Option* opt);

[[nodiscard]] std::optional<std::string> mailbox_problem(std::string_view option,
                                                         std::string_view address);
[[nodiscard]] std::optional<std::string> as_user_problem(std::string_view user);
[[nodiscard]] std::optional<std::string> ca_file_problem(const std::string& path);
[[nodiscard]] std::optional<std::string> ca_path_problem(const std::string& path);

/// trace, debug, info, warn, error, off: the index of `level`, or their count when it is none.
[[nodiscard]] std::size_t log_level_rank(std::string_view level);
[[nodiscard]] std::string_view log_level_at(std::size_t rank);
[[nodiscard]] std::size_t log_level_count();

/// --format and --lang, the same for every command (nagios only where `nagios_too`). Returns
/// what was wrong, if anything.
[[nodiscard]] std::optional<std::string> read_format_and_lang(const CLI::Option* format,
                                                              const CLI::Option* lang,
                                                              output_options& out,
                                                              const cli_environment& env,
                                                              bool nagios_too = false);
/// --color, the same for every command.
[[nodiscard]] std::optional<std::string> read_color(const CLI::Option* color, output_options& out);
/// --log-level into `level` when given (lower-cased). Returns what was wrong, if anything.
[[nodiscard]] std::optional<std::string> read_log_level(const CLI::Option* opt, std::string& level);
/// What a command that reads a config and takes only options (run, serve) shares: no words
/// after it, and --config FILE into `path`. Returns what was wrong, if anything.
[[nodiscard]] std::optional<std::string> read_config_only(const CLI::App* sub,
                                                          std::string_view command,
                                                          const CLI::Option* config,
                                                          std::string& path);

/// " (see smtp-probe COMMAND --help)".
[[nodiscard]] std::string help_hint(const CLI::App* sub);
[[nodiscard]] cli_error translate_parse_error(const CLI::ParseError& e, const CLI::App* sub);
/// Arguments CLI11 left over. `commands` names the commands for an unknown one ("check,
/// diagnose, explain and php-mail").
[[nodiscard]] std::optional<cli_error> leftover_problem(const std::vector<std::string>& extras,
                                                        const CLI::App* sub,
                                                        std::string_view commands);

/// A password or token typed into argv: refused before CLI11 sees it, so that the value never
/// appears in any message.
[[nodiscard]] std::optional<cli_error> refuse_secret_in_argv(int argc, const char* const* argv);

/// Whether argv asks for --format nagios (also --format=nagios, any case): a monitoring system
/// reads stdout, so even a command line that does not parse must answer there.
[[nodiscard]] bool wants_nagios_output(int argc, const char* const* argv);

/// "0.1.0"
[[nodiscard]] std::string_view program_version();
[[nodiscard]] std::string version_text();

}  // namespace smtp_probe
