#include "probe/config/run_config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "checks/port_mode.hpp"
#include "net/ascii.hpp"
#include "net/sanitize.hpp"
#include "probe/cli/duration_parse.hpp"
#include "probe/cli/host_port.hpp"
#include "probe/cli/option_rules.hpp"
#include "probe/cli/secret_source.hpp"
#include "probe/config/bcrypt_hash.hpp"
#include "probe/report/quote_value.hpp"

namespace smtp_probe {

std::string config_error::text() const {
    std::string out = file;
    if (line > 0) {
        out += ":" + std::to_string(line);
        if (column > 0) {
            out += ":" + std::to_string(column);
        }
    }
    out += ": ";
    if (!key.empty()) {
        out += key + ": ";
    }
    return out + message;
}

const run_module* run_config::module_named(std::string_view name) const {
    const auto found = std::find_if(modules.begin(), modules.end(),
                                    [name](const run_module& m) { return m.name == name; });
    return found == modules.end() ? nullptr : &*found;
}

namespace {

constexpr bool is_lower(char c) {
    return c >= 'a' && c <= 'z';
}
constexpr bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
constexpr bool is_alnum(char c) {
    return is_lower(ascii_lower(c)) || is_digit(c);
}

constexpr std::size_t max_errors = 50;
constexpr std::size_t max_targets = 100'000;

// The keys each table accepts, in the order the messages list them.
constexpr std::array module_keys = {"port",
                                    "security",
                                    "ssl_type",
                                    "user",
                                    "password_env",
                                    "password_file",
                                    "oauth_token_env",
                                    "oauth_token_file",
                                    "auth_mech",
                                    "from",
                                    "rcpt",
                                    "no_rcpt",
                                    "timeout",
                                    "connect_timeout",
                                    "dns_timeout",
                                    "deadline",
                                    "family",
                                    "ca_file",
                                    "ca_path",
                                    "insecure",
                                    "cert_warning_days",
                                    "cert_critical_days",
                                    "time_warning",
                                    "time_critical",
                                    "helo",
                                    "dns_server",
                                    "unlisted_targets"};
constexpr std::array target_keys = {"name", "host", "port", "module", "labels"};
constexpr std::array serve_keys = {"listen",      "allowed_targets", "allowed_ports",
                                   "concurrency", "per_host",        "scrape_timeout_offset",
                                   "shard"};
constexpr std::size_t max_patterns = 1000;

template <std::size_t N>
std::string listed(const std::array<const char*, N>& keys) {
    std::string out;
    for (std::size_t i = 0; i < N; ++i) {
        out += i == 0 ? "" : (i + 1 == N ? " or " : ", ");
        out += keys[i];
    }
    return out;
}

std::string type_name(const toml::node& node) {
    switch (node.type()) {
        case toml::node_type::string:
            return "a string";
        case toml::node_type::integer:
            return "an integer";
        case toml::node_type::floating_point:
            return "a number";
        case toml::node_type::boolean:
            return "true or false";
        case toml::node_type::table:
            return "a table";
        case toml::node_type::array:
            return "an array";
        default:
            return "a date or time";
    }
}

/// A name of a module, target or label: what a report, a metric label and a URL can carry.
bool is_plain_name(std::string_view name, std::size_t longest) {
    const auto allowed = [](char c) { return is_alnum(c) || c == '-' || c == '_' || c == '.'; };
    return !name.empty() && name.size() <= longest &&
           std::all_of(name.begin(), name.end(), allowed);
}

class config_reader {
public:
    explicit config_reader(std::string file) { config_.file = std::move(file); }

    config_result read(std::string_view text) {
        toml::table doc;
        try {
            doc = toml::parse(text, config_.file);
        } catch (const toml::parse_error& e) {
            const auto& where = e.source().begin;
            errors_.push_back(
                {config_.file, where.line, where.column, "",
                 "not valid TOML: " + sanitize_for_display(std::string(e.description()), 300)});
            return std::move(errors_);
        }
        for (auto&& [key, value] : doc) {
            const std::string name(key.str());
            if (name == "modules") {
                read_modules(key, value);
            } else if (name == "targets") {
                read_targets(key, value);
            } else if (name == "serve") {
                read_serve(key, value);
            } else {
                error_at(key.source(), shown(name),
                         "unknown key; the top level takes [modules.NAME] tables, [[targets]] "
                         "entries and a [serve] table");
            }
        }
        if (config_.targets.empty() && config_.serve.allowed_targets.empty() && errors_.empty()) {
            errors_.push_back({config_.file, 0, 0, "targets",
                               "no targets; add at least one [[targets]] entry with name, host "
                               "and module"});
        }
        check_target_modules();
        // toml++ keeps a table's keys sorted; the user reads the file top to bottom.
        std::stable_sort(errors_.begin(), errors_.end(), [](const auto& a, const auto& b) {
            const auto place = [](const config_error& e) {
                return std::pair(e.line == 0 ? UINT32_MAX : e.line, e.column);
            };
            return place(a) < place(b);
        });
        if (!errors_.empty()) {
            return std::move(errors_);
        }
        return std::move(config_);
    }

private:
    static std::string shown(std::string_view key) {
        return sanitize_for_display(std::string(key), 80);
    }

