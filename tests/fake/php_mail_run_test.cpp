// php-mail, the run layer against temporary fixtures: php.ini files pointing sendmail_path at
// missing, non-executable and scripted programs; run_process() limits; the real `php -i` when PHP
// is installed.
#include "probe/commands/php_mail/php_mail_run.hpp"
#include "probe/commands/command_line.hpp"
#include "probe/commands/php_mail/php_mail_command.hpp"
#include "tests/unit/temp_dir.hpp"

#include <doctest/doctest.h>
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

using namespace smtp_probe;
namespace fs = std::filesystem;
using std::chrono::milliseconds;

namespace {

constexpr milliseconds timeout{5000};
constexpr const char* no_php = "/nonexistent/php-for-smtp-probe-tests";

using testing::temp_dir;

/// settings from `ini` (PHP absent), facts, verdict.
php_mail_report judge_ini(const fs::path& ini) {
    const auto settings = read_php_mail_settings(no_php, ini.string(), timeout);
    REQUIRE(std::holds_alternative<php_mail_settings>(settings));
    const auto& s = std::get<php_mail_settings>(settings);
    CHECK(s.from == php_mail_settings::origin::php_ini);
    return judge_php_mail(collect_php_mail_facts(s, timeout));
}

bool php_installed() {
    const auto r = run_process({"php", "-v"}, timeout, 4096);
    return r.spawn_errno == 0 && r.exited && r.exit_code == 0;
}

}  // namespace

TEST_CASE("run_process: exit code, output, timeout, bound, missing program") {
    auto r = run_process({"/bin/sh", "-c", "echo out; echo err >&2; exit 7"}, timeout);
    CHECK(r.spawn_errno == 0);
    CHECK(r.exited);
    CHECK(r.exit_code == 7);
    CHECK(r.out == "out\n");
    CHECK(r.err == "err\n");
    CHECK(describe_process_failure(r, timeout) == "exit 7: err");

    r = run_process({"/bin/sh", "-c", "sleep 5"}, milliseconds{200});
    CHECK(r.timed_out);
    CHECK_FALSE(r.exited);

    r = run_process({"/bin/sh", "-c", "head -c 100000 /dev/zero"}, timeout, 1000);
    CHECK(r.exited);
    CHECK(r.out.size() == 1000);

    r = run_process({"/nonexistent/program"}, timeout);
    CHECK(r.spawn_errno == ENOENT);
    CHECK(describe_process_failure(r, timeout) == "could not start: No such file or directory");

    r = run_process({"sh", "-c", "kill -9 $$"}, timeout);  // PATH lookup; killed by a signal
    CHECK(r.signal_number == 9);
    CHECK(describe_process_failure(r, timeout) == "killed by signal 9");
}

TEST_CASE("neither PHP nor php.ini: could not run, saying what is accepted") {
    const auto s = read_php_mail_settings(no_php, std::nullopt, timeout);
    REQUIRE(std::holds_alternative<std::string>(s));
    const auto& why = std::get<std::string>(s);
    CHECK(why.find("could not start") != std::string::npos);
    CHECK(why.find("--php-ini PATH") != std::string::npos);
    CHECK(why.find("--php BINARY") != std::string::npos);

    const auto t = read_php_mail_settings(no_php, "/nonexistent/php.ini", timeout);
    REQUIRE(std::holds_alternative<std::string>(t));
    CHECK(std::get<std::string>(t).find("cannot read /nonexistent/php.ini") != std::string::npos);
}

