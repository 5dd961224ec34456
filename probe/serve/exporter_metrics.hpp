// The exporter's own metrics (/metrics): probes by result, probes in flight, how long scrapes
// of /probe took, config reloads, and what is running. Names under smtp_probe_exporter_.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace prometheus {
class Registry;
class Counter;
class Gauge;
class Histogram;
}  // namespace prometheus

namespace smtp_probe {

/// How one /probe request ended.
enum class probe_request_result {
    success,  ///< probed; the verdict was ok
    failure,  ///< probed; the verdict was a failure
    refused,  ///< not probed: the request was malformed or its target is not allowed (4xx)
    busy,     ///< not probed: over a concurrency bound, or shutting down (503)
    error,    ///< not probed: the probe could not start (an unreadable trust store)
};

class exporter_metrics {
public:
    exporter_metrics();
    exporter_metrics(const exporter_metrics&) = delete;
    exporter_metrics& operator=(const exporter_metrics&) = delete;
    ~exporter_metrics();

    void count_probe(probe_request_result result);
    void probe_started();
    void probe_ended();
    void observe_scrape(double seconds);
    void count_reload(bool ok);

    /// The text exposition of every metric.
    [[nodiscard]] std::string text() const;

private:
    std::shared_ptr<prometheus::Registry> registry_;
    prometheus::Counter* probes_[5] = {};
    prometheus::Gauge* in_flight_ = nullptr;
    prometheus::Histogram* scrape_seconds_ = nullptr;
    prometheus::Counter* reloads_ok_ = nullptr;
    prometheus::Counter* reloads_failed_ = nullptr;
    prometheus::Gauge* last_reload_ok_ = nullptr;
    prometheus::Gauge* last_reload_time_ = nullptr;
};

}  // namespace smtp_probe
