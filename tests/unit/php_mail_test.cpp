// php-mail, the pure half: php -i and php.ini parsing, sendmail_path splitting, MTA naming, the
// verdict and its renderings.
#include "probe/commands/php_mail/php_mail.hpp"

#include <doctest/doctest.h>

#include <boost/json/serialize.hpp>
#include <string>
#include <vector>

using namespace smtp_probe;

namespace {

// Excerpts of `php -i` from PHP 8.2.36 (Debian 12 php8.2-cli), as printed.
constexpr std::string_view php82_info = R"(phpinfo()
PHP Version => 8.2.36

System => Linux host 6.1.0-26-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.112-1 x86_64
Server API => Command Line Interface
Configuration File (php.ini) Path => /etc/php/8.2/cli
Loaded Configuration File => /etc/php/8.2/cli/php.ini

Core

PHP Version => 8.2.36

Directive => Local Value => Master Value
allow_url_fopen => On => On
disable_classes => no value => no value
disable_functions => no value => no value
display_errors => Off => Off
sendmail_from => no value => no value
sendmail_path => /usr/sbin/sendmail -t -i => /usr/sbin/sendmail -t -i
serialize_precision => -1 => -1

standard

Dynamic Library Support => enabled
Path to sendmail => /usr/sbin/sendmail -t -i
)";

constexpr std::string_view hardened_info = R"(Directive => Local Value => Master Value
disable_functions => exec,passthru,shell_exec,system,proc_open,popen,mail => exec,passthru,shell_exec,system,proc_open,popen,mail
sendmail_path => /usr/sbin/sendmail -t -i -f admin@example.com => /usr/sbin/sendmail -t -i
)";

}  // namespace

TEST_CASE("php -i: local value of a directive") {
    struct row {
        std::string_view text;
        std::string_view directive;
        std::optional<std::string> expected;
    };
    const std::vector<row> rows = {
        {php82_info, "sendmail_path", "/usr/sbin/sendmail -t -i"},
        {php82_info, "disable_functions", ""},
        {php82_info, "sendmail_from", ""},
        {php82_info, "mail.add_x_header", std::nullopt},
        {hardened_info, "sendmail_path", "/usr/sbin/sendmail -t -i -f admin@example.com"},
        {hardened_info, "disable_functions",
         "exec,passthru,shell_exec,system,proc_open,popen,mail"},
        // A value holding " => " with equal local and master values splits in the middle.
        {"sendmail_path => /bin/x => y => /bin/x => y\n", "sendmail_path", "/bin/x => y"},
        {"sendmail_path => /bin/a\r\n", "sendmail_path", "/bin/a"},
        {"Path to sendmail => /usr/sbin/sendmail -t -i\n", "sendmail_path", std::nullopt},
    };
    for (const auto& r : rows) {
        CAPTURE(r.directive);
        CHECK(php_info_value(r.text, r.directive) == r.expected);
    }
}

TEST_CASE("php -i: settings") {
    const auto s = settings_from_php_info(php82_info);
    REQUIRE(s.has_value());
    CHECK(s->from == php_mail_settings::origin::php_info);
    CHECK(s->sendmail_path == "/usr/sbin/sendmail -t -i");
    CHECK(s->disable_functions.empty());
    CHECK_FALSE(settings_from_php_info("Could not open input file: -i\n").has_value());
    CHECK(settings_from_php_info(hardened_info)->disable_functions.find("mail") !=
          std::string::npos);
}

TEST_CASE("php.ini: values") {
    constexpr std::string_view ini = R"(; php.ini excerpt
[PHP]
disable_functions = exec,system ; hardening
[mail function]
;sendmail_path = /commented/out
sendmail_path = /usr/sbin/sendmail -t -i
sendmail_path = "/usr/local/bin/msmtp -C '/etc/my msmtprc' -t" ; quoted, with ; inside? no
[HOST=www.example.com]
sendmail_path = /only/for/that/host
)";
    CHECK(php_ini_value(ini, "sendmail_path") == "/usr/local/bin/msmtp -C '/etc/my msmtprc' -t");
    CHECK(php_ini_value(ini, "disable_functions") == "exec,system");
    CHECK_FALSE(php_ini_value(ini, "sendmail_from").has_value());

    struct row {
        std::string_view line;
        std::string_view expected;
    };
    const std::vector<row> rows = {
        {"sendmail_path=/bin/true", "/bin/true"},
        {"  sendmail_path   =   /bin/true -t  ", "/bin/true -t"},
        {"sendmail_path = \"/bin/a;b\"", "/bin/a;b"},
        {"sendmail_path = '/bin/x' ; c", "/bin/x"},
        {"sendmail_path = none", ""},
        {"sendmail_path = Off", ""},
        {"sendmail_path = \"off\"", "off"},
        {"sendmail_path =", ""},
        {"sendmail_path = /bin/a ; comment", "/bin/a"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.line);
        CHECK(php_ini_value(r.line, "sendmail_path") == std::string(r.expected));
    }
}

