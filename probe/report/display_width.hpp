// How many terminal columns text takes, for the aligned columns of the text reports.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace smtp_probe {

/// Terminal columns of UTF-8 text: East Asian wide and full-width characters take two, every
/// other character one ("—", U+2014, is one, as terminals draw it).
[[nodiscard]] std::size_t display_width(std::string_view utf8);

/// `utf8` followed by spaces up to `width` columns (unchanged when it is already as wide).
[[nodiscard]] std::string pad_to_width(std::string_view utf8, std::size_t width);

}  // namespace smtp_probe
