#include "probe/app.hpp"

#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <variant>

#include "checks/session/pipeline.hpp"
#include "net/sanitize.hpp"
#include "probe/cli/cli.hpp"
#include "probe/commands/diagnose/diagnose.hpp"
#include "probe/commands/diagnose/diagnose_report.hpp"
#include "probe/commands/explain/explain_run.hpp"
#include "probe/commands/php_mail/php_mail_run.hpp"
#include "probe/i18n/i18n.hpp"
#include "probe/report/report_json.hpp"
#include "probe/report/report_text.hpp"
#include "probe/runtime/local_names.hpp"
#include "probe/runtime/run_as.hpp"

namespace smtp_probe {
namespace {

std::shared_ptr<spdlog::logger> make_logger(const output_options& output) {
    auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>(
        output.color == output_options::color_mode::never    ? spdlog::color_mode::never
        : output.color == output_options::color_mode::always ? spdlog::color_mode::always
                                                             : spdlog::color_mode::automatic);
    auto log = std::make_shared<spdlog::logger>("smtp-probe", std::move(sink));
    log->set_pattern("%H:%M:%S.%e [%^%l%$] %v");
    log->set_level(spdlog::level::from_str(output.log_level));
    return log;
}

bool use_color(output_options::color_mode mode) {
    switch (mode) {
        case output_options::color_mode::always:
            return true;
        case output_options::color_mode::never:
            return false;
        case output_options::color_mode::automatic:
            break;
    }
    const char* no_color = std::getenv("NO_COLOR");
    const char* term = std::getenv("TERM");
    return isatty(STDOUT_FILENO) == 1 && (no_color == nullptr || *no_color == '\0') &&
           (term == nullptr || std::string_view(term) != "dumb");
}

exit_status worst(const std::vector<probe_result>& results) {
    auto status = exit_status::ok;
    for (const auto& r : results) {
        status = std::max(status, exit_status_of(r));
    }
    return status;
}

/// Who the probe connects as: this process's user, or with --as-user the account it drops to
/// before any connection. nullopt after printing why the switch was refused.
std::optional<run_identity> connect_identity(const std::optional<std::string>& as_user) {
    if (!as_user) {
        return current_identity();
    }
    auto switched = run_as_user(*as_user);
    if (auto* problem = std::get_if<std::string>(&switched)) {
        std::cerr << "smtp-probe: " << *problem << '\n';
        return std::nullopt;
    }
    return std::get<run_identity>(switched);
}

/// On stderr, so that it never mixes into the report a script reads.
void print_identity_notes(const run_identity& id, language lang) {
    if (id.switched) {
        std::cerr << "smtp-probe: "
                  << fmt::format(fmt::runtime(ui_text(ui_string::diag_ran_as, lang)),
                                 fmt::arg("user", sanitize_for_display(id.user, 64)),
                                 fmt::arg("uid", id.uid))
                  << '\n';
    } else if (offer_as_user(id)) {
        std::cerr << "smtp-probe: " << ui_text(ui_string::diag_offer_as_user, lang) << '\n';
    }
}

/// The trust store is read after --as-user has dropped root, so a root-only CA file fails there.
void report_setup_error(const setup_error& e, const run_identity& id) {
    std::cerr << "smtp-probe: " << e.what() << '\n';
    if (id.switched) {
        std::cerr << "smtp-probe: the trust store was read as " << sanitize_for_display(id.user, 64)
                  << " (--as-user): --ca-file and --ca-path must be readable by that user\n";
    }
}

int run_check_command(check_command& cmd) {
    for (const auto& notice : cmd.notices) {
        std::cerr << "smtp-probe: " << notice << '\n';
    }
    const auto identity = connect_identity(cmd.as_user);
    if (!identity) {
        return static_cast<int>(exit_status::cannot_run);
    }
    auto& request = cmd.request;
    request.local_names = local_host_names();
    if (request.helo_name.empty()) {
        request.helo_name = helo_name_from(request.local_names);
    }
    auto log = make_logger(cmd.output);
    std::vector<probe_result> results;
    try {
        results = run_check_all_addresses(request, log);
    } catch (const setup_error& e) {
        report_setup_error(e, *identity);
        return static_cast<int>(exit_status::cannot_run);
    }
    const bool transcript = cmd.output.transcript;
    if (cmd.output.fmt == output_options::format::json) {
        auto doc = request.all_addresses ? summary_json(results, transcript)
                                         : to_json(results.front(), transcript);
        doc["run_as"] = run_as_json(*identity);
        std::cout << serialize_json(doc) << '\n';
    } else {
        print_identity_notes(*identity, language_from_name(cmd.output.lang).value_or(language::en));
        text_options options;
        options.lang = language_from_name(cmd.output.lang).value_or(language::en);
        options.color = use_color(cmd.output.color);
        options.show_transcript = transcript;
        options.verbosity = cmd.output.verbosity;
        for (std::size_t i = 0; i < results.size(); ++i) {
            if (i > 0) {
                std::cout << '\n';
            }
            std::cout << render_text(results[i], options);
        }
    }
    std::cout.flush();
    return static_cast<int>(worst(results));
}

int run_diagnose_command(diagnose_command& cmd) {
    const auto identity = connect_identity(cmd.as_user);
    if (!identity) {
        return static_cast<int>(exit_status::cannot_run);
    }
    auto& request = cmd.request;
    request.local_names = local_host_names();
    if (request.helo_name.empty()) {
        request.helo_name = helo_name_from(request.local_names);
    }
    auto log = make_logger(cmd.output);
    diagnose_outcome outcome;
    try {
        outcome = run_diagnose(request, cmd.extra_ports, cmd.message_size, log, cmd.send_to);
    } catch (const setup_error& e) {
        report_setup_error(e, *identity);
        return static_cast<int>(exit_status::cannot_run);
    }
    outcome.ran_as = identity;
    if (cmd.output.fmt == output_options::format::json) {
        std::cout << serialize_json(diagnose_json(request.host, outcome, cmd.output.transcript))
                  << '\n';
    } else {
        text_options options;
        options.lang = language_from_name(cmd.output.lang).value_or(language::en);
        options.color = use_color(cmd.output.color);
        options.show_transcript = cmd.output.transcript;
        std::cout << render_diagnose_text(request.host, outcome, options);
    }
    std::cout.flush();
    return static_cast<int>(exit_status_of(outcome));
}

}  // namespace

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
        if (!error->usage.empty()) {
            std::cerr << error->usage;
        }
        return static_cast<int>(exit_status::cannot_run);
    }
    try {
        if (auto* explain = std::get_if<explain_command>(&parsed)) {
            return run_explain(*explain, use_color(explain->output.color), std::cin, std::cout,
                               std::cerr);
        }
        if (auto* php_mail = std::get_if<php_mail_command>(&parsed)) {
            // As the account PHP runs as, the checks see that account's permissions.
            if (php_mail->as_user && !connect_identity(php_mail->as_user)) {
                return static_cast<int>(exit_status::cannot_run);
            }
            return run_php_mail(*php_mail, std::cout, std::cerr);
        }
        if (auto* diagnose = std::get_if<diagnose_command>(&parsed)) {
            return run_diagnose_command(*diagnose);
        }
        return run_check_command(std::get<check_command>(parsed));
    } catch (const std::exception& e) {
        // Never a crash: whatever escaped is reported in one sentence.
        std::cerr << "smtp-probe: internal error: " << e.what() << '\n';
        return static_cast<int>(exit_status::cannot_run);
    }
}

}  // namespace smtp_probe