TEST_CASE("php.ini: settings default sendmail_path when unset") {
    const auto s = settings_from_php_ini("[PHP]\nmemory_limit = 128M\n");
    CHECK(s.from == php_mail_settings::origin::php_ini);
    CHECK(s.sendmail_path == php_default_sendmail_path);
    CHECK(s.sendmail_path_defaulted);
    const auto t = settings_from_php_ini("sendmail_path = /x\ndisable_functions=mail\n");
    CHECK(t.sendmail_path == "/x");
    CHECK_FALSE(t.sendmail_path_defaulted);
    CHECK(t.disable_functions == "mail");
}

TEST_CASE("disable_functions lists mail") {
    CHECK(mail_is_disabled("mail"));
    CHECK(mail_is_disabled("exec,MAIL,system"));
    CHECK(mail_is_disabled("exec mail"));
    CHECK(mail_is_disabled("exec, mail"));
    CHECK_FALSE(mail_is_disabled(""));
    CHECK_FALSE(mail_is_disabled("mailparse_msg_create,imap_mail,mb_send_mail"));
    CHECK_FALSE(mail_is_disabled("exec,system"));
}

TEST_CASE("sendmail_path split like /bin/sh -c") {
    using v = std::vector<std::string>;
    struct row {
        std::string_view path;
        v argv;
        bool too_complex;
    };
    const std::vector<row> rows = {
        {"/usr/sbin/sendmail -t -i", v{"/usr/sbin/sendmail", "-t", "-i"}, false},
        {"  /usr/sbin/sendmail\t-t  ", v{"/usr/sbin/sendmail", "-t"}, false},
        {"/usr/bin/msmtp -C '/etc/my msmtprc' -t",
         v{"/usr/bin/msmtp", "-C", "/etc/my msmtprc", "-t"}, false},
        {"\"/opt/my mail/sendmail\" -t", v{"/opt/my mail/sendmail", "-t"}, false},
        {"/usr/sbin/sendmail -f\\ x", v{"/usr/sbin/sendmail", "-f x"}, false},
        {"/usr/sbin/sendmail -t -i -fwebmaster@example.com",
         v{"/usr/sbin/sendmail", "-t", "-i", "-fwebmaster@example.com"}, false},
        {"sendmail -t", v{"sendmail", "-t"}, false},
        {"", v{}, false},
        {"/usr/sbin/sendmail -t | logger", v{}, true},
        {"/usr/sbin/sendmail -t > /tmp/x", v{}, true},
        {"/usr/sbin/sendmail -t; rm x", v{}, true},
        {"$HOME/bin/sendmail", v{}, true},
        {"\"$HOME/bin/sendmail\"", v{}, true},
        {"`which sendmail` -t", v{}, true},
        {"~/bin/sendmail", v{}, true},
        {"/usr/sbin/sendmail 'unclosed", v{}, true},
        {"LANG=C /usr/sbin/sendmail -t", v{}, true},
        {"/usr/sbin/send* -t", v{}, true},
    };
    for (const auto& r : rows) {
        CAPTURE(r.path);
        const auto cmd = split_sendmail_path(r.path);
        CHECK(cmd.argv == r.argv);
        CHECK(cmd.problem.empty() == !r.too_complex);
    }
}

TEST_CASE("the configuration sendmail_path names: -C DIR, -CDIR, --file=FILE") {
    using v = std::vector<std::string>;
    using o = std::optional<std::string>;
    CHECK(sendmail_config_option(v{"/usr/sbin/sendmail", "-t", "-i"}) == o{});
    CHECK(sendmail_config_option(v{"/usr/sbin/sendmail", "-C", "/etc/postfix-out", "-t"}) ==
          o{"/etc/postfix-out"});
    CHECK(sendmail_config_option(v{"/usr/sbin/sendmail", "-C/etc/postfix-out"}) ==
          o{"/etc/postfix-out"});
    CHECK(sendmail_config_option(v{"/usr/bin/msmtp", "--file=/etc/msmtp-whmcs", "-t"}) ==
          o{"/etc/msmtp-whmcs"});
    CHECK(sendmail_config_option(v{"/usr/sbin/sendmail", "-C", "/a", "-C", "/b"}) == o{"/b"});
    // The program's own name is not an option, and a trailing -C has no value.
    CHECK(sendmail_config_option(v{"-C/not-an-option", "-t"}) == o{});
    CHECK(sendmail_config_option(v{"/usr/sbin/sendmail", "-C"}) == o{});
}

