// What a command needs of CLI11 to declare its subcommand and options, without including it.
// CLI11 2.1 is header-only and costs about 8 s of compiling per translation unit (-O2 -g), so
// the commands call these few functions instead, and only probe/cli/option_rules.cpp,
// probe/cli/probe_options.cpp and probe/commands/command_line.cpp include <CLI/CLI.hpp>.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace smtp_probe {

/// A subcommand of root; with allow_extras, leftovers are kept for remaining_words().
[[nodiscard]] CLI::App& add_command_app(CLI::App& root, const std::string& name,
                                        const std::string& description, bool allow_extras);
void set_footer(CLI::App& app, const std::string& footer);
/// An option that takes one value, kept as text (the last one given wins).
[[nodiscard]] CLI::Option* add_value_option(CLI::App& app, const std::string& name,
                                            const std::string& type, const std::string& description,
                                            const std::string& group = "");
[[nodiscard]] CLI::Option* add_flag_option(CLI::App& app, const std::string& name,
                                           const std::string& description,
                                           const std::string& group = "");
/// A positional argument of one or more words, also after "--".
[[nodiscard]] CLI::Option* add_words_argument(CLI::App& app, const std::string& name,
                                              const std::string& description);
[[nodiscard]] std::vector<std::string> remaining_words(const CLI::App& app);
[[nodiscard]] std::vector<std::string> option_results(const CLI::Option* opt);
/// "--port" for --port.
[[nodiscard]] std::string option_name_of(const CLI::Option* opt);

}  // namespace smtp_probe