    void error_at(const toml::source_region& where, std::string key, std::string message) {
        if (errors_.size() < max_errors) {
            errors_.push_back({config_.file, where.begin.line, where.begin.column, std::move(key),
                               std::move(message)});
        }
    }

    void read_modules(const toml::key& key, const toml::node& value) {
        const auto* table = value.as_table();
        if (table == nullptr) {
            error_at(
                key.source(), "modules",
                "must be a table of modules, as in [modules.billing]; it is " + type_name(value));
            return;
        }
        for (auto&& [name_key, module_node] : *table) {
            const std::string name(name_key.str());
            const std::string path = "modules." + shown(name);
            if (!is_plain_name(name, 64)) {
                error_at(name_key.source(), path,
                         "a module name is 1 to 64 letters, digits, '-', '_' or '.'");
                continue;
            }
            const auto* body = module_node.as_table();
            if (body == nullptr) {
                error_at(name_key.source(), path,
                         "must be a table, as in [modules." + name + "]; it is " +
                             type_name(module_node));
                continue;
            }
            read_module(name, path, name_key, *body);
        }
    }

    void read_targets(const toml::key& key, const toml::node& value) {
        const auto* array = value.as_array();
        if (array == nullptr || !array->is_array_of_tables()) {
            error_at(key.source(), "targets",
                     "must be [[targets]] entries (an array of tables); it is " + type_name(value));
            return;
        }
        if (array->size() > max_targets) {
            error_at(key.source(), "targets",
                     "more than " + std::to_string(max_targets) +
                         " targets; split them over several configs");
            return;
        }
        std::size_t index = 0;
        for (const auto& entry : *array) {
            ++index;
            read_target(index, *entry.as_table());
        }
    }

    // Values.

    std::optional<std::string> string_of(const toml::node& node, const toml::source_region& where,
                                         const std::string& path, std::string_view example) {
        if (const auto* s = node.as_string()) {
            const std::string& v = s->get();
            const bool control = std::any_of(v.begin(), v.end(), [](char c) {
                const auto u = static_cast<unsigned char>(c);
                return u < 0x20 || u == 0x7f;
            });
            if (v.empty() || v.size() > 1024 || control) {
                error_at(where, path,
                         "must be 1 to 1024 characters without control characters, as in " +
                             std::string(example));
                return std::nullopt;
            }
            return v;
        }
        error_at(where, path,
                 "must be a string, as in " + std::string(example) + "; it is " + type_name(node));
        return std::nullopt;
    }

    std::optional<bool> bool_of(const toml::node& node, const toml::source_region& where,
                                const std::string& path) {
        if (const auto* b = node.as_boolean()) {
            return b->get();
        }
        error_at(where, path, "must be true or false; it is " + type_name(node));
        return std::nullopt;
    }

    std::optional<std::int64_t> integer_of(const toml::node& node, const toml::source_region& where,
                                           const std::string& path, std::int64_t low,
                                           std::int64_t high) {
        const auto* i = node.as_integer();
        if (i == nullptr || i->get() < low || i->get() > high) {
            error_at(where, path,
                     "must be a whole number from " + std::to_string(low) + " to " +
                         std::to_string(high) + (i == nullptr ? "; it is " + type_name(node) : ""));
            return std::nullopt;
        }
        return i->get();
    }

    std::optional<std::uint16_t> port_of(const toml::node& node, const toml::source_region& where,
                                         const std::string& path) {
        const auto value = integer_of(node, where, path, 1, 65535);
        return value ? std::optional<std::uint16_t>(static_cast<std::uint16_t>(*value))
                     : std::nullopt;
    }

