// php-mail --send-to against fake sendmail programs (shell scripts in a temp dir): what reaches
// the program's stdin, failures, a hanging program, the real PHP when installed, odd addresses
// that must never reach a shell, and a Chinese report without English sentences.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "probe/commands/command_line.hpp"
#include "probe/commands/php_mail/php_mail_command.hpp"
#include "probe/commands/php_mail/php_mail_run.hpp"
#include "tests/unit/temp_dir.hpp"

using namespace smtp_probe;
namespace fs = std::filesystem;
using std::chrono::milliseconds;

namespace {

constexpr milliseconds timeout{5000};
constexpr const char* no_php = "/nonexistent/php-for-smtp-probe-tests";
constexpr const char* subject_line = "Subject: smtp-probe test message (PHP mail)";

using testing::temp_dir;

/// A sendmail that saves its stdin to saved.eml and its arguments to args, then runs `tail`.
fs::path fake_sendmail(const temp_dir& dir, const std::string& tail = "exit 0\n") {
    const auto d = dir.path.string();
    return dir.write(
        "fake-sendmail",
        "#!/bin/sh\nprintf '%s\\n' \"$@\" > '" + d + "/args'\ncat > '" + d + "/saved.eml'\n" + tail,
        0755);
}

fs::path ini_for(const temp_dir& dir, const fs::path& program, const std::string& extra = "") {
    return dir.write(
        "php.ini", extra + "[mail function]\nsendmail_path = \"" + program.string() + " -t -i\"\n");
}

struct run_output {
    int code = -1;
    std::string out;
    std::string err;
};

run_output run(const php_mail_command& cmd) {
    std::ostringstream out, err;
    run_output r;
    r.code = run_php_mail(cmd, out, err);
    r.out = out.str();
    r.err = err.str();
    return r;
}

php_mail_command send_command(const fs::path& ini, const std::string& to, bool json,
                              const char* php = no_php) {
    php_mail_command cmd;
    cmd.php_binary = php;
    cmd.php_ini = ini.string();
    cmd.send_to = to;
    cmd.output.fmt = json ? output_options::format::json : output_options::format::text;
    cmd.output.lang = "en";
    return cmd;
}

bool php_installed() {
    const auto r = run_process({"php", "-v"}, timeout, 4096);
    return r.spawn_errno == 0 && r.exited && r.exit_code == 0;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("run_process feeds stdin, and survives a child that stops reading") {
    auto r = run_process({"/bin/cat"}, timeout, 4096, std::string_view("line one\nline two\n"));
    CHECK(r.exited);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "line one\nline two\n");

    const std::string big(1 << 20, 'x');  // more than a pipe holds
    r = run_process({"/bin/sh", "-c", "head -c 10 >/dev/null; exit 4"}, timeout, 4096,
                    std::string_view(big));
    CHECK(r.exited);
    CHECK(r.exit_code == 4);

    r = run_process({"/bin/sh", "-c", "exec 0<&-; sleep 5"}, milliseconds{300}, 4096,
                    std::string_view(big));
    CHECK(r.timed_out);

    r = run_process({"/bin/sh", "-c", "wc -c"}, timeout, 4096, std::string_view());
    CHECK(r.out.find('0') != std::string::npos);  // empty input: EOF at once
}

TEST_CASE("the message PHP would write on sendmail's stdin") {
    const auto m =
        build_php_test_message("admin@example.com", std::string("billing@example.com"), 1764064800);
    const auto text = sendmail_input(m);
    CHECK(text.rfind("To: admin@example.com\nSubject: smtp-probe test message (PHP mail)\n", 0) ==
          0);
    CHECK(contains(text, "\nFrom: billing@example.com\n"));
    CHECK(contains(text, "\nDate: Tue, 25 Nov 2025 10:00:00 +0000\n"));
    CHECK(contains(text, "\nAuto-Submitted: auto-generated\n"));
    CHECK(contains(text, "\n\nThis message was sent by smtp-probe php-mail"));
    CHECK_FALSE(contains(text, "\r"));
    CHECK(text.back() == '\n');
    const auto no_from = build_php_test_message("admin@example.com", std::nullopt, 0);
    CHECK_FALSE(contains(sendmail_input(no_from), "From:"));
}

TEST_CASE("no PHP: sendmail_path gets the message on stdin and exits 0: sent") {
    temp_dir dir;
    const auto ini = ini_for(dir, fake_sendmail(dir));
    auto cmd = send_command(ini, "admin@example.com", false);
    cmd.from = "billing@example.com";
    const auto r = run(cmd);
    CHECK(r.code == 0);
    CHECK(r.err.empty());
    const auto saved = dir.read("saved.eml");
    CHECK(saved.rfind("To: admin@example.com\n", 0) == 0);
    CHECK(contains(saved, std::string("\n") + subject_line + "\n"));
    CHECK(contains(saved, "\nAuto-Submitted: auto-generated\n"));
    CHECK(contains(saved, "\nFrom: billing@example.com\n"));
    CHECK(contains(saved, "\n\nThis message was sent by smtp-probe php-mail, on request"));
    CHECK(dir.read("args") == "-t\n-i\n");
    CHECK(contains(r.out, "✓ send                   " + (dir.path / "fake-sendmail").string() +
                              " -t -i took the test message to admin@example.com and exited 0"));
    CHECK(contains(r.out,
                   "✓ PHP mail() works: the sendmail program accepted the test message to "
                   "admin@example.com"));

    const auto j = run(send_command(ini, "admin@example.com", true));
    CHECK(j.code == 0);
    const auto doc = boost::json::parse(j.out).as_object();
    const auto& send = doc.at("send").as_object();
    CHECK(send.at("status").as_string() == "sent");
    CHECK(send.at("via").as_string() == "sendmail_path");
    CHECK(send.at("to").as_string() == "admin@example.com");
    CHECK(send.at("from").is_null());
    CHECK(send.at("exit_code").as_int64() == 0);
    CHECK(send.at("timed_out").as_bool() == false);
    CHECK(doc.at("ok").as_bool());
    CHECK(doc.at("cause").is_null());
}

TEST_CASE("no PHP: sendmail exits 75 with a complaint: sendmail_failed, with the evidence") {
    temp_dir dir;
    const auto ini = ini_for(
        dir,
        fake_sendmail(dir, "echo 'sendmail: cannot connect to queue: try later' >&2\nexit 75\n"));
    const auto r = run(send_command(ini, "admin@example.com", false));
    CHECK(r.code == 2);
    CHECK(contains(r.out, "✗ send"));
    CHECK(contains(r.out,
                   "did not take the test message; exit 75: sendmail: cannot connect to "
                   "queue: try later"));
    CHECK(contains(r.out, "[sendmail_failed]"));

    const auto j = run(send_command(ini, "admin@example.com", true));
    CHECK(j.code == 2);
    const auto doc = boost::json::parse(j.out).as_object();
    CHECK(doc.at("cause").as_string() == "sendmail_failed");
    CHECK(doc.at("category").as_string() == "instantiate_mail");
    const auto& send = doc.at("send").as_object();
    CHECK(send.at("status").as_string() == "failed");
    CHECK(send.at("exit_code").as_int64() == 75);
    CHECK(send.at("signal").is_null());
    CHECK(contains(std::string(send.at("detail").as_string()),
                   "exit 75: sendmail: cannot connect to queue: try later"));

    SUBCASE("zh: the report is Chinese throughout; values stay as they are") {
        auto cmd = send_command(ini, "admin@example.com", false);
        cmd.output.lang = "zh";
        const auto zh = run(cmd);
        CHECK(zh.code == 2);
        CHECK(contains(zh.out, "未禁用任何函数"));
        CHECK(contains(zh.out, "权限 0755"));
        CHECK(contains(zh.out, "检查时的身份为"));
        CHECK(contains(zh.out,
                       "没有接收测试邮件；退出码 75：sendmail: cannot connect to queue: "
                       "try later"));
        CHECK(contains(zh.out, "sendmail_path 所指的程序不是 Exim"));
        for (const char* english :
             {"nothing disabled", "mode 0755", "checked as", "did not take the test message",
              "exit 75", "the program behind sendmail_path", "service was not checked"}) {
            CAPTURE(english);
            CHECK_FALSE(contains(zh.out, english));
        }
    }
}

TEST_CASE("a sendmail that hangs is killed at the timeout and reported so") {
    temp_dir dir;
    const auto ini = ini_for(dir, fake_sendmail(dir, "sleep 30\n"));
    auto cmd = send_command(ini, "admin@example.com", true);
    cmd.send_timeout = milliseconds{300};
    const auto started = std::chrono::steady_clock::now();
    const auto r = run(cmd);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds{10});
    CHECK(r.code == 2);
    const auto doc = boost::json::parse(r.out).as_object();
    CHECK(doc.at("cause").as_string() == "sendmail_failed");
    const auto& send = doc.at("send").as_object();
    CHECK(send.at("status").as_string() == "failed");
    CHECK(send.at("timed_out").as_bool());
    CHECK(send.at("exit_code").is_null());
    CHECK(contains(std::string(send.at("detail").as_string()), "no result after 300 ms; killed"));
}

