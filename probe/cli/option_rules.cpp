#include "probe/cli/option_rules.hpp"

#include "probe/cli/cli_app.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <system_error>

#include "net/ascii.hpp"
#include "net/mailbox.hpp"
#include "probe/i18n/i18n.hpp"
#include "probe/report/quote_value.hpp"

#ifndef SMTP_PROBE_VERSION
#define SMTP_PROBE_VERSION "unknown"
#endif

namespace smtp_probe {

namespace {

constexpr std::array<std::string_view, 6> log_levels = {"trace", "debug", "info",
                                                        "warn",  "error", "off"};

std::string errno_text(int error) {
    return std::system_category().message(error);
}

/// LC_ALL, LC_MESSAGES, LANG: the first non-empty decides; zh, zh_CN.UTF-8, zh-TW... mean zh.
std::string language_from_environment(const cli_environment& env) {
    const auto get = [&env](const char* name) { return env.getenv ? env.getenv(name) : nullptr; };
    return std::string(
        language_name(language_from_env(get("LC_ALL"), get("LC_MESSAGES"), get("LANG"))));
}

}  // namespace

std::string_view option_name(std::string_view arg) {
    return arg.substr(0, arg.find('='));
}

bool is_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) != 0;
    });
}

cli_error fail(std::string message) {
    return cli_error{std::move(message), {}};
}

std::optional<std::string> given(const CLI::Option* opt) {
    if (opt == nullptr || opt->results().empty()) {
        return std::nullopt;
    }
    // The last one given: add_value_option's options promise it (TakeLast only shapes what
    // CLI11's as<T>() returns; results() keeps every value); probe options given twice are
    // refused before this is read.
    return opt->results().back();
}

bool is_set(const CLI::Option* opt) {
    return opt != nullptr && opt->count() > 0;
}

// ---------------------------------------------------------------------------------------------
// Pure checks on values.

std::optional<std::string> mailbox_problem(std::string_view option, std::string_view address) {
    if (is_mailbox(address)) {
        return std::nullopt;
    }
    return std::string(option) + ": " + quote_value(address) +
           " is not a mailbox address; use local@domain, such as billing@example.com: before "
           "the '@' letters, digits and !#$%&'*+-/=?^_`{|}~ with single dots (or a \"quoted\" "
           "part), after it a host name or [address]";
}

/// --as-user's value; the account itself is looked up when the command starts
/// (probe/runtime/run_as.hpp).
std::optional<std::string> as_user_problem(std::string_view user) {
    const bool odd = std::any_of(user.begin(), user.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u <= 0x20 || u >= 0x7f;
    });
    if (user.empty() || user.size() > 256 || odd) {
        return "--as-user: " + quote_value(user) +
               " is not a user name; give one from /etc/passwd, such as nobody or the cPanel "
               "account that runs WHMCS";
    }
    return std::nullopt;
}

std::optional<std::string> ca_file_problem(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        return "--ca-file: cannot use " + quote_value(path) + ": " + errno_text(errno);
    }
    if (S_ISDIR(st.st_mode)) {
        return "--ca-file: " + quote_value(path) +
               " is a directory; --ca-file takes a PEM file and --ca-path a directory";
    }
    if (::access(path.c_str(), R_OK) != 0) {
        return "--ca-file: cannot read " + quote_value(path) + ": " + errno_text(errno);
    }
    return std::nullopt;
}

std::optional<std::string> ca_path_problem(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        return "--ca-path: cannot use " + quote_value(path) + ": " + errno_text(errno);
    }
    if (!S_ISDIR(st.st_mode)) {
        return "--ca-path: " + quote_value(path) +
               " is not a directory; --ca-path takes a directory and --ca-file a PEM file";
    }
    if (::access(path.c_str(), R_OK | X_OK) != 0) {
        return "--ca-path: cannot read " + quote_value(path) + ": " + errno_text(errno);
    }
    return std::nullopt;
}

std::string_view log_level_at(std::size_t rank) {
    return log_levels.at(rank);
}

std::size_t log_level_count() {
    return log_levels.size();
}

std::size_t log_level_rank(std::string_view level) {
    return static_cast<std::size_t>(std::find(log_levels.begin(), log_levels.end(), level) -
                                    log_levels.begin());
}

std::optional<std::string> read_format_and_lang(const CLI::Option* format, const CLI::Option* lang,
                                                output_options& out, const cli_environment& env,
                                                bool nagios_too) {
    if (const auto text = given(format)) {
        const auto word = ascii_lowered(*text);
        if (word == "nagios" && nagios_too) {
            out.fmt = output_options::format::nagios;
        } else if (word == "text" || word == "json") {
            out.fmt = word == "json" ? output_options::format::json : output_options::format::text;
        } else {
            return "--format: " + quote_value(*text) + " is not an output format; use " +
                   (nagios_too ? "text, json or nagios" : "text or json");
        }
    }
    if (const auto text = given(lang)) {
        out.lang = ascii_lowered(*text);
        if (out.lang != "zh" && out.lang != "en") {
            return "--lang: " + quote_value(*text) +
                   " is not a language of the report; use zh or en";
        }
    } else {
        out.lang = language_from_environment(env);
    }
    return std::nullopt;
}