    /// A string, or a number written as text (20, 2.5), for the readers of "20s" and "~:5";
    /// nothing for another type.
    static std::optional<std::string> text_or_number(const toml::node& node) {
        if (const auto* s = node.as_string()) {
            return s->get();
        }
        if (const auto* i = node.as_integer()) {
            return std::to_string(i->get());
        }
        if (const auto* f = node.as_floating_point()) {
            std::ostringstream os;
            os << f->get();
            return os.str();
        }
        return std::nullopt;
    }

    /// A Nagios range of seconds: "5" (above 5 s), "~:5", "2:10", "@2:10", or a number.
    std::optional<nagios_range> range_of(const toml::node& node, const toml::source_region& where,
                                         const std::string& path) {
        const auto text = text_or_number(node);
        if (!text) {
            error_at(where, path,
                     "must be a Nagios range of seconds such as 5 (above 5 s), \"~:5\" or "
                     "\"@2:10\"; it is " +
                         type_name(node));
            return std::nullopt;
        }
        auto parsed = parse_nagios_range(*text);
        if (auto* error = std::get_if<std::string>(&parsed)) {
            error_at(where, path, *error);
            return std::nullopt;
        }
        return std::get<nagios_range>(std::move(parsed));
    }

    /// "30s", "500ms", "2m", or a number of seconds.
    std::optional<std::chrono::milliseconds> duration_of(const toml::node& node,
                                                         const toml::source_region& where,
                                                         const std::string& path) {
        const auto text = text_or_number(node);
        if (!text) {
            error_at(where, path,
                     "must be a duration such as \"30s\", \"500ms\" or \"2m\", or a number of "
                     "seconds; it is " +
                         type_name(node));
            return std::nullopt;
        }
        auto parsed = parse_duration(*text);
        if (auto* error = std::get_if<std::string>(&parsed)) {
            error_at(where, path, *error);
            return std::nullopt;
        }
        return std::get<std::chrono::milliseconds>(parsed);
    }

    // One module.