TEST_CASE("a check failed: nothing is sent, and the report says why") {
    temp_dir dir;
    const auto prog = fake_sendmail(dir);
    ::chmod(prog.c_str(), 0644);
    const auto r = run(send_command(ini_for(dir, prog), "admin@example.com", true));
    CHECK(r.code == 2);
    CHECK_FALSE(dir.exists("saved.eml"));
    const auto doc = boost::json::parse(r.out).as_object();
    CHECK(doc.at("cause").as_string() == "sendmail_not_executable");
    const auto& send = doc.at("send").as_object();
    CHECK(send.at("status").as_string() == "not_sent");
    CHECK(send.at("detail").as_string() ==
          "not sent, because the check sendmail_executable failed and mail() would fail the same "
          "way");
}

TEST_CASE("an odd but accepted address never reaches a shell") {
    temp_dir dir;
    const auto ini = ini_for(dir, fake_sendmail(dir));
    // Backquotes, '$', '{', '}' and '/' are all atext (RFC 5321 section 4.1.2), so this is a
    // valid address that a shell would run.
    const auto odd = "`touch${IFS}" + (dir.path / "pwned").string() + "`@x.test";

    cli_environment env;
    env.getenv = [](const char*) -> const char* { return nullptr; };
    std::vector<const char*> args{"smtp-probe", "php-mail", "--send-to", odd.c_str()};
    const auto parsed = parse_command_line(static_cast<int>(args.size()), args.data(), env);
    REQUIRE(holds_command<php_mail_command>(parsed));
    // "$(...)" is not: '(' and ')' are no atext.
    std::vector<const char*> refused{"smtp-probe", "php-mail", "--send-to", "$(id)@x.test"};
    CHECK(std::holds_alternative<cli_error>(
        parse_command_line(static_cast<int>(refused.size()), refused.data(), env)));

    const auto r = run(send_command(ini, odd, false));
    CHECK(r.code == 0);
    CHECK(dir.read("saved.eml").rfind("To: " + odd + "\n", 0) == 0);
    CHECK(dir.read("args") == "-t\n-i\n");  // the address is not on the command line
    CHECK_FALSE(dir.exists("pwned"));

    if (php_installed()) {
        fs::remove(dir.path / "saved.eml");
        const auto p = run(send_command(ini, odd, false, "php"));
        CHECK(p.code == 0);
        CHECK(dir.read("saved.eml").rfind("To: " + odd, 0) == 0);
        CHECK_FALSE(dir.exists("pwned"));
    }
}

