// `smtp-probe run --config`: many targets against scripted servers, in process. Each target's
// verdict, the summary, jsonl as targets finish, the bounds (logins never overlap for one server
// and user, connections per server address), a hanging server that delays no one, and a
// thousand targets with hostile ones among them.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <algorithm>

#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "probe/commands/command.hpp"
#include "probe/commands/command_line.hpp"
#include "probe/runtime/runtime.hpp"
#include "tests/fake/fake_dns_server.hpp"
#include "tests/fake/fake_smtp_server.hpp"
#include "tests/unit/perfdata_grammar.hpp"
#include "tests/unit/temp_file.hpp"

using namespace std::chrono_literals;
using smtp_probe::fake::closed_port;
using smtp_probe::fake::fake_smtp_server;
using smtp_probe::fake::script;
using smtp_probe::fake::server_options;
using namespace smtp_probe;

namespace {

struct run_output {
    int exit_code = -1;
    std::string out;
    std::string err;
};

run_output run_with_config(const std::string& config_text, std::vector<std::string> extra = {}) {
    testing::temp_file config(config_text);
    std::vector<std::string> words = {"smtp-probe", "run", "--config", config.path()};
    if (std::find(extra.begin(), extra.end(), "--format") == extra.end()) {
        words.insert(words.end(), {"--format", "jsonl"});
    }
    words.insert(words.end(), extra.begin(), extra.end());
    std::vector<const char*> argv;
    argv.reserve(words.size());
    for (const auto& w : words) {
        argv.push_back(w.c_str());
    }
    cli_environment env;
    env.getenv = [](const char* name) -> const char* {
        return std::string(name) == "SP_RUN_PASSWORD" ? "run-Secret-77" : nullptr;
    };
    auto parsed = parse_command_line(static_cast<int>(argv.size()), argv.data(), env);
    run_output r;
    if (auto* error = std::get_if<cli_error>(&parsed)) {
        r.exit_code = 3;
        r.err = error->message;
        return r;
    }
    REQUIRE(std::holds_alternative<std::unique_ptr<command>>(parsed));
    runtime rt;
    std::istringstream in;
    std::ostringstream out;
    std::ostringstream err;
    command_io io{in, out, err};
    r.exit_code = std::get<std::unique_ptr<command>>(parsed)->run(rt, io);
    r.out = out.str();
    r.err = err.str();
    return r;
}

/// The jsonl lines: target objects by name, in the order written, and the summary.
struct jsonl {
    std::vector<std::string> order;
    std::map<std::string, boost::json::object> targets;
    boost::json::object summary;
};

jsonl parse_jsonl(const std::string& text) {
    jsonl out;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        auto v = boost::json::parse(line);
        REQUIRE(v.is_object());
        auto& o = v.as_object();
        if (o.contains("summary")) {
            out.summary = o.at("summary").as_object();
            continue;
        }
        const std::string name(o.at("name").as_string());
        out.order.push_back(name);
        out.targets[name] = o;
    }
    REQUIRE_FALSE(out.summary.empty());
    return out;
}

std::string cause_of(const boost::json::object& target) {
    const auto& cause = target.at("cause");
    return cause.is_null() ? "(none)" : std::string(cause.as_string());
}

/// Greeting, EHLO, then 250 to everything; no TLS, no AUTH.
script plain_ok(std::chrono::milliseconds pause_before_mail = 0ms) {
    script s;
    s.send("220 fake.test ESMTP\r\n").expect("EHLO").send("250-fake.test\r\n250 SIZE 1000\r\n");
    if (pause_before_mail > 0ms) {
        s.sleep(pause_before_mail);
    }
    s.respond("250 2.0.0 Ok\r\n");
    return s;
}

/// Plaintext AUTH PLAIN answered with `auth_reply` after `pause`.
script plain_auth(std::string auth_reply, std::chrono::milliseconds pause = 0ms) {
    script s;
    s.send("220 fake.test ESMTP\r\n")
        .expect("EHLO")
        .send("250-fake.test\r\n250 AUTH PLAIN LOGIN\r\n");
    if (pause > 0ms) {
        s.sleep(pause);
    }
    s.auth(std::move(auth_reply)).respond("250 2.0.0 Ok\r\n");
    return s;
}

