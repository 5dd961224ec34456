#include "probe/commands/check/check_command.hpp"

#include <memory>
#include <ostream>
#include <string>

#include "checks/session/pipeline.hpp"
#include "probe/cli/cli_app.hpp"
#include "probe/commands/command.hpp"
#include "probe/i18n/i18n.hpp"
#include "probe/report/report_json.hpp"
#include "probe/report/report_nagios.hpp"
#include "probe/report/report_text.hpp"
#include "probe/runtime/identity.hpp"
#include "probe/runtime/local_names.hpp"
#include "probe/runtime/runtime.hpp"

namespace smtp_probe {

boost::asio::awaitable<std::vector<probe_result>> run_check(runtime& rt,
                                                            const probe_request& request) {
    co_return co_await run_probe(request, rt.services_for(request));
}

namespace {

class check_run final : public command_with<check_command> {
public:
    using command_with::command_with;

    int run(runtime& rt, command_io& io) override {
        auto& cmd = options;
        for (const auto& notice : cmd.notices) {
            io.err << "smtp-probe: " << notice << '\n';
        }
        const auto identity = connect_identity(cmd.as_user, io.err);
        const bool nagios = cmd.output.fmt == output_options::format::nagios;
        if (!identity) {
            if (nagios) {
                io.out << nagios_unknown("could not switch to the --as-user account");
            }
            return static_cast<int>(exit_status::cannot_run);
        }
        auto& request = cmd.request;
        add_local_names(request);
        rt.set_log(make_stderr_logger(cmd.output));
        std::vector<probe_result> results;
        try {
            results = rt.block_on(run_check(rt, request));
        } catch (const setup_error& e) {
            report_setup_error(e, *identity, io.err);
            if (nagios) {
                io.out << nagios_unknown(e.what());
            }
            return static_cast<int>(exit_status::cannot_run);
        }
        const bool transcript = cmd.output.transcript;
        const auto lang = language_from_name(cmd.output.lang).value_or(language::en);
        const auto state = worst_monitoring_state(results, cmd.thresholds);
        if (nagios) {
            io.out << render_nagios(results, lang, cmd.thresholds);
        } else if (cmd.output.fmt == output_options::format::json) {
            auto doc = request.all_addresses ? summary_json(results, transcript)
                                             : to_json(results.front(), transcript);
            doc["run_as"] = run_as_json(*identity);
            doc["monitoring_state"] = monitoring_state_id(state.state);
            if (state.raised_by) {
                doc["monitoring_raised_by"] = *state.raised_by;
            }
            io.out << serialize_json(doc) << '\n';
        } else {
            print_identity_notes(*identity, lang, io.err);
            text_options text;
            text.lang = lang;
            text.color = use_color(cmd.output.color);
            text.show_transcript = transcript;
            text.verbosity = cmd.output.verbosity;
            for (std::size_t i = 0; i < results.size(); ++i) {
                if (i > 0) {
                    io.out << '\n';
                }
                io.out << render_text(results[i], text);
            }
            if (state.raised_by) {
                io.out << "\n"
                       << ui_text(ui_string::monitoring_threshold, lang) << *state.raised_by
                       << " → " << monitoring_state_id(state.state) << '\n';
            }
        }
        io.out.flush();
        return static_cast<int>(state.state);
    }
};

class check_parser final : public command_parser {
public:
    explicit check_parser(CLI::App& root)
        : app_(add_command_app(root, "check",
                               "Connect to a mail server and check every step up to RCPT TO, "
                               "naming the WHMCS error category of a failure and its cause.",
                               false)),
          options_(declare(app_)) {}

    CLI::App& app() override { return app_; }

    cli_result build(const cli_environment& env) override {
        if (auto stop = probe_options_problem(options_)) {
            return std::visit([](auto& v) -> cli_result { return std::move(v); }, *stop);
        }
        auto built = build_probe_settings(options_, env);
        if (auto* error = std::get_if<cli_error>(&built)) {
            return std::move(*error);
        }
        return std::make_unique<check_run>(std::move(std::get<probe_settings>(built)));
    }

private:
    static probe_option_set declare(CLI::App& app) {
        set_footer(app,
                   "Example:\n"
                   "  smtp-probe check mail.example.com --port 587 --security starttls \\\n"
                   "      --user billing@example.com --password-env SMTP_PASSWORD --from "
                   "billing@example.com\n"
                   "\n"
                   "There is deliberately no --password option: give the password through an "
                   "environment\n"
                   "variable, a file, or the prompt that appears when stdin is a terminal.");
        return declare_probe_options(app, probe_options_of::check);
    }

    CLI::App& app_;
    probe_option_set options_;
};

[[maybe_unused]] const bool registered =
    register_command({"check", 10, "check HOST [options]", "one set of settings",
                      [](CLI::App& root) -> std::unique_ptr<command_parser> {
                          return std::make_unique<check_parser>(root);
                      }});

}  // namespace
}  // namespace smtp_probe
