// Which of n exporters a target belongs to: the hash Prometheus's `hashmod` relabelling
// computes (the last 8 bytes of the MD5 of the label value, big-endian, modulo n), so that an
// exporter's own scheduled probes ([serve] shard = "k/n") are those of the targets Prometheus
// sends to it when its relabelling hashes the target's name.
#pragma once

#include <cstdint>
#include <string_view>

namespace smtp_probe {

/// 0 to count - 1; count must be at least 1.
[[nodiscard]] std::uint64_t hashmod(std::string_view value, std::uint64_t count);

}  // namespace smtp_probe
