// Certificate times (UTC seconds since the epoch) as text.
#pragma once

#include <cstdint>
#include <string>

namespace smtp_probe {

/// ISO 8601 in UTC: "2025-01-31T23:59:59Z". Negative values (before 1970) work too.
[[nodiscard]] std::string iso8601_utc(std::int64_t seconds_since_epoch);

}  // namespace smtp_probe
