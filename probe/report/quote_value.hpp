// A value the user typed, as it appears inside an error message: quoted, bounded, with control
// characters replaced (a value may come from a config file or a paste and carry anything).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace smtp_probe {

[[nodiscard]] std::string quote_value(std::string_view text, std::size_t max_shown = 128);

}  // namespace smtp_probe
