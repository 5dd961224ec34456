#include "probe/serve/exporter.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>

#include "checks/session/pipeline.hpp"
#include "net/ascii.hpp"
#include "net/sanitize.hpp"
#include "probe/config/shard.hpp"
#include "probe/report/report_text.hpp"
#include "probe/runtime/local_names.hpp"
#include "probe/runtime/runtime.hpp"
#include "probe/serve/probe_admission.hpp"
#include "probe/serve/probe_metrics.hpp"
#include "probe/serve/query_string.hpp"
#include "probe/serve/scrape_budget.hpp"

namespace smtp_probe {
namespace asio = boost::asio;
using clock_type = std::chrono::steady_clock;

/// One probe running, which other requests for the same target (or with the same login) wait
/// for: `done` is cancelled when it ends.
struct exporter::flight {
    explicit flight(const asio::any_io_executor& ex)
        : done(ex, asio::steady_timer::time_point::max()) {}
    asio::steady_timer done;
    bool finished = false;
    std::optional<probe_result> result;
    std::string setup_error;
};

namespace {

constexpr auto metrics_type = "text/plain; version=0.0.4; charset=utf-8";

http_answer text_answer(unsigned status, std::string body) {
    http_answer a;
    a.status = status;
    a.body = std::move(body) + "\n";
    return a;
}

http_answer busy_answer(std::string why) {
    auto a = text_answer(503, std::move(why));
    a.headers.emplace_back("Retry-After", "1");
    return a;
}

/// Waits until `f` has finished or `limit` has passed; true when it finished.
asio::awaitable<bool> wait_for(exporter::flight& f, clock_type::time_point limit) {
    using namespace asio::experimental::awaitable_operators;
    if (f.finished) {
        co_return true;
    }
    asio::steady_timer timer(co_await asio::this_coro::executor, limit);
    co_await (f.done.async_wait(asio::as_tuple(asio::use_awaitable)) ||
              timer.async_wait(asio::as_tuple(asio::use_awaitable)));
    co_return f.finished;
}

double seconds_since(clock_type::time_point t) {
    return std::chrono::duration<double>(clock_type::now() - t).count();
}

}  // namespace

exporter::exporter(runtime& rt, run_config config, config_loader load)
    : rt_(rt),
      config_(std::make_shared<const run_config>(std::move(config))),
      load_(std::move(load)) {}

exporter::~exporter() = default;

std::vector<config_error> exporter::reload() {
    auto loaded = load_();
    if (auto* errors = std::get_if<std::vector<config_error>>(&loaded)) {
        metrics_.count_reload(false);
        for (const auto& e : *errors) {
            rt_.log()->error("reload refused, the old config keeps serving: {}", e.text());
        }
        return std::move(*errors);
    }
    config_ = std::make_shared<const run_config>(std::get<run_config>(std::move(loaded)));
    metrics_.count_reload(true);
    rt_.log()->info("config reloaded: {} modules, {} targets", config_->modules.size(),
                    config_->targets.size());
    return {};
}

http_answer exporter::reload_answer() {
    const auto errors = reload();
    if (errors.empty()) {
        return text_answer(200, "reloaded: " + std::to_string(config_->modules.size()) +
                                    " modules, " + std::to_string(config_->targets.size()) +
                                    " targets");
    }
    std::string body = "the new config was refused; the old one keeps serving:";
    for (const auto& e : errors) {
        body += "\n" + e.text();
    }
    return text_answer(500, std::move(body));
}

http_answer exporter::index() const {
    const auto config = config_;
    std::string html =
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<title>smtp-probe exporter</title></head><body>\n<h1>smtp-probe exporter</h1>\n"
        "<p>Will WHMCS's mail go out? Each target is probed as WHMCS's own mailer would send: "
        "TCP, TLS, the certificate, the login and MAIL FROM.</p>\n<ul>\n"
        "<li><a href=\"/metrics\">/metrics</a>: the exporter's own metrics</li>\n"
        "<li>/probe?target=NAME: probe a target of the config; add &amp;debug=true for the "
        "session's transcript</li>\n</ul>\n<h2>Targets</h2>\n<table>\n"
        "<tr><th>target</th><th>host</th><th>module</th>";
    const auto& shard = config->serve.shard;
    if (shard) {
        html += "<th>shard " + std::to_string(shard->index) + "/" + std::to_string(shard->count) +
                "</th>";
    }
    html += "<th></th></tr>\n";
    for (const auto& t : config->targets) {
        const auto name = html_escape(t.name);
        html += "<tr><td>" + name + "</td><td>" + html_escape(t.host) + "</td><td>" +
                html_escape(t.module) + "</td>";
        if (shard) {
            // The targets Prometheus's hashmod sends to this exporter (probe/config/shard.hpp).
            html += hashmod(t.name, shard->count) == shard->index ? "<td>this one</td>"
                                                                  : "<td>another</td>";
        }
        html += "<td><a href=\"/probe?target=";
        html += name;
        html += "\">metrics</a> <a href=\"/probe?target=";
        html += name;
        html += "&amp;debug=true\">debug</a></td></tr>\n";
    }
    html += "</table>\n</body></html>\n";
    http_answer a;
    a.content_type = "text/html; charset=utf-8";
    a.body = std::move(html);
    a.headers.emplace_back("Content-Security-Policy",
                           "default-src 'none'; style-src 'self'; frame-ancestors 'none'");
    return a;
}

asio::awaitable<http_answer> exporter::handle(http_ask ask) {
    if (const auto config = config_; !config->serve.basic_auth_users.empty()) {
        if (!co_await auth_.allows(ask.authorization, config->serve.basic_auth_users)) {
            auto a = text_answer(401, "this exporter asks for a user and password (basic auth)");
            a.headers.emplace_back("WWW-Authenticate",
                                   "Basic realm=\"smtp-probe\", charset=\"UTF-8\"");
            co_return a;
        }
    }
    auto parsed = parse_request_target(ask.target);
    if (auto* error = std::get_if<std::string>(&parsed)) {
        if (ask.target.starts_with("/probe")) {
            metrics_.count_probe(probe_request_result::refused);
        }
        co_return text_answer(400, *error);
    }
    const auto& asked = std::get<request_target>(parsed);
    const bool reads = ask.method == "GET" || ask.method == "HEAD";
    const auto not_allowed = [](const char* allow) {
        auto a = text_answer(405, std::string("method not allowed; use ") + allow);
        a.headers.emplace_back("Allow", allow);
        return a;
    };
    if (asked.path == "/probe") {
        if (!reads) {
            co_return not_allowed("GET");
        }
        const auto started = clock_type::now();
        auto answer = co_await probe(ask, asked);
        metrics_.observe_scrape(seconds_since(started));
        co_return answer;
    }
    if (asked.path == "/metrics") {
        if (!reads) {
            co_return not_allowed("GET");
        }
        http_answer a;
        a.content_type = metrics_type;
        a.body = metrics_.text();
        co_return a;
    }
    if (asked.path == "/") {
        co_return reads ? index() : not_allowed("GET");
    }
    if (asked.path == "/-/healthy" || asked.path == "/-/ready") {
        co_return reads ? text_answer(200, "OK") : not_allowed("GET");
    }
    if (asked.path == "/-/reload") {
        if (ask.method != "POST" && ask.method != "PUT") {
            co_return not_allowed("POST");
        }
        co_return reload_answer();
    }
    co_return text_answer(404, "not found; the exporter answers /probe, /metrics, /-/reload and /");
}

asio::awaitable<http_answer> exporter::probe(const http_ask& ask, const request_target& asked) {
    const auto started = clock_type::now();
    const auto config = config_;  // a reload while this probe runs does not pull it away
    auto admission = admit_probe(*config, asked);
    if (auto* refused = std::get_if<probe_refusal>(&admission)) {
        metrics_.count_probe(probe_request_result::refused);
        co_return text_answer(static_cast<unsigned>(refused->status), refused->message);
    }
    auto& admitted = std::get<admitted_probe>(admission);
    const auto budget = scrape_budget(
        ask.scrape_timeout ? std::optional<std::string_view>(*ask.scrape_timeout) : std::nullopt,
        config->serve.scrape_timeout_offset, admitted.request.deadline);
    if (const auto* error = std::get_if<std::string>(&budget)) {
        metrics_.count_probe(probe_request_result::refused);
        co_return text_answer(400, *error);
    }
    const auto until = started + std::get<std::chrono::milliseconds>(budget);
    if (shutting_down_) {
        metrics_.count_probe(probe_request_result::busy);
        co_return busy_answer("the exporter is shutting down");
    }

    const auto key = admitted.module + "\n" + admitted.target;
    std::shared_ptr<flight> f;
    if (const auto running = flights_.find(key); running != flights_.end()) {
        // The same probe is running for another scrape (an HA pair of Prometheus servers):
        // share its result rather than log in twice.
        f = running->second;
        if (!co_await wait_for(*f, until)) {
            metrics_.count_probe(probe_request_result::busy);
            co_return busy_answer(
                "the same probe, started by another request, did not end in "
                "time");
        }
    } else {
        const auto& sv = config->serve;
        const auto host_key =
            ascii_lowered(admitted.request.host) + "\n" + std::to_string(admitted.request.port);
        if (running_ >= sv.concurrency) {
            metrics_.count_probe(probe_request_result::busy);
            co_return busy_answer("the exporter runs " + std::to_string(running_) +
                                  " probes already (serve.concurrency)");
        }
        // An entry exists only while a probe of that host runs (allowed_targets may match
        // names without end).
        const auto on_host = per_host_.find(host_key);
        if (on_host != per_host_.end() && on_host->second >= sv.per_host) {
            metrics_.count_probe(probe_request_result::busy);
            co_return busy_answer(std::to_string(on_host->second) +
                                  " probes of this host and port are running already "
                                  "(serve.per_host)");
        }
        f = std::make_shared<flight>(co_await asio::this_coro::executor);
        flights_[key] = f;
        ++running_;
        ++per_host_[host_key];
        metrics_.probe_started();
        std::string login_key;
        bool login_busy = false;
        try {
            if (admitted.request.user) {
                login_key = host_key + "\n" + *admitted.request.user;
                // Logins with one user to one server never overlap (a lockout counts them).
                for (auto other = logins_.find(login_key); other != logins_.end();
                     other = logins_.find(login_key)) {
                    const auto holder = other->second;
                    if (!co_await wait_for(*holder, until)) {
                        login_busy = true;
                        break;
                    }
                }
                if (!login_busy) {
                    logins_[login_key] = f;
                }
            }
            if (!login_busy) {
                auto request = std::move(admitted.request);
                request.deadline = std::max(std::chrono::milliseconds{1},
                                            std::chrono::duration_cast<std::chrono::milliseconds>(
                                                until - clock_type::now()));
                request.keep_transcript = true;
                request.all_addresses = false;
                add_local_names(request);
                auto services = rt_.services_for(request);
                auto results = co_await run_probe(request, services);
                f->result = std::move(results.front());
                admitted.request = std::move(request);
            }
        } catch (const std::exception& e) {
            f->setup_error = sanitize_for_display(e.what(), 300);
        }
        if (!login_key.empty() && !login_busy) {
            logins_.erase(login_key);
        }
        flights_.erase(key);
        --running_;
        if (--per_host_[host_key] == 0) {
            per_host_.erase(host_key);
        }
        metrics_.probe_ended();
        f->finished = true;
        f->done.cancel();
        if (login_busy) {
            metrics_.count_probe(probe_request_result::busy);
            co_return busy_answer(
                "a login to this server with this user is running already "
                "and did not end in time");
        }
    }

    if (!f->result) {
        metrics_.count_probe(probe_request_result::error);
        rt_.log()->error("probe of {} could not start: {}", admitted.target, f->setup_error);
        http_answer a;
        a.content_type = metrics_type;
        a.body = "# smtp-probe: the probe could not start: " + f->setup_error + "\n" +
                 exposition_text(unrun_probe_families(seconds_since(started)));
        co_return a;
    }
    const auto& r = *f->result;
    metrics_.count_probe(r.ok() ? probe_request_result::success : probe_request_result::failure);
    rt_.log()->info("probe of {} (module {}): {} {}", admitted.target, admitted.module,
                    category_id(r.outcome.category),
                    r.outcome.cause ? cause_id(*r.outcome.cause) : "");
    const bool logs_in = admitted.request.user.has_value();
    auto families = probe_metric_families(r, logs_in);
    http_answer a;
    if (admitted.debug) {
        text_options text;
        text.show_transcript = true;
        text.verbosity = 1;
        a.body = "target " + admitted.target + ", module " + admitted.module + "\n\n" +
                 render_text(r, text) + "\nMetrics that would have been returned:\n" +
                 exposition_text(families);
        co_return a;
    }
    a.content_type = metrics_type;
    a.body = exposition_text(families);
    co_return a;
}

}  // namespace smtp_probe
