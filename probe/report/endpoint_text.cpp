#include "probe/report/endpoint_text.hpp"

#include <fmt/format.h>

namespace smtp_probe {

std::string endpoint_text(std::string_view host, std::uint16_t port) {
    return host.find(':') != std::string_view::npos ? fmt::format("[{}]:{}", host, port)
                                                    : fmt::format("{}:{}", host, port);
}

}  // namespace smtp_probe