std::string module_plain(const std::string& name, const std::string& extra = "") {
    return "[modules." + name +
           "]\nsecurity = \"none\"\nfrom = \"billing@example.test\"\ntimeout = \"2s\"\n"
           "connect_timeout = \"2s\"\ndeadline = \"10s\"\nhelo = \"probe.test\"\n" +
           extra + "\n";
}

std::string target(const std::string& name, const std::string& host, std::uint16_t port,
                   const std::string& module) {
    return "[[targets]]\nname = \"" + name + "\"\nhost = \"" + host +
           "\"\nport = " + std::to_string(port) + "\nmodule = \"" + module + "\"\n\n";
}

}  // namespace

namespace {

/// Three targets: one that passes, one whose login is refused, one on a closed port.
std::string good_refused_closed(std::uint16_t good, std::uint16_t refused, std::uint16_t closed) {
    return module_plain("open") +
           module_plain("login",
                        "user = \"billing@example.test\"\npassword_env = \"SP_RUN_PASSWORD\"\n"
                        "no_rcpt = true\n") +
           target("good", "127.0.0.1", good, "open") +
           target("refused", "127.0.0.1", refused, "login") +
           target("closed", "127.0.0.1", closed, "open");
}

}  // namespace

TEST_CASE("run: each target's verdict, the summary and the worst exit code") {
    fake_smtp_server good(plain_ok());
    fake_smtp_server refused(plain_auth("535 5.7.8 Authentication credentials invalid\r\n"));
    const auto nobody = closed_port();
    const auto config = good_refused_closed(good.port(), refused.port(), nobody);
    const auto r = run_with_config(config);
    INFO(r.err);
    INFO(r.out);
    CHECK(r.exit_code == 2);
    const auto lines = parse_jsonl(r.out);
    REQUIRE(lines.targets.size() == 3);
    CHECK(lines.targets.at("good").at("ok").as_bool());
    CHECK(lines.targets.at("good").at("module").as_string() == "open");
    CHECK(cause_of(lines.targets.at("refused")) == "bad_credentials");
    CHECK(cause_of(lines.targets.at("closed")) == "tcp_refused");
    CHECK(lines.summary.at("targets").to_number<std::uint64_t>() == 3);
    CHECK(lines.summary.at("ok").to_number<std::uint64_t>() == 1);
    CHECK(lines.summary.at("failed").to_number<std::uint64_t>() == 2);
    CHECK(
        lines.summary.at("by_cause").as_object().at("bad_credentials").to_number<std::uint64_t>() ==
        1);
    CHECK(lines.summary.at("by_cause").as_object().at("tcp_refused").to_number<std::uint64_t>() ==
          1);
    CHECK(lines.summary.at("exit_code").to_number<std::int64_t>() == 2);
    CHECK(r.out.find("run-Secret-77") == std::string::npos);
    CHECK(r.err.find("run-Secret-77") == std::string::npos);

    const auto only_good = run_with_config(config, {"--only", "good"});
    CHECK(only_good.exit_code == 0);
    CHECK(parse_jsonl(only_good.out).targets.size() == 1);
    const auto by_module = run_with_config(config, {"--module", "login"});
    CHECK(by_module.exit_code == 2);
    CHECK(parse_jsonl(by_module.out).order == std::vector<std::string>{"refused"});
}

