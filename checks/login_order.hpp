// Diagnose logs in one combination at a time, and stops at the first answer that says another
// try would only bring a lockout closer (cPHulk, fail2ban and providers count failed logins per
// user and address, whichever port they came in on).
#pragma once

#include <cstddef>
#include <vector>

#include "checks/evidence.hpp"
#include "checks/recommend.hpp"

namespace smtp_probe {

/// The combinations to log in on, best first (preference_rank, ties in the order given): only
/// those whose connection stages passed.
[[nodiscard]] std::vector<std::size_t> login_order(const std::vector<combination_result>& all);

/// Whether a login's result forbids trying the same password on another combination: the
/// password was refused, or the server is already throttling logins (also when the verdict
/// names the redirect and either is what lies under it).
[[nodiscard]] bool ends_login_attempts(const probe_result& login);

}  // namespace smtp_probe
