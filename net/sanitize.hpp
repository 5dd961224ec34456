// Making server text safe to show: in a terminal, a log line, JSON, or (escaped) HTML.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace smtp_probe {

/// Keeps printable ASCII and well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates,
/// nothing above U+10FFFF). Every other byte becomes "\xNN" (upper-case hex): C0 controls (CR
/// and LF included), DEL, the C1 controls U+0080..U+009F, the bidirectional overrides and
/// isolates (U+202A..U+202E, U+2066..U+2069) and the line/paragraph separators (U+2028, U+2029),
/// and each byte of malformed UTF-8. A tab becomes a space. The result is at most max_bytes long;
/// when the input does not fit it is cut at a character (or escape) boundary and ends in "…"
/// (unless max_bytes is below the ellipsis's 3 bytes).
[[nodiscard]] std::string sanitize_for_display(std::string_view untrusted,
                                               std::size_t max_bytes = 1024);

/// Whether `text` is well-formed UTF-8 (RFC 3629), by the same reading sanitize_for_display uses.
[[nodiscard]] bool is_well_formed_utf8(std::string_view text);

/// Escapes & < > " ' for HTML text and attribute values.
[[nodiscard]] std::string html_escape(std::string_view text);

}  // namespace smtp_probe
