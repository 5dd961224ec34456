// An incremental, sans-io parser for SMTP replies (RFC 5321 section 4.2). Bytes go in with feed(),
// complete replies come out of next(). Everything the server sends is bounded by reply_limits: an
// endless line or an endless run of continuation lines ends in an error, never in unbounded memory.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/reply.hpp"

namespace smtp_probe {

/// RFC 5321 section 4.5.3.1.5 allows 512 octets per reply line; real servers exceed it, so the
/// defaults are generous but finite.
struct reply_limits {
    std::size_t max_line = 4096;              ///< bytes of one line, without its CRLF
    std::size_t max_lines = 512;              ///< lines of one reply
    std::size_t max_reply_bytes = 64 * 1024;  ///< bytes of one reply, line terminators included
};

enum class reply_violation {
    none,
    line_too_long,    ///< a line exceeds max_line (detected before its LF arrives)
    too_many_lines,   ///< a reply has more than max_lines lines
    reply_too_large,  ///< a reply exceeds max_reply_bytes
    bad_code,         ///< not three digits, first 2..5, second 0..5
    code_mismatch,    ///< a line of a multi-line reply carries another code
    bad_separator,    ///< the code is followed by something other than ' ', '-' or the line end
    invalid_byte,     ///< a NUL byte
};

/// Stable snake_case name, e.g. "line_too_long".
[[nodiscard]] std::string_view violation_name(reply_violation v);

struct parse_result {
    enum class status { need_more, reply, error };
    status state = status::need_more;
    smtp_reply reply;  ///< set when state is reply
    reply_violation violation = reply_violation::none;
    std::string offending;  ///< the first bad line, raw, at most 200 bytes (state error only)
};

class reply_parser {
public:
    explicit reply_parser(reply_limits limits = {});

    /// Appends received bytes. Ignored after an error (until reset()). Call next() until it
    /// returns need_more after each feed(): the bounds are checked there.
    void feed(std::string_view bytes);

    /// The next complete reply, need_more, or an error. An error is sticky: it is returned again
    /// by every call until reset().
    [[nodiscard]] parse_result next();

    /// Bytes received and not yet consumed by a returned reply (a partial reply included). After
    /// a reply to STARTTLS this must be 0: anything else was sent before the handshake (RFC 3207
    /// section 4.2; the CVE-2011-0411 injection).
    [[nodiscard]] std::size_t buffered() const { return buffer_.size() - head_; }

    /// Forgets everything: buffered bytes, the partial reply, a sticky error.
    void reset();

private:
    parse_result fail(reply_violation v, std::string_view line);
    void compact();

    reply_limits limits_;
    std::string buffer_;
    std::size_t head_ = 0;            ///< start of the pending reply in buffer_
    std::size_t line_start_ = 0;      ///< start of the first unparsed line in buffer_
    std::size_t lf_search_ = 0;       ///< where to resume looking for LF
    int code_ = 0;                    ///< code of the pending reply, 0 before its first line
    std::vector<std::string> lines_;  ///< texts of the pending reply's complete lines
    std::optional<parse_result> error_;
};

/// Parses an RFC 3463 enhanced status code at the start of a reply line's text: class 2, 4 or 5,
/// subject and detail 1..3 digits each, followed by a space or the end of the text.
[[nodiscard]] std::optional<enhanced_status> parse_enhanced_status(std::string_view text);

/// Parses exactly one complete reply (for tests and fixed data). A missing final line terminator
/// is added; anything incomplete, invalid, or followed by more bytes gives nullopt.
[[nodiscard]] std::optional<smtp_reply> parse_reply(std::string_view whole);

}  // namespace smtp_probe
