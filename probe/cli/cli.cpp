#include "probe/cli/cli.hpp"

#include <fmt/format.h>

#include "probe/report/quote_value.hpp"

#include "probe/i18n/i18n.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <system_error>

#include "checks/port_mode.hpp"
#include "checks/starttls_rules.hpp"
#include "net/mailbox.hpp"
#include "probe/cli/duration_parse.hpp"
#include "probe/cli/host_port.hpp"
#include "probe/cli/message_size.hpp"

#ifndef SMTP_PROBE_VERSION
#define SMTP_PROBE_VERSION "unknown"
#endif

namespace smtp_probe {
namespace {

constexpr std::string_view program = "smtp-probe";

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

/// "--name" of "--name=value".
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

std::string help_hint_explain() {
    return " (see smtp-probe explain --help)";
}

// A password or token typed into argv is visible to every user through the process list and
// stays in the shell history, so there is no option for it. Checked before CLI11 sees argv so
// that the value never appears in any message.
std::optional<cli_error> refuse_secret_in_argv(int argc, const char* const* argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--") {
            break;
        }
        if (arg.size() < 3 || arg.substr(0, 2) != "--") {
            continue;
        }
        const auto name = lower(option_name(arg));
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

// ---------------------------------------------------------------------------------------------
// `check`: its options as CLI11 saw them. Every value is kept as text and validated afterwards so
// that each message is one sentence of ours.

struct check_options {
    CLI::App* app = nullptr;
    std::vector<CLI::Option*> valued;  ///< options that take a value (each may appear once)

