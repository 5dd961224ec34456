// A verdict in one line: "category title (id) — cause title (id)", as the tables and summaries
// of diagnose and run show it.
#pragma once

#include <string>

#include "checks/evidence.hpp"
#include "probe/i18n/i18n.hpp"

namespace smtp_probe {

[[nodiscard]] std::string verdict_line(const verdict& v, language lang);

}  // namespace smtp_probe
