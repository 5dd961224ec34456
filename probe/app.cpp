#include "probe/app.hpp"

#include <unistd.h>

#include <exception>
#include <iostream>
#include <memory>
#include <variant>

#include "checks/evidence.hpp"
#include "probe/cli/option_rules.hpp"
#include "probe/commands/command_line.hpp"
#include "probe/report/report_nagios.hpp"
#include "probe/runtime/runtime.hpp"

namespace smtp_probe {

int run_app(int argc, const char* const* argv) {
    cli_environment env;
    env.stdin_is_terminal = isatty(STDIN_FILENO) == 1;
    auto parsed = parse_command_line(argc, argv, env);
    if (auto* help = std::get_if<cli_help>(&parsed)) {
        std::cout << help->text;
        return 0;
    }
    if (auto* error = std::get_if<cli_error>(&parsed)) {
        std::cerr << "smtp-probe: " << error->message << '\n';
        if (wants_nagios_output(argc, argv)) {
            // Nagios and Icinga show stdout; the usage text would only bury the reason.
            std::cout << nagios_unknown(error->message) << std::flush;
        } else if (!error->usage.empty()) {
            std::cerr << error->usage;
        }
        return static_cast<int>(exit_status::cannot_run);
    }
    try {
        runtime rt;
        command_io io{std::cin, std::cout, std::cerr};
        return std::get<std::unique_ptr<command>>(parsed)->run(rt, io);
    } catch (const std::exception& e) {
        // Never a crash: whatever escaped is reported in one sentence.
        std::cerr << "smtp-probe: internal error: " << e.what() << '\n';
        if (wants_nagios_output(argc, argv)) {
            std::cout << nagios_unknown(std::string("internal error: ") + e.what()) << std::flush;
        }
        return static_cast<int>(exit_status::cannot_run);
    }
}

}  // namespace smtp_probe
