#include <doctest/doctest.h>
#include <sys/stat.h>

#include <string>

#include "probe/config/run_config.hpp"
#include "probe/config/shard.hpp"
#include "tests/unit/temp_file.hpp"

using namespace smtp_probe;
using smtp_probe::testing::temp_file;

namespace {

const run_config& ok(const config_result& r) {
    if (const auto* errors = std::get_if<std::vector<config_error>>(&r)) {
        for (const auto& e : *errors) {
            MESSAGE(e.text());
        }
        FAIL("the config was refused");
    }
    return std::get<run_config>(r);
}

std::vector<config_error> errors_of(const config_result& r) {
    REQUIRE(std::holds_alternative<std::vector<config_error>>(r));
    return std::get<std::vector<config_error>>(r);
}

const char* const good = R"(# two modules, three targets
[modules.billing]
port = 587
security = "starttls"
user = "billing@example.com"
password_env = "SMTP_PASSWORD"
timeout = "20s"
deadline = 45
cert_warning_days = 21
cert_critical_days = 7

[modules.relay]
ssl_type = "ssl"
no_rcpt = true

[[targets]]
name = "cpanel-1"
host = "mail.example.com"
module = "billing"
labels = { customer = "acme", server = "cp1" }

[[targets]]
name = "cpanel-2"
host = "192.0.2.10:2525"
module = "billing"

[[targets]]
name = "relay"
host = "[2001:db8::25]"
module = "relay"
)";

}  // namespace

TEST_CASE("a config with modules and targets") {
    const auto parsed = parse_run_config(good, "/etc/smtp-probe/smtp-probe.toml");
    const auto& c = ok(parsed);
    REQUIRE(c.modules.size() == 2);
    REQUIRE(c.targets.size() == 3);
    const auto* billing = c.module_named("billing");
    REQUIRE(billing != nullptr);
    CHECK(billing->port == 587);
    CHECK(billing->base.user == "billing@example.com");
    CHECK(billing->base.timeouts.reply == std::chrono::seconds(20));
    CHECK(billing->base.deadline == std::chrono::seconds(45));
    CHECK(billing->base.cert_warn_days == 21);
    CHECK(billing->cert_critical_days == 7);
    REQUIRE(billing->thresholds.cert_critical);
    CHECK(billing->thresholds.cert_critical->text == "7:");
    CHECK_FALSE(billing->thresholds.time_warning);
    CHECK(c.module_named("relay")->thresholds.any() == false);
    REQUIRE(billing->secret_source);
    CHECK(billing->secret_source->name == "SMTP_PASSWORD");
    CHECK_FALSE(billing->secret_source->from_file);
    CHECK(c.targets[0].labels.at("customer") == "acme");
    CHECK(c.targets[0].line == 16);

    const auto first = request_for_target(c, c.targets[0]);
    CHECK(first.host == "mail.example.com");
    CHECK(first.port == 587);
    CHECK(first.security == security_mode::starttls);
    CHECK(first.from == "billing@example.com");
    const auto second = request_for_target(c, c.targets[1]);
    CHECK(second.host == "192.0.2.10");
    CHECK(second.port == 2525);
    const auto relay = request_for_target(c, c.targets[2]);
    CHECK(relay.host == "2001:db8::25");
    CHECK(relay.port == 465);
    CHECK(relay.security == security_mode::tls);
    CHECK(relay.whmcs_settings);
    CHECK(relay.skip_rcpt);
    CHECK_FALSE(relay.user);
}

