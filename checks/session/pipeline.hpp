// The probe pipeline: dns → tcp → greeting → ehlo → starttls/tls → certificate → auth →
// mail_from → rcpt → [data] → quit (the phase tables of checks/session/pipeline.cpp), each phase
// timed and bounded, every outcome recorded as evidence. It moves bytes and calls the pure rules
// (classify, greeting_rules, auth_choice, ...); it decides nothing itself.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <memory>
#include <stdexcept>
#include <vector>

#include "checks/evidence.hpp"
#include "checks/request.hpp"
#include "checks/session/wire.hpp"
#include "net/secret_scrub.hpp"

namespace boost::asio::ssl {
class context;
}
namespace spdlog {
class logger;
}

namespace smtp_probe {

/// What every probe of a process shares, built once and read-only: the TLS client context (its
/// trust store) and the logger.
struct probe_services {
    boost::asio::ssl::context* tls = nullptr;
    std::shared_ptr<spdlog::logger> log;
    /// Credentials to scrub from every reply besides the session's own request's. Callers whose
    /// later probes carry fewer secrets than their first (diagnose blanks the password after a
    /// refusal) set it, since a server may echo what an earlier connection sent.
    std::shared_ptr<const secret_scrubber> scrubber;
};

/// Thrown when the probe cannot run at all (the trust store is unreadable).
class setup_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// One probe of request.host (the request must outlive the coroutine): the addresses are tried in
/// order until one connects, and the full session runs on it. With request.all_addresses, one
/// result per address (the DNS phase shared).
[[nodiscard]] boost::asio::awaitable<std::vector<probe_result>> run_probe(
    const probe_request& request, probe_services services);

/// The same for a host the caller resolved already (diagnose looks it up once for all its
/// combinations): the DNS phase records `resolved` instead of asking again.
[[nodiscard]] boost::asio::awaitable<std::vector<probe_result>> run_probe(
    const probe_request& request, probe_services services,
    const std::vector<boost::asio::ip::address>& resolved);

/// The same over the connections `make_wire` makes (the seam the dialogue tests and the
/// dialogue fuzz target use); run_probe above passes real ones (stream_wire.hpp). DNS still
/// runs for real: an IP literal host resolves to itself without a socket.
[[nodiscard]] boost::asio::awaitable<std::vector<probe_result>> run_probe(
    const probe_request& request, probe_services services, wire_factory make_wire);

}  // namespace smtp_probe
