#include "probe/commands/diagnose/diagnose_command.hpp"

#include <memory>
#include <ostream>

#include "checks/session/pipeline.hpp"
#include "probe/cli/cli_app.hpp"
#include "probe/cli/host_port.hpp"
#include "probe/cli/message_size.hpp"
#include "probe/cli/option_rules.hpp"
#include "probe/cli/probe_options.hpp"
#include "probe/commands/command.hpp"
#include "probe/commands/diagnose/diagnose.hpp"
#include "probe/commands/diagnose/diagnose_report.hpp"
#include "probe/i18n/i18n.hpp"
#include "probe/report/report_json.hpp"
#include "probe/runtime/identity.hpp"
#include "probe/runtime/local_names.hpp"
#include "probe/runtime/runtime.hpp"

namespace smtp_probe {
namespace {

class diagnose_run final : public command_with<diagnose_command> {
public:
    using command_with::command_with;

    int run(runtime& rt, command_io& io) override {
        auto& cmd = options;
        const auto identity = connect_identity(cmd.as_user, io.err);
        if (!identity) {
            return static_cast<int>(exit_status::cannot_run);
        }
        auto& request = cmd.request;
        add_local_names(request);
        rt.set_log(make_stderr_logger(cmd.output));
        diagnose_outcome outcome;
        try {
            outcome = rt.block_on(
                run_diagnose(rt, request.clone(), cmd.extra_ports, cmd.message_size, cmd.send_to));
        } catch (const setup_error& e) {
            report_setup_error(e, *identity, io.err);
            return static_cast<int>(exit_status::cannot_run);
        }
        outcome.ran_as = identity;
        if (cmd.output.fmt == output_options::format::json) {
            io.out << serialize_json(diagnose_json(request.host, outcome, cmd.output.transcript))
                   << '\n';
        } else {
            text_options text;
            text.lang = language_from_name(cmd.output.lang).value_or(language::en);
            text.color = use_color(cmd.output.color);
            text.show_transcript = cmd.output.transcript;
            io.out << render_diagnose_text(request.host, outcome, text);
        }
        io.out.flush();
        return static_cast<int>(exit_status_of(outcome));
    }
};

/// The options of check, without the choice of port and mode (diagnose tries them).
struct diagnose_option_set {
    probe_option_set probe;
    CLI::Option* ports = nullptr;
    CLI::Option* message_size = nullptr;
    CLI::Option* send_to = nullptr;
};

cli_result build_diagnose(const diagnose_option_set& d, const cli_environment& env) {
    const auto& o = d.probe;
    for (const auto* opt : {o.port, o.security, o.ssl_type, o.all_addresses}) {
        if (is_set(opt)) {
            return fail(option_name_of(opt) +
                        " does not apply to diagnose, which tries 25, 26, 465 and 587 in their "
                        "usual modes; add more ports with --ports LIST");
        }
    }
    if (const auto host_text = given(o.host)) {
        auto parsed = parse_host_port(*host_text);
        if (const auto* target = std::get_if<host_port>(&parsed); target && target->port) {
            return fail("diagnose takes HOST without a port; add ports with --ports " +
                        std::to_string(*target->port));
        }
    }
    std::vector<std::uint16_t> ports;
    if (const auto list = given(d.ports)) {
        std::string_view rest = *list;
        while (true) {
            const auto comma = rest.find(',');
            const auto item = rest.substr(0, comma);
            auto port = parse_port(item);
            if (auto* error = std::get_if<std::string>(&port)) {
                return fail("--ports: " + *error);
            }
            if (ports.size() == 16) {
                return fail("--ports: at most 16 extra ports");
            }
            ports.push_back(std::get<std::uint16_t>(port));
            if (comma == std::string_view::npos) {
                break;
            }
            rest = rest.substr(comma + 1);
        }
    }
    std::optional<std::uint64_t> size;
    if (const auto text = given(d.message_size)) {
        auto parsed = parse_message_size(*text);
        if (auto* error = std::get_if<std::string>(&parsed)) {
            return fail(std::move(*error));
        }
        size = std::get<std::uint64_t>(parsed);
    }
    std::optional<std::string> send_to;
    if (const auto text = given(d.send_to)) {
        if (auto problem = mailbox_problem("--send-to", *text)) {
            return fail(std::move(*problem));
        }
        send_to = *text;
    }
    auto built = build_probe_settings(o, env);
    if (auto* error = std::get_if<cli_error>(&built)) {
        return std::move(*error);
    }
    auto& check = std::get<probe_settings>(built);
    if (send_to && !check.request.effective_from()) {
        return fail("--send-to needs a sender: give --from ADDR, or --user as an address");
    }
    return std::make_unique<diagnose_run>(
        diagnose_command{std::move(check.request), check.output, std::move(ports), size,
                         std::move(send_to), std::move(check.as_user)});
}

class diagnose_parser final : public command_parser {
public:
    explicit diagnose_parser(CLI::App& root)
        : app_(add_command_app(root, "diagnose",
                               "Try every usual port and TLS mode of a mail server (25, 26, "
                               "465, 587) and recommend the WHMCS SMTP Port and SMTP SSL "
                               "Type.",
                               false)) {
        set_footer(app_,
                   "Example:\n"
                   "  smtp-probe diagnose mail.example.com --user billing@example.com \\\n"
                   "      --password-env SMTP_PASSWORD --message-size 12MB\n"
                   "\n"
                   "Connections and TLS run for every combination at once; the login is tried one\n"
                   "combination at a time and stops after the password is refused once. Exit code: "
                   "0 a\n"
                   "combination works, 1 it works with warnings, 2 none works, 3 could not run.");
        options_.probe = declare_probe_options(app_, probe_options_of::diagnose);
        options_.ports = add_valued_option(
            options_.probe, "--ports", "LIST",
            "More ports to try, comma-separated (2525,8025), each with its usual mode",
            "Connection");
        options_.message_size = add_valued_option(
            options_.probe, "--message-size", "SIZE",
            "Largest mail planned (12MB, 10MiB): compared with the server's SIZE", "Envelope");
        options_.send_to = add_valued_option(
            options_.probe, "--send-to", "ADDR",
            "Send ONE real, labelled test message to ADDR through the recommended settings "
            "(never the default)",
            "Envelope");
    }

    CLI::App& app() override { return app_; }

    cli_result build(const cli_environment& env) override {
        if (auto stop = probe_options_problem(options_.probe)) {
            return std::visit([](auto& v) -> cli_result { return std::move(v); }, *stop);
        }
        return build_diagnose(options_, env);
    }

private:
    CLI::App& app_;
    diagnose_option_set options_;
};

[[maybe_unused]] const bool registered =
    register_command({"diagnose", 20, "diagnose HOST", "find the settings that work",
                      [](CLI::App& root) -> std::unique_ptr<command_parser> {
                          return std::make_unique<diagnose_parser>(root);
                      }});

}  // namespace
}  // namespace smtp_probe
