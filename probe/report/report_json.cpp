#include "probe/report/report_json.hpp"

#include "probe/i18n/i18n.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cmath>

#include <fmt/format.h>

#include "checks/port_mode.hpp"
#include "checks/whmcs_rules.hpp"
#include "net/sanitize.hpp"
#include "probe/report/utc_time.hpp"

namespace smtp_probe {
namespace {

namespace json = boost::json;

/// Boost.JSON escapes quotes and controls but passes other bytes through: sanitising first keeps
/// the document valid UTF-8 and free of terminal escapes for whoever prints it later.
json::string clean(std::string_view untrusted) {
    return json::string(sanitize_for_display(untrusted));
}

json::array clean_array(const std::vector<std::string>& items) {
    json::array out;
    out.reserve(items.size());
    for (const auto& item : items) {
        out.emplace_back(clean(item));
    }
    return out;
}

/// Microsecond precision is plenty and keeps the numbers readable.
double ms(duration_ms d) {
    return std::round(d.count() * 1000.0) / 1000.0;
}

json::value optional_cause(const std::optional<probe_errc>& cause) {
    if (!cause) {
        return nullptr;
    }
    return json::string(cause_id(*cause));
}

json::object reply_json(const smtp_reply& reply) {
    json::object out;
    out["code"] = reply.code;
    if (reply.enhanced) {
        out["enhanced"] = reply.enhanced->to_string();
    } else {
        out["enhanced"] = nullptr;
    }
    out["lines"] = clean_array(reply.lines);
    return out;
}

/// How many subjectAltNames of each kind the JSON lists; matching used them all.
constexpr std::size_t max_json_names = 256;

json::array first_names(const std::vector<std::string>& names) {
    const auto n = std::min(names.size(), max_json_names);
    return clean_array(
        std::vector<std::string>(names.begin(), names.begin() + static_cast<long>(n)));
}

json::object certificate_json(const certificate_facts& cert) {
    json::object out;
    out["subject"] = clean(cert.subject);
    out["issuer"] = clean(cert.issuer);
    out["common_name"] = clean(cert.common_name);
    out["dns_names"] = first_names(cert.dns_names);
    out["ip_addresses"] = first_names(cert.ip_addresses);
    const auto listed = std::min(cert.dns_names.size(), max_json_names) +
                        std::min(cert.ip_addresses.size(), max_json_names);
    out["names_omitted"] = cert.dns_names.size() + cert.ip_addresses.size() - listed;
    out["not_before"] = iso8601_utc(cert.not_before);
    out["not_after"] = iso8601_utc(cert.not_after);
    out["days_left"] = cert.days_left;
    out["chain_length"] = cert.chain_length;
    out["self_signed"] = cert.self_signed;
    out["chain_trusted"] = cert.chain_trusted;
    if (cert.verify_error == 0) {
        out["verify_error"] = nullptr;
    } else {
        out["verify_error"] =
            json::object{{"code", cert.verify_error}, {"text", clean(cert.verify_error_text)}};
    }
    out["name_matches"] = cert.name_matches;
    json::array chain;
    std::int64_t earliest = cert.not_after;
    for (const auto& c : cert.chain) {
        chain.push_back(json::object{{"name", clean(c.name)},
                                     {"not_before", iso8601_utc(c.not_before)},
                                     {"not_after", iso8601_utc(c.not_after)}});
        earliest = std::min(earliest, c.not_after);
    }
    out["chain"] = std::move(chain);
    out["earliest_not_after"] = iso8601_utc(earliest);
    return out;
}

/// Only what the phase produced.
json::object evidence_json(const phase_record& r) {
    json::object ev;
    if (r.reply) {
        ev["reply"] = reply_json(*r.reply);
    }
    if (r.sys_errno) {
        ev["errno"] = *r.sys_errno;
    }
    if (!r.error_text.empty()) {
        ev["error"] = clean(r.error_text);
    }
    if (!r.addresses.empty()) {
        ev["addresses"] = clean_array(r.addresses);
    }
    if (r.peer) {
        ev["peer"] = clean(*r.peer);
    }
    if (!r.capabilities.empty()) {
        ev["capabilities"] = clean_array(r.capabilities);
    }
    if (!r.auth_mechanisms.empty()) {
        ev["auth_mechanisms"] = clean_array(r.auth_mechanisms);
    }
    if (r.size_limit) {
        ev["size_limit"] = *r.size_limit;
    }
    if (r.mechanism) {
        ev["mechanism"] = clean(*r.mechanism);
    }
    if (r.tls) {
        ev["tls"] =
            json::object{{"version", clean(r.tls->version)}, {"cipher", clean(r.tls->cipher)}};
    }
    if (r.certificate) {
        ev["certificate"] = certificate_json(*r.certificate);
    }
    if (r.name == phase::ehlo && r.status != phase_status::skip) {
        ev["used_helo"] = r.used_helo;
    }
    return ev;
}

json::object target_json(const probe_target& t) {
    json::value ssl_type = nullptr;
    if (t.whmcs_settings) {
        ssl_type = json::string(ssl_type_name(t.security));
    }
    return json::object{{"host", clean(t.host)},
                        {"port", t.port},
                        {"security", security_name(t.security)},
                        {"ssl_type", std::move(ssl_type)}};
}

std::string_view direction_name(transcript_direction d) {
    switch (d) {
        case transcript_direction::sent:
            return "sent";
        case transcript_direction::received:
            return "received";
        case transcript_direction::info:
            return "info";
    }
    return "info";
}

}  // namespace

json::object run_as_json(const run_identity& id) {
    return json::object{{"user", sanitize_for_display(id.user, 64)},
                        {"uid", id.uid},
                        {"switched", id.switched},
                        {"redirect_exempt", id.uid == 0},
                        {"redirect_tools", id.redirect_tools_present}};
}

json::object to_json(const probe_result& result, bool include_transcript) {
    json::object out;
    out["target"] = target_json(result.target);
    out["ok"] = result.ok();
    out["category"] = category_id(result.outcome.category);
    out["cause"] = optional_cause(result.outcome.cause);
    out["underlying_cause"] = optional_cause(result.outcome.underlying_cause);
    if (const auto note = auto_tls_note_for(result); note != auto_tls_note::none) {
        out["auto_starttls"] = auto_tls_note_id(note);
    } else {
        out["auto_starttls"] = nullptr;
    }

    json::array checks;
    for (const auto& r : result.checks) {
        checks.emplace_back(
            json::object{{"name", phase_name(r.name)},
                         {"status", status_name(r.status)},
                         {"duration_ms", ms(r.duration)},
                         {"detail", r.detail.empty() && r.status == phase_status::skip
                                        ? json::string(skip_reason_id(r.skipped))
                                        : clean(r.detail)},
                         {"evidence", evidence_json(r)}});
    }
    out["checks"] = std::move(checks);

    json::array whmcs_log;
    for (const auto& l : result.whmcs_log) {
        whmcs_log.emplace_back(
            json::object{{"phpmailer", phpmailer_era_id(l.era)},
                         {"text", l.text},
                         {"text_zh", l.text_zh.empty() ? json::value(nullptr)
                                                       : json::value(json::string(l.text_zh))},
                         {"heading", l.heading ? json::value(json::string(category_id(*l.heading)))
                                               : json::value(nullptr)}});
    }
    out["whmcs_log"] = std::move(whmcs_log);

    json::array addresses;
    for (const auto& a : result.addresses) {
        json::value error = nullptr;
        if (!a.error.empty()) {
            error = clean(a.error);
        } else if (a.cause) {
            error = json::string(cause_id(*a.cause));
        }
        addresses.emplace_back(json::object{{"address", clean(a.address)},
                                            {"family", a.family},
                                            {"status", status_name(a.status)},
                                            {"error", std::move(error)}});
    }
    out["addresses"] = std::move(addresses);

    json::array warnings;
    for (const auto& w : result.warnings) {
        warnings.emplace_back(
            json::object{{"cause", warning_id(w.kind)}, {"detail", clean(w.detail)}});
    }
    out["warnings"] = std::move(warnings);

    out["round_trips"] = result.round_trips;
    out["duration_ms"] = ms(result.duration);

    if (include_transcript) {
        json::array transcript;
        for (const auto& t : result.transcript) {
            transcript.emplace_back(json::object{{"direction", direction_name(t.direction)},
                                                 {"at_ms", ms(t.at)},
                                                 {"text", clean(t.text)}});
        }
        out["transcript"] = std::move(transcript);
    }
    return out;
}

std::string serialize_json(const json::value& v) {
    std::string out;
    const auto walk = [&out](const json::value& node, const auto& self) -> void {
        switch (node.kind()) {
            case json::kind::object: {
                out += '{';
                bool first = true;
                for (const auto& kv : node.get_object()) {
                    out += first ? "" : ",";
                    first = false;
                    out += json::serialize(json::string_view(kv.key()));
                    out += ':';
                    self(kv.value(), self);
                }
                out += '}';
                return;
            }
            case json::kind::array: {
                out += '[';
                bool first = true;
                for (const auto& item : node.get_array()) {
                    out += first ? "" : ",";
                    first = false;
                    self(item, self);
                }
                out += ']';
                return;
            }
            case json::kind::double_: {
                // Shortest round-trip form; ".0" keeps whole numbers doubles for the reader.
                const double d = node.get_double();
                if (!std::isfinite(d)) {
                    out += "null";
                    return;
                }
                auto text = fmt::format("{}", d);
                if (text.find_first_of(".e") == std::string::npos) {
                    text += ".0";
                }
                out += text;
                return;
            }
            default:
                out += json::serialize(node);
                return;
        }
    };
    walk(v, walk);
    return out;
}

std::string render_json(const probe_result& result, bool include_transcript) {
    return serialize_json(to_json(result, include_transcript));
}

json::object summary_json(const std::vector<probe_result>& results, bool include_transcript) {
    json::object out;
    if (results.empty()) {
        out["target"] = nullptr;
        out["ok"] = false;
        out["category"] = nullptr;
        out["cause"] = nullptr;
        out["results"] = json::array{};
        return out;
    }
    const probe_result* first_failure = nullptr;
    for (const auto& r : results) {
        if (!r.ok()) {
            first_failure = &r;
            break;
        }
    }
    out["target"] = target_json(results.front().target);
    out["ok"] = first_failure == nullptr;
    out["category"] =
        category_id(first_failure ? first_failure->outcome.category : failure_category::ok);
    out["cause"] = first_failure ? optional_cause(first_failure->outcome.cause) : nullptr;
    json::array list;
    for (const auto& r : results) {
        list.emplace_back(to_json(r, include_transcript));
    }
    out["results"] = std::move(list);
    return out;
}

}  // namespace smtp_probe
