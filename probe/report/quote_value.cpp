#include "probe/report/quote_value.hpp"

namespace smtp_probe {

std::string quote_value(std::string_view text, std::size_t max_shown) {
    std::string out = "'";
    for (char c : text.substr(0, max_shown)) {
        const auto u = static_cast<unsigned char>(c);
        out += (u < 0x20 || u == 0x7f) ? '?' : c;
    }
    if (text.size() > max_shown) {
        out += "...";
    }
    out += "'";
    return out;
}

}  // namespace smtp_probe
