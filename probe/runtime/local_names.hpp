// The names of this machine (host name, the names /etc/hosts gives it such as the FQDN, and its
// addresses),
// for the rule that spots outbound SMTP redirected to this machine. Reads files only: no DNS.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "checks/request.hpp"

namespace smtp_probe {

/// From a host name and the text of a hosts file: the host name plus every name on the lines
/// that list it (lower-case, deduplicated). Pure, for tests.
[[nodiscard]] std::vector<std::string> names_from_hosts(std::string_view host_name,
                                                        std::string_view hosts_text);

/// The EHLO name from those names (RFC 5321 section 4.1.1.1 wants the client's FQDN): the first
/// dotted name that is not an address, else the first name, else "localhost".
[[nodiscard]] std::string helo_name_from(const std::vector<std::string>& names);

/// gethostname(), /etc/hosts, and this machine's non-loopback interface addresses.
[[nodiscard]] std::vector<std::string> local_host_names();

/// What every probe of this machine needs from it: request.local_names (the redirect rule), and
/// the EHLO name from them unless --helo gave one.
void add_local_names(probe_request& request);

}  // namespace smtp_probe
