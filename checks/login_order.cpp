#include "checks/login_order.hpp"

#include <algorithm>
#include <numeric>

#include "checks/errors.hpp"

namespace smtp_probe {

std::vector<std::size_t> login_order(const std::vector<combination_result>& all) {
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < all.size(); ++i) {
        if (all[i].result.ok()) {
            order.push_back(i);
        }
    }
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return preference_rank(all[a]) < preference_rank(all[b]);
    });
    return order;
}

bool ends_login_attempts(const probe_result& login) {
    const auto& v = login.outcome;
    const auto cause =
        v.cause == probe_errc::smtp_restrictions_redirect ? v.underlying_cause : v.cause;
    return cause == probe_errc::bad_credentials || cause == probe_errc::auth_throttled;
}

}  // namespace smtp_probe
