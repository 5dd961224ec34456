// What every command of one process shares: one io_context that all its probes run on, the TLS
// client contexts (each trust store read once, however many probes use it), and one logger.
// Single-threaded: everything on it runs on the thread that calls block_on().
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "checks/request.hpp"
#include "checks/session/pipeline.hpp"
#include "probe/report/output_options.hpp"

namespace boost::asio::ssl {
class context;
}
namespace spdlog {
class logger;
}

namespace smtp_probe {

/// A logger on stderr at output.log_level, so that it never mixes into a report a script reads.
[[nodiscard]] std::shared_ptr<spdlog::logger> make_stderr_logger(const output_options& output);

class runtime {
public:
    /// Without a logger, spdlog's default one.
    explicit runtime(std::shared_ptr<spdlog::logger> log = nullptr);
    runtime(const runtime&) = delete;
    runtime& operator=(const runtime&) = delete;
    ~runtime();

    [[nodiscard]] boost::asio::io_context& io() noexcept { return io_; }
    [[nodiscard]] const std::shared_ptr<spdlog::logger>& log() const noexcept { return log_; }
    void set_log(std::shared_ptr<spdlog::logger> log);

    /// The client context for a trust store (--ca-file / --ca-path, or the system's when both
    /// are unset), read the first time a probe asks for it. Throws setup_error when it cannot
    /// be read. Read lazily on purpose: --as-user has dropped root by then.
    [[nodiscard]] boost::asio::ssl::context& tls_context(const std::optional<std::string>& ca_file,
                                                         const std::optional<std::string>& ca_path);

    /// What a probe of `request` needs: its trust store's context and the logger (the scrubber
    /// is left for callers that share one over several probes). Throws setup_error.
    [[nodiscard]] probe_services services_for(const probe_request& request);

    /// Runs `work` on io() until it is done; returns its value or rethrows its exception.
    template <class T>
    [[nodiscard]] T block_on(boost::asio::awaitable<T> work) {
        auto future = boost::asio::co_spawn(io_, std::move(work), boost::asio::use_future);
        io_.restart();
        io_.run();
        return future.get();
    }

private:
    boost::asio::io_context io_;
    std::shared_ptr<spdlog::logger> log_;
    using trust_store = std::pair<std::optional<std::string>, std::optional<std::string>>;
    std::map<trust_store, std::unique_ptr<boost::asio::ssl::context>> tls_contexts_;
};

}  // namespace smtp_probe
