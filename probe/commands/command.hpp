// One command of smtp-probe behind one small interface. A command is one folder under
// probe/commands/: it declares its subcommand and options (declare), turns what CLI11 read into a
// ready command or a cli_error (build), and runs (run). It registers itself; the command line
// (command_line.hpp) and the program (probe/app.cpp) find it in the registry, so adding a command
// touches no other file.
#pragma once

#include <iosfwd>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "probe/cli/cli.hpp"

namespace CLI {
class App;
}

namespace smtp_probe {

class runtime;

/// Where a command reads and writes: the process's streams, or a test's.
struct command_io {
    std::istream& in;
    std::ostream& out;
    std::ostream& err;
};

/// A command whose options were read and checked: ready to run.
class command {
public:
    command() = default;
    command(const command&) = delete;
    command& operator=(const command&) = delete;
    virtual ~command() = default;
    /// The exit code: 0 ok, 1 ok with warnings, 2 failure, 3 could not run.
    [[nodiscard]] virtual int run(runtime& rt, command_io& io) = 0;
};

/// A command with its checked options (check_command, diagnose_command...), which tests read.
template <class Options>
class command_with : public command {
public:
    explicit command_with(Options o) : options(std::move(o)) {}
    Options options;
};

/// What the command line comes to: a command to run, text to print (--help, --version), or
/// what was wrong with it.
using cli_result = std::variant<std::unique_ptr<command>, cli_help, cli_error>;

/// The options of a command, declared on its subcommand; build() reads them once CLI11 ran.
class command_parser {
public:
    command_parser() = default;
    command_parser(const command_parser&) = delete;
    command_parser& operator=(const command_parser&) = delete;
    virtual ~command_parser() = default;
    [[nodiscard]] virtual CLI::App& app() = 0;
    [[nodiscard]] virtual cli_result build(const cli_environment& env) = 0;
};

struct command_spec {
    std::string_view name;     ///< as typed: "php-mail"
    int rank = 0;              ///< where it is listed, lower first
    std::string_view usage;    ///< "check HOST [options]"
    std::string_view summary;  ///< "one set of settings", for the list of commands
    /// Adds the subcommand and its options to the root.
    std::unique_ptr<command_parser> (*declare)(CLI::App& root) = nullptr;
};

/// Each command's .cpp registers itself at static initialisation:
///   [[maybe_unused]] const bool registered = register_command({...});
/// (the command libraries are linked whole, so that no registration is dropped).
bool register_command(const command_spec& spec);

/// Every registered command, by rank.
[[nodiscard]] std::vector<command_spec> registered_commands();

/// The options of the command `result` holds, when it is a command of that kind.
template <class Options>
[[nodiscard]] Options* options_of(cli_result& result) {
    auto* held = std::get_if<std::unique_ptr<command>>(&result);
    if (held == nullptr) {
        return nullptr;
    }
    auto* typed = dynamic_cast<command_with<Options>*>(held->get());
    return typed ? &typed->options : nullptr;
}

template <class Options>
[[nodiscard]] const Options* options_of(const cli_result& result) {
    return options_of<Options>(const_cast<cli_result&>(result));
}

/// Whether `result` holds a command of that kind.
template <class Options>
[[nodiscard]] bool holds_command(const cli_result& result) {
    const auto* held = std::get_if<std::unique_ptr<command>>(&result);
    return held != nullptr && dynamic_cast<const command_with<Options>*>(held->get()) != nullptr;
}

/// The same, for callers that know which command it is (tests): throws std::logic_error when
/// it is another.
template <class Options>
[[nodiscard]] Options& options_in(cli_result& result) {
    if (auto* options = options_of<Options>(result)) {
        return *options;
    }
    throw std::logic_error("the command line did not give the command expected");
}
template <class Options>
[[nodiscard]] const Options& options_in(const cli_result& result) {
    return options_in<Options>(const_cast<cli_result&>(result));
}
template <class Options>
[[nodiscard]] Options options_in(cli_result&& result) {
    return std::move(options_in<Options>(result));
}

}  // namespace smtp_probe