TEST_CASE("every config mistake names its file, line, column and key") {
    struct mistake {
        const char* what;
        std::string text;
        std::uint32_t line;
        std::uint32_t column;
        const char* key;
        const char* says;
    };
    const std::string target =
        "\n[[targets]]\nname = \"t\"\nhost = \"h.example\"\nmodule = \"m\"\n";
    const std::string module = "[modules.m]\n";
    const mistake cases[] = {
        {"syntax", "[modules.m\n", 1, 11, "", "not valid TOML"},
        {"unknown top-level key", "colour = 1\n" + module + target, 1, 1, "colour", "unknown key"},
        {"unknown module key", module + "pasword_env = \"X\"\n" + target, 2, 1,
         "modules.m.pasword_env", "unknown key; a module takes port, security"},
        {"wrong type", module + "port = \"587\"\n" + target, 2, 1, "modules.m.port",
         "must be a whole number from 1 to 65535; it is a string"},
        {"port out of range", module + "port = 70000\n" + target, 2, 1, "modules.m.port",
         "from 1 to 65535"},
        {"security word", module + "security = \"ssl\"\n" + target, 2, 1, "modules.m.security",
         "'ssl' is not a security mode; use none, auto, starttls or tls"},
        {"ssl type word", module + "ssl_type = \"starttls\"\n" + target, 2, 1, "modules.m.ssl_type",
         "is not a WHMCS SSL type"},
        {"security and ssl_type disagree",
         module + "security = \"tls\"\nssl_type = \"tls\"\n" + target, 3, 1, "modules.m.ssl_type",
         "disagree"},
        {"duration", module + "timeout = \"20 parsecs\"\n" + target, 2, 1, "modules.m.timeout",
         "20 parsecs"},
        {"serve: a pattern that is too wide",
         "[serve]\nallowed_targets = [\"0.0.0.0/0\"]\n" + module + target, 2, 1,
         "serve.allowed_targets[0]", "scan most of the Internet"},
        {"serve: not a pattern", "[serve]\nallowed_targets = [\"a.*.example\"]\n" + module + target,
         2, 1, "serve.allowed_targets[0]", "not a host pattern"},
        {"serve: a port", "[serve]\nallowed_ports = [25, 0]\n" + module + target, 2, 1,
         "serve.allowed_ports[1]", "from 1 to 65535"},
        {"serve: a shard", "[serve]\nshard = \"2/2\"\n" + module + target, 2, 1, "serve.shard",
         "number K (0 to N-1) of N"},
        {"serve: listen on a name", "[serve]\nlisten = \"localhost:10587\"\n" + module + target, 2,
         1, "serve.listen", "127.0.0.1:10587"},
        {"serve: unknown key", "[serve]\nallowed_hosts = []\n" + module + target, 2, 1,
         "serve.allowed_hosts", "[serve] takes listen, allowed_targets"},
        {"serve: unlisted_targets type", module + "unlisted_targets = \"yes\"\n" + target, 2, 1,
         "modules.m.unlisted_targets", "true or false"},
        {"serve: a password instead of a hash",
         "[serve.basic_auth_users]\nscraper = \"hunter2\"\n" + module + target, 2, 1,
         "serve.basic_auth_users.scraper", "must be a bcrypt hash"},
        {"serve: a TLS key file missing",
         "[serve.tls_server_config]\ncert_file = \"/nonexistent.crt\"\n" + module + target, 2, 1,
         "serve.tls_server_config.cert_file", "no such file"},
        {"two secret sources",
         module + "user = \"u\"\npassword_env = \"A\"\npassword_file = \"/p\"\n" + target, 4, 1,
         "modules.m.password_file", "one secret source"},
        {"secret without user", module + "password_env = \"A\"\n" + target, 1, 10, "modules.m",
         "password_env needs user"},
        {"user without secret", module + "user = \"u\"\n" + target, 2, 1, "modules.m.user",
         "a login needs a secret source"},
        {"token mechanism with a password",
         module + "user = \"u\"\npassword_env = \"A\"\nauth_mech = \"XOAUTH2\"\n" + target, 4, 1,
         "modules.m.auth_mech", "takes an OAuth token"},
        {"bad mailbox", module + "from = \"not an address\"\n" + target, 2, 1, "modules.m.from",
         "from"},
        {"missing CA file", module + "ca_file = \"/nonexistent/ca.pem\"\n" + target, 2, 1,
         "modules.m.ca_file", "/nonexistent/ca.pem"},
        {"warning below critical",
         module + "cert_warning_days = 5\ncert_critical_days = 10\n" + target, 2, 1,
         "modules.m.cert_warning_days", "warning >= critical"},
        {"time range", module + "time_warning = \"5:2\"\n" + target, 2, 1, "modules.m.time_warning",
         "'5:2'"},
        {"time range type", module + "time_critical = true\n" + target, 2, 1,
         "modules.m.time_critical", "must be a Nagios range of seconds"},
        {"module name", "[modules.\"bad name\"]\n" + target, 1, 10, "modules.bad name",
         "a module name is"},
        {"no such module",
         module + "\n[[targets]]\nname = \"t\"\nhost = \"h.example\"\nmodule = \"n\"\n", 6, 1,
         "targets[1].module", "no module is named 'n'; the modules are m"},
        {"duplicate target name", module + target + target, 9, 1, "targets[2].name",
         "another target is named 't' already"},
        {"target without host", module + "\n[[targets]]\nname = \"t\"\nmodule = \"m\"\n", 3, 1,
         "targets[1]", "needs host"},
        {"target without name", module + "\n[[targets]]\nhost = \"h\"\nmodule = \"m\"\n", 3, 1,
         "targets[1]", "needs name"},
        {"bad host",
         module + "\n[[targets]]\nname = \"t\"\nhost = \"mail example\"\nmodule = \"m\"\n", 5, 1,
         "targets[1].host", "mail example"},
        {"ports disagree",
         module +
             "\n[[targets]]\nname = \"t\"\nhost = \"h.example:25\"\nport = 587\nmodule = \"m\"\n",
         6, 1, "targets[1].port", "disagree"},
        {"unknown target key", module + target + "customer = \"acme\"\n", 7, 1,
         "targets[1].customer", "unknown key; a target takes name, host, port, module or labels"},
        {"label name", module + target + "labels = { Customer = \"acme\" }\n", 7, 12,
         "targets[1].labels.Customer", "a label name is"},
        {"targets not an array", "targets = 3\n" + module, 1, 1, "targets",
         "must be [[targets]] entries"},
        {"no targets", module, 0, 0, "targets", "no targets"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.what);
        const auto errors = errors_of(parse_run_config(c.text, "conf/smtp-probe.toml"));
        REQUIRE_FALSE(errors.empty());
        const auto& e = errors.front();
        CAPTURE(e.text());
        CHECK(e.file == "conf/smtp-probe.toml");
        CHECK(e.line == c.line);
        CHECK(e.column == c.column);
        CHECK(e.key == c.key);
        CHECK(e.message.find(c.says) != std::string::npos);
        const auto where = c.line == 0 ? std::string("conf/smtp-probe.toml: ")
                                       : "conf/smtp-probe.toml:" + std::to_string(c.line) + ":";
        CHECK(e.text().rfind(where, 0) == 0);
    }
}