    void read_module(const std::string& name, const std::string& path, const toml::key& name_key,
                     const toml::table& body) {
        run_module m;
        m.name = name;
        m.line = name_key.source().begin.line;
        // A threshold that raised a state is named as the config names it.
        m.thresholds.names = {"time_warning", "time_critical", "cert_warning_days",
                              "cert_critical_days"};
        auto& r = m.base;
        std::optional<std::string> ssl_type_text;
        std::optional<security_mode> ssl_type_mode;
        std::optional<toml::source_region> ssl_type_at;
        std::optional<toml::source_region> security_at;
        std::optional<toml::source_region> user_at;
        std::optional<toml::source_region> mech_at;
        std::optional<toml::source_region> warning_at;
        int secret_keys = 0;
        for (auto&& [key, node] : body) {
            const std::string k(key.str());
            const std::string at = path + "." + shown(k);
            const auto& where = key.source();
            if (k == "port") {
                m.port = port_of(node, where, at);
            } else if (k == "security") {
                if (auto text = string_of(node, where, at, "\"starttls\"")) {
                    m.security = security_from_name(*text);
                    security_at = where;
                    if (!m.security) {
                        error_at(where, at,
                                 quote_value(*text) +
                                     " is not a security mode; use none, auto, starttls or tls");
                    }
                }
            } else if (k == "ssl_type") {
                if (auto text = string_of(node, where, at, "\"tls\"")) {
                    ssl_type_text = ascii_lowered(*text);
                    ssl_type_mode = security_from_ssl_type(*text);
                    ssl_type_at = where;
                    if (!ssl_type_mode) {
                        error_at(where, at,
                                 quote_value(*text) +
                                     " is not a WHMCS SSL type; use none, tls (STARTTLS) or ssl "
                                     "(implicit TLS)");
                    }
                }
            } else if (k == "user") {
                r.user = string_of(node, where, at, "\"billing@example.com\"");
                user_at = where;
            } else if (k == "password_env" || k == "password_file" || k == "oauth_token_env" ||
                       k == "oauth_token_file") {
                ++secret_keys;
                if (auto text =
                        string_of(node, where, at,
                                  k.ends_with("_env") ? "\"SMTP_PASSWORD\""
                                                      : "\"/etc/smtp-probe/billing.pass\"")) {
                    secret_reference ref;
                    ref.what = k.starts_with("password") ? secret_reference::kind::password
                                                         : secret_reference::kind::token;
                    ref.from_file = k.ends_with("_file");
                    ref.name = ref.from_file ? relative_to_config(*text) : *text;
                    ref.key = at;
                    ref.line = where.begin.line;
                    ref.column = where.begin.column;
                    if (secret_keys > 1) {
                        error_at(where, at,
                                 "a module takes one secret source: one of password_env, "
                                 "password_file, oauth_token_env or oauth_token_file");
                    }
                    m.secret_source = std::move(ref);
                }
            } else if (k == "auth_mech") {
                if (auto text = string_of(node, where, at, "\"PLAIN\"")) {
                    r.forced_mechanism = mechanism_from_name(*text);
                    mech_at = where;
                    if (!r.forced_mechanism) {
                        error_at(where, at,
                                 quote_value(*text) +
                                     " is not supported; use PLAIN, LOGIN, CRAM-MD5, XOAUTH2 or "
                                     "OAUTHBEARER");
                    }
                }
            } else if (k == "from" || k == "rcpt") {
                if (auto text = string_of(node, where, at, "\"billing@example.com\"")) {
                    if (auto problem = mailbox_problem(k, *text)) {
                        error_at(where, at, *problem);
                    } else {
                        (k == "from" ? r.from : r.rcpt) = *text;
                    }
                }
            } else if (k == "no_rcpt") {
                r.skip_rcpt = bool_of(node, where, at).value_or(false);
            } else if (k == "timeout") {
                r.timeouts.reply = duration_of(node, where, at).value_or(r.timeouts.reply);
            } else if (k == "connect_timeout") {
                r.timeouts.connect = duration_of(node, where, at).value_or(r.timeouts.connect);
            } else if (k == "dns_timeout") {
                r.timeouts.dns = duration_of(node, where, at).value_or(r.timeouts.dns);
            } else if (k == "deadline") {
                r.deadline = duration_of(node, where, at).value_or(r.deadline);
            } else if (k == "family") {
                if (auto text = string_of(node, where, at, "\"ipv4\"")) {
                    const auto lowered = ascii_lowered(*text);
                    if (lowered == "ipv4") {
                        r.family = address_family::ipv4;
                    } else if (lowered == "ipv6") {
                        r.family = address_family::ipv6;
                    } else if (lowered == "any") {
                        r.family = address_family::any;
                    } else {
                        error_at(where, at, quote_value(*text) + " is not ipv4, ipv6 or any");
                    }
                }
            } else if (k == "ca_file" || k == "ca_path") {
                if (auto text =
                        string_of(node, where, at, "\"/etc/ssl/certs/ca-certificates.crt\"")) {
                    const auto file = relative_to_config(*text);
                    auto problem = k == "ca_file" ? ca_file_problem(file) : ca_path_problem(file);
                    if (problem) {
                        error_at(where, at, *problem);
                    } else {
                        (k == "ca_file" ? r.ca_file : r.ca_path) = file;
                    }
                }
            } else if (k == "insecure") {
                r.insecure = bool_of(node, where, at).value_or(false);
            } else if (k == "cert_warning_days") {
                r.cert_warn_days = static_cast<int>(
                    integer_of(node, where, at, 0, 3650).value_or(r.cert_warn_days));
                warning_at = where;
            } else if (k == "cert_critical_days") {
                m.cert_critical_days =
                    static_cast<int>(integer_of(node, where, at, 0, 3650).value_or(0));
                if (m.cert_critical_days > 0) {
                    m.thresholds.cert_critical = std::get<nagios_range>(
                        parse_nagios_range(std::to_string(m.cert_critical_days) + ":"));
                }
            } else if (k == "time_warning" || k == "time_critical") {
                (k == "time_warning" ? m.thresholds.time_warning : m.thresholds.time_critical) =
                    range_of(node, where, at);
            } else if (k == "helo") {
                if (auto text = string_of(node, where, at, "\"billing.example.com\"")) {
                    if (!is_host_name(*text)) {
                        error_at(where, at,
                                 quote_value(*text) +
                                     " is not a host name; use letters, digits, '-' and '.', as "
                                     "in mail.example.com");
                    } else {
                        r.helo_name = *text;
                    }
                }
            } else if (k == "dns_server") {
                if (auto text = string_of(node, where, at, "\"192.0.2.53\"")) {
                    read_dns_server(*text, where, at, r);
                }
            } else if (k == "unlisted_targets") {
                m.unlisted_targets = bool_of(node, where, at).value_or(false);
            } else {
                error_at(where, at, "unknown key; a module takes " + listed(module_keys));
            }
        }
        const auto& here = name_key.source();
        if (m.security && ssl_type_mode && *m.security != *ssl_type_mode) {
            error_at(*ssl_type_at, path + ".ssl_type",
                     "security = \"" + std::string(security_name(*m.security)) +
                         "\" and ssl_type = \"" + *ssl_type_text +
                         "\" disagree; give only one of them");
        }
        if (ssl_type_mode) {
            m.security = ssl_type_mode;
            r.whmcs_settings = true;
        }
        if (m.secret_source && !r.user) {
            error_at(here, path,
                     m.secret_source->key.substr(path.size() + 1) +
                         " needs user, the login to use the secret for");
        }
        if (r.forced_mechanism && !r.user) {
            error_at(*mech_at, path + ".auth_mech", "needs user, the login to authenticate as");
        }
        if (r.user && !m.secret_source) {
            error_at(*user_at, path + ".user",
                     "a login needs a secret source: password_env, password_file, "
                     "oauth_token_env or oauth_token_file (the file itself never holds the "
                     "secret)");
        }
        if (r.forced_mechanism && m.secret_source) {
            const bool token_mech = *r.forced_mechanism == auth_mechanism::xoauth2 ||
                                    *r.forced_mechanism == auth_mechanism::oauthbearer;
            const bool token = m.secret_source->what == secret_reference::kind::token;
            if (token_mech != token) {
                error_at(*mech_at, path + ".auth_mech",
                         std::string(mechanism_name(*r.forced_mechanism)) +
                             (token_mech ? " takes an OAuth token: use oauth_token_env or "
                                           "oauth_token_file"
                                         : " takes a password: use password_env or password_file"));
            }
        }
        if (r.user && !r.from && r.user->find('@') != std::string::npos) {
            if (auto problem = mailbox_problem("user", *r.user)) {
                error_at(*user_at, path + ".user",
                         "cannot serve as the MAIL FROM address (" + *problem + "); give from");
            }
        }
        if (m.cert_critical_days > 0 && warning_at && m.cert_critical_days > r.cert_warn_days) {
            error_at(*warning_at, path + ".cert_warning_days",
                     "is below cert_critical_days; the warning must come first (warning >= "
                     "critical)");
        }
        r.host.clear();
        config_.modules.push_back(std::move(m));
    }