TEST_CASE("fixtures: each cause from a php.ini") {
    temp_dir dir;
    SUBCASE("(a) missing program: sendmail_missing") {
        const auto ini = dir.write("php.ini", "[mail function]\nsendmail_path = \"" +
                                                  (dir.path / "nope").string() + " -t -i\"\n");
        const auto r = judge_ini(ini);
        CHECK(r.cause == probe_errc::sendmail_missing);
        CHECK(r.steps.back().name == "sendmail_exists");
        CHECK(r.steps.back().detail().find("No such file or directory") != std::string::npos);
    }
    SUBCASE("(b) not executable: sendmail_not_executable") {
        const auto prog = dir.write("sendmail", "#!/bin/sh\nexit 0\n", 0644);
        const auto ini = dir.write("php.ini", "sendmail_path = " + prog.string() + " -t -i\n");
        const auto r = judge_ini(ini);
        CHECK(r.cause == probe_errc::sendmail_not_executable);
        CHECK(r.steps.back().detail().find("mode 0644") != std::string::npos);
    }
    SUBCASE("(c) an Exim that fails -bV: sendmail_failed with the evidence") {
        const auto prog =
            dir.write("exim4", "#!/bin/sh\necho 'exim: config file not found' >&2\nexit 1\n", 0755);
        const auto link = dir.path / "sendmail";
        fs::create_symlink(prog, link);
        const auto ini = dir.write("php.ini", "sendmail_path = " + link.string() + " -t -i\n");
        const auto r = judge_ini(ini);
        CHECK(r.cause == probe_errc::sendmail_failed);
        CHECK(r.steps.back().name == "exim -bV");
        CHECK(r.steps.back().detail() == "exit 1: exim: config file not found");
        CHECK(r.steps[2].detail().find("-> " + prog.string()) != std::string::npos);
    }
    SUBCASE("(c') a working Exim: ok") {
        const auto prog = dir.write("exim",
                                    "#!/bin/sh\n[ \"$1\" = -bV ] || exit 9\necho 'Exim version "
                                    "4.96 #2 built 01-Jan-2024'\n",
                                    0755);
        const auto ini = dir.write("php.ini", "sendmail_path = \"" + prog.string() + " -t\"\n");
        const auto r = judge_ini(ini);
        CHECK(r.ok());
        CHECK(php_mail_exit_code(r) == 0);
        CHECK(r.steps.back().detail() == "Exim version 4.96 #2 built 01-Jan-2024");
    }
    SUBCASE("msmtp without a readable config: sendmail_failed") {
        const auto prog = dir.write("msmtp", "#!/bin/sh\nexit 0\n", 0755);
        const auto conf = dir.path / "missing-msmtprc";
        const auto ini = dir.write(
            "php.ini", "sendmail_path = \"" + prog.string() + " -C " + conf.string() + " -t\"\n");
        auto r = judge_ini(ini);
        CHECK(r.cause == probe_errc::sendmail_failed);
        CHECK(r.steps.back().name == "config");
        dir.write("missing-msmtprc", "account default\n");
        r = judge_ini(ini);
        CHECK(r.ok());
    }
    SUBCASE("(d) disable_functions = mail: mail_disabled") {
        const auto prog = dir.write("exim", "#!/bin/sh\necho 'Exim version 4.96'\n", 0755);
        const auto ini = dir.write(
            "php.ini", "disable_functions = exec,mail\nsendmail_path = " + prog.string() + "\n");
        const auto r = judge_ini(ini);
        CHECK(r.cause == probe_errc::mail_disabled);
        CHECK(r.steps.front().state == php_mail_step::status::fail);
    }
}

