// One probe's result as the metrics /probe returns: blackbox_exporter's names where one exists
// (so that its dashboards and alerts keep working), ours under smtp_probe_. Label values come
// only from bounded sets (phase names, the category contract's ids, a TLS version), never from
// what a server said.
#pragma once

#include <prometheus/metric_family.h>

#include <string>
#include <vector>

#include "checks/evidence.hpp"

namespace smtp_probe {

/// The families of `r`. `logs_in`: the module logs in, so smtp_probe_auth_success is set.
[[nodiscard]] std::vector<prometheus::MetricFamily> probe_metric_families(const probe_result& r,
                                                                          bool logs_in);

/// A failed probe that never ran (the trust store could not be read): probe_success 0 and the
/// duration, so that the scrape still says the target is not watched.
[[nodiscard]] std::vector<prometheus::MetricFamily> unrun_probe_families(double seconds);

/// The text exposition format (version 0.0.4) of `families`.
[[nodiscard]] std::string exposition_text(const std::vector<prometheus::MetricFamily>& families);

/// blackbox_exporter's name of a TLS version: "TLSv1.3" is "TLS 1.3", "TLSv1" is "TLS 1.0".
[[nodiscard]] std::string blackbox_tls_version(const std::string& openssl_name);

}  // namespace smtp_probe
