#include "probe/serve/probe_metrics.hpp"

#include <prometheus/text_serializer.h>

#include <algorithm>
#include <map>
#include <sstream>

namespace smtp_probe {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

MetricFamily gauge(std::string name, std::string help, double value) {
    MetricFamily f{std::move(name), std::move(help), MetricType::Gauge, {}};
    ClientMetric m;
    m.gauge.value = value;
    f.metric.push_back(std::move(m));
    return f;
}

ClientMetric labelled(std::vector<ClientMetric::Label> labels, double value) {
    ClientMetric m;
    m.label = std::move(labels);
    m.gauge.value = value;
    return m;
}

double seconds(duration_ms d) {
    return d.count() / 1000.0;
}

int ip_protocol(const probe_result& r) {
    const auto connected = std::find_if(r.addresses.begin(), r.addresses.end(), [](const auto& a) {
        return a.status == phase_status::pass;
    });
    if (connected != r.addresses.end()) {
        return connected->family;
    }
    return r.addresses.empty() ? 0 : r.addresses.back().family;
}

}  // namespace

std::string blackbox_tls_version(const std::string& openssl_name) {
    if (openssl_name == "TLSv1") {
        return "TLS 1.0";
    }
    if (openssl_name.starts_with("TLSv")) {
        return "TLS " + openssl_name.substr(4);
    }
    return openssl_name.empty() ? "unknown" : openssl_name.substr(0, 16);
}

std::vector<MetricFamily> probe_metric_families(const probe_result& r, bool logs_in) {
    std::vector<MetricFamily> out;
    out.push_back(gauge("probe_success",
                        "Whether the probe found that WHMCS can send mail (1) or not",
                        r.ok() ? 1 : 0));
    out.push_back(gauge("probe_duration_seconds", "How long the probe took", seconds(r.duration)));
    if (const auto* dns = r.find(phase::dns); dns != nullptr && dns->status != phase_status::skip) {
        out.push_back(gauge("probe_dns_lookup_time_seconds", "How long the DNS lookup took",
                            seconds(dns->duration)));
    }
    out.push_back(gauge("probe_ip_protocol",
                        "The IP version of the address probed (4 or 6, 0 "
                        "when none was reached)",
                        ip_protocol(r)));

    const phase_record* tls = r.find(phase::tls);
    if (tls != nullptr && tls->tls) {
        MetricFamily f{
            "probe_tls_version_info", "The TLS version the session used", MetricType::Gauge, {}};
        f.metric.push_back(labelled({{"version", blackbox_tls_version(tls->tls->version)}}, 1));
        out.push_back(std::move(f));
    }
    const phase_record* cert = r.find(phase::certificate);
    if (cert != nullptr && cert->certificate) {
        const auto& c = *cert->certificate;
        // The chain as verification built it, else the leaf alone.
        auto earliest = c.not_after;
        for (const auto& link : c.chain) {
            earliest = std::min(earliest, link.not_after);
        }
        out.push_back(gauge("probe_ssl_earliest_cert_expiry",
                            "When the first certificate of the chain expires (Unix seconds)",
                            static_cast<double>(earliest)));
        if (c.chain_trusted && cert->cause != probe_errc::cert_expired) {
            // A chain that verified, dates included (as Go's VerifiedChains, which blackbox
            // reads): it is valid until its first certificate expires.
            out.push_back(gauge("probe_ssl_last_chain_expiry_timestamp_seconds",
                                "When the verified chain stops being valid (Unix seconds)",
                                static_cast<double>(earliest)));
        }
    }

    MetricFamily durations{"smtp_probe_phase_duration_seconds",
                           "How long each step of the SMTP session took",
                           MetricType::Gauge,
                           {}};
    MetricFamily successes{"smtp_probe_phase_success",
                           "Whether each step that ran passed (1) or failed (0)",
                           MetricType::Gauge,
                           {}};
    for (const auto& rec : r.checks) {
        if (rec.status == phase_status::skip) {
            continue;
        }
        const std::string name(phase_name(rec.name));
        durations.metric.push_back(labelled({{"phase", name}}, seconds(rec.duration)));
        successes.metric.push_back(
            labelled({{"phase", name}}, rec.status == phase_status::fail ? 0 : 1));
    }
    out.push_back(std::move(durations));
    out.push_back(std::move(successes));

    MetricFamily verdict{"smtp_probe_verdict",
                         "The WHMCS error category and cause of the probe's verdict (one series)",
                         MetricType::Gauge,
                         {}};
    verdict.metric.push_back(
        labelled({{"category", std::string(category_id(r.outcome.category))},
                  {"cause", r.outcome.cause ? std::string(cause_id(*r.outcome.cause)) : "none"}},
                 1));
    out.push_back(std::move(verdict));

    if (logs_in) {
        const auto* auth = r.find(phase::auth);
        out.push_back(gauge("smtp_probe_auth_success",
                            "Whether the login was accepted (1) or not, or never reached (0)",
                            auth != nullptr && auth->status == phase_status::pass ? 1 : 0));
    }
    out.push_back(gauge("smtp_probe_round_trips",
                        "Request/response turns the probe needed (each costs one network round "
                        "trip)",
                        r.round_trips));

    std::map<std::string, std::size_t> by_status{{"ok", 0}, {"fail", 0}, {"skip", 0}};
    for (const auto& a : r.addresses) {
        ++by_status[a.status == phase_status::pass   ? "ok"
                    : a.status == phase_status::fail ? "fail"
                                                     : "skip"];
    }
    // Resolved but never tried: an address before them connected, or the deadline came first.
    if (const auto* dns = r.find(phase::dns);
        dns != nullptr && dns->addresses.size() > r.addresses.size()) {
        by_status["skip"] += dns->addresses.size() - r.addresses.size();
    }
    MetricFamily addresses{"smtp_probe_addresses",
                           "The server's addresses, counted by how the connection to each went",
                           MetricType::Gauge,
                           {}};
    for (const auto& [status, count] : by_status) {
        addresses.metric.push_back(labelled({{"status", status}}, static_cast<double>(count)));
    }
    out.push_back(std::move(addresses));
    return out;
}

std::vector<MetricFamily> unrun_probe_families(double took) {
    std::vector<MetricFamily> out;
    out.push_back(
        gauge("probe_success", "Whether the probe found that WHMCS can send mail (1) or not", 0));
    out.push_back(gauge("probe_duration_seconds", "How long the probe took", took));
    return out;
}

std::string exposition_text(const std::vector<MetricFamily>& families) {
    std::ostringstream out;
    prometheus::TextSerializer().Serialize(out, families);
    return out.str();
}

}  // namespace smtp_probe