TEST_CASE("run: a config mistake stops the run before any connection, exit 3") {
    fake_smtp_server server(plain_ok());
    const auto wrong = run_with_config(module_plain("m") + "colour = \"red\"\n" +
                                       target("t", "127.0.0.1", server.port(), "m"));
    CHECK(wrong.exit_code == 3);
    CHECK(wrong.err.find(":9:1: modules.m.colour: unknown key") != std::string::npos);
    CHECK(server.connection_count() == 0);

    const auto unset = run_with_config(
        module_plain("m", "user = \"u@example.test\"\npassword_env = \"SP_NOT_SET\"\n") +
        target("t", "127.0.0.1", server.port(), "m"));
    CHECK(unset.exit_code == 3);
    CHECK(unset.err.find("modules.m.password_env: environment variable SP_NOT_SET is not set") !=
          std::string::npos);
    CHECK(server.connection_count() == 0);

    const auto check_only = run_with_config(
        module_plain("m") + target("t", "127.0.0.1", server.port(), "m"), {"--check-config"});
    CHECK(check_only.exit_code == 0);
    CHECK(check_only.out.find("1 modules, 1 targets; 1 would be probed") != std::string::npos);
    CHECK(server.connection_count() == 0);

    const auto unknown_only = run_with_config(
        module_plain("m") + target("t", "127.0.0.1", server.port(), "m"), {"--only", "x"});
    CHECK(unknown_only.exit_code == 3);
    CHECK(unknown_only.err.find("--only: the config has no target named 'x'") != std::string::npos);
}

TEST_CASE("run: logins to one server with one user never overlap; other users may") {
    // Each login waits 300 ms before the server answers, so overlapping ones would be seen.
    fake_smtp_server same_user(plain_auth("235 2.7.0 Authentication successful\r\n", 300ms));
    fake_smtp_server other_users(plain_auth("235 2.7.0 Authentication successful\r\n", 300ms));
    std::string config =
        module_plain("one",
                     "user = \"billing@example.test\"\npassword_env = \"SP_RUN_PASSWORD\"\n"
                     "no_rcpt = true\n");
    for (int i = 0; i < 4; ++i) {
        config += module_plain("user" + std::to_string(i),
                               "user = \"billing" + std::to_string(i) +
                                   "@example.test\"\npassword_env = \"SP_RUN_PASSWORD\"\n"
                                   "no_rcpt = true\n");
    }
    for (int i = 0; i < 4; ++i) {
        config += target("same" + std::to_string(i), "127.0.0.1", same_user.port(), "one");
        config += target("other" + std::to_string(i), "127.0.0.1", other_users.port(),
                         "user" + std::to_string(i));
    }
    const auto r = run_with_config(config, {"--per-host", "4"});
    INFO(r.err);
    // Each login works; a password sent without TLS is a warning.
    CHECK(r.exit_code == 1);
    CHECK(parse_jsonl(r.out).summary.at("warnings").to_number<std::uint64_t>() == 8);
    CHECK(same_user.connection_count() == 4);
    CHECK(same_user.most_open_connections() == 1);
    CHECK(other_users.most_open_connections() > 1);
}

TEST_CASE("run: --per-host bounds the connections to one server address and port") {
    fake_smtp_server server(plain_ok(200ms));
    std::string config = module_plain("m");
    for (int i = 0; i < 8; ++i) {
        config += target("t" + std::to_string(i), "127.0.0.1", server.port(), "m");
    }
    const auto two = run_with_config(config);
    CHECK(two.exit_code == 0);
    CHECK(server.connection_count() == 8);
    CHECK(server.most_open_connections() == 2);

    fake_smtp_server wider(plain_ok(200ms));
    std::string config_wide = module_plain("m");
    for (int i = 0; i < 8; ++i) {
        config_wide += target("t" + std::to_string(i), "127.0.0.1", wider.port(), "m");
    }
    const auto five = run_with_config(config_wide, {"--per-host", "5", "--concurrency", "3"});
    CHECK(five.exit_code == 0);
    CHECK(wider.most_open_connections() == 3);  // --concurrency is the tighter bound
}

