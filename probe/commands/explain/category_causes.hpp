// The causes filed under each WHMCS category: the inverse of fixed_category().
#pragma once

#include <vector>

#include "checks/errors.hpp"

namespace smtp_probe {

/// Every probe_errc whose fixed_category() is `c`, in the order of the enum (the order of the
/// pipeline's phases). Empty for ok and for the categories no probe can see that have no causes
/// (template_syntax, smarty_policy, sending_disabled, no_recipients). Causes that take the
/// category of their phase (reply_timeout, connection_lost, …) belong to none.
[[nodiscard]] std::vector<probe_errc> causes_of(failure_category c);

}  // namespace smtp_probe
