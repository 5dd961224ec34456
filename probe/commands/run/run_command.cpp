#include "probe/commands/run/run_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <ostream>
#include <set>

#include "net/ascii.hpp"
#include "probe/cli/cli_app.hpp"
#include "probe/cli/option_rules.hpp"
#include "probe/commands/command.hpp"
#include "probe/commands/run/run_report.hpp"
#include "probe/config/run_config.hpp"
#include "probe/i18n/i18n.hpp"
#include "probe/report/quote_value.hpp"
#include "probe/report/report_json.hpp"
#include "probe/report/report_nagios.hpp"
#include "probe/runtime/identity.hpp"
#include "probe/runtime/local_names.hpp"
#include "probe/runtime/runtime.hpp"

namespace smtp_probe {
namespace {

constexpr int cannot_run = static_cast<int>(exit_status::cannot_run);

void print_errors(const std::vector<config_error>& errors, std::ostream& err) {
    for (const auto& e : errors) {
        err << "smtp-probe: " << e.text() << '\n';
    }
}

/// The targets --only and --module choose, or what was wrong with them.
std::optional<std::string> select_targets(const run_config& config, const run_command& cmd,
                                          std::vector<const run_target*>& chosen) {
    if (cmd.module && config.module_named(*cmd.module) == nullptr) {
        return "--module: the config has no module named " + quote_value(*cmd.module);
    }
    for (const auto& name : cmd.only) {
        const bool known = std::any_of(config.targets.begin(), config.targets.end(),
                                       [&name](const run_target& t) { return t.name == name; });
        if (!known) {
            return "--only: the config has no target named " + quote_value(name);
        }
    }
    for (const auto& t : config.targets) {
        const bool named = cmd.only.empty() ||
                           std::find(cmd.only.begin(), cmd.only.end(), t.name) != cmd.only.end();
        if (named && (!cmd.module || t.module == *cmd.module)) {
            chosen.push_back(&t);
        }
    }
    if (chosen.empty()) {
        return "no target of the config is both in --only and of --module " +
               quote_value(cmd.module.value_or(""));
    }
    return std::nullopt;
}

class run_run final : public command_with<run_command> {
public:
    using command_with::command_with;

    int run(runtime& rt, command_io& io) override {
        const int status = run_targets(rt, io);
        // A monitoring system reads stdout: a run that could not start says so there too.
        if (status == cannot_run && options.fmt == run_command::format::nagios) {
            io.out << nagios_unknown("the run could not start; the reason is on stderr")
                   << std::flush;
        }
        return status;
    }

private:
    int run_targets(runtime& rt, command_io& io) {
        auto& cmd = options;
        auto loaded = load_run_config(cmd.config_path);
        if (auto* errors = std::get_if<std::vector<config_error>>(&loaded)) {
            print_errors(*errors, io.err);
            return cannot_run;
        }
        auto& config = std::get<run_config>(loaded);
        const auto secret_errors = read_config_secrets(config, cmd.getenv);
        if (!secret_errors.empty()) {
            print_errors(secret_errors, io.err);
            return cannot_run;
        }
        std::vector<const run_target*> chosen;
        if (auto problem = select_targets(config, cmd, chosen)) {
            io.err << "smtp-probe: " << *problem << '\n';
            return cannot_run;
        }
        const auto lang = language_from_name(cmd.output.lang).value_or(language::en);
        if (cmd.check_config) {
            io.out << cmd.config_path << ": " << config.modules.size() << " modules, "
                   << config.targets.size() << " targets; " << chosen.size()
                   << " would be probed\n";
            return 0;
        }
        const auto identity = connect_identity(cmd.as_user, io.err);
        if (!identity) {
            return cannot_run;
        }
        rt.set_log(make_stderr_logger(cmd.output));

        std::vector<run_entry> entries;
        entries.reserve(chosen.size());
        std::vector<probe_request> requests;
        requests.reserve(chosen.size());
        for (const auto* t : chosen) {
            auto request = request_for_target(config, *t);
            request.keep_transcript = cmd.output.transcript;
            add_local_names(request);
            run_entry e;
            e.target = t;
            e.request = request.clone();
            e.thresholds = config.module_named(t->module)->thresholds;
            entries.push_back(std::move(e));
            requests.push_back(std::move(request));
        }

        const bool progress = cmd.fmt == run_command::format::text && isatty(STDERR_FILENO) == 1;
        std::size_t done = 0;
        std::size_t failing = 0;
        const auto started = std::chrono::steady_clock::now();
        const auto finished = [&](std::size_t index, probe_outcome&& outcome) {
            auto& e = entries[index];
            finish(e, std::move(outcome));
            ++done;
            if (e.state.state == exit_status::failure) {
                ++failing;
            }
            if (cmd.fmt == run_command::format::jsonl) {
                io.out << serialize_json(target_json(e, cmd.output.transcript)) << '\n';
                io.out.flush();
            }
            if (progress) {
                io.err << "\r\x1b[K" << progress_text(done, entries.size(), failing, lang)
                       << std::flush;
            }
        };
        rt.block_on(run_many_probes(rt, requests, cmd.limits, finished));
        if (progress) {
            io.err << "\r\x1b[K" << std::flush;
        }
        const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - started);

