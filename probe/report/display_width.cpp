#include "probe/report/display_width.hpp"

namespace smtp_probe {
namespace {

// Unicode East_Asian_Width W and F, the blocks the catalogues and server text use: Hangul Jamo,
// CJK radicals to Yi, Hangul syllables, CJK compatibility ideographs and forms, full-width forms.
bool is_wide(char32_t cp) {
    return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
           (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
           (cp >= 0xFFE0 && cp <= 0xFFE6);
}

}  // namespace

std::size_t display_width(std::string_view s) {
    std::size_t width = 0;
    for (std::size_t i = 0; i < s.size();) {
        const auto lead = static_cast<unsigned char>(s[i]);
        std::size_t len = 1;
        char32_t cp = lead;
        if (lead >= 0xF0) {
            len = 4;
            cp = lead & 0x07;
        } else if (lead >= 0xE0) {
            len = 3;
            cp = lead & 0x0F;
        } else if (lead >= 0xC0) {
            len = 2;
            cp = lead & 0x1F;
        }
        for (std::size_t k = 1; k < len && i + k < s.size(); ++k) {
            cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        }
        width += is_wide(cp) ? 2 : 1;
        i += len;
    }
    return width;
}

std::string pad_to_width(std::string_view s, std::size_t width) {
    std::string out(s);
    const auto w = display_width(s);
    if (w < width) {
        out.append(width - w, ' ');
    }
    return out;
}

}  // namespace smtp_probe