TEST_CASE("fixtures: a scripted Postfix (postfix status, postdrop, maildrop)") {
    temp_dir dir;
    const auto d = dir.path.string();
    const auto group = [] {
        const auto* gr = ::getgrgid(::getegid());
        REQUIRE(gr != nullptr);
        return std::string(gr->gr_name);
    }();
    dir.write("postconf",
              "#!/bin/sh\ncase \"$2\" in\n command_directory) echo '" + d +
                  "';;\n setgid_group) echo '" + group + "';;\n queue_directory) echo '" + d +
                  "/queue';;\n *) exit 1;;\nesac\n",
              0755);
    dir.write(
        "postfix",
        "#!/bin/sh\necho 'postfix/postfix-script: the Postfix mail system is running: PID: 42' "
        ">&2\n",
        0755);
    const auto postdrop = dir.write("postdrop", "#!/bin/sh\nexit 0\n", 0755);
    REQUIRE(::chmod(postdrop.c_str(), 02755) == 0);
    fs::create_directories(dir.path / "queue" / "maildrop");
    const auto maildrop = dir.path / "queue" / "maildrop";
    REQUIRE(::chmod(maildrop.c_str(), 01730) == 0);
    const auto prog = dir.write("sendmail.postfix", "#!/bin/sh\nexit 0\n", 0755);
    const auto ini = dir.write("php.ini", "sendmail_path = " + prog.string() + " -t -i\n");

    auto r = judge_ini(ini);
    CHECK(r.ok());
    REQUIRE(r.steps.size() == 8);
    CHECK(r.steps[4].detail() == "postfix");
    CHECK(r.steps[5].name == "postfix status");
    CHECK(r.steps[5].detail() ==
          "postfix/postfix-script: the Postfix mail system is running: PID: 42");
    CHECK(r.steps[6].detail().find("mode 2755") != std::string::npos);
    CHECK(r.steps[7].detail().find("mode 1730") != std::string::npos);

    SUBCASE("maildrop not group-writable") {
        REQUIRE(::chmod(maildrop.c_str(), 01700) == 0);
        r = judge_ini(ini);
        CHECK(r.cause == probe_errc::sendmail_failed);
        CHECK(r.steps[7].state == php_mail_step::status::fail);
        CHECK(r.steps[7].detail().find("needs to be group-writable") != std::string::npos);
    }
    SUBCASE("postdrop without setgid") {
        REQUIRE(::chmod(postdrop.c_str(), 0755) == 0);
        r = judge_ini(ini);
        CHECK(r.cause == probe_errc::sendmail_failed);
        CHECK(r.steps[6].state == php_mail_step::status::fail);
    }
    SUBCASE("postfix stopped") {
        dir.write("postfix",
                  "#!/bin/sh\necho 'postfix/postfix-script: the Postfix mail system is not "
                  "running' >&2\nexit 1\n",
                  0755);
        // postdrop still queues the message: a warning, not instantiate_mail.
        r = judge_ini(ini);
        CHECK_FALSE(r.cause.has_value());
        CHECK(r.held);
        CHECK(php_mail_exit_code(r) == 1);
        CHECK(render_php_mail_text(r, language::en).find("Postfix is stopped") !=
              std::string::npos);
        CHECK(r.steps[5].state == php_mail_step::status::warn);
        CHECK(r.steps[5].detail().rfind(
                  "exit 1: postfix/postfix-script: the Postfix mail system is not running", 0) ==
              0);
        CHECK(r.steps[5].detail().find("maildrop queue") != std::string::npos);
    }
    SUBCASE("postfix broken, not just stopped") {
        dir.write("postfix",
                  "#!/bin/sh\necho 'postfix: fatal: /etc/postfix/main.cf: No such file' >&2\n"
                  "exit 1\n",
                  0755);
        r = judge_ini(ini);
        CHECK(r.cause == probe_errc::sendmail_failed);
        CHECK(r.steps[5].state == php_mail_step::status::fail);
    }
}

TEST_CASE("run_php_mail: JSON report and exit code") {
    temp_dir dir;
    const auto ini = dir.write("php.ini", "sendmail_path = " + (dir.path / "gone").string() + "\n");
    php_mail_command cmd;
    cmd.php_binary = no_php;
    cmd.php_ini = ini.string();
    cmd.output.fmt = output_options::format::json;
    std::ostringstream out, err;
    CHECK(run_php_mail(cmd, out, err) == 2);
    const auto doc = boost::json::parse(out.str()).as_object();
    CHECK(doc.at("php").at("source").as_string() == "php.ini");
    CHECK(doc.at("ok").as_bool() == false);
    CHECK(doc.at("category").as_string() == "instantiate_mail");
    CHECK(doc.at("cause").as_string() == "sendmail_missing");
    CHECK(err.str().empty());

    cmd.php_ini.reset();
    std::ostringstream out2, err2;
    CHECK(run_php_mail(cmd, out2, err2) == 3);
    CHECK(out2.str().empty());
    CHECK(err2.str().find("cannot read PHP's mail settings") != std::string::npos);
}