        switch (cmd.fmt) {
            case run_command::format::jsonl: {
                boost::json::object line;
                line["summary"] = run_summary_json(entries, elapsed);
                io.out << serialize_json(line) << '\n';
                break;
            }
            case run_command::format::json: {
                boost::json::object doc;
                doc["config"] = cmd.config_path;
                boost::json::array targets;
                for (const auto& e : entries) {
                    targets.push_back(target_json(e, cmd.output.transcript));
                }
                doc["targets"] = std::move(targets);
                doc["summary"] = run_summary_json(entries, elapsed);
                doc["run_as"] = run_as_json(*identity);
                io.out << serialize_json(doc) << '\n';
                break;
            }
            case run_command::format::nagios:
                io.out << render_run_nagios(entries, lang, elapsed);
                break;
            case run_command::format::text: {
                print_identity_notes(*identity, lang, io.err);
                text_options text;
                text.lang = lang;
                text.color = use_color(cmd.output.color);
                io.out << render_run_text(entries, text);
                break;
            }
        }
        io.out.flush();
        return static_cast<int>(worst_status(entries));
    }
};

struct run_options_cli {
    CLI::App* app = nullptr;
    CLI::Option* config = nullptr;
    CLI::Option* concurrency = nullptr;
    CLI::Option* per_host = nullptr;
    CLI::Option* only = nullptr;
    CLI::Option* module = nullptr;
    CLI::Option* check_config = nullptr;
    CLI::Option* format = nullptr;
    CLI::Option* lang = nullptr;
    CLI::Option* color = nullptr;
    CLI::Option* transcript = nullptr;
    CLI::Option* log_level = nullptr;
    CLI::Option* as_user = nullptr;
};

run_options_cli add_run_command(CLI::App& root) {
    run_options_cli o;
    auto& app = add_command_app(
        root, "run",
        "Probe every target of a config at once (modules share the settings), for cron, Nagios "
        "or Icinga, and checks of many servers.",
        true);
    o.app = &app;
    set_footer(app,
               "Example:\n"
               "  smtp-probe run --config /etc/smtp-probe/smtp-probe.toml --format jsonl\n"
               "\n"
               "The config names where each secret is read from (password_env, password_file, "
               "...),\n"
               "never the secret; a secret file must be private to its owner (chmod 600). Logins "
               "to\n"
               "one server with one user never overlap. Exit code: the worst target's (0 ok, 1\n"
               "warnings, 2 a failure); 3 only when the run could not start (a config mistake).\n"
               "See examples/smtp-probe.toml.");
    const std::string what = "What to probe";
    const std::string output = "Output";
    o.config =
        add_value_option(app, "--config", "FILE", "the TOML config of modules and targets", what);
    o.only = add_value_option(app, "--only", "NAMES", "only these targets (comma-separated names)",
                              what);
    o.module = add_value_option(app, "--module", "NAME", "only the targets of this module", what);
    o.check_config = add_flag_option(
        app, "--check-config", "read and check the config and its secrets, connect nowhere", what);
    o.concurrency =
        add_value_option(app, "--concurrency", "N", "probes at once (default 50)", what);
    o.per_host = add_value_option(
        app, "--per-host", "N",
        "probes connected to one server address and port at once (default 2)", what);
    o.as_user = add_value_option(app, "--as-user", "USER", "connect as USER (root only)", what);
    o.format = add_value_option(
        app, "--format", "FMT",
        "text|jsonl|json|nagios (default text; nagios: one Nagios/Icinga check for the whole run)",
        output);
    o.lang = add_value_option(app, "--lang", "LANG",
                              "zh|en (default: from LC_ALL, LC_MESSAGES, LANG)", output);
    o.color = add_value_option(app, "--color", "WHEN", "auto|always|never (default auto)", output);
    o.transcript =
        add_flag_option(app, "--transcript", "keep each session's transcript (JSON)", output);
    o.log_level = add_value_option(app, "--log-level", "LEVEL",
                                   "trace|debug|info|warn|error|off (default warn)", output);
    return o;
}

std::optional<std::string> count_problem(const CLI::Option* opt, std::string_view name,
                                         std::size_t high, std::size_t& target) {
    const auto text = given(opt);
    if (!text) {
        return std::nullopt;
    }
    if (!is_digits(*text) || text->size() > 6 || std::stoul(*text) < 1 ||
        std::stoul(*text) > high) {
        return std::string(name) + ": " + quote_value(*text) + " is not a whole number from 1 to " +
               std::to_string(high);
    }
    target = std::stoul(*text);
    return std::nullopt;
}

cli_result build_run(const run_options_cli& o, const cli_environment& env) {
    run_command cmd;
    cmd.getenv = env.getenv;
    if (auto problem = read_config_only(o.app, "run", o.config, cmd.config_path)) {
        return fail(std::move(*problem));
    }
    if (auto problem =
            count_problem(o.concurrency, "--concurrency", 10'000, cmd.limits.concurrency)) {
        return fail(std::move(*problem));
    }
    if (auto problem = count_problem(o.per_host, "--per-host", 1'000, cmd.limits.per_host)) {
        return fail(std::move(*problem));
    }
    if (const auto only = given(o.only)) {
        std::set<std::string> seen;
        std::size_t start = 0;
        while (start <= only->size()) {
            const auto comma = std::min(only->find(',', start), only->size());
            const auto name = only->substr(start, comma - start);
            if (name.empty()) {
                return fail("--only: " + quote_value(*only) +
                            " has an empty name; give target names separated by commas, as in "
                            "--only cpanel-1,cpanel-2");
            }
            if (seen.insert(name).second) {
                cmd.only.push_back(name);
            }
            start = comma + 1;
        }
    }
    if (const auto module = given(o.module)) {
        cmd.module = *module;
    }
    cmd.check_config = is_set(o.check_config);
    if (const auto text = given(o.format)) {
        const auto word = ascii_lowered(*text);
        if (word == "text") {
            cmd.fmt = run_command::format::text;
        } else if (word == "jsonl") {
            cmd.fmt = run_command::format::jsonl;
        } else if (word == "json") {
            cmd.fmt = run_command::format::json;
        } else if (word == "nagios") {
            cmd.fmt = run_command::format::nagios;
        } else {
            return fail("--format: " + quote_value(*text) +
                        " is not an output format of run; use text, jsonl, json or nagios");
        }
    }
    auto& out = cmd.output;
    if (auto problem = read_format_and_lang(nullptr, o.lang, out, env)) {
        return fail(std::move(*problem));
    }
    if (auto problem = read_color(o.color, out)) {
        return fail(std::move(*problem));
    }
    out.transcript = is_set(o.transcript);
    if (auto problem = read_log_level(o.log_level, out.log_level)) {
        return fail(std::move(*problem));
    }
    if (const auto user = given(o.as_user)) {
        if (auto problem = as_user_problem(*user)) {
            return fail(std::move(*problem));
        }
        cmd.as_user = *user;
    }
    return std::make_unique<run_run>(std::move(cmd));
}

class run_parser final : public command_parser {
public:
    explicit run_parser(CLI::App& root) : options_(add_run_command(root)) {}
    CLI::App& app() override { return *options_.app; }
    cli_result build(const cli_environment& env) override { return build_run(options_, env); }

private:
    run_options_cli options_;
};

[[maybe_unused]] const bool registered =
    register_command({"run", 15, "run --config FILE [options]", "many targets from a config",
                      [](CLI::App& root) -> std::unique_ptr<command_parser> {
                          return std::make_unique<run_parser>(root);
                      }});

}  // namespace
}  // namespace smtp_probe
