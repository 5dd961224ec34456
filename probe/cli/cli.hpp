// The vocabulary every command's command line shares: what a bad command line gets (cli_error),
// what --help and --version print (cli_help), and the environment and terminal, injected so that
// tests need neither.
#pragma once

#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "probe/cli/secret_source.hpp"
#include "probe/report/output_options.hpp"

namespace smtp_probe {

struct cli_error {
    std::string message;  ///< one sentence: what was wrong and what is accepted
    std::string usage;    ///< help text to print after the message, or empty
};

struct cli_help {
    std::string text;  ///< --help / --version output; exit 0
};

/// Environment lookup and prompting are injected so that tests need no real environment or
/// terminal. The prompt is used only when stdin_is_terminal is true.
struct cli_environment {
    std::function<const char*(const char*)> getenv = ::getenv;
    std::function<std::optional<std::string>(std::string_view prompt)> prompt_secret =
        read_secret_from_terminal;
    bool stdin_is_terminal = false;
};

}  // namespace smtp_probe
