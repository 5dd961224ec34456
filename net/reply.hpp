// SMTP replies as values (RFC 5321 section 4.2) and the enhanced status codes of RFC 3463.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smtp_probe {

/// An RFC 3463 enhanced status code such as 5.7.139 (class.subject.detail).
struct enhanced_status {
    int klass = 0;    ///< 2, 4 or 5
    int subject = 0;  ///< 0..999
    int detail = 0;   ///< 0..999
    [[nodiscard]] std::string to_string() const;
    auto operator<=>(const enhanced_status&) const = default;
};

/// One complete server reply: a three-digit code and its text lines (without code and separator).
/// The text is the server's, untrusted: it is bounded by the parser and must be sanitised before
/// it is printed (see sanitize.hpp).
struct smtp_reply {
    int code = 0;
    std::optional<enhanced_status> enhanced;  ///< from the first line, when it carries one
    std::vector<std::string> lines;           ///< text of each line, code and '-'/' ' removed

    [[nodiscard]] bool positive_completion() const { return code >= 200 && code < 300; }
    [[nodiscard]] bool positive_intermediate() const { return code >= 300 && code < 400; }
    [[nodiscard]] bool transient_negative() const { return code >= 400 && code < 500; }
    [[nodiscard]] bool permanent_negative() const { return code >= 500 && code < 600; }
    /// All lines joined with a single space.
    [[nodiscard]] std::string text() const;
    /// "NNN text" of the first line followed by the other lines, as a server would have sent them
    /// (without CRLF), joined with " / ". For evidence and messages.
    [[nodiscard]] std::string summary() const;
};

}  // namespace smtp_probe
