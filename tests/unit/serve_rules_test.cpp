// The pure rules of `serve`: the request target, the allow-list, the scrape budget.
#include <doctest/doctest.h>

#include <string>

#include "probe/config/host_pattern.hpp"
#include "probe/config/run_config.hpp"
#include "probe/serve/basic_auth.hpp"
#include "probe/serve/probe_admission.hpp"
#include "probe/serve/query_string.hpp"
#include "probe/serve/scrape_budget.hpp"

using namespace smtp_probe;
using namespace std::chrono_literals;

namespace {

request_target parsed(std::string_view text) {
    auto r = parse_request_target(text);
    if (const auto* e = std::get_if<std::string>(&r)) {
        FAIL_CHECK("refused: " << *e);
        return {};
    }
    return std::get<request_target>(r);
}

std::string refusal_of(std::string_view text) {
    auto r = parse_request_target(text);
    REQUIRE(std::holds_alternative<std::string>(r));
    return std::get<std::string>(r);
}

const char* const config_text = R"(
[serve]
allowed_targets = ["*.customers.example", "192.0.2.0/24", "2001:db8::/32"]
allowed_ports = [25, 587]

[modules.billing]
security = "starttls"
port = 587
user = "billing@example.com"
password_env = "PW"

[modules.shared]
security = "starttls"
port = 587
user = "probe@example.com"
password_env = "PW"
unlisted_targets = true

[modules.relay]
security = "starttls"
port = 25
no_rcpt = true

[[targets]]
name = "cpanel-1"
host = "mail.example.com"
module = "billing"

[[targets]]
name = "relay-1"
host = "192.0.2.25"
module = "relay"
)";

const run_config& config() {
    static const auto loaded = parse_run_config(config_text, "serve.toml");
    REQUIRE(std::holds_alternative<run_config>(loaded));
    return std::get<run_config>(loaded);
}

std::variant<admitted_probe, probe_refusal> admit(std::string_view query) {
    return admit_probe(config(), parsed(std::string("/probe?") + std::string(query)));
}

}  // namespace

TEST_CASE("request targets are decoded and bounded") {
    const auto t = parsed("/probe?target=cpanel-1&module=a%20b&debug=true");
    CHECK(t.path == "/probe");
    REQUIRE(t.params.size() == 3);
    CHECK(*t.param("module") == "a b");
    CHECK(parsed("/probe?target=a+b").params.front().second == "a b");
    CHECK(parsed("/probe?target=%E4%B8%AD").params.front().second == "\xe4\xb8\xad");
    CHECK(parsed("/probe?&&target=x&").params.size() == 1);
    CHECK(parsed("/probe?flag").params.front().second.empty());
    CHECK(parsed("/p%2Dq").path == "/p-q");
    CHECK(parsed("/probe?target=x#frag").params.front().second == "x");

    CHECK(refusal_of("/probe?target=a&target=b").find("twice") != std::string::npos);
    CHECK(refusal_of("probe").find("starting with '/'") != std::string::npos);
    CHECK(refusal_of("/probe?target=%zz").find("%-escape") != std::string::npos);
    CHECK(refusal_of("/probe?target=%4").find("%-escape") != std::string::npos);
    CHECK(refusal_of("/probe?target=a%0d%0aX-Injected:1").find("control") != std::string::npos);
    CHECK(refusal_of("/probe?target=%ff%fe").find("UTF-8") != std::string::npos);
    CHECK(refusal_of("/probe?target=%C0%AF").find("UTF-8") != std::string::npos);     // overlong
    CHECK(refusal_of("/probe?target=%ED%A0%80").find("UTF-8") != std::string::npos);  // surrogate
    CHECK(refusal_of("/probe?=x").find("empty name") != std::string::npos);
    CHECK(refusal_of("/" + std::string(5000, 'a')).find("longer than 4096") != std::string::npos);
    CHECK(refusal_of("/probe?target=" + std::string(600, 'a')).find("longer than 512") !=
          std::string::npos);
    std::string many = "/probe?";
    for (int i = 0; i < 17; ++i) {
        many += "p" + std::to_string(i) + "=1&";
    }
    CHECK(refusal_of(many).find("more than 16") != std::string::npos);
}

