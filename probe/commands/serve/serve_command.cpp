#include "probe/commands/serve/serve_command.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <csignal>
#include <cstdlib>
#include <memory>
#include <ostream>

#include "net/ascii.hpp"
#include "probe/cli/cli_app.hpp"
#include "probe/cli/host_port.hpp"
#include "probe/cli/option_rules.hpp"
#include "probe/commands/command.hpp"
#include "probe/config/run_config.hpp"
#include "probe/report/endpoint_text.hpp"
#include "probe/report/quote_value.hpp"
#include "probe/runtime/runtime.hpp"
#include "probe/serve/exporter.hpp"
#include "probe/serve/http_server.hpp"

namespace smtp_probe {
namespace {
namespace asio = boost::asio;
using asio::ip::tcp;

constexpr int cannot_run = static_cast<int>(exit_status::cannot_run);

/// The address to listen on, or what is wrong with `text`.
std::variant<tcp::endpoint, std::string> listen_endpoint(const std::string& text,
                                                         std::string_view where) {
    // Port 0: any free port (tests read the one chosen from the "listening on" line).
    const bool any_port = text.ends_with(":0");
    auto parsed = parse_host_port(any_port ? text.substr(0, text.size() - 2) : text);
    auto* hp = std::get_if<host_port>(&parsed);
    if (hp != nullptr && any_port && !hp->port) {
        hp->port = 0;
    }
    if (hp == nullptr || hp->kind == host_kind::name || !hp->port ||
        hp->host.find('%') != std::string::npos) {
        return std::string(where) + ": " + quote_value(text) +
               " is not an IP address and port to listen on; use 127.0.0.1:10587, [::1]:10587, "
               "or 0.0.0.0:10587 to listen beyond this machine";
    }
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(hp->host, ec);
    if (ec) {
        return std::string(where) + ": " + quote_value(text) + " is not an IP address";
    }
    return tcp::endpoint(address, *hp->port);
}

std::string endpoint_text(const tcp::endpoint& ep) {
    return smtp_probe::endpoint_text(ep.address().to_string(), ep.port());
}

class serve_run final : public command_with<serve_command> {
public:
    using command_with::command_with;

