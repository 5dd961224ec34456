#include "probe/runtime/runtime.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/asio/ssl/context.hpp>

#include "net/transport/tls_client.hpp"

namespace smtp_probe {

std::shared_ptr<spdlog::logger> make_stderr_logger(const output_options& output) {
    using mode = output_options::color_mode;
    auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>(
        output.color == mode::never    ? spdlog::color_mode::never
        : output.color == mode::always ? spdlog::color_mode::always
                                       : spdlog::color_mode::automatic);
    auto log = std::make_shared<spdlog::logger>("smtp-probe", std::move(sink));
    log->set_pattern("%H:%M:%S.%e [%^%l%$] %v");
    log->set_level(spdlog::level::from_str(output.log_level));
    return log;
}

runtime::runtime(std::shared_ptr<spdlog::logger> log) {
    set_log(std::move(log));
}

runtime::~runtime() = default;

void runtime::set_log(std::shared_ptr<spdlog::logger> log) {
    log_ = log ? std::move(log) : spdlog::default_logger();
}

boost::asio::ssl::context& runtime::tls_context(const std::optional<std::string>& ca_file,
                                                const std::optional<std::string>& ca_path) {
    trust_store key{ca_file, ca_path};
    if (auto it = tls_contexts_.find(key); it != tls_contexts_.end()) {
        return *it->second;
    }
    auto made = make_tls_client_context(tls_client_options{ca_file, ca_path});
    if (!made.context) {
        throw setup_error(made.error);
    }
    auto& ctx = *made.context;
    tls_contexts_.emplace(std::move(key), std::move(made.context));
    return ctx;
}

probe_services runtime::services_for(const probe_request& request) {
    return probe_services{&tls_context(request.ca_file, request.ca_path), log_, nullptr};
}

}  // namespace smtp_probe