TEST_CASE("run: a server that hangs delays no other target past its deadline") {
    script hang;
    hang.send("220 slow.test ESMTP\r\n").expect("EHLO").sleep(20s);
    server_options patient;
    patient.step_timeout = 30s;
    fake_smtp_server hanging(hang, patient);
    fake_smtp_server good(plain_ok());
    std::string config = module_plain("m") +
                         "[modules.short]\nsecurity = \"none\"\nfrom = \"billing@example.test\"\n"
                         "timeout = \"10s\"\ndeadline = \"1500ms\"\nhelo = \"probe.test\"\n\n" +
                         target("hangs", "127.0.0.1", hanging.port(), "short");
    for (int i = 0; i < 5; ++i) {
        config += target("good" + std::to_string(i), "127.0.0.1", good.port(), "m");
    }
    const auto started = std::chrono::steady_clock::now();
    const auto r = run_with_config(config, {"--concurrency", "2"});
    const auto took = std::chrono::steady_clock::now() - started;
    INFO(r.out);
    CHECK(r.exit_code == 2);
    const auto lines = parse_jsonl(r.out);
    REQUIRE(lines.order.size() == 6);
    CHECK(lines.order.back() == "hangs");  // the others finished while it hung
    CHECK(cause_of(lines.targets.at("hangs")) == "deadline_exceeded");
    CHECK(lines.summary.at("ok").to_number<std::uint64_t>() == 5);
    CHECK(took < 8s);  // bounded by the hanging target's own deadline, not the server's 20 s
}

TEST_CASE(
    "run: a thousand targets over many loopback addresses and ports, hostile ones among them") {
    // Five loopback addresses x two ports of fast servers; hostile ones beside them.
    std::vector<std::unique_ptr<fake_smtp_server>> servers;
    for (int a = 1; a <= 5; ++a) {
        for (int p = 0; p < 2; ++p) {
            server_options where;
            where.listen_address = "127.0.0." + std::to_string(a);
            servers.push_back(std::make_unique<fake_smtp_server>(plain_ok(), where));
        }
    }
    script garbage;
    garbage.send("\x16\x03\x01 not smtp at all\r\n").close();
    fake_smtp_server babbler(garbage);
    script refuse;
    refuse.send("554 5.7.1 No SMTP service here\r\n").respond("503 5.5.1 Bad sequence\r\n");
    fake_smtp_server refuser(refuse);
    script slow;
    slow.send("220 slow.test ESMTP\r\n").expect("EHLO").sleep(10s);
    fake_smtp_server sleeper(slow);
    const auto nobody = closed_port();

    std::string config = module_plain("m") +
                         "[modules.short]\nsecurity = \"none\"\nfrom = \"billing@example.test\"\n"
                         "timeout = \"1s\"\ndeadline = \"2s\"\nhelo = \"probe.test\"\n\n";
    std::size_t hostile = 0;
    for (int i = 0; i < 1000; ++i) {
        const auto name = "t" + std::to_string(i);
        if (i % 100 == 7) {
            config += target(name, "127.0.0.1", babbler.port(), "short");
            ++hostile;
        } else if (i % 100 == 42) {
            config += target(name, "127.0.0.1", refuser.port(), "short");
            ++hostile;
        } else if (i % 250 == 99) {
            config += target(name, "127.0.0.1", sleeper.port(), "short");
            ++hostile;
        } else if (i % 250 == 200) {
            config += target(name, "127.0.0.1", nobody, "short");
            ++hostile;
        } else {
            const auto& s = *servers[static_cast<std::size_t>(i) % servers.size()];
            const auto address = "127.0.0." + std::to_string(1 + (i % servers.size()) / 2);
            config += target(name, address, s.port(), "m");
        }
    }
    const auto r = run_with_config(config);
    INFO(r.err.substr(0, 2000));
    CHECK(r.exit_code == 2);
    const auto lines = parse_jsonl(r.out);
    CHECK(lines.targets.size() == 1000);
    CHECK(lines.summary.at("targets").to_number<std::uint64_t>() == 1000);
    CHECK(lines.summary.at("failed").to_number<std::uint64_t>() == hostile);
    CHECK(lines.summary.at("ok").to_number<std::uint64_t>() == 1000 - hostile);
    std::size_t served = 0;
    for (const auto& s : servers) {
        served += s->connection_count();
        CHECK(s->most_open_connections() <= 2);
    }
    CHECK(served == 1000 - hostile);
    CHECK(cause_of(lines.targets.at("t7")) != "(none)");
    CHECK(cause_of(lines.targets.at("t99")) == "reply_timeout");
    CHECK(cause_of(lines.targets.at("t200")) == "tcp_refused");
}