TEST_CASE("host patterns") {
    struct row {
        const char* pattern;
        const char* host;
        bool matches;
    };
    const row rows[] = {
        {"mail.example.com", "mail.example.com", true},
        {"mail.example.com", "MAIL.Example.COM.", true},
        {"mail.example.com", "evil-mail.example.com", false},
        {"mail.example.com", "mail.example.com.evil.test", false},
        {"*.example.com", "a.example.com", true},
        {"*.example.com", "a.b.example.com", true},
        {"*.example.com", "example.com", false},
        {"*.example.com", "aexample.com", false},
        {"*.example.com", "192.0.2.1", false},
        {"192.0.2.0/24", "192.0.2.77", true},
        {"192.0.2.0/24", "192.0.3.1", false},
        {"192.0.2.0/24", "::ffff:192.0.2.9", true},
        {"192.0.2.0/24", "mail.example.com", false},
        {"192.0.2.10", "192.0.2.10", true},
        {"192.0.2.10", "192.0.2.11", false},
        {"10.1.2.3/8", "10.200.0.1", true},
        {"2001:db8::/32", "2001:db8:1::25", true},
        {"2001:db8::/32", "2001:db9::25", false},
        {"2001:db8::/32", "192.0.2.1", false},
        {"2001:db8::/32", "fe80::1%eth0", false},
    };
    for (const auto& r : rows) {
        CAPTURE(r.pattern);
        CAPTURE(r.host);
        auto p = parse_host_pattern(r.pattern);
        REQUIRE(std::holds_alternative<host_pattern>(p));
        CHECK(host_matches(std::get<host_pattern>(p), r.host) == r.matches);
    }
    for (const char* bad :
         {"", "*", "*.com", "a.*.example.com", "0.0.0.0/0", "10.0.0.0/7", "::/0", "2001:db8::/15",
          "192.0.2.0/33", "192.0.2.0/x", "[::1]", "ex ample.com", "mail.example.com/24"}) {
        CAPTURE(bad);
        CHECK(std::holds_alternative<std::string>(parse_host_pattern(bad)));
    }
}

TEST_CASE("what /probe may probe") {
    SUBCASE("a target of the config, by name") {
        auto a = admit("target=cpanel-1");
        REQUIRE(std::holds_alternative<admitted_probe>(a));
        const auto& got = std::get<admitted_probe>(a);
        CHECK(got.target == "cpanel-1");
        CHECK(got.request.host == "mail.example.com");
        CHECK(got.request.port == 587);
        CHECK(got.named != nullptr);
        CHECK_FALSE(got.debug);
        CHECK(std::get<admitted_probe>(admit("target=cpanel-1&module=billing&debug=true")).debug);
    }
    SUBCASE("the host and port of a target are that target, with its own secret") {
        auto a = admit("target=mail.example.com:587");
        REQUIRE(std::holds_alternative<admitted_probe>(a));
        CHECK(std::get<admitted_probe>(a).target == "cpanel-1");
        CHECK(std::get<admitted_probe>(admit("target=192.0.2.25&module=relay")).target ==
              "relay-1");
    }
    SUBCASE("an allowed host with a module that sends no secret") {
        auto a = admit("target=mx.customers.example&module=relay");
        REQUIRE(std::holds_alternative<admitted_probe>(a));
        const auto& got = std::get<admitted_probe>(a);
        CHECK(got.target == "mx.customers.example:25");
        CHECK(got.request.port == 25);
        CHECK(got.named == nullptr);
        CHECK(std::get<admitted_probe>(admit("target=[2001:db8::9]:587&module=relay")).target ==
              "[2001:db8::9]:587");
    }
    SUBCASE("a module with a secret goes to unlisted hosts only when it opts in") {
        auto refused = admit("target=mx.customers.example:587&module=billing");
        REQUIRE(std::holds_alternative<probe_refusal>(refused));
        CHECK(std::get<probe_refusal>(refused).status == 403);
        CHECK(std::get<probe_refusal>(refused).message.find("unlisted_targets = true") !=
              std::string::npos);
        CHECK(std::holds_alternative<admitted_probe>(
            admit("target=mx.customers.example:587&module=shared")));
    }
    struct row {
        const char* query;
        int status;
        const char* says;
    };
    const row rows[] = {
        {"target=mx.other.example&module=relay", 403, "matches no pattern"},
        {"target=127.0.0.1:25&module=relay", 403, "matches no pattern"},
        {"target=192.0.2.9:22&module=relay", 403, "port 22 is not in serve.allowed_ports"},
        {"target=192.0.2.9:2525&module=relay", 403, "serve.allowed_ports (25, 587)"},
        {"target=fe80::1%25eth0&module=relay", 403, "zone"},
        {"target=cpanel-1&module=relay", 400, "is probed with module 'billing'"},
        {"target=mx.customers.example", 400, "module is missing"},
        {"target=mx.customers.example&module=nope", 400, "no module named 'nope'"},
        {"module=relay", 400, "target is missing"},
        {"target=", 400, "target is missing"},
        {"target=cpanel-1&password=x", 400, "unknown parameter 'password'"},
        {"target=cpanel-1&debug=maybe", 400, "not true or false"},
        {"target=%3Cscript%3E&module=relay", 400, "'<script>'"},
        {"target=a:99999&module=relay", 400, "65535"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.query);
        auto a = admit(r.query);
        REQUIRE(std::holds_alternative<probe_refusal>(a));
        CHECK(std::get<probe_refusal>(a).status == r.status);
        CHECK(std::get<probe_refusal>(a).message.find(r.says) != std::string::npos);
    }
}

