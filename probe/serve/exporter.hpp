// `smtp-probe serve`: what each path of the exporter answers. /probe runs one probe on the
// shared runtime within the [serve] bounds (over them it answers 503 at once rather than
// queue); two scrapes of the same target at once share one probe, and logins with one user to
// one server never overlap, whoever asked. The config can be replaced while serving (reload):
// a probe keeps the config it started with.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "probe/config/run_config.hpp"
#include "probe/serve/basic_auth.hpp"
#include "probe/serve/exporter_metrics.hpp"
#include "probe/serve/http_server.hpp"

namespace smtp_probe {

class runtime;

/// Reads the config file and its secrets again, for reload.
using config_loader = std::function<config_result()>;

class exporter {
public:
    exporter(runtime& rt, run_config config, config_loader load);
    exporter(const exporter&) = delete;
    exporter& operator=(const exporter&) = delete;
    ~exporter();

    [[nodiscard]] boost::asio::awaitable<http_answer> handle(http_ask ask);

    /// Reads the config again. On a mistake the old config keeps serving and the mistakes are
    /// returned (file:line:column: key: message each).
    [[nodiscard]] std::vector<config_error> reload();

    /// From now on /probe answers 503; probes running go on to their deadline.
    void begin_shutdown() { shutting_down_ = true; }

    [[nodiscard]] std::shared_ptr<const run_config> config() const { return config_; }
    [[nodiscard]] exporter_metrics& metrics() { return metrics_; }

    struct flight;

private:
    [[nodiscard]] boost::asio::awaitable<http_answer> probe(const http_ask& ask,
                                                            const struct request_target& asked);
    [[nodiscard]] http_answer index() const;
    [[nodiscard]] http_answer reload_answer();

    runtime& rt_;
    std::shared_ptr<const run_config> config_;
    config_loader load_;
    exporter_metrics metrics_;
    basic_auth_gate auth_;
    bool shutting_down_ = false;
    std::size_t running_ = 0;
    std::map<std::string, std::size_t> per_host_;
    std::map<std::string, std::shared_ptr<flight>> flights_;
    std::map<std::string, std::shared_ptr<flight>> logins_;
};

}  // namespace smtp_probe
