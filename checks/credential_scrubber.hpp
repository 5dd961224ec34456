// The scrubber for one probe request: every form in which its password or token can come back
// from a server (raw, base64, inside the SASL payloads the probe sends).
#pragma once

#include "checks/request.hpp"
#include "net/secret_scrub.hpp"

namespace smtp_probe {

[[nodiscard]] secret_scrubber credential_scrubber(const probe_request& request);

}  // namespace smtp_probe