TEST_CASE("the [serve] table") {
    const auto parsed = parse_run_config(R"([serve]
listen = "[::1]:10600"
allowed_targets = ["*.customers.example", "192.0.2.0/24"]
allowed_ports = [587]
concurrency = 8
per_host = 1
scrape_timeout_offset = "1s"
shard = "1/3"

[modules.m]
port = 587
unlisted_targets = true
)",
                                         "serve.toml");
    const auto& c = ok(parsed);
    CHECK(c.targets.empty());  // an exporter of allowed hosts needs no named target
    CHECK(c.serve.listen == "[::1]:10600");
    CHECK(c.serve.allowed_targets.size() == 2);
    CHECK(c.serve.allowed_ports == std::vector<std::uint16_t>{587});
    CHECK(c.serve.concurrency == 8);
    CHECK(c.serve.per_host == 1);
    CHECK(c.serve.scrape_timeout_offset == std::chrono::seconds(1));
    REQUIRE(c.serve.shard);
    CHECK(c.serve.shard->index == 1);
    CHECK(c.serve.shard->count == 3);
    CHECK(c.modules.front().unlisted_targets);
    // Without [serve], the defaults.
    const auto plain_parsed = parse_run_config(good, "g.toml");
    const auto& plain = ok(plain_parsed);
    CHECK(plain.serve.allowed_targets.empty());
    CHECK(plain.serve.allowed_ports == std::vector<std::uint16_t>{25, 465, 587});
    CHECK_FALSE(plain.serve.shard);
}

TEST_CASE("time thresholds: Nagios ranges of seconds, as strings or numbers") {
    const auto parsed = parse_run_config(
        "[modules.m]\ntime_warning = 2.5\ntime_critical = \"@10:20\"\n"
        "[[targets]]\nname = \"t\"\nhost = \"h.example\"\nmodule = \"m\"\n",
        "c.toml");
    const auto& t = ok(parsed).modules.front().thresholds;
    REQUIRE(t.time_warning);
    CHECK(t.time_warning->text == "2.5");
    CHECK(range_alerts(*t.time_warning, 3.0));
    REQUIRE(t.time_critical);
    CHECK(t.time_critical->inside);
    CHECK(t.names[1] == "time_critical");
}

