// `smtp-probe diagnose HOST`: the checked options (probe/commands/diagnose/diagnose.hpp runs it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "checks/request.hpp"
#include "probe/report/output_options.hpp"

namespace smtp_probe {

/// The request carries host, credentials, envelope, TLS, DNS and timeouts; its port and
/// security are unused.
struct diagnose_command {
    probe_request request;
    output_options output;
    std::vector<std::uint16_t> extra_ports;     ///< --ports, each with its default mode
    std::optional<std::uint64_t> message_size;  ///< --message-size, bytes
    std::optional<std::string> send_to;         ///< --send-to: one real test message
    std::optional<std::string> as_user;         ///< --as-user: connect as this user (root only)
};

}  // namespace smtp_probe
