#include "checks/dns_budget.hpp"

#include <algorithm>
#include <string>

namespace smtp_probe {

dns_budget dns_budget_for(std::chrono::milliseconds dns_timeout,
                          std::chrono::milliseconds deadline_left) {
    const auto left = std::max(deadline_left, std::chrono::milliseconds{0});
    if (left < dns_timeout) {
        return {left, dns_limit::deadline};
    }
    return {dns_timeout, dns_limit::dns_timeout};
}

dns_timeout_finding dns_timeout_finding_for(const dns_budget& budget) {
    const auto ms = std::to_string(budget.timeout.count());
    if (budget.limit == dns_limit::deadline) {
        return {probe_errc::deadline_exceeded, {detail_text::dns_cut_by_deadline, {ms}}};
    }
    return {probe_errc::dns_timeout, {detail_text::dns_no_answer_within, {ms}}};
}

}  // namespace smtp_probe