    void read_dns_server(const std::string& text, const toml::source_region& where,
                         const std::string& at, probe_request& r) {
        auto parsed = parse_host_port(text);
        const auto* server = std::get_if<host_port>(&parsed);
        if (server == nullptr || server->kind == host_kind::name ||
            server->host.find('%') != std::string::npos) {
            error_at(where, at,
                     quote_value(text) +
                         " is not an IP address with an optional port; use 192.0.2.53, "
                         "192.0.2.53:53, 2001:db8::53 or [2001:db8::53]:53");
            return;
        }
        std::string normalised = server->host;
        if (server->port) {
            normalised = server->kind == host_kind::ipv6 ? "[" + server->host + "]" : server->host;
            normalised += ":" + std::to_string(*server->port);
        }
        r.dns_server = normalised;
    }

    std::string relative_to_config(const std::string& path) const {
        const std::filesystem::path p(path);
        if (p.is_absolute()) {
            return path;
        }
        const auto folder = std::filesystem::path(config_.file).parent_path();
        return folder.empty() ? path : (folder / p).string();
    }

    // The [serve] table.

    void read_serve(const toml::key& key, const toml::node& value) {
        const auto* table = value.as_table();
        if (table == nullptr) {
            error_at(key.source(), "serve",
                     "must be a table, as in [serve] with allowed_targets = [...]; it is " +
                         type_name(value));
            return;
        }
        auto& sv = config_.serve;
        sv.line = key.source().begin.line;
        for (auto&& [k_key, node] : *table) {
            const std::string k(k_key.str());
            const std::string at = "serve." + shown(k);
            const auto& where = k_key.source();
            if (k == "listen") {
                if (auto text = string_of(node, where, at, "\"127.0.0.1:10587\"")) {
                    auto parsed = parse_host_port(*text);
                    const auto* hp = std::get_if<host_port>(&parsed);
                    if (hp == nullptr || hp->kind == host_kind::name || !hp->port) {
                        error_at(where, at,
                                 quote_value(*text) +
                                     " is not an address and port to listen on; use "
                                     "127.0.0.1:10587 or [::1]:10587");
                    } else {
                        sv.listen = *text;
                    }
                }
            } else if (k == "allowed_targets") {
                read_patterns(node, where, at);
            } else if (k == "allowed_ports") {
                const auto* array = node.as_array();
                if (array == nullptr || array->empty() || array->size() > 100) {
                    error_at(where, at,
                             "must be a list of 1 to 100 ports, as in [25, 465, 587]; it is " +
                                 type_name(node));
                    continue;
                }
                sv.allowed_ports.clear();
                std::size_t i = 0;
                for (const auto& entry : *array) {
                    if (auto port = port_of(entry, where, at + "[" + std::to_string(i++) + "]")) {
                        sv.allowed_ports.push_back(*port);
                    }
                }
            } else if (k == "concurrency") {
                sv.concurrency = static_cast<std::size_t>(
                    integer_of(node, where, at, 1, 10'000).value_or(sv.concurrency));
            } else if (k == "per_host") {
                sv.per_host = static_cast<std::size_t>(
                    integer_of(node, where, at, 1, 1'000).value_or(sv.per_host));
            } else if (k == "scrape_timeout_offset") {
                if (auto d = duration_of(node, where, at)) {
                    if (*d > std::chrono::seconds(60)) {
                        error_at(where, at, "must be at most 60s (Prometheus's default is 0.5s)");
                    } else {
                        sv.scrape_timeout_offset = *d;
                    }
                }
            } else if (k == "shard") {
                if (auto text = string_of(node, where, at, "\"0/2\"")) {
                    sv.shard = shard_of_text(*text, where, at);
                }
            } else if (k == "basic_auth_users") {
                read_basic_auth_users(node, where, at);
            } else if (k == "tls_server_config") {
                read_tls_server_config(node, where, at);
            } else {
                error_at(where, at, "unknown key; [serve] takes " + listed(serve_keys));
            }
        }
    }

    void read_basic_auth_users(const toml::node& node, const toml::source_region& where,
                               const std::string& at) {
        const auto* table = node.as_table();
        if (table == nullptr || table->size() > 100) {
            error_at(where, at,
                     "must be a table of at most 100 users and their bcrypt hashes, as in "
                     "[serve.basic_auth_users] with prometheus = \"$2y$10$...\"");
            return;
        }
        for (auto&& [user_key, hash_node] : *table) {
            const std::string user(user_key.str());
            const auto user_at = at + "." + shown(user);
            if (user.empty() || user.size() > 64 || user.find(':') != std::string::npos) {
                error_at(user_key.source(), user_at,
                         "a user name is 1 to 64 characters without ':' (RFC 7617)");
                continue;
            }
            const auto* hash = hash_node.as_string();
            if (hash == nullptr || !is_bcrypt_hash(hash->get())) {
                error_at(user_key.source(), user_at,
                         "must be a bcrypt hash ($2y$..., 60 characters), as htpasswd -nBC 10 "
                         "USER prints it; never the password itself");
                continue;
            }
            config_.serve.basic_auth_users[user] = hash->get();
        }
    }

    void read_tls_server_config(const toml::node& node, const toml::source_region& where,
                                const std::string& at) {
        const auto* table = node.as_table();
        if (table == nullptr) {
            error_at(where, at,
                     "must be a table with cert_file and key_file, as in "
                     "[serve.tls_server_config]");
            return;
        }
        for (auto&& [k_key, value] : *table) {
            const std::string k(k_key.str());
            const auto key_at = at + "." + shown(k);
            if (k != "cert_file" && k != "key_file") {
                error_at(k_key.source(), key_at,
                         "unknown key; [serve.tls_server_config] takes cert_file and key_file");
                continue;
            }
            if (auto text =
                    string_of(value, k_key.source(), key_at, "\"/etc/smtp-probe/exporter.crt\"")) {
                const auto file = relative_to_config(*text);
                std::error_code ec;
                if (!std::filesystem::is_regular_file(file, ec)) {
                    error_at(k_key.source(), key_at,
                             "cannot read " + quote_value(file) + ": no such file");
                    continue;
                }
                (k == "cert_file" ? config_.serve.tls_cert_file : config_.serve.tls_key_file) =
                    file;
            }
        }
        if (!config_.serve.tls_cert_file != !config_.serve.tls_key_file) {
            error_at(where, at, "needs both cert_file and key_file");
        }
    }

    void read_patterns(const toml::node& node, const toml::source_region& where,
                       const std::string& at) {
        const auto* array = node.as_array();
        if (array == nullptr || array->size() > max_patterns) {
            error_at(where, at,
                     "must be a list of at most " + std::to_string(max_patterns) +
                         " host patterns, as in [\"*.example.com\", \"192.0.2.0/24\"]; it is " +
                         type_name(node));
            return;
        }
        std::size_t i = 0;
        for (const auto& entry : *array) {
            const auto entry_at = at + "[" + std::to_string(i++) + "]";
            if (auto text = string_of(entry, where, entry_at, "\"*.example.com\"")) {
                auto parsed = parse_host_pattern(*text);
                if (auto* error = std::get_if<std::string>(&parsed)) {
                    error_at(where, entry_at, *error);
                } else {
                    config_.serve.allowed_targets.push_back(std::get<host_pattern>(parsed));
                }
            }
        }
    }

    std::optional<shard_setting> shard_of_text(const std::string& text,
                                               const toml::source_region& where,
                                               const std::string& at) {
        const auto slash = text.find('/');
        const auto index = text.substr(0, slash);
        const auto count = slash == std::string::npos ? "" : text.substr(slash + 1);
        if (is_digits(index) && is_digits(count) && index.size() <= 4 && count.size() <= 4) {
            const auto k = std::stoul(index);
            const auto n = std::stoul(count);
            if (n >= 1 && n <= 1000 && k < n) {
                return shard_setting{static_cast<std::uint32_t>(k), static_cast<std::uint32_t>(n)};
            }
        }
        error_at(where, at,
                 quote_value(text) +
                     " is not a shard; use \"K/N\": this exporter is number K (0 to N-1) of N, "
                     "as Prometheus's hashmod relabelling numbers them");
        return std::nullopt;
    }

    // One target.

    void read_target(std::size_t index, const toml::table& body) {
        run_target t;
        t.line = body.source().begin.line;
        const std::string path = "targets[" + std::to_string(index) + "]";
        std::optional<toml::source_region> module_at;
        for (auto&& [key, node] : body) {
            const std::string k(key.str());
            const std::string at = path + "." + shown(k);
            const auto& where = key.source();
            if (k == "name") {
                if (auto text = string_of(node, where, at, "\"cpanel-1\"")) {
                    if (!is_plain_name(*text, 128)) {
                        error_at(where, at,
                                 quote_value(*text) +
                                     " is not a target name: 1 to 128 letters, digits, '-', '_' "
                                     "or '.'");
                    } else if (!names_.insert(*text).second) {
                        error_at(where, at,
                                 "another target is named " + quote_value(*text) +
                                     " already; each target needs its own name");
                    } else {
                        t.name = *text;
                    }
                }
            } else if (k == "host") {
                if (auto text = string_of(node, where, at, "\"mail.example.com\"")) {
                    read_host(*text, where, at, t);
                }
            } else if (k == "port") {
                if (auto port = port_of(node, where, at)) {
                    if (t.port && *t.port != *port) {
                        error_at(where, at,
                                 "the port in host (" + std::to_string(*t.port) + ") and port = " +
                                     std::to_string(*port) + " disagree; give the port once");
                    }
                    t.port = port;
                }
            } else if (k == "module") {
                if (auto text = string_of(node, where, at, "\"billing\"")) {
                    t.module = *text;
                    module_at = where;
                }
            } else if (k == "labels") {
                read_labels(node, where, at, t);
            } else {
                error_at(where, at, "unknown key; a target takes " + listed(target_keys));
            }
        }
        const auto& here = body.source();
        if (t.name.empty() && !has_error_at(path + ".name")) {
            error_at(here, path, "needs name = \"...\", unique in the file");
        }
        if (t.host.empty() && !has_error_at(path + ".host")) {
            error_at(here, path, "needs host = \"mail.example.com\" (a name or an IP address)");
        }
        if (t.module.empty() && !has_error_at(path + ".module")) {
            error_at(here, path, "needs module = \"NAME\", one of the [modules.NAME] tables");
        }
        module_refs_.push_back({t.module, module_at.value_or(here), path + ".module"});
        config_.targets.push_back(std::move(t));
    }

    void read_host(const std::string& text, const toml::source_region& where, const std::string& at,
                   run_target& t) {
        auto parsed = parse_host_port(text);
        if (auto* error = std::get_if<std::string>(&parsed)) {
            error_at(where, at, *error);
            return;
        }
        const auto& hp = std::get<host_port>(parsed);
        if (hp.kind == host_kind::name && !is_host_name(hp.host)) {
            error_at(where, at,
                     quote_value(hp.host) +
                         " is not a host name or IP address; use letters, digits, '-' and '.', "
                         "as in mail.example.com");
            return;
        }
        t.host = hp.host;
        if (hp.port) {
            if (t.port && *t.port != *hp.port) {
                error_at(where, at,
                         "the port in host (" + std::to_string(*hp.port) + ") and port = " +
                             std::to_string(*t.port) + " disagree; give the port once");
            }
            t.port = hp.port;
        }
    }

    void read_labels(const toml::node& node, const toml::source_region& where,
                     const std::string& at, run_target& t) {
        const auto* table = node.as_table();
        if (table == nullptr) {
            error_at(where, at,
                     "must be a table, as in labels = { customer = \"acme\", server = \"cp1\" }; "
                     "it is " +
                         type_name(node));
            return;
        }
        for (auto&& [key, value] : *table) {
            const std::string k(key.str());
            const std::string label_at = at + "." + shown(k);
            const bool valid = !k.empty() && k.size() <= 64 && !is_digit(k.front()) &&
                               std::all_of(k.begin(), k.end(), [](char c) {
                                   return is_lower(c) || is_digit(c) || c == '_';
                               });
            if (!valid) {
                error_at(key.source(), label_at,
                         "a label name is 1 to 64 lower-case letters, digits or '_', not "
                         "starting with a digit (customer, server)");
                continue;
            }
            if (auto text = string_of(value, key.source(), label_at, "\"acme\"")) {
                t.labels[k] = *text;
            }
        }
    }

    bool has_error_at(const std::string& key) const {
        return std::any_of(errors_.begin(), errors_.end(),
                           [&key](const config_error& e) { return e.key == key; });
    }

    void check_target_modules() {
        std::string names;
        for (const auto& m : config_.modules) {
            names += (names.empty() ? "" : ", ") + m.name;
        }
        for (const auto& ref : module_refs_) {
            if (!ref.name.empty() && config_.module_named(ref.name) == nullptr) {
                error_at(ref.where, ref.key,
                         "no module is named " + quote_value(ref.name) +
                             (names.empty() ? "; add a [modules." + ref.name + "] table"
                                            : "; the modules are " + names));
            }
        }
    }

    struct module_ref {
        std::string name;
        toml::source_region where;
        std::string key;
    };

    run_config config_;
    std::vector<config_error> errors_;
    std::set<std::string> names_;
    std::vector<module_ref> module_refs_;
};

}  // namespace

config_result parse_run_config(std::string_view text, const std::string& file) {
    return config_reader(file).read(text);
}

config_result load_run_config(const std::string& path) {
    const auto cannot = [&path](const std::string& why) {
        return std::vector<config_error>{{path, 0, 0, "", why}};
    };
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status)) {
        return cannot("cannot read the config: " + (ec ? ec.message() : "no such file"));
    }
    if (!std::filesystem::is_regular_file(status)) {
        return cannot("cannot read the config: it is not a regular file");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return cannot("cannot read the config: permission denied or unreadable");
    }
    std::string text;
    text.resize(max_config_bytes + 1);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_config_bytes) {
        return cannot("the config is larger than " +
                      std::to_string(max_config_bytes / 1024 / 1024) + " MiB");
    }
    return parse_run_config(text, path);
}

std::vector<config_error> read_config_secrets(
    run_config& config, const std::function<const char*(const char*)>& getenv) {
    std::vector<config_error> errors;
    for (auto& m : config.modules) {
        if (!m.secret_source) {
            continue;
        }
        const auto& ref = *m.secret_source;
        auto got = ref.from_file ? secret_from_file(ref.name) : secret_from_env(ref.name, getenv);
        if (auto* error = std::get_if<secret_error>(&got)) {
            errors.push_back({config.file, ref.line, ref.column, ref.key, error->message});
            continue;
        }
        auto& target =
            ref.what == secret_reference::kind::token ? m.base.oauth_token : m.base.password;
        target = std::move(std::get<secret>(got));
    }
    return errors;
}

probe_request request_for_target(const run_config& config, const run_target& target) {
    const auto* m = config.module_named(target.module);
    auto r = m != nullptr ? m->base.clone() : probe_request{};
    r.host = target.host;
    const auto port = target.port ? target.port : (m != nullptr ? m->port : std::nullopt);
    const auto resolved = resolve_port_mode(port, m != nullptr ? m->security : std::nullopt);
    r.port = resolved.port;
    r.security = resolved.security;
    if (!r.from && r.user && r.user->find('@') != std::string::npos) {
        r.from = r.user;
    }
    return r;
}

}  // namespace smtp_probe
