// The names of this machine (host name, and the names /etc/hosts gives it, such as the FQDN),
// for the rule that spots outbound SMTP redirected to this machine. Reads files only: no DNS.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace smtp_probe {

/// From a host name and the text of a hosts file: the host name plus every name on the lines
/// that list it (lower-case, deduplicated). Pure, for tests.
[[nodiscard]] std::vector<std::string> names_from_hosts(std::string_view host_name,
                                                        std::string_view hosts_text);

/// gethostname() and /etc/hosts.
[[nodiscard]] std::vector<std::string> local_host_names();

}  // namespace smtp_probe
