// Which addresses of a name to use: --ipv4, --ipv6, or both (RFC 6724 order).
#pragma once

namespace smtp_probe {

enum class address_family { any, ipv4, ipv6 };

}  // namespace smtp_probe
