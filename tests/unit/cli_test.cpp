#include <doctest/doctest.h>

#include "tests/unit/cli_test_env.hpp"

#include "tests/unit/temp_file.hpp"

#include <unistd.h>

#include <chrono>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "probe/cli/option_rules.hpp"
#include "probe/commands/check/check_command.hpp"
#include "probe/commands/command_line.hpp"

using namespace smtp_probe;
using smtp_probe::testing::fake_env;
using smtp_probe::testing::temp_file;
using std::chrono::milliseconds;

namespace {

cli_result run(std::initializer_list<std::string> args, const cli_environment& env) {
    std::vector<std::string> words{"smtp-probe"};
    words.insert(words.end(), args.begin(), args.end());
    std::vector<const char*> argv;
    argv.reserve(words.size());
    for (const auto& w : words) {
        argv.push_back(w.c_str());
    }
    return parse_command_line(static_cast<int>(argv.size()), argv.data(), env);
}

cli_result run(std::initializer_list<std::string> args) {
    return run(args, fake_env());
}

check_command command_of(cli_result r) {
    if (auto* e = std::get_if<cli_error>(&r)) {
        FAIL("unexpected error: " << e->message);
    }
    REQUIRE(options_of<check_command>(r) != nullptr);
    return std::move(options_in<check_command>(r));
}

std::string error_of(const cli_result& r) {
    if (std::holds_alternative<std::unique_ptr<command>>(r)) {
        FAIL("expected an error, got a command");
    }
    REQUIRE(std::holds_alternative<cli_error>(r));
    return std::get<cli_error>(r).message;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("the example from the issue") {
    auto cmd = command_of(run(
        {"check", "mail.example.com", "--port", "587", "--security", "starttls", "--user",
         "billing@example.com", "--password-env", "SMTP_PASSWORD", "--from", "billing@example.com"},
        fake_env({{"SMTP_PASSWORD", "s3cret"}})));
    const auto& r = cmd.request;
    CHECK(r.host == "mail.example.com");
    CHECK(r.port == 587);
    CHECK(r.security == security_mode::starttls);
    CHECK(r.user == "billing@example.com");
    CHECK(r.password.reveal() == "s3cret");
    CHECK(r.oauth_token.empty());
    CHECK(r.from == "billing@example.com");
    CHECK_FALSE(r.rcpt.has_value());
    CHECK(r.effective_rcpt() == "billing@example.com");
    CHECK(r.timeouts.connect == milliseconds(10'000));
    CHECK(r.timeouts.reply == milliseconds(30'000));
    CHECK(r.deadline == milliseconds(120'000));
    CHECK(r.family == address_family::any);
    CHECK(r.cert_warn_days == 14);
    CHECK_FALSE(r.insecure);
    CHECK(cmd.notices.empty());
    CHECK(cmd.output.fmt == output_options::format::text);
    CHECK(cmd.output.lang == "en");
    CHECK(cmd.output.log_level == "warn");
    CHECK(cmd.output.color == output_options::color_mode::automatic);
}

TEST_CASE("host forms on the command line") {
    struct host_case {
        std::initializer_list<std::string> args;
        const char* host;
        std::uint16_t port;
    };
    const host_case cases[] = {
        {{"check", "mail.example.com"}, "mail.example.com", 587},
        {{"check", "1.2.3.4"}, "1.2.3.4", 587},
        {{"check", "1.2.3.4:25"}, "1.2.3.4", 25},
        {{"check", "::1"}, "::1", 587},
        {{"check", "[::1]"}, "::1", 587},
        {{"check", "[::1]:465"}, "::1", 465},
        {{"check", "::1", "--port", "587"}, "::1", 587},
        {{"check", "mail.example.com:2525", "--port", "2525"}, "mail.example.com", 2525},
    };
    for (const auto& c : cases) {
        CAPTURE(*(c.args.begin() + 1));
        auto cmd = command_of(run(c.args));
        CHECK(cmd.request.host == c.host);
        CHECK(cmd.request.port == c.port);
    }

    const auto ambiguous = error_of(run({"check", "::1:587"}));
    CHECK(contains(ambiguous, "[::1]:587"));
    CHECK(contains(ambiguous, "::1 --port 587"));
    CHECK(contains(error_of(run({"check", "[::1"})), "without a closing ']'"));
    CHECK(contains(error_of(run({"check", ""})), "the host is empty"));
    CHECK(contains(error_of(run({"check"})), "HOST is missing"));

    const auto disagree = error_of(run({"check", "mail.example.com:25", "--port", "587"}));
    CHECK(contains(disagree, "(25)"));
    CHECK(contains(disagree, "--port 587 disagree"));
}

TEST_CASE("port and security defaults follow each other") {
    struct mode_case {
        std::initializer_list<std::string> args;
        std::uint16_t port;
        security_mode security;
    };
    using sm = security_mode;
    const mode_case cases[] = {
        {{"check", "h.example"}, 587, sm::starttls},
        {{"check", "h.example", "--port", "465"}, 465, sm::tls},
        {{"check", "h.example", "--port", "587"}, 587, sm::starttls},
        {{"check", "h.example", "--port", "25"}, 25, sm::automatic},
        {{"check", "h.example", "--port", "2525"}, 2525, sm::automatic},
        {{"check", "h.example:465"}, 465, sm::tls},
        {{"check", "h.example", "--security", "tls"}, 465, sm::tls},
        {{"check", "h.example", "--security", "starttls"}, 587, sm::starttls},
        {{"check", "h.example", "--security", "none"}, 25, sm::none},
        {{"check", "h.example", "--security", "auto"}, 25, sm::automatic},
        {{"check", "h.example", "--security", "TLS"}, 465, sm::tls},
        {{"check", "h.example", "--port", "2525", "--security", "tls"}, 2525, sm::tls},
        {{"check", "h.example", "--port", "465", "--security", "starttls"}, 465, sm::starttls},
        {{"check", "h.example", "--ssl-type", "ssl"}, 465, sm::tls},
        {{"check", "h.example", "--ssl-type", "SSL"}, 465, sm::tls},
        {{"check", "h.example", "--ssl-type", "TLS"}, 587, sm::starttls},
        {{"check", "h.example", "--ssl-type", "None"}, 25, sm::automatic},
        {{"check", "h.example", "--ssl-type", "none", "--security", "auto"}, 25, sm::automatic},
        {{"check", "h.example", "--ssl-type", "tls", "--security", "starttls"}, 587, sm::starttls},
        {{"check", "h.example", "--ssl-type", "none", "--port", "587"}, 587, sm::automatic},
    };
    for (const auto& c : cases) {
        std::string joined;
        for (const auto& a : c.args) {
            joined += a + " ";
        }
        CAPTURE(joined);
        auto cmd = command_of(run(c.args));
        CHECK(cmd.request.port == c.port);
        CHECK(cmd.request.security == c.security);
        CHECK(cmd.notices.empty());
    }
}

TEST_CASE("--ssl-type marks the request as WHMCS's settings; --security does not") {
    CHECK(command_of(run({"check", "h.example", "--ssl-type", "none"})).request.whmcs_settings);
    CHECK(command_of(run({"check", "h.example", "--ssl-type", "ssl"})).request.whmcs_settings);
    CHECK_FALSE(
        command_of(run({"check", "h.example", "--security", "auto"})).request.whmcs_settings);
    CHECK_FALSE(command_of(run({"check", "h.example"})).request.whmcs_settings);
}

TEST_CASE("implicit TLS on port 25 is allowed with a notice") {
    auto cmd = command_of(run({"check", "h.example", "--ssl-type", "ssl", "--port", "25"}));
    CHECK(cmd.request.port == 25);
    CHECK(cmd.request.security == security_mode::tls);
    REQUIRE(cmd.notices.size() == 1);
    CHECK(contains(cmd.notices[0], "port 25 rarely speaks TLS first"));

    auto via_host = command_of(run({"check", "h.example:25", "--security", "tls"}));
    CHECK(via_host.notices.size() == 1);
}

TEST_CASE("--security and --ssl-type that disagree are refused") {
    const auto e1 =
        error_of(run({"check", "h.example", "--security", "starttls", "--ssl-type", "ssl"}));
    CHECK(contains(e1, "--security starttls and --ssl-type ssl disagree"));
    CHECK(contains(e1, "--security tls"));
    CHECK(
        contains(error_of(run({"check", "h.example", "--security", "none", "--ssl-type", "none"})),
                 "--ssl-type none means --security auto"));
    const auto bad_type = error_of(run({"check", "h.example", "--ssl-type", "starttls"}));
    CHECK(contains(bad_type, "'starttls' is not a WHMCS SSL type"));
    const auto bad_mode = error_of(run({"check", "h.example", "--security", "ssl"}));
    CHECK(contains(bad_mode, "'ssl' is not a security mode; use none, auto, starttls or tls"));
}

TEST_CASE("bad port values name the value and the range") {
    for (std::string bad : {"0", "70000", "abc", "-1", "65536", " 25"}) {
        CAPTURE(bad);
        const auto error = error_of(run({"check", "h.example", "--port", bad}));
        CHECK(contains(error, "--port '" + bad + "'"));
        CHECK(contains(error, "1 to 65535"));
    }
}

TEST_CASE("an empty --port value") {
    CHECK(contains(error_of(run({"check", "h.example", "--port", ""})),
                   "--port: the port is empty; use a number from 1 to 65535"));
}

TEST_CASE("password from an environment variable") {
    auto cmd = command_of(run({"check", "h.example", "--user", "bob", "--password-env", "PW"},
                              fake_env({{"PW", "from-env"}})));
    CHECK(cmd.request.password.reveal() == "from-env");
    CHECK(cmd.request.user == "bob");
    CHECK_FALSE(cmd.request.from.has_value());  // "bob" is not an address

    const auto missing =
        error_of(run({"check", "h.example", "--user", "bob", "--password-env", "SMTP_PASSWORD"}));
    CHECK(contains(missing, "--password-env"));
    CHECK(contains(missing, "SMTP_PASSWORD is not set"));
    const auto empty =
        error_of(run({"check", "h.example", "--user", "bob", "--password-env", "SMTP_PASSWORD"},
                     fake_env({{"SMTP_PASSWORD", ""}})));
    CHECK(contains(empty, "SMTP_PASSWORD is empty"));
}

TEST_CASE("password from a file") {
    temp_file pw("file-secret\r\nignored\n");
    auto cmd = command_of(
        run({"check", "h.example", "--user", "bob@example.com", "--password-file", pw.path()}));
    CHECK(cmd.request.password.reveal() == "file-secret");
    CHECK(cmd.request.from == "bob@example.com");

    const auto missing = error_of(
        run({"check", "h.example", "--user", "bob", "--password-file", "/nonexistent/pw"}));
    CHECK(contains(missing, "--password-file: cannot read '/nonexistent/pw'"));
    temp_file empty("\n");
    const auto empty_error =
        error_of(run({"check", "h.example", "--user", "bob", "--password-file", empty.path()}));
    CHECK(contains(empty_error, "is empty"));
}

TEST_CASE("password from the prompt, only on a terminal") {
    auto env = fake_env();
    std::string asked;
    int calls = 0;
    env.prompt_secret = [&](std::string_view prompt) -> std::optional<std::string> {
        asked = std::string(prompt);
        ++calls;
        return "typed-secret";
    };
    env.stdin_is_terminal = true;
    auto cmd = command_of(run({"check", "h.example", "--user", "bob@example.com"}, env));
    CHECK(cmd.request.password.reveal() == "typed-secret");
    CHECK(asked == "Password for bob@example.com: ");
    CHECK(calls == 1);

    // A mistake elsewhere is reported before anyone is asked for a password.
    calls = 0;
    CHECK(contains(error_of(run({"check", "h.example", "--user", "bob", "--port", "0"}, env)),
                   "--port"));
    CHECK(contains(error_of(run({"check", "h.example", "--user", "bob", "--format", "xml"}, env)),
                   "--format"));
    CHECK(calls == 0);

    env.prompt_secret = [](std::string_view) { return std::optional<std::string>(); };
    CHECK(contains(error_of(run({"check", "h.example", "--user", "bob"}, env)),
                   "nothing was entered"));

    const auto no_terminal = error_of(run({"check", "h.example", "--user", "bob"}));
    CHECK(no_terminal == "no password source: use --password-env or --password-file");
}

TEST_CASE("a password in argv is refused without repeating it") {
    for (auto args :
         {std::initializer_list<std::string>{"check", "h.example", "--user", "bob", "--password",
                                             "hunter2"},
          std::initializer_list<std::string>{"check", "h.example", "--password=hunter2"},
          std::initializer_list<std::string>{"check", "--pass", "hunter2", "h.example"},
          std::initializer_list<std::string>{"--password", "hunter2"}}) {
        const auto error = error_of(run(args));
        CHECK(contains(error, "there is no '--pass"));
        CHECK(contains(error, "process list"));
        CHECK(contains(error, "--password-env"));
        CHECK(contains(error, "--password-file"));
        CHECK_FALSE(contains(error, "hunter2"));
    }
    // The option name is the user's text too: control characters never reach the terminal.
    const auto escaped = error_of(run({"check", "--pass\x1b[2J", "h.example"}));
    CHECK_FALSE(contains(escaped, "\x1b"));
    CHECK(contains(escaped, "--pass?[2J"));
    const auto token = error_of(run({"check", "h.example", "--oauth-token", "ya29.secret"}));
    CHECK(contains(token, "--oauth-token-env"));
    CHECK_FALSE(contains(token, "ya29"));
}

TEST_CASE("OAuth tokens and mechanisms") {
    auto cmd = command_of(run({"check", "smtp.gmail.com", "--user", "me@gmail.com",
                               "--oauth-token-env", "TOKEN", "--auth-mech", "xoauth2"},
                              fake_env({{"TOKEN", "ya29.token"}})));
    CHECK(cmd.request.oauth_token.reveal() == "ya29.token");
    CHECK(cmd.request.password.empty());
    CHECK(cmd.request.forced_mechanism == auth_mechanism::xoauth2);

    temp_file token("file-token\n");
    auto from_file =
        command_of(run({"check", "h.example", "--user", "me", "--oauth-token-file", token.path()}));
    CHECK(from_file.request.oauth_token.reveal() == "file-token");

    const auto both = error_of(run({"check", "h.example", "--user", "me", "--password-env", "PW",
                                    "--oauth-token-env", "TOKEN"},
                                   fake_env({{"PW", "p"}, {"TOKEN", "t"}})));
    CHECK(contains(both, "not both"));
    CHECK(contains(error_of(run({"check", "h.example", "--user", "me", "--password-env", "PW",
                                 "--password-file", "/tmp/x"})),
                   "give only one"));
    CHECK(contains(
        error_of(run({"check", "h.example", "--password-env", "PW"}, fake_env({{"PW", "p"}}))),
        "--password-env needs --user"));

    const auto unknown = error_of(
        run({"check", "h.example", "--user", "me", "--password-env", "PW", "--auth-mech", "NTLM"},
            fake_env({{"PW", "p"}})));
    CHECK(contains(unknown,
                   "'NTLM' is not supported; use PLAIN, LOGIN, CRAM-MD5, XOAUTH2 or "
                   "OAUTHBEARER"));
    for (const char* mech : {"plain", "LOGIN", "Cram-Md5"}) {
        auto ok = command_of(
            run({"check", "h.example", "--user", "me", "--password-env", "PW", "--auth-mech", mech},
                fake_env({{"PW", "p"}})));
        CHECK(ok.request.forced_mechanism.has_value());
    }
    CHECK(contains(error_of(run({"check", "h.example", "--user", "me", "--password-env", "PW",
                                 "--auth-mech", "OAUTHBEARER"},
                                fake_env({{"PW", "p"}}))),
                   "takes an OAuth token, not a password"));
    CHECK(contains(error_of(run({"check", "h.example", "--user", "me", "--oauth-token-env", "TOKEN",
                                 "--auth-mech", "PLAIN"},
                                fake_env({{"TOKEN", "t"}}))),
                   "takes a password, not an OAuth token"));
    CHECK(contains(error_of(run({"check", "h.example", "--user", "me", "--auth-mech", "XOAUTH2"})),
                   "needs a token"));
}

TEST_CASE("addresses must look like mailboxes") {
    auto cmd = command_of(
        run({"check", "h.example", "--from", "a@example.com", "--rcpt", "b@example.org"}));
    CHECK(cmd.request.from == "a@example.com");
    CHECK(cmd.request.rcpt == "b@example.org");
    CHECK_FALSE(cmd.request.skip_rcpt);

    auto no_rcpt = command_of(run({"check", "h.example", "--from", "a@example.com", "--no-rcpt"}));
    CHECK(no_rcpt.request.skip_rcpt);
    CHECK_FALSE(no_rcpt.request.effective_rcpt().has_value());

    for (std::string bad :
         {"a", "a@", "@b", "a@b@c", "a b@c", "<a@b>", "a@b\r\nRSET", "a@b>", ""}) {
        CAPTURE(bad);
        const auto from_error = error_of(run({"check", "h.example", "--from", bad}));
        CHECK(contains(from_error, "--from"));
        CHECK(contains(from_error, "is not a mailbox address"));
        const auto rcpt_error = error_of(run({"check", "h.example", "--rcpt", bad}));
        CHECK(contains(rcpt_error, "--rcpt"));
    }
    CHECK(contains(error_of(run({"check", "h.example", "--from", "a b@c"})), "'a b@c'"));
    CHECK(contains(error_of(run({"check", "h.example", "--rcpt", "b@example.org", "--no-rcpt"})),
                   "contradict"));
}

TEST_CASE("time limits") {
    auto cmd = command_of(run({"check", "h.example", "--timeout", "2.5", "--connect-timeout",
                               "500ms", "--deadline", "2m"}));
    CHECK(cmd.request.timeouts.reply == milliseconds(2500));
    CHECK(cmd.request.timeouts.connect == milliseconds(500));
    CHECK(cmd.request.deadline == milliseconds(120'000));
    CHECK(command_of(run({"check", "h.example", "--timeout=4s"})).request.timeouts.reply ==
          milliseconds(4000));

    for (std::string bad : {"0", "-1", "junk", "4h"}) {
        CAPTURE(bad);
        const auto error = error_of(run({"check", "h.example", std::string("--timeout=") + bad}));
        CHECK(contains(error, std::string("--timeout: '") + bad + "'"));
    }
    CHECK(contains(error_of(run({"check", "h.example", "--deadline", "0s"})), "--deadline: '0s'"));
    CHECK(contains(error_of(run({"check", "h.example", "--connect-timeout", "x"})),
                   "--connect-timeout: 'x'"));
    CHECK(command_of(run({"check", "h.example"})).request.timeouts.dns == milliseconds(10'000));
    CHECK(command_of(run({"check", "h.example", "--dns-timeout", "3s"})).request.timeouts.dns ==
          milliseconds(3000));
    CHECK(contains(error_of(run({"check", "h.example", "--dns-timeout", "0"})),
                   "--dns-timeout: '0'"));
}

TEST_CASE("address family, DNS server, HELO name") {
    CHECK(command_of(run({"check", "h.example", "--ipv4"})).request.family == address_family::ipv4);
    CHECK(command_of(run({"check", "h.example", "--ipv6", "--all-addresses"})).request.family ==
          address_family::ipv6);
    CHECK(command_of(run({"check", "h.example", "--all-addresses"})).request.all_addresses);
    CHECK(
        contains(error_of(run({"check", "h.example", "--ipv4", "--ipv6"})), "exclude each other"));
    // An address literal of the other family can never be reached: say so before probing.
    CHECK(contains(error_of(run({"check", "192.0.2.1", "--ipv6"})), "--ipv6 with the IPv4"));
    CHECK(
        contains(error_of(run({"check", "[2001:db8::1]:587", "--ipv4"})), "--ipv4 with the IPv6"));
    CHECK(command_of(run({"check", "2001:db8::1", "--ipv6"})).request.family ==
          address_family::ipv6);

    struct dns_case {
        const char* given;
        const char* stored;
    };
    for (const auto& c :
         {dns_case{"192.0.2.53", "192.0.2.53"}, dns_case{"192.0.2.53:5353", "192.0.2.53:5353"},
          dns_case{"2001:db8::53", "2001:db8::53"}, dns_case{"[2001:db8::53]", "2001:db8::53"},
          dns_case{"[2001:db8::53]:53", "[2001:db8::53]:53"}}) {
        CAPTURE(c.given);
        CHECK(command_of(run({"check", "h.example", "--dns-server", c.given})).request.dns_server ==
              c.stored);
    }
    CHECK(contains(error_of(run({"check", "h.example", "--dns-server", "dns.example.com"})),
                   "'dns.example.com' is not an IP address"));
    CHECK(contains(error_of(run({"check", "h.example", "--dns-server", "::1:53"})), "ambiguous"));
    CHECK(contains(error_of(run({"check", "h.example", "--dns-server", "fe80::53%eth0"})),
                   "has an IPv6 zone"));
    CHECK(contains(error_of(run({"check", "h.example", "--dns-server", "1.2.3.4:0"})),
                   "out of range"));

    CHECK(
        command_of(run({"check", "h.example", "--helo", "client.example.net"})).request.helo_name ==
        "client.example.net");
    CHECK(contains(error_of(run({"check", "h.example", "--helo", "bad name!"})),
                   "--helo: 'bad name!' is not a host name"));
}

TEST_CASE("TLS options") {
    temp_file ca("-----BEGIN CERTIFICATE-----\n");
    auto cmd = command_of(run({"check", "h.example", "--ca-file", ca.path(), "--ca-path", "/tmp",
                               "--insecure", "--cert-warn-days", "30"}));
    CHECK(cmd.request.ca_file == ca.path());
    CHECK(cmd.request.ca_path == "/tmp");
    CHECK(cmd.request.insecure);
    CHECK(cmd.request.cert_warn_days == 30);

    CHECK(contains(error_of(run({"check", "h.example", "--ca-file", "/nonexistent/ca.pem"})),
                   "--ca-file: cannot use '/nonexistent/ca.pem': No such file or directory"));
    CHECK(contains(error_of(run({"check", "h.example", "--ca-file", "/tmp"})), "is a directory"));
    CHECK(contains(error_of(run({"check", "h.example", "--ca-path", ca.path()})),
                   "is not a directory"));
    CHECK(contains(error_of(run({"check", "h.example", "--ca-path", "/nonexistent/certs"})),
                   "--ca-path: cannot use '/nonexistent/certs'"));

    CHECK(command_of(run({"check", "h.example", "--cert-warn-days", "0"})).request.cert_warn_days ==
          0);
    CHECK(command_of(run({"check", "h.example", "--cert-warn-days", "3650"}))
              .request.cert_warn_days == 3650);
    for (std::string bad : {"3651", "-1", "abc", "99999", "1.5"}) {
        CAPTURE(bad);
        CHECK(
            contains(error_of(run({"check", "h.example", std::string("--cert-warn-days=") + bad})),
                     "is not a number of days from 0 to 3650"));
    }
}

TEST_CASE("output options") {
    auto cmd = command_of(run({"check", "h.example", "--format", "json", "--lang", "zh",
                               "--transcript", "--color", "never"}));
    CHECK(cmd.output.fmt == output_options::format::json);
    CHECK(cmd.output.lang == "zh");
    CHECK(cmd.output.transcript);
    CHECK(cmd.request.keep_transcript);
    CHECK(cmd.output.color == output_options::color_mode::never);
    CHECK(command_of(run({"check", "h.example", "--color", "always"})).output.color ==
          output_options::color_mode::always);

    CHECK(contains(error_of(run({"check", "h.example", "--format", "xml"})),
                   "'xml' is not an output format; use text, json or nagios"));
    CHECK(command_of(run({"check", "h.example", "--format", "NAGIOS"})).output.fmt ==
          output_options::format::nagios);
    // Nagios output is check's alone: diagnose compares many combinations.
    CHECK(contains(error_of(run({"diagnose", "h.example", "--format", "nagios"})),
                   "'nagios' is not an output format; use text or json"));
    CHECK(contains(error_of(run({"check", "h.example", "--lang", "fr"})), "use zh or en"));
    CHECK(contains(error_of(run({"check", "h.example", "--color", "sometimes"})),
                   "use auto, always or never"));
    CHECK(contains(error_of(run({"check", "h.example", "--log-level", "loud"})),
                   "'loud' is not a log level"));
}

TEST_CASE("verbosity and log level") {
    struct level_case {
        std::initializer_list<std::string> args;
        int verbosity;
        const char* level;
    };
    const level_case cases[] = {
        {{"check", "h.example"}, 0, "warn"},
        {{"check", "h.example", "-v"}, 1, "info"},
        {{"check", "h.example", "-vv"}, 2, "debug"},
        {{"check", "h.example", "-v", "--verbose"}, 2, "debug"},
        {{"check", "h.example", "-vvv"}, 3, "trace"},
        {{"check", "h.example", "--log-level", "error"}, 0, "error"},
        {{"check", "h.example", "--log-level", "off"}, 0, "off"},
        {{"check", "h.example", "--log-level", "error", "-v"}, 1, "info"},
        {{"check", "h.example", "--log-level", "trace", "-v"}, 1, "trace"},
        {{"check", "h.example", "--log-level", "DEBUG"}, 0, "debug"},
    };
    for (const auto& c : cases) {
        auto cmd = command_of(run(c.args));
        CHECK(cmd.output.verbosity == c.verbosity);
        CHECK(cmd.output.log_level == c.level);
    }
}

TEST_CASE("language defaults from the locale variables") {
    struct lang_case {
        std::map<std::string, std::string> vars;
        const char* lang;
    };
    const lang_case cases[] = {
        {{}, "en"},
        {{{"LANG", "zh_CN.UTF-8"}}, "zh"},
        {{{"LANG", "zh_TW"}}, "zh"},
        {{{"LANG", "zh"}}, "zh"},
        {{{"LANG", "en_US.UTF-8"}}, "en"},
        {{{"LANG", "C"}}, "en"},
        {{{"LANG", "zhx"}}, "en"},
        {{{"LC_ALL", "zh_CN.UTF-8"}, {"LANG", "en_US.UTF-8"}}, "zh"},
        {{{"LC_ALL", ""}, {"LC_MESSAGES", "zh_CN.UTF-8"}, {"LANG", "en_US"}}, "zh"},
        {{{"LC_ALL", ""}, {"LC_MESSAGES", "en_GB"}, {"LANG", "zh_CN"}}, "en"},
        {{{"LC_ALL", "C.UTF-8"}, {"LANG", "zh_CN"}}, "en"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.lang);
        CHECK(command_of(run({"check", "h.example"}, fake_env(c.vars))).output.lang == c.lang);
    }
    CHECK(
        command_of(run({"check", "h.example", "--lang", "en"}, fake_env({{"LANG", "zh_CN.UTF-8"}})))
            .output.lang == "en");
}

TEST_CASE("help, version and commands") {
    const auto help = run({"check", "--help"});
    REQUIRE(std::holds_alternative<cli_help>(help));
    const auto& text = std::get<cli_help>(help).text;
    CHECK(contains(text, "smtp-probe check"));
    CHECK(contains(text, "--password-env"));
    CHECK(contains(text, "--ssl-type"));

    const auto root_help = run({"--help"});
    REQUIRE(std::holds_alternative<cli_help>(root_help));
    CHECK(contains(std::get<cli_help>(root_help).text, "check"));

    for (auto args : {std::initializer_list<std::string>{"--version"},
                      std::initializer_list<std::string>{"check", "--version"}}) {
        const auto version = run(args);
        REQUIRE(std::holds_alternative<cli_help>(version));
        CHECK(std::get<cli_help>(version).text.rfind("smtp-probe 0.", 0) == 0);
    }

    const auto nothing = run({});
    REQUIRE(std::holds_alternative<cli_error>(nothing));
    CHECK(contains(std::get<cli_error>(nothing).message, "no command given"));
    CHECK(contains(std::get<cli_error>(nothing).usage, "check"));

    CHECK(contains(error_of(run({"frobnicate"})), "unknown command 'frobnicate'"));
    CHECK(contains(error_of(run({"--bogus"})), "unknown option '--bogus'"));
}

TEST_CASE("CLI11's own complaints come out in our words") {
    struct message_case {
        std::initializer_list<std::string> args;
        const char* must_contain;
    };
    const message_case cases[] = {
        {{"check", "h.example", "--bogus"}, "unknown option '--bogus'"},
        {{"check", "h.example", "--bogus=1"}, "unknown option '--bogus'"},
        {{"check", "h.example", "--port"}, "--port needs a value"},
        {{"check", "h.example", "--port="}, "--port needs a value"},
        {{"check", "h.example", "--port", "25", "--port", "26"}, "--port was given more than once"},
        {{"check", "h.example", "--user", "--from", "a@b.c"},
         "--user needs a value but is followed by '--from'"},
        {{"check", "h.example", "--insecure=yes"}, "--insecure takes no value"},
        {{"check", "h.example", "--verbose=2"}, "--verbose takes no value"},
        {{"check", "h.example", "--cert-warn-days="}, "--cert-warn-days needs a value"},
        {{"check", "h.example", "587"}, "give a port as --port 587 or HOST:587"},
        {{"check", "h.example", "other.example"}, "unexpected extra argument after HOST"},
    };
    for (const auto& c : cases) {
        const auto error = error_of(run(c.args));
        CHECK_MESSAGE(contains(error, c.must_contain), error);
        CHECK_FALSE(contains(error, "The following argument"));
        CHECK_FALSE(contains(error, "required"));
    }
    // A stray word is not repeated back: it could be a password typed in the wrong place.
    CHECK_FALSE(contains(error_of(run({"check", "h.example", "hunter2"})), "hunter2"));
}

TEST_CASE("monitoring thresholds: Nagios ranges, check only") {
    const auto cmd = command_of(run({"check", "h.example", "--time-warning", "2", "--time-critical",
                                     "@5:10", "--cert-warning", "30:", "--cert-critical", "7:"}));
    REQUIRE(cmd.thresholds.time_warning);
    CHECK(cmd.thresholds.time_warning->high == 2.0);
    REQUIRE(cmd.thresholds.time_critical);
    CHECK(cmd.thresholds.time_critical->inside);
    REQUIRE(cmd.thresholds.cert_critical);
    CHECK(cmd.thresholds.cert_critical->low == 7.0);
    CHECK_FALSE(cmd.thresholds.cert_critical->high);
    CHECK_FALSE(command_of(run({"check", "h.example"})).thresholds.any());

    CHECK(contains(error_of(run({"check", "h.example", "--time-warning", "fast"})),
                   "--time-warning: 'fast' is not a range; use N (alert outside 0..N)"));
    CHECK(contains(error_of(run({"check", "h.example", "--cert-warning", "30"})),
                   "--cert-warning: '30' would alert with more than 30 days left; write 30: to "
                   "alert below 30 days"));
    CHECK(contains(error_of(run({"check", "h.example", "--time-critical", "9:3"})),
                   "starts above its end"));
    CHECK(contains(error_of(run({"diagnose", "h.example", "--time-warning", "2"})),
                   "unknown option '--time-warning'"));
}

TEST_CASE("wants_nagios_output: --format nagios anywhere before --, in any case") {
    struct row {
        std::vector<const char*> argv;
        bool nagios;
    };
    const std::vector<row> rows = {
        {{"smtp-probe", "check", "h", "--format", "nagios"}, true},
        {{"smtp-probe", "run", "--format=Nagios"}, true},
        {{"smtp-probe", "check", "--format", "json", "h"}, false},
        {{"smtp-probe", "check", "--format"}, false},
        {{"smtp-probe", "check", "--", "--format", "nagios"}, false},
        {{"smtp-probe", "check", "--helo", "nagios"}, false},
        {{"smtp-probe", "--format=nagiosx"}, false},
        {{"smtp-probe"}, false},
    };
    for (const auto& r : rows) {
        CAPTURE(r.argv.size());
        CHECK(wants_nagios_output(static_cast<int>(r.argv.size()), r.argv.data()) == r.nagios);
    }
}
