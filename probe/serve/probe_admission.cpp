#include "probe/serve/probe_admission.hpp"

#include <algorithm>

#include "checks/port_mode.hpp"
#include "net/ascii.hpp"
#include "probe/cli/host_port.hpp"
#include "probe/report/endpoint_text.hpp"
#include "probe/report/quote_value.hpp"

namespace smtp_probe {
namespace {

probe_refusal bad_request(std::string message) {
    return {400, std::move(message)};
}

probe_refusal forbidden(std::string message) {
    return {403, std::move(message)};
}

std::string module_list(const run_config& config) {
    std::string names;
    for (const auto& m : config.modules) {
        names += (names.empty() ? "" : ", ") + m.name;
    }
    return names.empty() ? "none" : names;
}

admitted_probe named_probe(const run_config& config, const run_target& t, bool debug) {
    admitted_probe out;
    out.request = request_for_target(config, t);
    out.target = t.name;
    out.module = t.module;
    out.named = &t;
    out.debug = debug;
    return out;
}

}  // namespace

std::variant<admitted_probe, probe_refusal> admit_probe(const run_config& config,
                                                        const request_target& asked) {
    for (const auto& [name, value] : asked.params) {
        if (name != "target" && name != "module" && name != "debug") {
            return bad_request("unknown parameter " + quote_value(name, 64) +
                               "; /probe takes target, module and debug");
        }
    }
    bool debug = false;
    if (const auto* d = asked.param("debug")) {
        const auto word = ascii_lowered(*d);
        if (word == "true" || word == "1") {
            debug = true;
        } else if (word != "false" && word != "0" && !word.empty()) {
            return bad_request("debug: " + quote_value(*d, 64) + " is not true or false");
        }
    }
    const auto* target_text = asked.param("target");
    if (target_text == nullptr || target_text->empty()) {
        return bad_request(
            "target is missing: give a target's name from the config (target=cpanel-1), or "
            "target=HOST:PORT with module=NAME");
    }
    const auto* module_text = asked.param("module");
    if (module_text != nullptr && module_text->empty()) {
        module_text = nullptr;
    }

    // A target of the config, by its name.
    for (const auto& t : config.targets) {
        if (t.name == *target_text) {
            if (module_text != nullptr && *module_text != t.module) {
                return bad_request("target " + quote_value(t.name) + " is probed with module " +
                                   quote_value(t.module) +
                                   "; leave module out or give module=" + t.module);
            }
            return named_probe(config, t, debug);
        }
    }

    auto parsed = parse_host_port(*target_text);
    if (auto* error = std::get_if<std::string>(&parsed)) {
        return bad_request("target: " + *error);
    }
    const auto& hp = std::get<host_port>(parsed);
    if (hp.kind == host_kind::name && !is_host_name(hp.host)) {
        return bad_request("target: " + quote_value(hp.host) +
                           " is neither a target of the config nor a host name or IP address");
    }
    if (hp.host.find('%') != std::string::npos) {
        return forbidden("target: an IPv6 zone (" + quote_value(hp.host) +
                         ") names an interface of the exporter's machine; it is never probed");
    }
    const run_module* module = module_text != nullptr ? config.module_named(*module_text) : nullptr;
    if (module_text != nullptr && module == nullptr) {
        return bad_request("module: the config has no module named " +
                           quote_value(*module_text, 64) + "; the modules are " +
                           module_list(config));
    }

    // The same host and port as a target of the config: that target, with its own module.
    const auto host = ascii_lowered(hp.host);
    std::vector<const run_target*> same;
    for (const auto& t : config.targets) {
        const auto* m = config.module_named(t.module);
        const auto port = resolve_port_mode(t.port ? t.port : (m ? m->port : std::nullopt),
                                            m ? m->security : std::nullopt)
                              .port;
        if (ascii_lowered(t.host) == host && (!hp.port || *hp.port == port) &&
            (module == nullptr || module->name == t.module)) {
            same.push_back(&t);
        }
    }
    if (same.size() == 1) {
        return named_probe(config, *same.front(), debug);
    }
    if (module == nullptr) {
        return bad_request("module is missing: " + quote_value(*target_text) +
                           " is not the name of a target, so give module=NAME too (the modules "
                           "are " +
                           module_list(config) + ")");
    }

    // Beyond the named targets: only what [serve] allows.
    const auto& sv = config.serve;
    if (sv.allowed_targets.empty()) {
        return forbidden(quote_value(hp.host) +
                         " is not a target of the config, and serve.allowed_targets allows no "
                         "other host");
    }
    const bool allowed =
        std::any_of(sv.allowed_targets.begin(), sv.allowed_targets.end(),
                    [&hp](const host_pattern& p) { return host_matches(p, hp.host); });
    if (!allowed) {
        return forbidden(quote_value(hp.host) +
                         " is not a target of the config and matches no pattern of "
                         "serve.allowed_targets");
    }
    const auto resolved = resolve_port_mode(hp.port ? hp.port : module->port, module->security);
    if (std::find(sv.allowed_ports.begin(), sv.allowed_ports.end(), resolved.port) ==
        sv.allowed_ports.end()) {
        std::string ports;
        for (const auto p : sv.allowed_ports) {
            ports += (ports.empty() ? "" : ", ") + std::to_string(p);
        }
        return forbidden("port " + std::to_string(resolved.port) +
                         " is not in serve.allowed_ports (" + ports + ")");
    }
    if (module->secret_source && !module->unlisted_targets) {
        return forbidden("module " + quote_value(module->name) +
                         " logs in with a secret, which goes only to the targets the config "
                         "names; set unlisted_targets = true in [modules." +
                         module->name + "] to send it to allowed hosts too");
    }
    run_target unlisted;
    unlisted.host = hp.host;
    unlisted.port = resolved.port;
    unlisted.module = module->name;
    admitted_probe out;
    out.request = request_for_target(config, unlisted);
    out.target = endpoint_text(hp.host, resolved.port);
    out.module = module->name;
    out.debug = debug;
    return out;
}

}  // namespace smtp_probe
