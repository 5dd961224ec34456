// `--as-user NAME`: when run as root, drop to another user before any connection is made, so the
// probe meets the owner-based SMTP redirect the way WHMCS (running as that user) does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "probe/report/run_identity.hpp"

namespace smtp_probe {

struct account {
    std::string name;
    std::uint32_t uid = 0;
    std::uint32_t gid = 0;
};

enum class run_as_plan {
    stay,             ///< already running as that user: nothing to do
    switch_user,      ///< root: drop to the user
    refuse_not_root,  ///< another user than root cannot become someone else
};

[[nodiscard]] run_as_plan plan_run_as(std::uint32_t current_euid, std::uint32_t target_uid);

/// The account called `name_or_uid` (a user name, or a number for an account without one), or
/// one sentence saying why there is none.
[[nodiscard]] std::variant<account, std::string> find_account(std::string_view name_or_uid);

/// Drops root for good: supplementary groups of the account, then gid, then uid (real, effective
/// and saved), and no_new_privs. Checks that root cannot be regained. Returns the reason on
/// failure; the process must then stop without connecting.
[[nodiscard]] std::optional<std::string> become(const account& who);

/// The effective user now, and whether cPanel or CSF is installed.
[[nodiscard]] run_identity current_identity();

/// find_account + plan_run_as + become in one, for the app: the identity the probe then runs
/// with, or the sentence to print (exit 3).
[[nodiscard]] std::variant<run_identity, std::string> run_as_user(std::string_view name_or_uid);

}  // namespace smtp_probe