/// --color, the same for every command.
std::optional<std::string> read_color(const CLI::Option* color, output_options& out) {
    if (const auto text = given(color)) {
        const auto word = ascii_lowered(*text);
        if (word == "auto") {
            out.color = output_options::color_mode::automatic;
        } else if (word == "always") {
            out.color = output_options::color_mode::always;
        } else if (word == "never") {
            out.color = output_options::color_mode::never;
        } else {
            return "--color: " + quote_value(*text) +
                   " is not a colour mode; use auto, always or never";
        }
    }
    return std::nullopt;
}

std::optional<std::string> read_log_level(const CLI::Option* opt, std::string& level) {
    if (const auto text = given(opt)) {
        const auto word = ascii_lowered(*text);
        if (log_level_rank(word) >= log_level_count()) {
            return "--log-level: " + quote_value(*text) +
                   " is not a log level; use trace, debug, info, warn, error or off";
        }
        level = word;
    }
    return std::nullopt;
}

std::optional<std::string> read_config_only(const CLI::App* sub, std::string_view command,
                                            const CLI::Option* config, std::string& path) {
    for (const auto& extra : remaining_words(*sub)) {
        if (extra.size() > 1 && extra.front() == '-') {
            return "unknown option " + quote_value(option_name(extra)) + help_hint(sub);
        }
        return std::string(command) +
               " takes no arguments, only options; the targets come from --config FILE" +
               help_hint(sub);
    }
    const auto given_path = given(config);
    if (!given_path || given_path->empty()) {
        return std::string(
            "--config FILE is missing: the TOML file of modules and targets (see "
            "examples/smtp-probe.toml)");
    }
    path = *given_path;
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// CLI11 errors and leftovers, in our words.

std::string help_hint(const CLI::App* sub) {
    return sub ? " (see smtp-probe " + sub->get_name() + " --help)" : " (see smtp-probe --help)";
}

cli_error translate_parse_error(const CLI::ParseError& e, const CLI::App* sub) {
    // CLI11 2.1 words these as "NAME was given a disallowed flag override" (NAME without dashes)
    // and "--NAME: 1 required TYPE missing".
    const std::string what = e.what();
    const auto override_at = what.find(" was given a disallowed flag override");
    if (override_at != std::string::npos && override_at > 0) {
        auto name = what.substr(0, override_at);
        if (name.front() != '-') {
            name = (name.size() == 1 ? "-" : "--") + name;
        }
        return fail(name + " takes no value" + help_hint(sub));
    }
    const auto colon = what.find(':');
    const std::string name = colon == std::string::npos ? "" : what.substr(0, colon);
    if (name.size() > 1 && name.front() == '-' && what.find("missing") != std::string::npos) {
        return fail(name + " needs a value" + help_hint(sub));
    }
    return fail("the command line could not be read" + help_hint(sub));
}

std::optional<cli_error> leftover_problem(const std::vector<std::string>& extras,
                                          const CLI::App* sub, std::string_view commands) {
    for (const auto& extra : extras) {
        if (extra == "--") {
            continue;
        }
        if (extra.size() > 1 && extra.front() == '-') {
            return fail("unknown option " + quote_value(option_name(extra)) + help_hint(sub));
        }
        if (sub == nullptr) {
            return fail("unknown command " + quote_value(extra) + "; the commands are " +
                        std::string(commands) + ", as in smtp-probe check mail.example.com");
        }
        // Only a number is repeated back: a stray word could be a password typed in the wrong
        // place.
        if (is_digits(extra) && extra.size() <= 5) {
            return fail("unexpected argument " + quote_value(extra) +
                        fmt::format(" after HOST; give a port as --port {0} or HOST:{0}", extra));
        }
        return fail("unexpected extra argument after HOST; " + sub->get_name() +
                    " takes one HOST, and options start with --" + help_hint(sub));
    }
    return std::nullopt;
}

// A password or token typed into argv is visible to every user through the process list and
// stays in the shell history, so there is no option for it. Checked before CLI11 sees argv so
// that the value never appears in any message.
bool wants_nagios_output(int argc, const char* const* argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--") {
            break;
        }
        if (arg == "--format" && i + 1 < argc) {
            if (ascii_lowered(argv[i + 1]) == "nagios") {
                return true;
            }
            ++i;
        } else if (arg.starts_with("--format=") &&
                   ascii_lowered(arg.substr(std::string_view("--format=").size())) == "nagios") {
            return true;
        }
    }
    return false;
}

