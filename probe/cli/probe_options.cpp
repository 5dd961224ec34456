#include "probe/cli/probe_options.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "checks/port_mode.hpp"
#include "checks/starttls_rules.hpp"
#include "net/ascii.hpp"
#include "net/mailbox.hpp"
#include "probe/cli/cli_app.hpp"
#include "probe/cli/duration_parse.hpp"
#include "probe/cli/host_port.hpp"
#include "probe/cli/option_rules.hpp"
#include "probe/report/quote_value.hpp"

namespace smtp_probe {
namespace {

// Turning the options into probe_settings.

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
    check_builder(const probe_option_set& o, const cli_environment& env) : o_(o), env_(env) {}

    std::variant<probe_settings, cli_error> build() {
        for (auto step : {&check_builder::read_target, &check_builder::read_identity,
                          &check_builder::read_timing, &check_builder::read_network,
                          &check_builder::read_tls, &check_builder::read_output,
                          &check_builder::read_thresholds, &check_builder::read_secrets}) {
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
                       ascii_lowered(*text) + " disagree (--ssl-type " + ascii_lowered(*text) +
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

    /// --time-warning, --time-critical, --cert-warning, --cert-critical (check only).
    problem read_thresholds() {
        auto& t = cmd_.thresholds;
        const struct {
            CLI::Option* option;
            std::optional<nagios_range>* into;
            bool days;
        } rows[] = {{o_.time_warning, &t.time_warning, false},
                    {o_.time_critical, &t.time_critical, false},
                    {o_.cert_warning, &t.cert_warning, true},
                    {o_.cert_critical, &t.cert_critical, true}};
        for (const auto& row : rows) {
            const auto text = given(row.option);
            if (!text) {
                continue;
            }
            const auto name = option_name_of(row.option);
            auto parsed = parse_nagios_range(*text);
            if (auto* error = std::get_if<std::string>(&parsed)) {
                return name + ": " + *error;
            }
            auto& range = std::get<nagios_range>(parsed);
            // A bare N alerts above N, which for days left is never what is meant.
            if (row.days && !range.inside && text->find(':') == std::string::npos) {
                return name + ": " + quote_value(*text) + " would alert with more than " + *text +
                       " days left; write " + *text + ": to alert below " + *text + " days";
            }
            *row.into = std::move(range);
        }
        return std::nullopt;
    }

    problem read_output() {
        auto& out = cmd_.output;
        if (auto problem = read_format_and_lang(o_.format, o_.lang, out, env_, o_.nagios_format)) {
            return problem;
        }
        out.transcript = is_set(o_.transcript);
        cmd_.request.keep_transcript = out.transcript;

        out.verbosity = static_cast<int>(option_count(o_.verbose));
        std::string level = "warn";
        if (auto problem = read_log_level(o_.log_level, level)) {
            return problem;
        }
        // -v raises the level to info, -vv to debug, -vvv to trace; never lowers it.
        if (out.verbosity > 0) {
            const auto wanted = static_cast<std::size_t>(std::max(0, 3 - out.verbosity));
            level = std::string(log_level_at(std::min(wanted, log_level_rank(level))));
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

    const probe_option_set& o_;
    const cli_environment& env_;
    probe_settings cmd_;
    credential_plan plan_;
};

/// A value option that swallowed the next option as its value ("--user --from x").
std::optional<cli_error> swallowed_option(const probe_option_set& o) {
    for (const auto* opt : o.valued) {
        const auto values = option_results(opt);
        const auto name = option_name_of(opt);
        if (values.size() > 1) {
            return fail(name + " was given more than once; give it once");
        }
        for (const auto& value : values) {
            if (value.size() > 2 && value.substr(0, 2) == "--") {
                return fail(name + " needs a value but is followed by " +
                            quote_value(option_name(value)));
            }
        }
    }
    return std::nullopt;
}
}  // namespace

CLI::Option* add_valued_option(probe_option_set& o, const std::string& name,
                               const std::string& type, const std::string& help,
                               const std::string& group) {
    auto* opt = add_every_value_option(*o.app, name, type, help, group);
    o.valued.push_back(opt);
    return opt;
}

probe_option_set declare_probe_options(CLI::App& app, probe_options_of which) {
    probe_option_set o;
    o.app = &app;
    set_allow_extras(app, true);
    const auto value = [&](const std::string& name, const std::string& type,
                           const std::string& help, const std::string& group) {
        return add_valued_option(o, name, type, help, group);
    };
    const auto flag = [&](const std::string& name, const std::string& help,
                          const std::string& group) {
        return add_flag_option(app, name, help, group);
    };

    o.host = add_every_value_argument(app, "HOST",
                                      "Mail server: name, IPv4 or IPv6 address, optionally with "
                                      ":PORT (IPv6 with a port: [2001:db8::1]:587)");
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
                       which == probe_options_of::diagnose
                           ? "Stop the whole diagnosis, every combination, after S (default 120s)"
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

    if (which == probe_options_of::check) {
        const std::string monitoring =
            "Monitoring thresholds (Nagios ranges: N, N:, ~:N, A:B, @A:B)";
        o.time_warning = value("--time-warning", "RANGE",
                               "Warning when the whole probe's seconds alert this range "
                               "(2 = above 2 s)",
                               monitoring);
        o.time_critical = value("--time-critical", "RANGE",
                                "Critical when the probe's seconds alert this range", monitoring);
        o.cert_warning = value("--cert-warning", "RANGE",
                               "Warning when the certificate's days left alert this range "
                               "(30: = below 30 days)",
                               monitoring);
        o.cert_critical = value("--cert-critical", "RANGE",
                                "Critical when the certificate's days left alert this range "
                                "(7: = below 7 days)",
                                monitoring);
    }

    const std::string output = "Output";
    o.nagios_format = which == probe_options_of::check;
    o.format = value("--format", "FMT",
                     o.nagios_format ? "text|json|nagios (default text; nagios: a Nagios/Icinga "
                                       "plugin's status line and performance data)"
                                     : "text|json (default text)",
                     output);
    o.lang = value("--lang", "LANG", "zh|en (default: from LC_ALL, LC_MESSAGES, LANG)", output);
    o.transcript = flag("--transcript", "Include the SMTP conversation (AUTH hidden)", output);
    o.verbose = add_flag_option(app, "-v,--verbose",
                                "More log output: -v info, -vv debug, -vvv trace", output);
    o.log_level =
        value("--log-level", "LEVEL", "trace|debug|info|warn|error|off (default warn)", output);
    o.color = value("--color", "WHEN", "auto|always|never (default auto)", output);
    o.version = flag("--version", "Print the version and exit", output);
    return o;
}

std::variant<probe_settings, cli_error> build_probe_settings(const probe_option_set& o,
                                                             const cli_environment& env) {
    return check_builder(o, env).build();
}

std::optional<std::variant<cli_help, cli_error>> probe_options_problem(const probe_option_set& o) {
    if (is_set(o.version)) {
        return cli_help{version_text()};
    }
    if (auto error = swallowed_option(o)) {
        return std::move(*error);
    }
    if (auto error = leftover_problem(remaining_words(*o.app), o.app, {})) {
        return std::move(*error);
    }
    return std::nullopt;
}

}  // namespace smtp_probe