    CLI::Option* host = nullptr;
    CLI::Option* port = nullptr;
    CLI::Option* security = nullptr;
    CLI::Option* ssl_type = nullptr;
    CLI::Option* user = nullptr;
    CLI::Option* password_env = nullptr;
    CLI::Option* password_file = nullptr;
    CLI::Option* token_env = nullptr;
    CLI::Option* token_file = nullptr;
    CLI::Option* auth_mech = nullptr;
    CLI::Option* from = nullptr;
    CLI::Option* rcpt = nullptr;
    CLI::Option* no_rcpt = nullptr;
    CLI::Option* timeout = nullptr;
    CLI::Option* connect_timeout = nullptr;
    CLI::Option* dns_timeout = nullptr;
    CLI::Option* deadline = nullptr;
    CLI::Option* ipv4 = nullptr;
    CLI::Option* ipv6 = nullptr;
    CLI::Option* all_addresses = nullptr;
    CLI::Option* ca_file = nullptr;
    CLI::Option* ca_path = nullptr;
    CLI::Option* insecure = nullptr;
    CLI::Option* cert_warn_days = nullptr;
    CLI::Option* helo = nullptr;
    CLI::Option* as_user = nullptr;
    CLI::Option* dns_server = nullptr;
    CLI::Option* format = nullptr;
    CLI::Option* lang = nullptr;
    CLI::Option* transcript = nullptr;
    CLI::Option* verbose = nullptr;
    CLI::Option* log_level = nullptr;
    CLI::Option* color = nullptr;
    CLI::Option* version = nullptr;
    CLI::Option* ports = nullptr;         ///< diagnose only
    CLI::Option* message_size = nullptr;  ///< diagnose only
    CLI::Option* send_to = nullptr;       ///< diagnose only
};

/// `check`, or with diagnose set `diagnose`: the same options, plus --ports and --message-size.
check_options add_check_command(CLI::App& root, bool diagnose = false) {
    check_options o;
    auto* app = diagnose ? root.add_subcommand("diagnose",
                                               "Try every usual port and TLS mode of a mail "
                                               "server (25, 26, 465, 587) and recommend the WHMCS "
                                               "SMTP Port and SMTP SSL Type.")
                         : root.add_subcommand("check",
                                               "Connect to a mail server and check every step up "
                                               "to RCPT TO, naming the WHMCS error category of a "
                                               "failure and its cause.");
    o.app = app;
    app->allow_extras(true);
    app->footer(
        diagnose
            ? std::string(
                  "Example:\n"
                  "  smtp-probe diagnose mail.example.com --user billing@example.com \\\n"
                  "      --password-env SMTP_PASSWORD --message-size 12MB\n"
                  "\n"
                  "Connections and TLS run for every combination at once; the login is tried one\n"
                  "combination at a time and stops after the password is refused once. Exit code: "
                  "0 a\n"
                  "combination works, 1 it works with warnings, 2 none works, 3 could not run.")
            : std::string(
                  "Example:\n"
                  "  smtp-probe check mail.example.com --port 587 --security starttls \\\n"
                  "      --user billing@example.com --password-env SMTP_PASSWORD --from "
                  "billing@example.com\n"
                  "\n"
                  "There is deliberately no --password option: give the password through an "
                  "environment\n"
                  "variable, a file, or the prompt that appears when stdin is a terminal."));

    const auto value = [&](std::string name, std::string type, std::string help,
                           const std::string& group) {
        auto* opt = app->add_option(std::move(name))
                        ->description(std::move(help))
                        ->type_name(std::move(type))
                        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
                        ->group(group);
        o.valued.push_back(opt);
        return opt;
    };
    const auto flag = [&](std::string name, std::string help, const std::string& group) {
        return app->add_flag(std::move(name))
            ->description(std::move(help))
            ->disable_flag_override()
            ->group(group);
    };

    o.host = app->add_option("HOST",
                             "Mail server: name, IPv4 or IPv6 address, optionally with :PORT "
                             "(IPv6 with a port: [2001:db8::1]:587)")
                 ->type_name("")
                 ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    o.valued.push_back(o.host);

    const std::string conn = "Connection";
    o.port = value("--port", "N", "Port 1-65535 (default: from --security, else 587)", conn);
    o.security = value("--security", "MODE",
                       "none|auto|starttls|tls (default: from the port: 465 tls, 587 starttls, "
                       "others auto)",
                       conn);
    o.ssl_type =
        value("--ssl-type", "TYPE",
              "WHMCS 'SMTP SSL Type', judged as WHMCS's PHPMailer: none|tls|ssl (None = auto: "
              "STARTTLS whenever offered, TLS = starttls, SSL = tls)",
              conn);
    o.ipv4 = flag("--ipv4", "Use IPv4 addresses only", conn);
    o.ipv6 = flag("--ipv6", "Use IPv6 addresses only", conn);
    o.all_addresses =
        flag("--all-addresses", "Check every address of the host, not the first", conn);
    o.dns_server =
        value("--dns-server", "IP[:PORT]",
              "Ask this name server (192.0.2.53, 192.0.2.53:53, [2001:db8::53]:53)", conn);
    o.helo = value("--helo", "NAME", "Name to send in EHLO (default: this machine's name)", conn);
    o.as_user = value("--as-user", "USER",
                      "Connect as USER, as WHMCS does (root only): root is exempt from cPanel's "
                      "SMTP Restrictions and CSF's SMTP_REDIRECT",
                      conn);

    const std::string auth = "Authentication";
    o.user = value("--user", "NAME", "Log in as NAME (SMTP AUTH)", auth);
    o.password_env = value("--password-env", "VAR", "Read the password from environment VAR", auth);
    o.password_file =
        value("--password-file", "FILE", "Read the password from the first line of FILE", auth);
    o.token_env =
        value("--oauth-token-env", "VAR",
              "Read an OAuth access token from environment VAR (XOAUTH2/OAUTHBEARER)", auth);
    o.token_file = value("--oauth-token-file", "FILE",
                         "Read an OAuth access token from the first line of FILE", auth);
    o.auth_mech =
        value("--auth-mech", "MECH", "Force PLAIN, LOGIN, CRAM-MD5, XOAUTH2 or OAUTHBEARER", auth);

    const std::string envelope = "Envelope";
    o.from = value("--from", "ADDR", "MAIL FROM address (default: --user if it is an address)",
                   envelope);
    o.rcpt = value("--rcpt", "ADDR", "RCPT TO address (default: the --from address)", envelope);
    o.no_rcpt = flag("--no-rcpt", "Stop after MAIL FROM", envelope);

    const std::string time = "Time limits (S: 2.5, 500ms, 4s, 2m)";
    o.timeout = value("--timeout", "S", "Wait for each reply at most S (default 30s)", time);
    o.connect_timeout = value("--connect-timeout", "S",
                              "Wait for the TCP connection at most S (default 10s)", time);
    o.dns_timeout =
        value("--dns-timeout", "S",
              "Wait for the DNS answer at most S (default 10s; never past --deadline)", time);
    o.deadline = value("--deadline", "S",
                       diagnose ? "Stop the whole diagnosis, every combination, after S "
                                  "(default 120s)"
                                : "Stop the whole probe after S (default 120s)",
                       time);

    const std::string tls = "TLS";
    o.ca_file = value("--ca-file", "FILE", "Trust the CA certificates in this PEM file", tls);
    o.ca_path = value("--ca-path", "DIR", "Trust the CA certificates in this directory", tls);
    o.insecure = flag("--insecure", "Report certificate problems as warnings, not failures", tls);
    o.cert_warn_days = value("--cert-warn-days", "N",
                             "Warn when the certificate expires within N days, 0-3650 "
                             "(default 14)",
                             tls);

    const std::string output = "Output";
    o.format = value("--format", "FMT", "text|json (default text)", output);
    o.lang = value("--lang", "LANG", "zh|en (default: from LC_ALL, LC_MESSAGES, LANG)", output);
    o.transcript = flag("--transcript", "Include the SMTP conversation (AUTH hidden)", output);
    o.verbose = app->add_flag("-v,--verbose")
                    ->description("More log output: -v info, -vv debug, -vvv trace")
                    ->disable_flag_override()
                    ->group(output);
    o.log_level =
        value("--log-level", "LEVEL", "trace|debug|info|warn|error|off (default warn)", output);
    o.color = value("--color", "WHEN", "auto|always|never (default auto)", output);
    o.version = flag("--version", "Print the version and exit", output);
    if (diagnose) {
        o.ports =
            value("--ports", "LIST",
                  "More ports to try, comma-separated (2525,8025), each with its usual mode", conn);
        o.message_size =
            value("--message-size", "SIZE",
                  "Largest mail planned (12MB, 10MiB): compared with the server's SIZE", envelope);
        o.send_to = value("--send-to", "ADDR",
                          "Send ONE real, labelled test message to ADDR through the recommended "
                          "settings (never the default)",
                          envelope);
    }
    return o;
}

std::optional<std::string> given(const CLI::Option* opt) {
    if (opt->results().empty()) {
        return std::nullopt;
    }
    return opt->results().front();
}

bool is_set(const CLI::Option* opt) {
    return opt->count() > 0;
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

std::string errno_text(int error) {
    return std::system_category().message(error);
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

constexpr std::array<std::string_view, 6> log_levels = {"trace", "debug", "info",
                                                        "warn",  "error", "off"};

std::size_t log_level_rank(std::string_view level) {
    return static_cast<std::size_t>(std::find(log_levels.begin(), log_levels.end(), level) -
                                    log_levels.begin());
}

/// LC_ALL, LC_MESSAGES, LANG: the first non-empty decides; zh, zh_CN.UTF-8, zh-TW... mean zh.
std::string language_from_environment(const cli_environment& env) {
    const auto get = [&env](const char* name) { return env.getenv ? env.getenv(name) : nullptr; };
    return std::string(
        language_name(language_from_env(get("LC_ALL"), get("LC_MESSAGES"), get("LANG"))));
}

/// --format and --lang, the same for every command. Returns what was wrong, if anything.
std::optional<std::string> read_format_and_lang(const CLI::Option* format, const CLI::Option* lang,
                                                output_options& out, const cli_environment& env) {
    if (const auto text = given(format)) {
        const auto word = lower(*text);
        if (word != "text" && word != "json") {
            return "--format: " + quote_value(*text) + " is not an output format; use text or json";
        }
        out.fmt = word == "json" ? output_options::format::json : output_options::format::text;
    }
    if (const auto text = given(lang)) {
        out.lang = lower(*text);
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
        const auto word = lower(*text);
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

// ---------------------------------------------------------------------------------------------
// Turning the options into a check_command.

enum class secret_kind { none, password, token };

struct credential_plan {
    secret_kind kind = secret_kind::none;
    std::optional<std::string> env_variable;
    std::optional<std::string> file;
    const char* option = "";  ///< the option that named the source, for messages
    bool prompt = false;
};

class check_builder {
public:
    check_builder(const check_options& o, const cli_environment& env) : o_(o), env_(env) {}

    cli_result build() {
        for (auto step :
             {&check_builder::read_target, &check_builder::read_identity,
              &check_builder::read_timing, &check_builder::read_network, &check_builder::read_tls,
              &check_builder::read_output, &check_builder::read_secrets}) {
            if (auto error = (this->*step)()) {
                return fail(std::move(*error));
            }
        }
        return std::move(cmd_);
    }

private:
    using problem = std::optional<std::string>;

    problem read_target() {
        const auto host_text = given(o_.host);
        if (!host_text) {
            return "HOST is missing; give the mail server's name or address, as in "
                   "smtp-probe check mail.example.com";
        }
        auto parsed = parse_host_port(*host_text);
        if (auto* error = std::get_if<std::string>(&parsed)) {
            return std::move(*error);
        }
        auto& target = std::get<host_port>(parsed);
        cmd_.request.host = target.host;

        std::optional<std::uint16_t> port = target.port;
        if (const auto text = given(o_.port)) {
            auto flag_port = parse_port(*text);
            if (auto* error = std::get_if<std::string>(&flag_port)) {
                // "port 'abc' is not a number; ..." -> "--port 'abc' is not a number; ..."
                return error->rfind("port ", 0) == 0 ? "--" + *error : "--port: " + *error;
            }
            const auto value = std::get<std::uint16_t>(flag_port);
            if (port && *port != value) {
                return "the port in " + quote_value(*host_text) + " (" + std::to_string(*port) +
                       ") and --port " + std::to_string(value) + " disagree; give the port once";
            }
            port = value;
        }

        std::optional<security_mode> mode;
        if (const auto text = given(o_.security)) {
            mode = security_from_name(*text);
            if (!mode) {
                return "--security: " + quote_value(*text) +
                       " is not a security mode; use none, auto, starttls or tls";
            }
        }
        if (const auto text = given(o_.ssl_type)) {
            const auto from_ssl_type = security_from_ssl_type(*text);
            if (!from_ssl_type) {
                return "--ssl-type: " + quote_value(*text) +
                       " is not a WHMCS SSL type; use none, tls (STARTTLS) or ssl (implicit TLS)";
            }
            if (mode && *mode != *from_ssl_type) {
                return "--security " + std::string(security_name(*mode)) + " and --ssl-type " +
                       lower(*text) + " disagree (--ssl-type " + lower(*text) +
                       " means --security " + std::string(security_name(*from_ssl_type)) +
                       "); give only one of them";
            }
            mode = from_ssl_type;
            cmd_.request.whmcs_settings = true;
        }

        const auto resolved = resolve_port_mode(port, mode);
        cmd_.request.port = resolved.port;
        cmd_.request.security = resolved.security;
        const auto advice = port_mode_advice(resolved);
        if (std::find(advice.begin(), advice.end(), mode_warning::tls_on_port_25) != advice.end()) {
            cmd_.notices.push_back(
                "port 25 rarely speaks TLS first: implicit TLS (--ssl-type ssl, --security tls) "
                "usually belongs on port 465, and port 25 takes STARTTLS");
        }
        return std::nullopt;
    }

    problem read_identity() {
        auto& request = cmd_.request;
        if (const auto user = given(o_.user)) {
            const bool control = std::any_of(user->begin(), user->end(), [](char c) {
                const auto u = static_cast<unsigned char>(c);
                return u < 0x20 || u == 0x7f;
            });
            if (user->empty() || user->size() > 1024 || control) {
                return "--user: the login name must be 1 to 1024 characters without control "
                       "characters";
            }
            request.user = *user;
        }

        if (const auto mech = given(o_.auth_mech)) {
            request.forced_mechanism = mechanism_from_name(*mech);
            if (!request.forced_mechanism) {
                return "--auth-mech: " + quote_value(*mech) +
                       " is not supported; use PLAIN, LOGIN, CRAM-MD5, XOAUTH2 or OAUTHBEARER";
            }
        }
        if (auto error = plan_credentials()) {
            return error;
        }

        if (const auto from = given(o_.from)) {
            if (auto error = mailbox_problem("--from", *from)) {
                return error;
            }
            request.from = *from;
        } else if (request.user && request.user->find('@') != std::string::npos) {
            if (!is_mailbox(*request.user)) {
                return "--user " + quote_value(*request.user) +
                       " cannot serve as the MAIL FROM address because it is not a mailbox "
                       "address; give --from local@domain";
            }
            request.from = request.user;
        }
        if (const auto rcpt = given(o_.rcpt)) {
            if (is_set(o_.no_rcpt)) {
                return "--rcpt and --no-rcpt contradict each other; give only one";
            }
            if (auto error = mailbox_problem("--rcpt", *rcpt)) {
                return error;
            }
            request.rcpt = *rcpt;
        }
        request.skip_rcpt = is_set(o_.no_rcpt);
        return std::nullopt;
    }

    problem plan_credentials() {
        const auto password_env = given(o_.password_env);
        const auto password_file = given(o_.password_file);
        const auto token_env = given(o_.token_env);
        const auto token_file = given(o_.token_file);
        if (password_env && password_file) {
            return "--password-env and --password-file both name a password; give only one";
        }
        if (token_env && token_file) {
            return "--oauth-token-env and --oauth-token-file both name a token; give only one";
        }
        const bool password = password_env || password_file;
        const bool token = token_env || token_file;
        if (password && token) {
            return "give either a password (--password-env, --password-file) or an OAuth token "
                   "(--oauth-token-env, --oauth-token-file), not both";
        }
        const char* source_option = password_env    ? "--password-env"
                                    : password_file ? "--password-file"
                                    : token_env     ? "--oauth-token-env"
                                    : token_file    ? "--oauth-token-file"
                                                    : "";
        const auto& mech = cmd_.request.forced_mechanism;
        const bool token_mech =
            mech && (*mech == auth_mechanism::xoauth2 || *mech == auth_mechanism::oauthbearer);
        if (!cmd_.request.user) {
            if (password || token) {
                return std::string(source_option) + " needs --user NAME, the login to use it for";
            }
            if (mech) {
                return "--auth-mech needs --user NAME, the login to authenticate as";
            }
            return std::nullopt;
        }
        if (mech && token_mech && password) {
            return "--auth-mech " + std::string(mechanism_name(*mech)) +
                   " takes an OAuth token, not a password; use --oauth-token-env or "
                   "--oauth-token-file";
        }
        if (mech && !token_mech && token) {
            return "--auth-mech " + std::string(mechanism_name(*mech)) +
                   " takes a password, not an OAuth token; tokens go with XOAUTH2 or OAUTHBEARER";
        }
        plan_.kind = token ? secret_kind::token : secret_kind::password;
        plan_.env_variable = password_env ? password_env : token_env;
        plan_.file = password_file ? password_file : token_file;
        plan_.option = source_option;
        if (password || token) {
            return std::nullopt;
        }
        if (token_mech) {
            return "--auth-mech " + std::string(mechanism_name(*mech)) +
                   " needs a token; use --oauth-token-env VAR or --oauth-token-file FILE";
        }
        if (!env_.stdin_is_terminal || !env_.prompt_secret) {
            return "no password source: use --password-env or --password-file";
        }
        plan_.prompt = true;
        return std::nullopt;
    }

    problem read_timing() {
        auto& request = cmd_.request;
        const auto duration = [](const CLI::Option* opt, std::string_view name,
                                 std::chrono::milliseconds& target) -> problem {
            if (const auto text = given(opt)) {
                auto parsed = parse_duration(*text);
                if (auto* error = std::get_if<std::string>(&parsed)) {
                    return std::string(name) + ": " + *error;
                }
                target = std::get<std::chrono::milliseconds>(parsed);
            }
            return std::nullopt;
        };
        if (auto error = duration(o_.timeout, "--timeout", request.timeouts.reply)) {
            return error;
        }
        if (auto error =
                duration(o_.connect_timeout, "--connect-timeout", request.timeouts.connect)) {
            return error;
        }
        if (auto error = duration(o_.dns_timeout, "--dns-timeout", request.timeouts.dns)) {
            return error;
        }
        return duration(o_.deadline, "--deadline", request.deadline);
    }

    problem read_network() {
        auto& request = cmd_.request;
        if (is_set(o_.ipv4) && is_set(o_.ipv6)) {
            return "--ipv4 and --ipv6 exclude each other; give at most one";
        }
        request.family = is_set(o_.ipv4)   ? address_family::ipv4
                         : is_set(o_.ipv6) ? address_family::ipv6
                                           : address_family::any;
        request.all_addresses = is_set(o_.all_addresses);
        if (request.family == address_family::ipv6 && is_ipv4_literal(request.host)) {
            return "--ipv6 with the IPv4 address " + quote_value(request.host) +
                   ": give an IPv6 address or a name, or drop --ipv6";
        }
        if (request.family == address_family::ipv4 && is_ipv6_literal(request.host)) {
            return "--ipv4 with the IPv6 address " + quote_value(request.host) +
                   ": give an IPv4 address or a name, or drop --ipv4";
        }

        if (const auto text = given(o_.dns_server)) {
            const std::string accepted =
                "; use an IP address with an optional port: 192.0.2.53, 192.0.2.53:53, "
                "2001:db8::53 or [2001:db8::53]:53";
            auto parsed = parse_host_port(*text);
            if (auto* error = std::get_if<std::string>(&parsed)) {
                return "--dns-server: " + *error;
            }
            const auto& server = std::get<host_port>(parsed);
            if (server.kind == host_kind::name) {
                return "--dns-server: " + quote_value(*text) + " is not an IP address" + accepted;
            }
            if (server.host.find('%') != std::string::npos) {
                return "--dns-server: " + quote_value(*text) +
                       " has an IPv6 zone, which the resolver library cannot use" + accepted;
            }
            std::string normalised = server.host;
            if (server.port) {
                normalised = server.kind == host_kind::ipv6 ? "[" + server.host + "]" : server.host;
                normalised += ":" + std::to_string(*server.port);
            }
            request.dns_server = normalised;
        }

        if (const auto helo = given(o_.helo)) {
            if (!is_host_name(*helo)) {
                return "--helo: " + quote_value(*helo) +
                       " is not a host name; use letters, digits, '-' and '.', as in "
                       "mail.example.com";
            }
            request.helo_name = *helo;
        }

        if (const auto user = given(o_.as_user)) {
            if (auto problem = as_user_problem(*user)) {
                return problem;
            }
            cmd_.as_user = *user;
        }
        return std::nullopt;
    }

    problem read_tls() {
        auto& request = cmd_.request;
        if (const auto file = given(o_.ca_file)) {
            if (auto error = ca_file_problem(*file)) {
                return error;
            }
            request.ca_file = *file;
        }
        if (const auto dir = given(o_.ca_path)) {
            if (auto error = ca_path_problem(*dir)) {
                return error;
            }
            request.ca_path = *dir;
        }
        request.insecure = is_set(o_.insecure);
        if (const auto days = given(o_.cert_warn_days)) {
            const bool ok = is_digits(*days) && days->size() <= 4 && std::stoi(*days) <= 3650;
            if (!ok) {
                return "--cert-warn-days: " + quote_value(*days) +
                       " is not a number of days from 0 to 3650";
            }
            request.cert_warn_days = std::stoi(*days);
        }
        return std::nullopt;
    }

    problem read_output() {
        auto& out = cmd_.output;
        if (auto problem = read_format_and_lang(o_.format, o_.lang, out, env_)) {
            return problem;
        }
        out.transcript = is_set(o_.transcript);
        cmd_.request.keep_transcript = out.transcript;

        out.verbosity = static_cast<int>(o_.verbose->count());
        std::string level = "warn";
        if (const auto text = given(o_.log_level)) {
            level = lower(*text);
            if (log_level_rank(level) >= log_levels.size()) {
                return "--log-level: " + quote_value(*text) +
                       " is not a log level; use trace, debug, info, warn, error or off";
            }
        }
        // -v raises the level to info, -vv to debug, -vvv to trace; never lowers it.
        if (out.verbosity > 0) {
            const auto wanted = static_cast<std::size_t>(std::max(0, 3 - out.verbosity));
            level = std::string(log_levels[std::min(wanted, log_level_rank(level))]);
        }
        out.log_level = level;

        if (auto problem = read_color(o_.color, out)) {
            return problem;
        }
        return std::nullopt;
    }

    problem read_secrets() {
        if (plan_.kind == secret_kind::none) {
            return std::nullopt;
        }
        secret_result got = secret_error{};
        if (plan_.env_variable) {
            got = secret_from_env(*plan_.env_variable, env_.getenv);
        } else if (plan_.file) {
            got = secret_from_file(*plan_.file);
        } else if (plan_.prompt) {
            got =
                secret_from_prompt("Password for " + *cmd_.request.user + ": ", env_.prompt_secret);
        }
        if (auto* error = std::get_if<secret_error>(&got)) {
            const std::string source = plan_.prompt ? "password prompt" : plan_.option;
            return source + ": " + error->message;
        }
        auto& target =
            plan_.kind == secret_kind::token ? cmd_.request.oauth_token : cmd_.request.password;
        target = std::move(std::get<secret>(got));
        return std::nullopt;
    }

    const check_options& o_;
    const cli_environment& env_;
    check_command cmd_;
    credential_plan plan_;
};

// ---------------------------------------------------------------------------------------------
// `diagnose`: the options of check, without the choice of port and mode (diagnose tries them).

cli_result build_diagnose(const check_options& o, const cli_environment& env) {
    for (const auto* opt : {o.port, o.security, o.ssl_type, o.all_addresses}) {
        if (is_set(opt)) {
            return fail(opt->get_name() +
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
    if (const auto list = given(o.ports)) {
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
    if (const auto text = given(o.message_size)) {
        auto parsed = parse_message_size(*text);
        if (auto* error = std::get_if<std::string>(&parsed)) {
            return fail(std::move(*error));
        }
        size = std::get<std::uint64_t>(parsed);
    }
    std::optional<std::string> send_to;
    if (const auto text = given(o.send_to)) {
        if (auto problem = mailbox_problem("--send-to", *text)) {
            return fail(std::move(*problem));
        }
        send_to = *text;
    }
    auto built = check_builder(o, env).build();
    if (auto* check = std::get_if<check_command>(&built)) {
        if (send_to && !check->request.effective_from()) {
            return fail("--send-to needs a sender: give --from ADDR, or --user as an address");
        }
        return diagnose_command{std::move(check->request), check->output,
                                std::move(ports),          size,
                                std::move(send_to),        std::move(check->as_user)};
    }
    return built;
}

// ---------------------------------------------------------------------------------------------
// `explain`: a line from WHMCS System Logs, a category id, or nothing (stdin, or the list).

struct explain_options_cli {
    CLI::App* app = nullptr;
    CLI::Option* text = nullptr;
    CLI::Option* format = nullptr;
    CLI::Option* lang = nullptr;
    CLI::Option* color = nullptr;
};

explain_options_cli add_explain_command(CLI::App& root) {
    explain_options_cli o;
    auto* app = root.add_subcommand("explain",
                                    "Say what a line from WHMCS System Logs means: its WHMCS error "
                                    "category, the cause when the line names one, and what to do.");
    o.app = app;
    app->allow_extras(true);
    app->footer(
        "Examples:\n"
        "  smtp-probe explain \"SMTP Error: Could not authenticate.\"\n"
        "  smtp-probe explain auth_failed\n"
        "  smtp-probe explain < system-log-excerpt.txt\n"
        "\n"
        "Without TEXT, a log excerpt is read from stdin (at most 200 lines, 64 KiB); at a\n"
        "terminal the categories are listed. Exit code: 0 something was recognised, 2 nothing\n"
        "was, 3 bad arguments.");
    o.text = app->add_option("TEXT",
                             "A line from System Logs (quote it), or a category id such as "
                             "auth_failed")
                 ->type_name("")
                 ->expected(1, -1)
                 ->allow_extra_args(true);  // every word, also after --
    const std::string output = "Output";
    o.format = app->add_option("--format")
                   ->description("text|json (default text)")
                   ->type_name("FMT")
                   ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast)
                   ->group(output);
    o.lang = app->add_option("--lang")
                 ->description("zh|en (default: from LC_ALL, LC_MESSAGES, LANG)")
                 ->type_name("LANG")
                 ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast)
                 ->group(output);
    o.color = app->add_option("--color")
                  ->description("auto|always|never (default auto)")
                  ->type_name("WHEN")
                  ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast)
                  ->group(output);
    return o;
}

cli_result build_explain(const explain_options_cli& o, const cli_environment& env) {
    for (const auto& extra : o.app->remaining()) {
        if (extra.size() > 1 && extra.front() == '-' && extra != "--") {
            return fail("unknown option " + quote_value(option_name(extra)) +
                        "; a line that starts with '-' goes after --, as in smtp-probe explain -- "
                        "\"-ERR ...\"" +
                        help_hint_explain());
        }
    }
    explain_command cmd;
    std::string text;
    for (const auto& word : o.text->results()) {
        if (!text.empty()) {
            text += ' ';
        }
        text += word;
    }
    if (!o.text->results().empty()) {
        cmd.from = explain_command::source::argument;
        cmd.text = std::move(text);
    } else {
        cmd.from = env.stdin_is_terminal ? explain_command::source::category_list
                                         : explain_command::source::standard_input;
    }
    auto& out = cmd.output;
    if (auto problem = read_format_and_lang(o.format, o.lang, out, env)) {
        return fail(*problem);
    }
    if (auto problem = read_color(o.color, out)) {
        return fail(*problem);
    }
    return cmd;
}

// ---------------------------------------------------------------------------------------------
// `php-mail`: the local check of PHP mail() (probe/commands/php_mail/php_mail_run.hpp).

struct php_mail_options_cli {
    CLI::App* app = nullptr;
    CLI::Option* php_ini = nullptr;
    CLI::Option* php = nullptr;
    CLI::Option* send_to = nullptr;
    CLI::Option* from = nullptr;
    CLI::Option* as_user = nullptr;
    CLI::Option* format = nullptr;
    CLI::Option* lang = nullptr;
};

php_mail_options_cli add_php_mail_command(CLI::App& root) {
    php_mail_options_cli o;
    auto* app = root.add_subcommand(
        "php-mail",
        "Check PHP mail() on this machine (WHMCS \"Could not instantiate mail function\"): "
        "disable_functions, sendmail_path, the sendmail program and the mail server behind it. "
        "Sends nothing unless --send-to is given.");
    o.app = app;
    app->allow_extras(true);
    app->footer(
        "Settings come from `php -i` (with -c PATH when --php-ini is given); without PHP, from\n"
        "the php.ini given with --php-ini. With --send-to, one labelled test message goes out\n"
        "the way WHMCS's \"PHP Mail\" sends it: PHP's own mail() when PHP is installed, else\n"
        "sendmail_path with the message on its stdin; only when no check failed. Exit code:\n"
        "0 ok, 1 part could not be judged, 2 a cause found, 3 could not run.");
    const auto value = [app](const char* name, const char* type, const char* description) {
        return app->add_option(name)
            ->description(description)
            ->type_name(type)
            ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
    };
    o.php_ini =
        value("--php-ini", "PATH", "the php.ini WHMCS uses (php-fpm's may differ from the CLI's)");
    o.php = value("--php", "BINARY", "the PHP command line program (default php in PATH)");
    o.send_to = value("--send-to", "ADDR", "send one real, labelled test message to ADDR");
    o.from = value("--from", "ADDR", "the test message's From address (with --send-to)");
    o.as_user = value("--as-user", "USER",
                      "check (and send) as USER, the account PHP runs as for WHMCS (root only)");
    o.format = value("--format", "FMT", "text|json (default text)");
    o.lang = value("--lang", "LANG", "zh|en (default: from LC_ALL, LC_MESSAGES, LANG)");
    return o;
}

cli_result build_php_mail(const php_mail_options_cli& o, const cli_environment& env) {
    for (const auto& extra : o.app->remaining()) {
        if (extra.size() > 1 && extra.front() == '-') {
            return fail("unknown option " + quote_value(option_name(extra)) +
                        " (see smtp-probe php-mail --help)");
        }
        return fail("php-mail takes no arguments, only options (see smtp-probe php-mail --help)");
    }
    php_mail_command cmd;
    if (const auto to = given(o.send_to)) {
        if (auto problem = mailbox_problem("--send-to", *to)) {
            return fail(std::move(*problem));
        }
        cmd.send_to = *to;
    }
    if (const auto from = given(o.from)) {
        if (auto problem = mailbox_problem("--from", *from)) {
            return fail(std::move(*problem));
        }
        if (!cmd.send_to) {
            return fail("--from is the test message's sender and needs --send-to ADDR");
        }
        cmd.from = *from;
    }
    if (const auto user = given(o.as_user)) {
        if (auto problem = as_user_problem(*user)) {
            return fail(std::move(*problem));
        }
        cmd.as_user = *user;
    }
    if (const auto path = given(o.php_ini)) {
        if (path->empty()) {
            return fail("--php-ini needs a path to a php.ini file");
        }
        cmd.php_ini = *path;
    }
    if (const auto php = given(o.php)) {
        if (php->empty()) {
            return fail(
                "--php needs the PHP program, such as php or "
                "/opt/cpanel/ea-php81/root/usr/bin/php");
        }
        cmd.php_binary = *php;
    }
    auto& out = cmd.output;
    if (auto problem = read_format_and_lang(o.format, o.lang, out, env)) {
        return fail(*problem);
    }
    return cmd;
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
                                          const CLI::App* sub) {
    for (const auto& extra : extras) {
        if (extra == "--") {
            continue;
        }
        if (extra.size() > 1 && extra.front() == '-') {
            return fail("unknown option " + quote_value(option_name(extra)) + help_hint(sub));
        }
        if (sub == nullptr) {
            return fail("unknown command " + quote_value(extra) +
                        "; the commands are check, diagnose, explain and php-mail, as in "
                        "smtp-probe check mail.example.com");
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

/// A value option that swallowed the next option as its value ("--user --from x").
std::optional<cli_error> swallowed_option(const check_options& o) {
    for (const auto* opt : o.valued) {
        if (opt->results().size() > 1) {
            const auto name = opt->get_name() == "HOST" ? std::string("HOST") : opt->get_name();
            return fail(name + " was given more than once; give it once");
        }
        for (const auto& value : opt->results()) {
            if (value.size() > 2 && value.substr(0, 2) == "--") {
                return fail(opt->get_name() + " needs a value but is followed by " +
                            quote_value(option_name(value)));
            }
        }
    }
    return std::nullopt;
}

std::string version_text() {
    return std::string(program) + " " + SMTP_PROBE_VERSION + "\n";
}

}  // namespace

cli_result parse_command_line(int argc, const char* const* argv, const cli_environment& env) {
    if (auto error = refuse_secret_in_argv(argc, argv)) {
        return std::move(*error);
    }
    CLI::App root{"Probe an SMTP server the way WHMCS uses it and name what fails.",
                  std::string(program)};
    root.allow_extras(true);
    root.footer(
        "Commands: check (one set of settings), diagnose (find the settings that work), explain "
        "(a WHMCS log line or category), php-mail (PHP mail()). Run smtp-probe COMMAND --help "
        "for the options of each.");
    auto* root_version = root.add_flag("--version")->description("Print the version and exit");
    const auto check = add_check_command(root);
    const auto explain = add_explain_command(root);
    const auto diagnose = add_check_command(root, true);
    const auto php_mail = add_php_mail_command(root);

    const char* const fallback[] = {program.data()};
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

    if (is_set(root_version)) {
        return cli_help{version_text()};
    }
    if (auto error = leftover_problem(root.remaining(), nullptr)) {
        return std::move(*error);
    }
    if (check.app->parsed()) {
        if (is_set(check.version)) {
            return cli_help{version_text()};
        }
        if (auto error = swallowed_option(check)) {
            return std::move(*error);
        }
        if (auto error = leftover_problem(check.app->remaining(), check.app)) {
            return std::move(*error);
        }
        return check_builder(check, env).build();
    }
    if (explain.app->parsed()) {
        return build_explain(explain, env);
    }
    if (diagnose.app->parsed()) {
        if (is_set(diagnose.version)) {
            return cli_help{version_text()};
        }
        if (auto error = swallowed_option(diagnose)) {
            return std::move(*error);
        }
        if (auto error = leftover_problem(diagnose.app->remaining(), diagnose.app)) {
            return std::move(*error);
        }
        return build_diagnose(diagnose, env);
    }
    if (php_mail.app->parsed()) {
        return build_php_mail(php_mail, env);
    }
    return cli_error{
        "no command given; use smtp-probe check HOST [options], smtp-probe diagnose HOST, "
        "smtp-probe explain [TEXT] or smtp-probe php-mail",
        root.help()};
}

}  // namespace smtp_probe