std::optional<cli_error> refuse_secret_in_argv(int argc, const char* const* argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--") {
            break;
        }
        if (arg.size() < 3 || arg.substr(0, 2) != "--") {
            continue;
        }
        const auto name = ascii_lowered(option_name(arg));
        if (name.find("pass") != std::string::npos && name != "--password-env" &&
            name != "--password-file") {
            return fail(
                "there is no " + quote_value(option_name(arg)) +
                " option because a password on the command line shows in the process list and "
                "the shell history; use --password-env VAR or --password-file FILE, or leave "
                "both out to be asked at the terminal");
        }
        if (name.find("token") != std::string::npos && name != "--oauth-token-env" &&
            name != "--oauth-token-file") {
            return fail("there is no " + quote_value(option_name(arg)) +
                        " option because a token on the command line shows in the process list "
                        "and the shell history; use --oauth-token-env VAR or --oauth-token-file "
                        "FILE");
        }
    }
    return std::nullopt;
}

std::string_view program_version() {
    return SMTP_PROBE_VERSION;
}

std::string version_text() {
    return std::string(program_name) + " " + std::string(program_version()) + "\n";
}

// ---------------------------------------------------------------------------------------------
// cli_app.hpp: the commands' way into CLI11.

void app_deleter::operator()(CLI::App* app) const {
    delete app;  // NOLINT(cppcoreguidelines-owning-memory): the unique_ptr's deleter
}

app_ptr make_root_app(const std::string& description, const std::string& name) {
    return app_ptr(new CLI::App(description, name));
}

void set_allow_extras(CLI::App& app, bool allow) {
    app.allow_extras(allow);
}

std::optional<std::variant<cli_help, cli_error>> parse_app(CLI::App& root, int argc,
                                                           const char* const* argv) {
    const char* const fallback[] = {program_name.data()};
    try {
        if (argc < 1) {
            root.parse(1, fallback);
        } else {
            root.parse(argc, argv);
        }
    } catch (const CLI::CallForHelp&) {
        return cli_help{root.help()};
    } catch (const CLI::CallForAllHelp&) {
        return cli_help{root.help("", CLI::AppFormatMode::All)};
    } catch (const CLI::ParseError& e) {
        const auto selected = root.get_subcommands();
        return translate_parse_error(e, selected.empty() ? nullptr : selected.front());
    }
    return std::nullopt;
}

std::string app_help(const CLI::App& app) {
    return app.help();
}

bool was_parsed(const CLI::App& app) {
    return app.parsed();
}

CLI::Option* add_every_value_option(CLI::App& app, const std::string& name, const std::string& type,
                                    const std::string& description, const std::string& group) {
    auto* opt = app.add_option(name)
                    ->description(description)
                    ->type_name(type)
                    ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    if (!group.empty()) {
        opt->group(group);
    }
    return opt;
}

CLI::Option* add_every_value_argument(CLI::App& app, const std::string& name,
                                      const std::string& description) {
    return app.add_option(name, description)
        ->type_name("")
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

CLI::App& add_command_app(CLI::App& root, const std::string& name, const std::string& description,
                          bool allow_extras) {
    auto* app = root.add_subcommand(name, description);
    app->allow_extras(allow_extras);
    return *app;
}

void set_footer(CLI::App& app, const std::string& footer) {
    app.footer(footer);
}

CLI::Option* add_value_option(CLI::App& app, const std::string& name, const std::string& type,
                              const std::string& description, const std::string& group) {
    auto* opt = app.add_option(name)
                    ->description(description)
                    ->type_name(type)
                    ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    if (!group.empty()) {
        opt->group(group);
    }
    return opt;
}

CLI::Option* add_flag_option(CLI::App& app, const std::string& name, const std::string& description,
                             const std::string& group) {
    auto* opt = app.add_flag(name)->description(description)->disable_flag_override();
    if (!group.empty()) {
        opt->group(group);
    }
    return opt;
}

CLI::Option* add_words_argument(CLI::App& app, const std::string& name,
                                const std::string& description) {
    return app.add_option(name, description)
        ->type_name("")
        ->expected(1, -1)
        ->allow_extra_args(true);
}

std::vector<std::string> remaining_words(const CLI::App& app) {
    return app.remaining();
}

std::size_t option_count(const CLI::Option* opt) {
    return opt == nullptr ? 0 : opt->count();
}

std::string option_name_of(const CLI::Option* opt) {
    return opt == nullptr ? std::string() : opt->get_name();
}

std::vector<std::string> option_results(const CLI::Option* opt) {
    return opt == nullptr ? std::vector<std::string>{} : opt->results();
}

}  // namespace smtp_probe