TEST_CASE("run --format nagios: one check for the run, a line per target that is not OK") {
    fake_smtp_server good(plain_ok());
    fake_smtp_server refused(plain_auth("535 5.7.8 Authentication credentials invalid\r\n"));
    const auto nobody = closed_port();
    const auto config = good_refused_closed(good.port(), refused.port(), nobody);
    const auto r = run_with_config(config, {"--format", "nagios", "--lang", "en"});
    INFO(r.out);
    CHECK(r.exit_code == 2);
    const auto first = r.out.substr(0, r.out.find('\n'));
    CHECK(first.rfind("SMTP CRITICAL - 3 targets: 1 ok, 0 warning, 2 critical (failing: refused, "
                      "closed) | ",
                      0) == 0);
    const auto perf = perfgrammar::parse(first.substr(first.find('|') + 1));
    REQUIRE(perf);
    REQUIRE(perf->size() == 6);
    CHECK((*perf)[0].label == "targets");
    CHECK((*perf)[0].value == "3");
    CHECK((*perf)[3].label == "critical");
    CHECK((*perf)[3].value == "2");
    CHECK(r.out.find("\nCRITICAL refused 127.0.0.1:" + std::to_string(refused.port()) +
                     ": Authentication failed (auth_failed)") != std::string::npos);
    CHECK(r.out.find("\nCRITICAL closed ") != std::string::npos);
    CHECK(r.out.find(" good ") == std::string::npos);
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 3);
    CHECK(r.out.find("run-Secret-77") == std::string::npos);

    const auto all_good = run_with_config(config, {"--format", "nagios", "--only", "good"});
    CHECK(all_good.exit_code == 0);
    CHECK(all_good.out.rfind("SMTP OK - 1 targets: 1 ok, 0 warning, 0 critical | targets=1", 0) ==
          0);

    const auto broken = run_with_config("colour = 1\n", {"--format", "nagios"});
    CHECK(broken.exit_code == 3);
    CHECK(broken.out.rfind("SMTP UNKNOWN - the run could not start", 0) == 0);
}

TEST_CASE("run: a module's thresholds raise a passing target's state, never its verdict") {
    // Every probe takes longer than 0 s, so "~:0" (alert above 0) always raises it: the run's
    // thresholds were read and then ignored before.
    fake_smtp_server slow(plain_ok());
    fake_smtp_server fine(plain_ok());
    const auto config = module_plain("watched", "time_critical = \"~:0\"\n") +
                        module_plain("open") + target("slow", "127.0.0.1", slow.port(), "watched") +
                        target("fine", "127.0.0.1", fine.port(), "open");
    const auto r = run_with_config(config);
    INFO(r.out);
    CHECK(r.exit_code == 2);
    const auto lines = parse_jsonl(r.out);
    const auto& raised = lines.targets.at("slow");
    CHECK(raised.at("ok").as_bool());
    CHECK(raised.at("category").as_string() == "ok");
    CHECK(raised.at("monitoring_state").as_string() == "critical");
    CHECK(raised.at("monitoring_raised_by").as_string().ends_with("(time_critical ~:0)"));
    CHECK(lines.targets.at("fine").at("monitoring_state").as_string() == "ok");
    CHECK_FALSE(lines.targets.at("fine").contains("monitoring_raised_by"));
    CHECK(lines.summary.at("failed").to_number<std::uint64_t>() == 1);
    CHECK(lines.summary.at("raised_by_threshold").to_number<std::uint64_t>() == 1);
    CHECK(lines.summary.at("by_category").as_object().empty());

    const auto nagios = run_with_config(config, {"--format", "nagios", "--lang", "en"});
    CHECK(nagios.exit_code == 2);
    CHECK(nagios.out.rfind("SMTP CRITICAL - 2 targets: 1 ok, 0 warning, 1 critical (failing: slow)",
                           0) == 0);
    CHECK(nagios.out.find("\nCRITICAL slow 127.0.0.1:") != std::string::npos);
    CHECK(nagios.out.find("(time_critical ~:0), ") != std::string::npos);

    const auto text = run_with_config(config, {"--format", "text", "--lang", "en"});
    CHECK(text.out.find("threshold") != std::string::npos);
    CHECK(text.out.find("a monitoring threshold of its module") != std::string::npos);
}

