#include "probe/serve/exporter_metrics.hpp"

#include <openssl/crypto.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <boost/version.hpp>
#include <chrono>
#include <sstream>

#include "probe/cli/option_rules.hpp"

namespace smtp_probe {

exporter_metrics::exporter_metrics() : registry_(std::make_shared<prometheus::Registry>()) {
    auto& probes = prometheus::BuildCounter()
                       .Name("smtp_probe_exporter_probes_total")
                       .Help("Requests of /probe, by how they ended")
                       .Register(*registry_);
    constexpr const char* results[] = {"success", "failure", "refused", "busy", "error"};
    for (int i = 0; i < 5; ++i) {
        probes_[i] = &probes.Add({{"result", results[i]}});
    }
    in_flight_ = &prometheus::BuildGauge()
                      .Name("smtp_probe_exporter_probes_in_flight")
                      .Help("Probes running now")
                      .Register(*registry_)
                      .Add({});
    scrape_seconds_ = &prometheus::BuildHistogram()
                           .Name("smtp_probe_exporter_scrape_duration_seconds")
                           .Help("How long answering /probe took, probing included")
                           .Register(*registry_)
                           .Add({}, prometheus::Histogram::BucketBoundaries{
                                        0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60});
    auto& reloads = prometheus::BuildCounter()
                        .Name("smtp_probe_exporter_config_reloads_total")
                        .Help("Config reloads (SIGHUP or POST /-/reload), by result")
                        .Register(*registry_);
    reloads_ok_ = &reloads.Add({{"result", "success"}});
    reloads_failed_ = &reloads.Add({{"result", "failure"}});
    last_reload_ok_ = &prometheus::BuildGauge()
                           .Name("smtp_probe_exporter_config_last_reload_successful")
                           .Help("Whether the last config reload was accepted (1) or refused (0)")
                           .Register(*registry_)
                           .Add({});
    last_reload_ok_->Set(1);
    last_reload_time_ =
        &prometheus::BuildGauge()
             .Name("smtp_probe_exporter_config_last_reload_success_timestamp_seconds")
             .Help("When the config in use was read (Unix seconds)")
             .Register(*registry_)
             .Add({});
    last_reload_time_->SetToCurrentTime();
    std::ostringstream boost_version;
    boost_version << BOOST_VERSION / 100000 << '.' << BOOST_VERSION / 100 % 1000 << '.'
                  << BOOST_VERSION % 100;
    prometheus::BuildGauge()
        .Name("smtp_probe_exporter_build_info")
        .Help("The running smtp-probe: its version and the libraries it runs on (value 1)")
        .Register(*registry_)
        .Add({{"version", std::string(program_version())},
              {"openssl", OpenSSL_version(OPENSSL_VERSION_STRING)},
              {"boost", boost_version.str()}})
        .Set(1);
}

exporter_metrics::~exporter_metrics() = default;

void exporter_metrics::count_probe(probe_request_result result) {
    probes_[static_cast<int>(result)]->Increment();
}

void exporter_metrics::probe_started() {
    in_flight_->Increment();
}

void exporter_metrics::probe_ended() {
    in_flight_->Decrement();
}

void exporter_metrics::observe_scrape(double seconds) {
    scrape_seconds_->Observe(seconds);
}

void exporter_metrics::count_reload(bool ok) {
    (ok ? reloads_ok_ : reloads_failed_)->Increment();
    last_reload_ok_->Set(ok ? 1 : 0);
    if (ok) {
        last_reload_time_->SetToCurrentTime();
    }
}

std::string exporter_metrics::text() const {
    std::ostringstream out;
    prometheus::TextSerializer().Serialize(out, registry_->Collect());
    return out.str();
}

}  // namespace smtp_probe
