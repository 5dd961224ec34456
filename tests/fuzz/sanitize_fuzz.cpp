// sanitize_for_display() and html_escape() (net/sanitize.hpp): whatever a server sends, the
// displayed text is well-formed UTF-8 without control characters or bidirectional overrides,
// within max_bytes, and HTML-escaped text has no markup character left.
//
// Input: two bytes giving max_bytes = b0 * 8 + b1 % 8 (0..2047), then the untrusted text.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "net/sanitize.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using namespace smtp_probe;

constexpr std::string_view ellipsis = "\xE2\x80\xA6";

/// Strict UTF-8 (RFC 3629) that shows nothing that could steer a terminal: no C0/C1 control,
/// no DEL, no bidirectional override or isolate, no line or paragraph separator.
bool displayable(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto lead = static_cast<unsigned char>(s[i]);
        if (lead < 0x80) {
            if (lead < 0x20 || lead == 0x7F) {
                return false;
            }
            ++i;
            continue;
        }
        std::size_t n = 0;
        char32_t cp = 0;
        if (lead >= 0xC2 && lead <= 0xDF) {
            n = 2;
            cp = lead & 0x1F;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            n = 3;
            cp = lead & 0x0F;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            n = 4;
            cp = lead & 0x07;
        } else {
            return false;
        }
        if (i + n > s.size()) {
            return false;
        }
        for (std::size_t k = 1; k < n; ++k) {
            const auto c = static_cast<unsigned char>(s[i + k]);
            if ((c & 0xC0) != 0x80) {
                return false;
            }
            cp = cp << 6 | (c & 0x3F);
        }
        const bool overlong = (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000);
        const bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
        const bool hidden = (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x2028 && cp <= 0x202E) ||
                            (cp >= 0x2066 && cp <= 0x2069);
        if (overlong || surrogate || cp > 0x10FFFF || hidden) {
            return false;
        }
        i += n;
    }
    return true;
}

/// Every '&' begins one of the five entities html_escape() writes, and nothing else is markup.
bool escaped(std::string_view s) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        switch (s[i]) {
            case '<':
            case '>':
            case '"':
            case '\'':
                return false;
            case '&': {
                const auto rest = s.substr(i);
                if (rest.rfind("&amp;", 0) != 0 && rest.rfind("&lt;", 0) != 0 &&
                    rest.rfind("&gt;", 0) != 0 && rest.rfind("&quot;", 0) != 0 &&
                    rest.rfind("&#39;", 0) != 0) {
                    return false;
                }
                break;
            }
            default:
                break;
        }
    }
    return true;
}

std::string unescape(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '&') {
            out += s[i];
            continue;
        }
        const auto end = s.find(';', i);
        const auto entity = s.substr(i, end - i + 1);
        out += entity == "&amp;"    ? '&'
               : entity == "&lt;"   ? '<'
               : entity == "&gt;"   ? '>'
               : entity == "&quot;" ? '"'
                                    : '\'';
        i = end;
    }
    return out;
}

void check_html(std::string_view text) {
    const auto html = html_escape(text);
    SP_FUZZ_CHECK(escaped(html));
    SP_FUZZ_CHECK(unescape(html) == text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto input = smtp_probe::fuzz::as_text(data, size);
    if (input.size() < 2) {
        return 0;
    }
    const std::size_t max_bytes = static_cast<unsigned char>(input[0]) * std::size_t{8} +
                                  static_cast<unsigned char>(input[1]) % 8;
    input.remove_prefix(2);

    const auto out = sanitize_for_display(input, max_bytes);
    SP_FUZZ_CHECK(out.size() <= max_bytes);
    SP_FUZZ_CHECK(displayable(out));

    // Without a limit nothing is cut, and sanitising twice changes nothing.
    const auto full = sanitize_for_display(input, std::numeric_limits<std::size_t>::max());
    SP_FUZZ_CHECK(displayable(full));
    SP_FUZZ_CHECK(sanitize_for_display(full, std::numeric_limits<std::size_t>::max()) == full);

    // With a limit: all of it when it fits, else a prefix and the ellipsis (when that fits).
    if (full.size() <= max_bytes) {
        SP_FUZZ_CHECK(out == full);
    } else if (max_bytes >= ellipsis.size()) {
        SP_FUZZ_CHECK(out.size() >= ellipsis.size());
        SP_FUZZ_CHECK(out.substr(out.size() - ellipsis.size()) == ellipsis);
        const auto kept = std::string_view(out).substr(0, out.size() - ellipsis.size());
        SP_FUZZ_CHECK(full.compare(0, kept.size(), kept) == 0);
    } else {
        SP_FUZZ_CHECK(full.compare(0, out.size(), out) == 0);
    }

    check_html(out);
    check_html(input);
    return 0;
}