TEST_CASE("the MTA behind sendmail") {
    struct row {
        std::string_view path;
        std::string_view head;
        mta_kind expected;
    };
    const std::vector<row> rows = {
        {"/usr/sbin/exim4", "", mta_kind::exim},
        {"/usr/sbin/exim", "", mta_kind::exim},
        {"/usr/sbin/sendmail.postfix", "", mta_kind::postfix},
        {"/usr/sbin/sendmail.exim", "", mta_kind::exim},
        {"/usr/bin/msmtp", "", mta_kind::msmtp},
        {"/usr/sbin/ssmtp", "", mta_kind::ssmtp},
        {"/usr/sbin/sendmail",
         std::string_view("\x7f"
                          "ELF..postdrop..postfix..",
                          24),
         mta_kind::postfix},
        {"/usr/sbin/sendmail", "ELF .. /etc/msmtprc", mta_kind::msmtp},
        {"/usr/sbin/sendmail", "ELF nothing known", mta_kind::unknown},
        {"/usr/sbin/sendmail.sendmail", "", mta_kind::unknown},
        {"/usr/local/bin/catchmail", "postdrop postfix", mta_kind::unknown},
    };
    for (const auto& r : rows) {
        CAPTURE(r.path);
        CHECK(identify_mta(r.path, r.head) == r.expected);
    }
    CHECK(mta_name(mta_kind::postfix) == "postfix");
}

namespace {

php_mail_settings plain_settings(std::string path = "/usr/sbin/sendmail -t -i",
                                 std::string disabled = "") {
    php_mail_settings s;
    s.sendmail_path = std::move(path);
    s.disable_functions = std::move(disabled);
    return s;
}

sendmail_file_facts good_program() {
    sendmail_file_facts p;
    p.path = "/usr/sbin/sendmail";
    p.resolved = "/usr/sbin/exim4";
    p.regular = true;
    p.executable = true;
    p.mode = 04755;
    p.owner = "root (0)";
    p.group = "root (0)";
    p.user = "www-data (33)";
    return p;
}

std::vector<std::string> step_names(const php_mail_report& r) {
    std::vector<std::string> names;
    for (const auto& s : r.steps) {
        names.push_back(s.name);
    }
    return names;
}

}  // namespace

TEST_CASE("verdict: all good") {
    php_mail_facts f;
    f.settings = plain_settings();
    f.program = good_program();
    f.mta = mta_kind::exim;
    f.mta_checks.push_back(
        {"exim -bV", mta_check::result::pass, {verbatim_note("Exim version 4.96 #2")}});
    const auto r = judge_php_mail(f);
    CHECK(r.ok());
    CHECK_FALSE(r.warned);
    CHECK(php_mail_exit_code(r) == 0);
    CHECK(step_names(r) == std::vector<std::string>{"disable_functions", "sendmail_path",
                                                    "sendmail_exists", "sendmail_executable", "mta",
                                                    "exim -bV"});
    CHECK(r.steps[2].detail() == "/usr/sbin/sendmail -> /usr/sbin/exim4");
    CHECK(r.steps[3].detail() ==
          "mode 4755, owner root (0), group root (0); checked as www-data (33)");
}

TEST_CASE("verdict: each cause") {
    SUBCASE("mail disabled") {
        php_mail_facts f;
        f.settings = plain_settings("/usr/sbin/sendmail -t -i", "exec,mail");
        f.program = good_program();
        f.mta = mta_kind::exim;
        const auto r = judge_php_mail(f);
        CHECK(r.cause == probe_errc::mail_disabled);
        CHECK(r.steps.front().state == php_mail_step::status::fail);
        CHECK(php_mail_exit_code(r) == 2);
    }
    SUBCASE("empty sendmail_path") {
        php_mail_facts f;
        f.settings = plain_settings("");
        const auto r = judge_php_mail(f);
        CHECK(r.cause == probe_errc::sendmail_missing);
        CHECK(step_names(r) == std::vector<std::string>{"disable_functions", "sendmail_path"});
    }
    SUBCASE("missing program") {
        php_mail_facts f;
        f.settings = plain_settings();
        f.program = sendmail_file_facts{};
        f.program->path = "/usr/sbin/sendmail";
        f.program->stat_errno = ENOENT;
        const auto r = judge_php_mail(f);
        CHECK(r.cause == probe_errc::sendmail_missing);
        CHECK(r.steps.back().name == "sendmail_exists");
        CHECK(r.steps.back().detail() == "/usr/sbin/sendmail: No such file or directory");
    }
    SUBCASE("not executable") {
        php_mail_facts f;
        f.settings = plain_settings();
        f.program = good_program();
        f.program->executable = false;
        f.program->mode = 0644;
        const auto r = judge_php_mail(f);
        CHECK(r.cause == probe_errc::sendmail_not_executable);
        CHECK(r.steps.back().detail().rfind("not executable: mode 0644", 0) == 0);
    }
    SUBCASE("the MTA check fails") {
        php_mail_facts f;
        f.settings = plain_settings();
        f.program = good_program();
        f.mta = mta_kind::postfix;
        f.mta_checks.push_back(
            {"postfix status", mta_check::result::fail, {verbatim_note("exit 1")}});
        f.mta_checks.push_back({"postdrop", mta_check::result::pass, {verbatim_note("ok")}});
        const auto r = judge_php_mail(f);
        CHECK(r.cause == probe_errc::sendmail_failed);
        CHECK(r.steps.back().name == "postdrop");  // later checks are still shown
    }
    SUBCASE("too complex to judge") {
        php_mail_facts f;
        f.settings = plain_settings("/usr/sbin/sendmail -t | tee /tmp/log");
        const auto r = judge_php_mail(f);
        CHECK(r.ok());
        CHECK(r.warned);
        CHECK(php_mail_exit_code(r) == 1);
        CHECK(r.steps.back().state == php_mail_step::status::warn);
    }
    SUBCASE("unknown MTA") {
        php_mail_facts f;
        f.settings = plain_settings();
        f.program = good_program();
        f.mta = mta_kind::unknown;
        const auto r = judge_php_mail(f);
        CHECK(r.ok());
        CHECK(php_mail_exit_code(r) == 1);
    }
}