TEST_CASE("the real PHP calls mail() (skipped without PHP)") {
    if (!php_installed()) {
        MESSAGE("php not installed: skipped");
        return;
    }
    temp_dir dir;
    const auto prog = fake_sendmail(dir);

    SUBCASE("mail() delivers to the fake sendmail") {
        auto cmd = send_command(ini_for(dir, prog), "admin@example.com", true, "php");
        cmd.from = "billing@example.com";
        const auto r = run(cmd);
        CHECK(r.code == 0);
        const auto doc = boost::json::parse(r.out).as_object();
        CHECK(doc.at("php").at("source").as_string() == "php -i");
        const auto& send = doc.at("send").as_object();
        CHECK(send.at("via").as_string() == "php");
        CHECK(send.at("status").as_string() == "sent");
        CHECK(send.at("from").as_string() == "billing@example.com");
        const auto saved = dir.read("saved.eml");
        CHECK(saved.rfind("To: admin@example.com", 0) == 0);
        CHECK(contains(saved, subject_line));
        CHECK(contains(saved, "Auto-Submitted: auto-generated"));
        CHECK(contains(saved, "From: billing@example.com"));
        CHECK(contains(saved, "This message was sent by smtp-probe php-mail"));
    }
    SUBCASE("disable_functions = mail: not sent, the cause names it") {
        const auto r =
            run(send_command(ini_for(dir, prog, "[PHP]\ndisable_functions = exec,mail\n"),
                             "admin@example.com", true, "php"));
        CHECK(r.code == 2);
        CHECK_FALSE(dir.exists("saved.eml"));
        const auto doc = boost::json::parse(r.out).as_object();
        CHECK(doc.at("cause").as_string() == "mail_disabled");
        CHECK(doc.at("send").at("status").as_string() == "not_sent");
        CHECK(contains(std::string(doc.at("send").at("detail").as_string()),
                       "the check disable_functions failed"));
    }
    SUBCASE("PHP itself refuses: mail() is not defined") {
        // The checks saw no disable_functions (as when php-fpm and the CLI read different
        // php.ini files); PHP, given the one that disables mail, says so.
        const auto ini = ini_for(dir, prog, "[PHP]\ndisable_functions = mail\n");
        php_mail_settings s;
        s.from = php_mail_settings::origin::php_info;
        s.sendmail_path = prog.string() + " -t -i";
        const auto send =
            send_php_test_message(s, {"admin@example.com", std::nullopt, "php", ini.string()});
        CHECK(send.result == php_mail_send::outcome::failed);
        CHECK(send.cause == probe_errc::mail_disabled);
        CHECK(send.exit_code == std::optional<int>(php_send_exit_disabled));
        CHECK(render_notes(send.detail, language::en) ==
              "PHP has no mail() function: it is disabled; exit 3: mail() is not defined");
        CHECK_FALSE(dir.exists("saved.eml"));
    }
    SUBCASE("the sendmail program fails: mail() returns false, PHP's words are the evidence") {
        const auto failing =
            dir.write("failing-sendmail",
                      "#!/bin/sh\ncat >/dev/null\necho 'queue full' >&2\nexit 75\n", 0755);
        php_mail_settings s;
        s.from = php_mail_settings::origin::php_info;
        s.sendmail_path = failing.string();
        const auto send = send_php_test_message(
            s, {"admin@example.com", std::nullopt, "php", ini_for(dir, failing).string()});
        CHECK(send.result == php_mail_send::outcome::failed);
        CHECK(send.cause == probe_errc::sendmail_failed);
        CHECK(send.exit_code == std::optional<int>(php_send_exit_false));
        const auto detail = render_notes(send.detail, language::en);
        CHECK(detail.rfind("mail() returned false; exit 1", 0) == 0);
    }
    SUBCASE("a hanging sendmail under PHP is killed with PHP") {
        const auto hang = dir.write("hang-sendmail", "#!/bin/sh\nsleep 30\n", 0755);
        php_mail_settings s;
        s.from = php_mail_settings::origin::php_info;
        s.sendmail_path = hang.string();
        php_send_request req{"admin@example.com", std::nullopt, "php", ini_for(dir, hang).string()};
        req.timeout = milliseconds{1500};
        const auto send = send_php_test_message(s, req);
        CHECK(send.result == php_mail_send::outcome::failed);
        CHECK(send.timed_out);
        CHECK(render_notes(send.detail, language::en) == "no result after 1500 ms; killed");
    }
}
