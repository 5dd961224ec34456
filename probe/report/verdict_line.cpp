#include "probe/report/verdict_line.hpp"

#include <fmt/format.h>

namespace smtp_probe {

std::string verdict_line(const verdict& v, language lang) {
    std::string out =
        fmt::format("{} ({})", category_title(v.category, lang), category_id(v.category));
    if (v.cause) {
        out += fmt::format(" — {} ({})", describe(*v.cause, lang).title, cause_id(*v.cause));
    }
    return out;
}

}  // namespace smtp_probe
