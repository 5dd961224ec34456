#include "probe/runtime/many_probes.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <map>
#include <memory>

#include "checks/session/host_lookup.hpp"
#include "checks/session/pipeline.hpp"
#include "net/ascii.hpp"
#include "probe/runtime/async_slots.hpp"
#include "probe/runtime/runtime.hpp"

namespace smtp_probe {
namespace asio = boost::asio;

namespace {

class many_probes {
public:
    many_probes(runtime& rt, const std::vector<probe_request>& requests, probe_limits limits,
                probe_finished finished)
        : rt_(rt),
          requests_(requests),
          limits_(limits),
          finished_(std::move(finished)),
          running_(rt.io().get_executor(), limits.concurrency),
          all_done_(rt.io()) {}

    asio::awaitable<void> run() {
        left_ = requests_.size();
        if (left_ == 0) {
            co_return;
        }
        all_done_.expires_at(asio::steady_timer::time_point::max());
        for (std::size_t i = 0; i < requests_.size(); ++i) {
            asio::co_spawn(rt_.io(), probe_one(i), asio::detached);
        }
        boost::system::error_code ec;
        co_await all_done_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }

private:
    async_slots& slots_for(std::map<std::string, std::unique_ptr<async_slots>>& table,
                           const std::string& key, std::size_t count) {
        auto& slot = table[key];
        if (!slot) {
            slot = std::make_unique<async_slots>(rt_.io().get_executor(), count);
        }
        return *slot;
    }

    asio::awaitable<void> probe_one(std::size_t index) {
        probe_outcome outcome;
        try {
            outcome = co_await probe_with_limits(requests_[index]);
        } catch (const std::exception& e) {
            outcome.result.reset();
            outcome.setup_error = e.what();
        }
        finished_(index, std::move(outcome));
        if (--left_ == 0) {
            all_done_.cancel();
        }
    }

    asio::awaitable<probe_outcome> probe_with_limits(const probe_request& base) {
        probe_outcome out;
        std::optional<async_slots::held> login;
        if (base.user) {
            const auto key =
                ascii_lowered(base.host) + "\n" + std::to_string(base.port) + "\n" + *base.user;
            login.emplace(co_await slots_for(logins_, key, 1).acquire());
        }
        auto request = base.clone();
        request.all_addresses = false;
        const auto started = std::chrono::steady_clock::now();
        host_lookup lookup;
        {
            auto slot = co_await running_.acquire();
            lookup = co_await look_up_host(request);
        }
        if (lookup.found.error) {
            out.result = dns_failure_result(request, lookup);
            co_return out;
        }
        const auto spent = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - started);
        request.deadline = std::max(std::chrono::milliseconds{1}, request.deadline - spent);

        const auto& first = lookup.found.addresses.front();
        auto host_slot =
            co_await slots_for(hosts_, first.to_string() + "\n" + std::to_string(request.port),
                               limits_.per_host)
                .acquire();
        auto slot = co_await running_.acquire();
        auto services = rt_.services_for(request);
        auto results = co_await run_probe(request, services, lookup.found.addresses);
        out.result = std::move(results.front());
        co_return out;
    }

    runtime& rt_;
    const std::vector<probe_request>& requests_;
    probe_limits limits_;
    probe_finished finished_;
    async_slots running_;
    std::map<std::string, std::unique_ptr<async_slots>> logins_;
    std::map<std::string, std::unique_ptr<async_slots>> hosts_;
    asio::steady_timer all_done_;
    std::size_t left_ = 0;
};

}  // namespace

asio::awaitable<void> run_many_probes(runtime& rt, const std::vector<probe_request>& requests,
                                      probe_limits limits, probe_finished finished) {
    limits.concurrency = std::max<std::size_t>(1, limits.concurrency);
    limits.per_host = std::max<std::size_t>(1, limits.per_host);
    many_probes runner(rt, requests, limits, std::move(finished));
    co_await runner.run();
}

}  // namespace smtp_probe
