#include "probe/report/utc_time.hpp"

#include <fmt/format.h>

#include <chrono>

namespace smtp_probe {

std::string iso8601_utc(std::int64_t seconds_since_epoch) {
    using namespace std::chrono;
    const sys_seconds tp{seconds{seconds_since_epoch}};
    const auto day = floor<days>(tp);
    const year_month_day ymd{day};
    const hh_mm_ss hms{tp - day};
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                       hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

}  // namespace smtp_probe
