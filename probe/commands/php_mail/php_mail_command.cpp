#include "probe/commands/php_mail/php_mail_command.hpp"

#include <memory>

#include "checks/evidence.hpp"
#include "probe/cli/cli_app.hpp"
#include "probe/cli/option_rules.hpp"
#include "probe/commands/command.hpp"
#include "probe/commands/php_mail/php_mail_run.hpp"
#include "probe/report/quote_value.hpp"
#include "probe/runtime/identity.hpp"

namespace smtp_probe {
namespace {

class php_mail_run final : public command_with<php_mail_command> {
public:
    using command_with::command_with;

    int run(runtime& /*rt*/, command_io& io) override {
        // As the account PHP runs as, the checks see that account's permissions.
        if (options.as_user && !connect_identity(options.as_user, io.err)) {
            return static_cast<int>(exit_status::cannot_run);
        }
        return run_php_mail(options, io.out, io.err);
    }
};

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
    auto& app = add_command_app(
        root, "php-mail",
        "Check PHP mail() on this machine (WHMCS \"Could not instantiate mail function\"): "
        "disable_functions, sendmail_path, the sendmail program and the mail server behind it. "
        "Sends nothing unless --send-to is given.",
        true);
    o.app = &app;
    set_footer(
        app,
        "Settings come from `php -i` (with -c PATH when --php-ini is given); without PHP, from\n"
        "the php.ini given with --php-ini. With --send-to, one labelled test message goes out\n"
        "the way WHMCS's \"PHP Mail\" sends it: PHP's own mail() when PHP is installed, else\n"
        "sendmail_path with the message on its stdin; only when no check failed. Exit code:\n"
        "0 ok, 1 part could not be judged, 2 a cause found, 3 could not run.");
    const auto value = [&app](const char* name, const char* type, const char* description) {
        return add_value_option(app, name, type, description);
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
    for (const auto& extra : remaining_words(*o.app)) {
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
    return std::make_unique<php_mail_run>(std::move(cmd));
}

class php_mail_parser final : public command_parser {
public:
    explicit php_mail_parser(CLI::App& root) : options_(add_php_mail_command(root)) {}
    CLI::App& app() override { return *options_.app; }
    cli_result build(const cli_environment& env) override { return build_php_mail(options_, env); }

private:
    php_mail_options_cli options_;
};

[[maybe_unused]] const bool registered =
    register_command({"php-mail", 40, "php-mail", "PHP mail()",
                      [](CLI::App& root) -> std::unique_ptr<command_parser> {
                          return std::make_unique<php_mail_parser>(root);
                      }});

}  // namespace
}  // namespace smtp_probe
