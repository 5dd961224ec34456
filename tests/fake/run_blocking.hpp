// A probe run to the end on its own io_context and TLS context, for the fake-server tests (the
// program runs them on its runtime, probe/runtime/runtime.hpp).
#pragma once

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/use_future.hpp>
#include <memory>
#include <utility>
#include <vector>

#include "checks/evidence.hpp"
#include "checks/request.hpp"
#include "checks/session/pipeline.hpp"
#include "net/transport/tls_client.hpp"

namespace smtp_probe {

/// Every result of run_probe (one per address with request.all_addresses). Throws setup_error
/// when the trust store cannot be read.
inline std::vector<probe_result> probe_all(const probe_request& request,
                                           std::shared_ptr<spdlog::logger> log) {
    auto tls = make_tls_client_context(tls_client_options{request.ca_file, request.ca_path});
    if (!tls.context) {
        throw setup_error(tls.error);
    }
    boost::asio::io_context io;
    const probe_services services{tls.context.get(),
                                  log ? std::move(log) : spdlog::default_logger(), nullptr};
    auto future = boost::asio::co_spawn(io, run_probe(request, services), boost::asio::use_future);
    io.run();
    return future.get();
}

inline probe_result probe_once(const probe_request& request, std::shared_ptr<spdlog::logger> log) {
    auto results = probe_all(request, std::move(log));
    return std::move(results.front());
}

}  // namespace smtp_probe