TEST_CASE("the real php -i, with a php.ini of ours (skipped without PHP)") {
    if (!php_installed()) {
        MESSAGE("php not installed: skipped");
        return;
    }
    temp_dir dir;
    const auto ini = dir.write("php.ini",
                               "[PHP]\ndisable_functions = exec,mail\n"
                               "[mail function]\nsendmail_path = \"" +
                                   (dir.path / "gone").string() + " -t -i\"\n");
    const auto s = read_php_mail_settings("php", ini.string(), timeout);
    REQUIRE(std::holds_alternative<php_mail_settings>(s));
    const auto& settings = std::get<php_mail_settings>(s);
    CHECK(settings.from == php_mail_settings::origin::php_info);
    CHECK(settings.sendmail_path == (dir.path / "gone").string() + " -t -i");
    CHECK(mail_is_disabled(settings.disable_functions));
    const auto r = judge_php_mail(collect_php_mail_facts(settings, timeout));
    CHECK(r.cause == probe_errc::mail_disabled);
}

TEST_CASE("php-mail command line") {
    cli_environment env;
    env.getenv = [](const char*) -> const char* { return nullptr; };
    const auto parse = [&env](std::vector<const char*> args) {
        args.insert(args.begin(), "smtp-probe");
        return parse_command_line(static_cast<int>(args.size()), args.data(), env);
    };
    auto r = parse({"php-mail", "--php-ini", "/etc/php.ini", "--php", "/usr/bin/php82", "--format",
                    "JSON", "--lang", "zh"});
    REQUIRE(holds_command<php_mail_command>(r));
    const auto& cmd = options_in<php_mail_command>(r);
    CHECK(cmd.php_ini == std::optional<std::string>("/etc/php.ini"));
    CHECK(cmd.php_binary == "/usr/bin/php82");
    CHECK(cmd.output.fmt == output_options::format::json);
    CHECK(cmd.output.lang == "zh");

    r = parse({"php-mail", "--send-to", "admin@example.com", "--from", "billing@example.com"});
    REQUIRE(holds_command<php_mail_command>(r));
    CHECK(options_in<php_mail_command>(r).send_to ==
          std::optional<std::string>("admin@example.com"));
    CHECK(options_in<php_mail_command>(r).from ==
          std::optional<std::string>("billing@example.com"));

    r = parse({"php-mail"});
    REQUIRE(holds_command<php_mail_command>(r));
    CHECK_FALSE(options_in<php_mail_command>(r).send_to.has_value());
    CHECK(options_in<php_mail_command>(r).php_binary == "php");
    CHECK_FALSE(options_in<php_mail_command>(r).php_ini.has_value());
    CHECK(options_in<php_mail_command>(r).output.lang == "en");
    CHECK_FALSE(options_in<php_mail_command>(r).as_user.has_value());

    r = parse({"php-mail", "--as-user", "whmcsuser"});
    REQUIRE(holds_command<php_mail_command>(r));
    CHECK(options_in<php_mail_command>(r).as_user == std::optional<std::string>("whmcsuser"));

    struct row {
        std::vector<const char*> args;
        std::string_view message_part;
    };
    const std::vector<row> rows = {
        {{"php-mail", "--send-to", "a;touch /tmp/x@example.com"},
         "--send-to: 'a;touch /tmp/x@example.com' is not a mailbox address"},
        {{"php-mail", "--send-to", "no-at-sign"}, "--send-to: 'no-at-sign' is not a mailbox"},
        {{"php-mail", "--send-to", "a@example.com", "--from", "x y@example.com"},
         "--from: 'x y@example.com' is not a mailbox address"},
        {{"php-mail", "--from", "a@example.com"}, "--from is the test message's sender and needs"},
        {{"php-mail", "--format", "xml"}, "--format: 'xml' is not an output format"},
        {{"php-mail", "--lang", "de"}, "--lang: 'de' is not a language"},
        {{"php-mail", "--nope"}, "unknown option '--nope'"},
        {{"php-mail", "extra"}, "php-mail takes no arguments"},
        {{"php-mail", "--php-ini", ""}, "--php-ini needs a path"},
        {{"php-mail", "--as-user", "two words"}, "--as-user: 'two words' is not a user name"},
    };
    for (const auto& row : rows) {
        CAPTURE(row.message_part);
        const auto got = parse(row.args);
        REQUIRE(std::holds_alternative<cli_error>(got));
        CHECK(std::get<cli_error>(got).message.find(row.message_part) != std::string::npos);
    }
}
