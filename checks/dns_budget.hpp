// How long the DNS lookup may take, and which limit that is: its own --dns-timeout, or what is
// left of the --deadline when that is less. The report names the limit that cut a lookup short.
#pragma once

#include <chrono>

#include "checks/detail_note.hpp"
#include "checks/errors.hpp"

namespace smtp_probe {

enum class dns_limit { dns_timeout, deadline };

struct dns_budget {
    std::chrono::milliseconds timeout{0};
    dns_limit limit = dns_limit::dns_timeout;
};

/// The smaller of `dns_timeout` and `deadline_left` (never negative); a tie is the DNS timeout.
[[nodiscard]] dns_budget dns_budget_for(std::chrono::milliseconds dns_timeout,
                                        std::chrono::milliseconds deadline_left);

/// A lookup that timed out under `budget`: deadline_exceeded when the deadline was the limit,
/// else dns_timeout; and the sentence that names the limit and its length.
struct dns_timeout_finding {
    probe_errc cause = probe_errc::dns_timeout;
    detail_note note;
};
[[nodiscard]] dns_timeout_finding dns_timeout_finding_for(const dns_budget& budget);

}  // namespace smtp_probe
