// What /probe reads from a request (probe/serve/query_string.hpp, probe_admission.hpp,
// scrape_budget.hpp, probe/config/host_pattern.hpp). Whatever the request target says, the
// exporter probes only a target of the config, or a host an allowed_targets pattern matches on
// an allowed port with a module that sends no secret unless it opted in; decoded parameters
// carry no control byte; every refusal is printable.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "probe/config/host_pattern.hpp"
#include "probe/config/run_config.hpp"
#include "probe/serve/probe_admission.hpp"
#include "probe/serve/query_string.hpp"
#include "probe/serve/scrape_budget.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using namespace smtp_probe;
using smtp_probe::fuzz::free_of_controls;

const run_config& config() {
    static const run_config c = [] {
        auto parsed = parse_run_config(R"(
[serve]
allowed_targets = ["*.customers.example", "192.0.2.0/24", "2001:db8::/32", "mx.example.net"]
allowed_ports = [25, 587]
[modules.secret]
port = 587
user = "u@example.com"
password_env = "PW"
[modules.shared]
port = 587
user = "s@example.com"
password_env = "PW"
unlisted_targets = true
[modules.open]
port = 25
no_rcpt = true
[[targets]]
name = "one"
host = "mail.example.com"
module = "secret"
[[targets]]
name = "two"
host = "203.0.113.5:2525"
module = "open"
)",
                                       "fuzz.toml");
        return std::get<run_config>(std::move(parsed));
    }();
    return c;
}

void check_admission(const request_target& asked) {
    for (const auto& [name, value] : asked.params) {
        SP_FUZZ_CHECK(free_of_controls(name) && free_of_controls(value));
        SP_FUZZ_CHECK(value.size() <= max_param_value);
    }
    SP_FUZZ_CHECK(asked.params.size() <= max_query_params);
    const auto& c = config();
    const auto admitted = admit_probe(c, asked);
    if (const auto* refused = std::get_if<probe_refusal>(&admitted)) {
        SP_FUZZ_CHECK(refused->status == 400 || refused->status == 403);
        SP_FUZZ_CHECK(free_of_controls(refused->message));
        return;
    }
    const auto& a = std::get<admitted_probe>(admitted);
    if (a.named != nullptr) {
        SP_FUZZ_CHECK(a.request.host == a.named->host && a.target == a.named->name);
        return;
    }
    const auto& sv = c.serve;
    SP_FUZZ_CHECK(
        std::any_of(sv.allowed_targets.begin(), sv.allowed_targets.end(),
                    [&a](const host_pattern& p) { return host_matches(p, a.request.host); }));
    SP_FUZZ_CHECK(std::find(sv.allowed_ports.begin(), sv.allowed_ports.end(), a.request.port) !=
                  sv.allowed_ports.end());
    const auto* m = c.module_named(a.module);
    SP_FUZZ_CHECK(m != nullptr && (!m->secret_source || m->unlisted_targets));
    SP_FUZZ_CHECK(a.request.host.find('%') == std::string::npos);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto input = smtp_probe::fuzz::as_text(data, size);

    auto parsed = parse_request_target(input);
    if (const auto* error = std::get_if<std::string>(&parsed)) {
        SP_FUZZ_CHECK(free_of_controls(*error));
    } else {
        check_admission(std::get<request_target>(parsed));
    }
    // The same bytes as a query string after /probe?.
    auto probe = parse_request_target("/probe?" + std::string(input.substr(0, 2048)));
    if (auto* asked = std::get_if<request_target>(&probe)) {
        check_admission(*asked);
    }

    // The first line as a pattern, the rest as a host.
    const auto newline = std::min(input.find('\n'), input.size());
    const auto pattern = parse_host_pattern(input.substr(0, newline));
    if (const auto* p = std::get_if<host_pattern>(&pattern)) {
        const auto host = newline < input.size() ? input.substr(newline + 1) : std::string_view{};
        const bool matches = host_matches(*p, host);
        SP_FUZZ_CHECK(!matches || !host.empty());
        if (p->what == host_pattern::kind::network) {
            SP_FUZZ_CHECK(p->prefix >= (p->network.is_v4() ? 8U : 16U));
        }
    } else {
        SP_FUZZ_CHECK(free_of_controls(std::get<std::string>(pattern)));
    }

    const auto budget = scrape_budget(input.substr(0, 40), std::chrono::milliseconds(500),
                                      std::chrono::seconds(60));
    if (const auto* d = std::get_if<std::chrono::milliseconds>(&budget)) {
        SP_FUZZ_CHECK(d->count() >= 1 && *d <= std::chrono::seconds(60));
    } else {
        SP_FUZZ_CHECK(free_of_controls(std::get<std::string>(budget)));
    }
    return 0;
}