TEST_CASE("without allowed_targets only the config's targets are probed") {
    const auto loaded = parse_run_config(R"(
[modules.relay]
port = 25
[[targets]]
name = "one"
host = "192.0.2.1"
module = "relay"
)",
                                         "t.toml");
    REQUIRE(std::holds_alternative<run_config>(loaded));
    const auto& c = std::get<run_config>(loaded);
    CHECK(std::holds_alternative<admitted_probe>(admit_probe(c, parsed("/probe?target=one"))));
    auto other = admit_probe(c, parsed("/probe?target=192.0.2.2&module=relay"));
    REQUIRE(std::holds_alternative<probe_refusal>(other));
    CHECK(std::get<probe_refusal>(other).status == 403);
    CHECK(std::get<probe_refusal>(other).message.find("allows no other host") != std::string::npos);
}

TEST_CASE("the scrape budget") {
    using ms = std::chrono::milliseconds;
    const auto budget = [](std::optional<std::string_view> h, ms offset, ms deadline) {
        auto r = scrape_budget(h, offset, deadline);
        REQUIRE(std::holds_alternative<ms>(r));
        return std::get<ms>(r);
    };
    CHECK(budget(std::nullopt, 500ms, 60s) == 60s);
    CHECK(budget("10", 500ms, 60s) == 9500ms);
    CHECK(budget("9.75", 500ms, 60s) == 9250ms);
    CHECK(budget("120", 500ms, 60s) == 60s);    // never more than the module's deadline
    CHECK(budget("0.4", 500ms, 60s) == 400ms);  // an offset that would leave nothing
    for (const char* bad : {"", "abc", "-1", "0", "1e9", "nan", "inf", "10s", " 10"}) {
        CAPTURE(bad);
        auto r = scrape_budget(std::string_view(bad), 500ms, 60s);
        REQUIRE(std::holds_alternative<std::string>(r));
        CHECK(std::get<std::string>(r).find("X-Prometheus-Scrape-Timeout-Seconds") !=
              std::string::npos);
    }
}

TEST_CASE("basic auth: the header and the bcrypt hash") {
    const auto c = parse_basic_authorization("Basic c2NyYXBlcjpzY3JhcGUtc2VjcmV0");
    REQUIRE(c);
    CHECK(c->user == "scraper");
    CHECK(c->password == "scrape-secret");
    CHECK(parse_basic_authorization("basic  c2NyYXBlcjo=")->password.empty());  // "scraper:"
    CHECK(parse_basic_authorization("Basic a:b:c").has_value() == false);       // not base64
    CHECK_FALSE(parse_basic_authorization("Bearer c2NyYXBlcjpzY3JhcGUtc2VjcmV0"));
    CHECK_FALSE(parse_basic_authorization("Basic bm9jb2xvbg=="));  // "nocolon"
    CHECK_FALSE(parse_basic_authorization("Basic"));
    CHECK_FALSE(parse_basic_authorization("Basic " + std::string(2000, 'A')));

    const std::string hash = "$2b$05$01sbYxEVs/UOVFhOl9V8L.hhGvvulA434iyrwU7gBuuwRYpUNUtIS";
    CHECK(is_bcrypt_hash(hash));
    CHECK(bcrypt_matches("scrape-secret", hash));
    CHECK_FALSE(bcrypt_matches("scrape-secreT", hash));
    CHECK_FALSE(bcrypt_matches("", hash));
    CHECK_FALSE(is_bcrypt_hash("scrape-secret"));
    CHECK_FALSE(bcrypt_matches("scrape-secret", "scrape-secret"));  // a password is no hash
}
