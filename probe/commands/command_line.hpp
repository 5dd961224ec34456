// The command line of smtp-probe: the root, every registered command's subcommand, and the one
// that was chosen, built into a ready command.
#pragma once

#include "probe/commands/command.hpp"

namespace smtp_probe {

/// Reads argv. A password or token in argv is refused before anything else reads it.
[[nodiscard]] cli_result parse_command_line(int argc, const char* const* argv,
                                            const cli_environment& env);

}  // namespace smtp_probe
