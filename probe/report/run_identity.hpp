// Which user the probe's connections were made as. It matters because cPanel's "SMTP
// Restrictions" and CSF's SMTP_REDIRECT match outbound SMTP by socket owner and exempt root: a
// probe run as root may reach the real server while WHMCS, running as its account user, is
// redirected to this machine's own Exim.
#pragma once

#include <cstdint>
#include <string>

namespace smtp_probe {

struct run_identity {
    std::string user;       ///< the user name, or the number when the account has no name
    std::uint32_t uid = 0;  ///< the effective uid the sockets were created with
    bool switched = false;  ///< --as-user: the probe left root for this user before connecting
    bool redirect_tools_present = false;  ///< cPanel or CSF is installed on this machine
};

/// True when the report should offer a re-run with --as-user: the probe ran as root, stayed
/// root, and this machine has cPanel or CSF, whose SMTP redirect exempts root.
[[nodiscard]] inline bool offer_as_user(const run_identity& id) {
    return id.uid == 0 && !id.switched && id.redirect_tools_present;
}

}  // namespace smtp_probe
