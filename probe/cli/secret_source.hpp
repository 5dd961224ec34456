// Where a password or OAuth token comes from: an environment variable, the first line of a file,
// or a prompt on the terminal with echo off. Never from argv: the process list shows it to every
// user of the machine.
//
// The bytes are kept in one heap buffer that moves into the secret (a short std::string would keep
// them in its inline buffer, and a move copies that buffer and leaves the old bytes behind).
// Buffers read into are wiped.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "net/secret.hpp"

namespace smtp_probe {

/// The longest password or token accepted (OAuth access tokens run to a few KiB).
inline constexpr std::size_t max_secret_bytes = 16 * 1024;

struct secret_error {
    std::string message;  ///< one sentence; never contains the secret
};

using secret_result = std::variant<secret, secret_error>;

using getenv_function = std::function<const char*(const char*)>;
using prompt_function = std::function<std::optional<std::string>(std::string_view prompt)>;

/// A secret holding a copy of these bytes in a heap buffer of its own.
[[nodiscard]] secret make_secret(std::string_view bytes);

/// The value of the environment variable; an error when the name is not a valid variable name,
/// or the variable is missing, empty or longer than max_secret_bytes.
[[nodiscard]] secret_result secret_from_env(std::string_view variable,
                                            const getenv_function& getenv);

/// The first line of the file without its trailing CR/LF; an error when the file cannot be read,
/// the line is empty, or it is longer than max_secret_bytes.
[[nodiscard]] secret_result secret_from_file(const std::string& path);

/// Asks through `prompt` and wipes the string it returns. nullopt (no input) or an empty answer
/// is an error.
[[nodiscard]] secret_result secret_from_prompt(std::string_view prompt, const prompt_function& ask);

/// The real prompt: writes `prompt` to stderr, reads one line from stdin with echo turned off
/// (termios), restores the terminal (also when SIGINT/SIGTERM/SIGQUIT/SIGHUP arrive meanwhile) and
/// ends the prompt line. nullopt when stdin is not a terminal or ends before any input. A line
/// longer than max_secret_bytes comes back with max_secret_bytes + 1 bytes so that the caller
/// can tell.
[[nodiscard]] std::optional<std::string> read_secret_from_terminal(std::string_view prompt);

}  // namespace smtp_probe