TEST_CASE("every mistake of a config is reported, not only the first") {
    const auto errors = errors_of(parse_run_config(
        "[modules.m]\nport = 0\nsecurity = \"x\"\n\n[[targets]]\nname = \"t\"\nhost = "
        "\"h\"\nmodule = \"zz\"\n",
        "f.toml"));
    REQUIRE(errors.size() == 3);
    CHECK(errors[0].key == "modules.m.port");
    CHECK(errors[1].key == "modules.m.security");
    CHECK(errors[2].key == "targets[1].module");
}

TEST_CASE("secrets come from the variable or a private file, relative to the config") {
    temp_file secret_file("hunter2\n");
    const auto folder = secret_file.path().substr(0, secret_file.path().rfind('/'));
    const auto name = secret_file.path().substr(folder.size() + 1);
    const std::string text =
        "[modules.a]\nuser = \"u@example.com\"\npassword_env = \"SP_PW\"\n"
        "[modules.b]\nuser = \"u@example.com\"\npassword_file = \"" +
        name + "\"\n[[targets]]\nname = \"t\"\nhost = \"h\"\nmodule = \"a\"\n";
    auto parsed = parse_run_config(text, folder + "/smtp-probe.toml");
    REQUIRE(std::holds_alternative<run_config>(parsed));
    auto& config = std::get<run_config>(parsed);
    CHECK(config.module_named("b")->secret_source->name == secret_file.path());

    const auto env = [](const char* n) -> const char* {
        return std::string(n) == "SP_PW" ? "s3cret" : nullptr;
    };
    CHECK(read_config_secrets(config, env).empty());
    CHECK(config.module_named("a")->base.password.reveal() == "s3cret");
    CHECK(config.module_named("b")->base.password.reveal() == "hunter2");

    REQUIRE(::chmod(secret_file.path().c_str(), 0644) == 0);
    auto again = std::get<run_config>(parse_run_config(text, folder + "/smtp-probe.toml"));
    const auto unset = [](const char*) -> const char* { return nullptr; };
    const auto errors = read_config_secrets(again, unset);
    REQUIRE(errors.size() == 2);
    CHECK(errors[0].key == "modules.a.password_env");
    CHECK(errors[0].line == 3);
    CHECK(errors[0].message.find("SP_PW is not set") != std::string::npos);
    CHECK(errors[1].key == "modules.b.password_file");
    CHECK(errors[1].message.find("run chmod 600") != std::string::npos);
    CHECK(errors[1].text().find("hunter2") == std::string::npos);
}

TEST_CASE("a config file that cannot be read") {
    const auto missing = errors_of(load_run_config("/nonexistent/smtp-probe.toml"));
    CHECK(missing.front().text().find("/nonexistent/smtp-probe.toml: cannot read the config") == 0);
    const auto directory = errors_of(load_run_config("/tmp"));
    CHECK(directory.front().message.find("not a regular file") != std::string::npos);
    temp_file f(good);
    CHECK(std::holds_alternative<run_config>(load_run_config(f.path())));
}

TEST_CASE("the annotated example config is a valid config") {
    const auto parsed = load_run_config(std::string(SP_EXAMPLES_DIR) + "/smtp-probe.toml");
    const auto& c = ok(parsed);
    CHECK(c.modules.size() == 3);
    CHECK(c.targets.size() == 4);
    const auto second = request_for_target(c, c.targets[1]);
    CHECK(second.port == 2525);
    CHECK(second.security == security_mode::starttls);  // the module's ssl_type = "tls"
    CHECK(c.module_named("m365")->base.forced_mechanism == auth_mechanism::xoauth2);
}

TEST_CASE("shards as Prometheus's hashmod numbers them") {
    // What Prometheus 2.42 itself assigned with modulus 2 (tests/integration/
    // prometheus_examples_test.py runs it on examples/prometheus/prometheus-sharded.yml).
    CHECK(hashmod("cpanel-2", 2) == 0);
    CHECK(hashmod("cpanel-1", 2) == 1);
    CHECK(hashmod("acme-relay", 2) == 1);
    CHECK(hashmod("m365", 2) == 1);
    // md5("") = d41d8cd98f00b204e9800998ecf8427e: the last 8 bytes are 0xe9800998ecf8427e.
    CHECK(hashmod("", UINT64_MAX) == 0xe9800998ecf8427eULL % UINT64_MAX);
    CHECK(hashmod("anything", 1) == 0);
}
