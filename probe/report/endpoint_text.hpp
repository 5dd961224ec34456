// "host:port" as reports print it, an IPv6 literal in brackets ("[2001:db8::1]:587").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace smtp_probe {

[[nodiscard]] std::string endpoint_text(std::string_view host, std::uint16_t port);

}  // namespace smtp_probe
