// What the commands need of CLI11 to declare, parse and read their options, without including
// it. CLI11 2.1 is header-only and costs about 8 s of compiling per translation unit (-O2 -g),
// so everything else calls these few functions, and only probe/cli/option_rules.cpp includes
// <CLI/CLI.hpp>.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "probe/cli/cli.hpp"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace smtp_probe {

struct app_deleter {
    void operator()(CLI::App* app) const;
};
using app_ptr = std::unique_ptr<CLI::App, app_deleter>;

/// The root of the command line; its subcommands are added with add_command_app().
[[nodiscard]] app_ptr make_root_app(const std::string& description, const std::string& name);
void set_allow_extras(CLI::App& app, bool allow);
/// Parses argv into `root`: nothing when it parsed, else the --help text or what was wrong, in
/// our words.
[[nodiscard]] std::optional<std::variant<cli_help, cli_error>> parse_app(CLI::App& root, int argc,
                                                                         const char* const* argv);
[[nodiscard]] std::string app_help(const CLI::App& app);
/// Whether this (sub)command was on the command line.
[[nodiscard]] bool was_parsed(const CLI::App& app);

/// A subcommand of root; with allow_extras, leftovers are kept for remaining_words().
[[nodiscard]] CLI::App& add_command_app(CLI::App& root, const std::string& name,
                                        const std::string& description, bool allow_extras);
void set_footer(CLI::App& app, const std::string& footer);
/// An option that takes one value, kept as text (the last one given wins).
[[nodiscard]] CLI::Option* add_value_option(CLI::App& app, const std::string& name,
                                            const std::string& type, const std::string& description,
                                            const std::string& group = "");
/// An option that takes one value and keeps every one given, so that a repeat can be refused.
[[nodiscard]] CLI::Option* add_every_value_option(CLI::App& app, const std::string& name,
                                                  const std::string& type,
                                                  const std::string& description,
                                                  const std::string& group = "");
/// A positional argument of one word, every one given kept (a second is refused by the reader).
[[nodiscard]] CLI::Option* add_every_value_argument(CLI::App& app, const std::string& name,
                                                    const std::string& description);
/// A flag; "--flag=value" is refused.
[[nodiscard]] CLI::Option* add_flag_option(CLI::App& app, const std::string& name,
                                           const std::string& description,
                                           const std::string& group = "");
/// A positional argument of one or more words, also after "--".
[[nodiscard]] CLI::Option* add_words_argument(CLI::App& app, const std::string& name,
                                              const std::string& description);
[[nodiscard]] std::vector<std::string> remaining_words(const CLI::App& app);
[[nodiscard]] std::vector<std::string> option_results(const CLI::Option* opt);
/// How often a flag was given (-vvv: 3).
[[nodiscard]] std::size_t option_count(const CLI::Option* opt);
/// "--port" for --port.
[[nodiscard]] std::string option_name_of(const CLI::Option* opt);

}  // namespace smtp_probe
