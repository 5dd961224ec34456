// The program: command line in, report out, exit code as monitoring tools expect.
#pragma once

namespace smtp_probe {

/// Runs smtp-probe with the process's arguments, environment and terminal. Returns the exit
/// code: 0 ok, 1 ok with warnings, 2 failure, 3 the probe could not run.
[[nodiscard]] int run_app(int argc, const char* const* argv);

}  // namespace smtp_probe