TEST_CASE("run: a target that cannot run is counted and shown, and hides no other") {
    // A CA file that exists but holds no certificate passes the config check and fails when the
    // target's trust store is loaded: that target is "not run", the others go on.
    testing::temp_file not_pem("this is not a certificate\n");
    fake_smtp_server good(plain_ok());
    const auto config = module_plain("open") +
                        module_plain("broken", "ca_file = \"" + not_pem.path() + "\"\n") +
                        target("good", "127.0.0.1", good.port(), "open") +
                        target("untrusted", "127.0.0.1", closed_port(), "broken");
    const auto r = run_with_config(config);
    INFO(r.out);
    CHECK(r.exit_code == 2);
    const auto lines = parse_jsonl(r.out);
    const auto& broken = lines.targets.at("untrusted");
    CHECK_FALSE(broken.at("ok").as_bool());
    CHECK(broken.at("error").as_string().find("CA file") != std::string::npos);
    CHECK(broken.at("monitoring_state").as_string() == "critical");
    CHECK(lines.targets.at("good").at("ok").as_bool());
    CHECK(lines.summary.at("not_run").to_number<std::uint64_t>() == 1);
    CHECK(lines.summary.at("ok").to_number<std::uint64_t>() == 1);

    const auto nagios = run_with_config(config, {"--format", "nagios", "--lang", "en"});
    CHECK(nagios.exit_code == 2);
    CHECK(nagios.out.find("not_run=1;;;0") != std::string::npos);
    CHECK(nagios.out.find("\nCRITICAL untrusted 127.0.0.1:") != std::string::npos);
    CHECK(nagios.out.find(": not run: ") != std::string::npos);

    const auto text = run_with_config(config, {"--format", "text", "--lang", "en"});
    CHECK(text.out.find("not_run") != std::string::npos);
    CHECK(text.out.find("untrusted") != std::string::npos);
}

TEST_CASE("run: a name that does not resolve shows the lookup's time and the target's port") {
    // Before, the report of a failed lookup said 0 ms and port 0 whatever the target was.
    fake::dns::zone zone;
    zone["silent.test"].silent_a = true;
    zone["silent.test"].silent_aaaa = true;
    fake::fake_dns_server dns(zone);
    const auto config = module_plain("m", "dns_server = \"" + dns.server() +
                                              "\"\ndns_timeout = \"300ms\"\nfamily = \"ipv4\"\n") +
                        target("unresolved", "silent.test", 2525, "m");
    const auto r = run_with_config(config);
    INFO(r.out);
    CHECK(r.exit_code == 2);
    const auto lines = parse_jsonl(r.out);
    const auto& t = lines.targets.at("unresolved");
    CHECK(cause_of(t) == "dns_timeout");
    CHECK(t.at("target").at("port").to_number<int>() == 2525);
    CHECK(t.at("duration_ms").to_number<double>() >= 250.0);
    const auto& dns_check = t.at("checks").as_array().front().as_object();
    CHECK(dns_check.at("name").as_string() == "dns");
    CHECK(dns_check.at("duration_ms").to_number<double>() >= 250.0);
    const auto text = run_with_config(config, {"--format", "text", "--lang", "en"});
    CHECK(text.out.find(" 0 ms") == std::string::npos);
}