TEST_CASE("php-mail JSON and text") {
    php_mail_facts f;
    f.settings = plain_settings("/usr/sbin/sendmail -t -i", "mail");
    f.program = good_program();
    const auto r = judge_php_mail(f);
    const auto json = boost::json::serialize(php_mail_json(r));
    CHECK(json.find(R"("php":{"source":"php -i","sendmail_path":"/usr/sbin/sendmail -t -i")") !=
          std::string::npos);
    CHECK(json.find(R"("ok":false,"category":"instantiate_mail","cause":"mail_disabled")") !=
          std::string::npos);
    CHECK(
        json.find(
            R"({"name":"disable_functions","status":"fail","detail":"mail is listed in disable_functions = mail"})") !=
        std::string::npos);

    const auto en = render_php_mail_text(r, language::en);
    CHECK(en.find("✗ disable_functions") != std::string::npos);
    CHECK(en.find("✓ sendmail_path") != std::string::npos);
    CHECK(en.find(std::string(describe(probe_errc::mail_disabled, language::en).title)) !=
          std::string::npos);
    CHECK(en.find("[mail_disabled]") != std::string::npos);
    const auto zh = render_php_mail_text(r, language::zh);
    CHECK(zh.find(std::string(describe(probe_errc::mail_disabled, language::zh).why)) !=
          std::string::npos);
    CHECK(zh.find("Could not instantiate mail function") != std::string::npos);

    f.settings.disable_functions = "\x1b[31mexec";
    f.mta = mta_kind::exim;
    const auto ok = judge_php_mail(f);
    const auto ok_json = boost::json::serialize(php_mail_json(ok));
    CHECK(ok_json.find(R"("ok":true,"category":"ok","cause":null,"held":false)") !=
          std::string::npos);
    CHECK(ok_json.find("\\x1B[31mexec") != std::string::npos);
    CHECK(ok_json.find('\x1b') == std::string::npos);
}

TEST_CASE("zh: the step details are Chinese; paths and modes stay as they are") {
    php_mail_facts f;
    f.settings = plain_settings("/usr/sbin/sendmail -t -i", "exec,system");
    f.program = good_program();
    f.program->executable = false;
    f.program->mode = 0644;
    const auto zh = render_php_mail_text(judge_php_mail(f), language::zh);
    CHECK(zh.find("mail 不在 exec,system 之中") != std::string::npos);
    CHECK(zh.find("没有执行权限：权限 0644，所有者 root (0)，属组 root (0)；检查时的身份为 "
                  "www-data (33)") != std::string::npos);
    for (const char* english : {"not executable", "mode 0644", "checked as", "is not among"}) {
        CAPTURE(english);
        CHECK(zh.find(english) == std::string::npos);
    }

    f.settings = plain_settings("/usr/sbin/sendmail -t | tee /tmp/log");
    const auto complex = judge_php_mail(f);
    CHECK(complex.steps.back().detail(language::en) ==
          "/usr/sbin/sendmail -t | tee /tmp/log: too complex to judge, check it by hand; it uses "
          "the shell syntax '|'");
    CHECK(complex.steps.back().detail(language::zh) ==
          "/usr/sbin/sendmail -t | tee /tmp/log：过于复杂，无法自动判断，请手动检查；使用了 shell "
          "语法“|”");
}