    int run(runtime& rt, command_io& io) override {
        const auto& cmd = options;
        const auto getenv = cmd.getenv;
        const auto path = cmd.config_path;
        config_loader load = [path, getenv]() -> config_result {
            auto loaded = load_run_config(path);
            if (auto* config = std::get_if<run_config>(&loaded)) {
                auto errors = read_config_secrets(*config, getenv);
                if (!errors.empty()) {
                    return errors;
                }
            }
            return loaded;
        };
        auto loaded = load();
        if (auto* errors = std::get_if<std::vector<config_error>>(&loaded)) {
            for (const auto& e : *errors) {
                io.err << "smtp-probe: " << e.text() << '\n';
            }
            return cannot_run;
        }
        auto& config = std::get<run_config>(loaded);
        const auto listen_text = cmd.listen.value_or(
            config.serve.listen.value_or("127.0.0.1:" + std::to_string(default_serve_port)));
        auto endpoint = listen_endpoint(listen_text, cmd.listen ? "--listen" : "serve.listen");
        if (auto* problem = std::get_if<std::string>(&endpoint)) {
            io.err << "smtp-probe: " << *problem << '\n';
            return cannot_run;
        }
        const auto at = std::get<tcp::endpoint>(endpoint);
        if (cmd.check_config) {
            io.out << cmd.config_path << ": " << config.modules.size() << " modules, "
                   << config.targets.size() << " targets, " << config.serve.allowed_targets.size()
                   << " allowed_targets patterns; would listen on " << endpoint_text(at) << '\n';
            return 0;
        }
        rt.set_log(make_stderr_logger(cmd.output));
        std::unique_ptr<asio::ssl::context> tls;
        if (config.serve.tls_cert_file) {
            tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
            tls->set_options(asio::ssl::context::default_workarounds |
                             asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
                             asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
            boost::system::error_code ec;
            tls->use_certificate_chain_file(*config.serve.tls_cert_file, ec);
            if (!ec) {
                tls->use_private_key_file(*config.serve.tls_key_file, asio::ssl::context::pem, ec);
            }
            if (ec) {
                io.err << "smtp-probe: serve.tls_server_config: cannot use "
                       << quote_value(*config.serve.tls_cert_file) << " and "
                       << quote_value(*config.serve.tls_key_file) << ": " << ec.message() << '\n';
                return cannot_run;
            }
        }
        const bool https = tls != nullptr;
        const bool asks_password = !config.serve.basic_auth_users.empty();
        exporter app(rt, std::move(config), load);
        std::unique_ptr<http_server> server;
        try {
            server = std::make_unique<http_server>(
                rt.io(), at, [&app](http_ask ask) { return app.handle(std::move(ask)); },
                http_limits{}, tls.get());
        } catch (const boost::system::system_error& e) {
            io.err << "smtp-probe: cannot listen on " << endpoint_text(at) << ": "
                   << e.code().message() << '\n';
            return cannot_run;
        }
        const auto bound = server->local_endpoint();
        io.err << "smtp-probe serve: listening on " << (https ? "https://" : "http://")
               << endpoint_text(bound) << "/\n"
               << std::flush;
        if (asks_password && !https) {
            rt.log()->warn(
                "basic auth without TLS: the passwords cross the network in clear; add "
                "[serve.tls_server_config]");
        }
        if (!bound.address().is_loopback() && !asks_password) {
            rt.log()->warn(
                "listening beyond loopback ({}): whoever reaches it can make it probe the "
                "config's targets; keep it behind a firewall",
                endpoint_text(bound));
        }
        asio::signal_set signals(rt.io(), SIGHUP, SIGTERM, SIGINT);
        // The set stays armed while stopping: a second SIGTERM must not kill the probes being
        // answered (its default action would); a second SIGINT (Ctrl-C twice) stops at once.
        const auto watch = [&]() -> asio::awaitable<void> {
            bool stopping = false;
            for (;;) {
                boost::system::error_code ec;
                const int number =
                    co_await signals.async_wait(asio::redirect_error(asio::use_awaitable, ec));
                if (ec) {
                    co_return;
                }
                if (number == SIGHUP) {
                    (void)app.reload();
                } else if (!stopping) {
                    stopping = true;
                    rt.log()->info("stopping: the probes being answered finish first");
                    app.begin_shutdown();
                    server->stop();
                } else if (number == SIGINT) {
                    rt.log()->warn("stopping now, without waiting for the probes");
                    std::_Exit(130);
                } else {
                    rt.log()->info("stopping already; waiting for the probes being answered");
                }
            }
        };
        asio::co_spawn(rt.io(), watch(), asio::detached);
        return rt.block_on([&]() -> asio::awaitable<int> {
            co_await server->run();
            boost::system::error_code ignored;
            signals.cancel(ignored);
            co_return 0;
        }());
    }
};

struct serve_options_cli {
    CLI::App* app = nullptr;
    CLI::Option* config = nullptr;
    CLI::Option* listen = nullptr;
    CLI::Option* check_config = nullptr;
    CLI::Option* log_level = nullptr;
};

serve_options_cli add_serve_command(CLI::App& root) {
    serve_options_cli o;
    auto& app = add_command_app(
        root, "serve",
        "A Prometheus exporter: /probe?target=NAME probes a target of the config and returns "
        "its metrics (blackbox_exporter's names, and the WHMCS verdict).",
        true);
    o.app = &app;
    set_footer(app,
               "Example:\n"
               "  smtp-probe serve --config /etc/smtp-probe/smtp-probe.toml\n"
               "  curl 'http://127.0.0.1:10587/probe?target=cpanel-1'\n"
               "\n"
               "Only the config's targets are probed, and hosts its [serve] allowed_targets\n"
               "patterns match on its allowed_ports; credentials come only from the config.\n"
               "SIGHUP or POST /-/reload reads the config again (a config with a mistake is\n"
               "refused and the old one keeps serving); SIGTERM stops once the probes being\n"
               "answered end. See examples/smtp-probe.toml and examples/prometheus/.");
    o.config = add_value_option(app, "--config", "FILE", "the TOML config of modules and targets",
                                "What to serve");
    o.listen = add_value_option(
        app, "--listen", "ADDRESS:PORT",
        "where to listen (default: the config's serve.listen, else 127.0.0.1:10587)",
        "What to serve");
    o.check_config =
        add_flag_option(app, "--check-config",
                        "read and check the config and its secrets, then exit", "What to serve");
    o.log_level = add_value_option(app, "--log-level", "LEVEL",
                                   "trace|debug|info|warn|error|off (default info)", "Output");
    return o;
}

cli_result build_serve(const serve_options_cli& o, const cli_environment& env) {
    serve_command cmd;
    cmd.getenv = env.getenv;
    if (auto problem = read_config_only(o.app, "serve", o.config, cmd.config_path)) {
        return fail(std::move(*problem));
    }
    if (const auto listen = given(o.listen)) {
        auto endpoint = listen_endpoint(*listen, "--listen");
        if (auto* problem = std::get_if<std::string>(&endpoint)) {
            return fail(std::move(*problem));
        }
        cmd.listen = *listen;
    }
    cmd.check_config = is_set(o.check_config);
    cmd.output.log_level = "info";
    if (auto problem = read_log_level(o.log_level, cmd.output.log_level)) {
        return fail(std::move(*problem));
    }
    return std::make_unique<serve_run>(std::move(cmd));
}

class serve_parser final : public command_parser {
public:
    explicit serve_parser(CLI::App& root) : options_(add_serve_command(root)) {}
    CLI::App& app() override { return *options_.app; }
    cli_result build(const cli_environment& env) override { return build_serve(options_, env); }

private:
    serve_options_cli options_;
};

[[maybe_unused]] const bool registered = register_command(
    {"serve", 16, "serve --config FILE [options]", "a Prometheus exporter of a config's targets",
     [](CLI::App& root) -> std::unique_ptr<command_parser> {
         return std::make_unique<serve_parser>(root);
     }});

}  // namespace
}  // namespace smtp_probe
