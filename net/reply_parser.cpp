#include "net/reply_parser.hpp"

#include <algorithm>
#include <utility>

namespace smtp_probe {

namespace {

constexpr std::size_t max_offending = 200;

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

/// Reads 1..3 digits at text[pos]; advances pos.
std::optional<int> read_number(std::string_view text, std::size_t& pos) {
    int value = 0;
    std::size_t n = 0;
    while (pos < text.size() && is_digit(text[pos])) {
        if (++n > 3) {
            return std::nullopt;
        }
        value = value * 10 + (text[pos] - '0');
        ++pos;
    }
    if (n == 0) {
        return std::nullopt;
    }
    return value;
}

}  // namespace

std::string_view violation_name(reply_violation v) {
    switch (v) {
        case reply_violation::none:
            return "none";
        case reply_violation::line_too_long:
            return "line_too_long";
        case reply_violation::too_many_lines:
            return "too_many_lines";
        case reply_violation::reply_too_large:
            return "reply_too_large";
        case reply_violation::bad_code:
            return "bad_code";
        case reply_violation::code_mismatch:
            return "code_mismatch";
        case reply_violation::bad_separator:
            return "bad_separator";
        case reply_violation::invalid_byte:
            return "invalid_byte";
    }
    return "unknown";
}

std::optional<enhanced_status> parse_enhanced_status(std::string_view text) {
    // RFC 3463 section 2: class "." subject "." detail.
    if (text.size() < 5 || (text[0] != '2' && text[0] != '4' && text[0] != '5') || text[1] != '.') {
        return std::nullopt;
    }
    enhanced_status status;
    status.klass = text[0] - '0';
    std::size_t pos = 2;
    auto subject = read_number(text, pos);
    if (!subject || pos >= text.size() || text[pos] != '.') {
        return std::nullopt;
    }
    ++pos;
    auto detail = read_number(text, pos);
    if (!detail || (pos < text.size() && text[pos] != ' ')) {
        return std::nullopt;
    }
    status.subject = *subject;
    status.detail = *detail;
    return status;
}

reply_parser::reply_parser(reply_limits limits) : limits_(limits) {}

void reply_parser::reset() {
    buffer_.clear();
    buffer_.shrink_to_fit();
    head_ = line_start_ = lf_search_ = 0;
    code_ = 0;
    lines_.clear();
    error_.reset();
}

void reply_parser::compact() {
    if (head_ == 0) {
        return;
    }
    buffer_.erase(0, head_);
    line_start_ -= head_;
    lf_search_ -= head_;
    head_ = 0;
}

void reply_parser::feed(std::string_view bytes) {
    if (error_) {
        return;
    }
    compact();
    buffer_.append(bytes);
}

parse_result reply_parser::fail(reply_violation v, std::string_view line) {
    parse_result r;
    r.state = parse_result::status::error;
    r.violation = v;
    r.offending = std::string(line.substr(0, max_offending));
    lines_.clear();
    error_ = r;
    return r;
}

parse_result reply_parser::next() {
    if (error_) {
        return *error_;
    }
    for (;;) {
        const std::size_t lf = buffer_.find('\n', lf_search_);
        if (lf == std::string::npos) {
            // Check the partial line now, so an endless line fails before it is all buffered.
            lf_search_ = buffer_.size();
            const std::string_view tail(buffer_.data() + line_start_, buffer_.size() - line_start_);
            const std::size_t max = limits_.max_line;
            if (tail.size() > max + 1 || (tail.size() == max + 1 && tail.back() != '\r')) {
                return fail(reply_violation::line_too_long, tail);
            }
            if (buffer_.size() - head_ > limits_.max_reply_bytes) {
                return fail(reply_violation::reply_too_large, tail);
            }
            return {};
        }

        std::string_view line(buffer_.data() + line_start_, lf - line_start_);
        line_start_ = lf_search_ = lf + 1;
        // Lines end in CRLF (RFC 5321 section 2.3.8); a bare LF is accepted, as most clients do.
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }

        if (line.find('\0') != std::string_view::npos) {
            return fail(reply_violation::invalid_byte, line);
        }
        if (line.size() > limits_.max_line) {
            return fail(reply_violation::line_too_long, line);
        }
        if (line_start_ - head_ > limits_.max_reply_bytes) {
            return fail(reply_violation::reply_too_large, line);
        }
        // Reply codes (RFC 5321 section 4.2.1): first digit 2..5, second 0..5, third 0..9.
        if (line.size() < 3 || !is_digit(line[0]) || !is_digit(line[1]) || !is_digit(line[2]) ||
            line[0] < '2' || line[0] > '5' || line[1] > '5') {
            return fail(reply_violation::bad_code, line);
        }
        const int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
        // "NNN-text" continues, "NNN text" ends; a bare "NNN" ends too (section 4.2.1 allows the
        // text to be omitted, and clients such as curl accept it).
        bool last = true;
        if (line.size() > 3) {
            if (line[3] == '-') {
                last = false;
            } else if (line[3] != ' ') {
                return fail(reply_violation::bad_separator, line);
            }
        }
        if (code_ != 0 && code != code_) {
            return fail(reply_violation::code_mismatch, line);
        }
        const std::size_t count = lines_.size() + 1;
        if (count > limits_.max_lines || (!last && count == limits_.max_lines)) {
            return fail(reply_violation::too_many_lines, line);
        }
        code_ = code;
        lines_.emplace_back(line.size() > 4 ? line.substr(4) : std::string_view{});

        if (last) {
            parse_result r;
            r.state = parse_result::status::reply;
            r.reply.code = code_;
            r.reply.enhanced = parse_enhanced_status(lines_.front());
            r.reply.lines = std::exchange(lines_, {});
            code_ = 0;
            head_ = line_start_;
            return r;
        }
    }
}

std::optional<smtp_reply> parse_reply(std::string_view whole) {
    reply_parser parser;
    parser.feed(whole);
    if (whole.empty() || whole.back() != '\n') {
        parser.feed("\r\n");
    }
    auto r = parser.next();
    if (r.state != parse_result::status::reply || parser.buffered() != 0) {
        return std::nullopt;
    }
    return std::move(r.reply);
}

}  // namespace smtp_probe
