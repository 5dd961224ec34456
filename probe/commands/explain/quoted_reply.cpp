#include "probe/commands/explain/quoted_reply.hpp"

#include <algorithm>
#include <initializer_list>
#include <vector>

#include "checks/classify.hpp"
#include "net/reply_parser.hpp"
#include "probe/commands/explain/text_scan.hpp"

namespace smtp_probe {
namespace {

using pe = probe_errc;
using namespace text_scan;

// Bounds the part of a line that is scanned.
constexpr std::size_t max_scanned_line = 4096;

constexpr std::size_t max_reply_text = 1024;

/// A reply code that can report a failure: three digits, 4xx or 5xx, second digit 0..5.
std::optional<int> failure_code(std::string_view token) {
    if (token.size() != 3 || !std::all_of(token.begin(), token.end(), is_digit)) {
        return std::nullopt;
    }
    if ((token[0] != '4' && token[0] != '5') || token[1] > '5') {
        return std::nullopt;
    }
    return (token[0] - '0') * 100 + (token[1] - '0') * 10 + (token[2] - '0');
}

/// "NNN text", "NNN-text" or "NNN" at the start of `s`.
std::optional<int> leading_code(std::string_view s) {
    if (s.size() < 3) {
        return std::nullopt;
    }
    const auto code = failure_code(s.substr(0, 3));
    if (!code || (s.size() > 3 && s[3] != ' ' && s[3] != '-')) {
        return std::nullopt;
    }
    return code;
}

/// Text safe to keep: control characters become spaces, the length is bounded.
std::string clean_text(std::string_view s) {
    s = trimmed(s);
    std::string out(s.substr(0, std::min(s.size(), max_reply_text)));
    for (auto& c : out) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) {
            c = ' ';
        }
    }
    return std::string(trimmed(out));
}

// PHPMailer 6 appends the last SMTP error as "SMTP server error: <cmd> command failed Detail:
// <text> SMTP code: <code> Additional SMTP info: <enhanced>", translated with the language.
const std::initializer_list<std::string_view> code_markers = {
    "smtp code:", "smtp 代码：", "smtp 代码:", "smtp代码：", "smtp 代碼：", "smtp代碼："};
const std::initializer_list<std::string_view> enhanced_markers = {
    "additional smtp info:", "附加 smtp 信息：", "附加smtp信息：", "附加 smtp 資訊："};
const std::initializer_list<std::string_view> detail_markers = {"detail:", "详情：",
                                                                "详情:", "詳情："};

/// "Detail: … SMTP code: 553 Additional SMTP info: 5.7.1".
std::optional<quoted_reply> reply_from_markers(std::string_view line, std::string_view lower) {
    const auto code_at = find_any(lower, code_markers);
    const auto detail_at = find_any(lower, detail_markers);
    if (!code_at.ok() && !detail_at.ok()) {
        return std::nullopt;
    }
    quoted_reply q;
    if (code_at.ok()) {
        q.code = leading_code(trimmed(line.substr(code_at.end())).substr(0, 4));
    }
    if (const auto e = find_any(lower, enhanced_markers); e.ok()) {
        q.enhanced = parse_enhanced_status(trimmed(line.substr(e.end())));
    }
    if (detail_at.ok()) {
        auto text = line.substr(detail_at.end());
        const auto lower_text = lower.substr(detail_at.end());
        const auto stop = find_any(lower_text, {"smtp code:", "smtp 代码", "smtp代码", "smtp 代碼",
                                                "additional smtp info:", "附加 smtp", "附加smtp"});
        if (stop.ok()) {
            text = text.substr(0, stop.at);
        }
        q.text = clean_text(text);
    }
    if (!q.code && q.text.empty()) {
        return std::nullopt;
    }
    return q;
}

/// PHPMailer's debug output: "SMTP ERROR: MAIL FROM command failed: 553 5.7.1 <…>: …".
std::optional<quoted_reply> reply_from_debug(std::string_view line, std::string_view lower) {
    const auto at = lower.find("command failed:");
    if (at == std::string_view::npos) {
        return std::nullopt;
    }
    const auto rest = trimmed(line.substr(at + std::string_view("command failed:").size()));
    quoted_reply q;
    q.code = leading_code(rest);
    q.text = clean_text(q.code ? rest.substr(std::min<std::size_t>(4, rest.size())) : rest);
    if (!q.code && q.text.empty()) {
        return std::nullopt;
    }
    return q;
}

std::string join(const std::vector<std::string_view>& parts, std::string_view sep) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i > 0) {
            out += sep;
        }
        out += parts[i];
    }
    return out;
}

/// PHPMailer's "<cmd> command failed,<detail>,<code>,<enhanced>" (getError() imploded with ','),
/// or the older "<cmd> command failed,<code>,<enhanced>,<detail>".
std::optional<quoted_reply> reply_from_commas(std::string_view line, std::string_view lower) {
    const auto at = lower.find("command failed,");
    if (at == std::string_view::npos) {
        return std::nullopt;
    }
    const auto start = at + std::string_view("command failed,").size();
    auto rest = line.substr(start);
    // PHPMailer 6 repeats the error after this; the markers read that part.
    const auto stop = find_any(lower.substr(start), {"smtp code:", " smtp server error",
                                                     " smtp 服务器错误", " smtp服务器出错"});
    if (stop.ok()) {
        rest = rest.substr(0, stop.at);
    }
    constexpr std::size_t max_tokens = 64;
    std::vector<std::string_view> tokens;
    while (tokens.size() < max_tokens) {
        const auto comma = rest.find(',');
        tokens.push_back(rest.substr(0, comma));
        if (comma == std::string_view::npos) {
            break;
        }
        rest.remove_prefix(comma + 1);
    }
    std::optional<std::size_t> code_index;
    for (std::size_t i = tokens.size(); i-- > 0;) {
        if (failure_code(trimmed(tokens[i]))) {
            code_index = i;
            break;
        }
    }
    quoted_reply q;
    std::vector<std::string_view> detail;
    if (code_index) {
        q.code = failure_code(trimmed(tokens[*code_index]));
        std::size_t after = *code_index + 1;
        if (after < tokens.size()) {
            const auto enhanced_token = trimmed(tokens[after]);
            if (enhanced_token.empty() || parse_enhanced_status(enhanced_token)) {
                q.enhanced = parse_enhanced_status(enhanced_token);
                ++after;
            }
        }
        if (*code_index > 0) {
            detail.assign(tokens.begin(), tokens.begin() + static_cast<long>(*code_index));
        } else {
            detail.assign(tokens.begin() + static_cast<long>(after), tokens.end());
        }
    } else {
        detail = tokens;
    }
    q.text = clean_text(join(detail, ","));
    if (!q.code && q.text.empty()) {
        return std::nullopt;
    }
    return q;
}

/// "The following recipients failed: x@example.com: Relay access denied": the text after the
/// address, which PHPMailer quotes without its code.
std::optional<quoted_reply> reply_from_recipients(std::string_view line, std::string_view lower) {
    const auto at = find_any(lower, {"recipients failed:", "收件人地址错误：", "收件人地址錯誤："});
    if (!at.ok()) {
        return std::nullopt;
    }
    auto rest = trimmed(line.substr(at.end()));
    const auto colon = rest.find(':');
    if (colon != std::string_view::npos && rest.substr(0, colon).find('@') != std::string::npos &&
        rest.substr(0, colon).find(' ') == std::string::npos) {
        rest = trimmed(rest.substr(colon + 1));
    }
    quoted_reply q;
    q.code = leading_code(rest);
    q.text = clean_text(q.code ? rest.substr(std::min<std::size_t>(4, rest.size())) : rest);
    if (!q.code && q.text.empty()) {
        return std::nullopt;
    }
    return q;
}

/// "550 Sender verify failed", "550-Verification failed for <…>": a code right before one of
/// Exim's texts.
std::optional<quoted_reply> reply_before_text(std::string_view line, std::string_view lower) {
    const auto text_at = find_any(lower, {"sender verify failed", "verification failed for"});
    if (!text_at.ok()) {
        return std::nullopt;
    }
    // Back over one separator, an optional enhanced code and another separator to the code.
    std::size_t i = text_at.at;
    if (i == 0 || (lower[i - 1] != ' ' && lower[i - 1] != '-')) {
        return std::nullopt;
    }
    --i;
    std::size_t token_end = i;
    while (i > 0 && (is_digit(lower[i - 1]) || lower[i - 1] == '.')) {
        --i;
    }
    if (i < token_end && lower.substr(i, token_end - i).find('.') != std::string_view::npos) {
        if (i == 0 || lower[i - 1] != ' ') {
            return std::nullopt;
        }
        --i;
        token_end = i;
        while (i > 0 && is_digit(lower[i - 1])) {
            --i;
        }
    }
    if (token_end - i != 3 ||
        (i > 0 && (is_alnum(lower[i - 1]) || lower[i - 1] == ':' || lower[i - 1] == '.'))) {
        return std::nullopt;
    }
    quoted_reply q;
    q.code = failure_code(lower.substr(i, 3));
    if (!q.code) {
        return std::nullopt;
    }
    q.text = clean_text(line.substr(i + 4));
    return q;
}

/// Splits an enhanced code off the front of the text into `enhanced`.
void separate_enhanced(quoted_reply& q) {
    if (const auto e = parse_enhanced_status(q.text)) {
        if (!q.enhanced) {
            q.enhanced = e;
        }
        if (*q.enhanced == *e) {
            q.text = std::string(trimmed(std::string_view(q.text).substr(e->to_string().size())));
        }
    }
}

}  // namespace

std::optional<quoted_reply> find_quoted_reply(std::string_view line, phase at) {
    line = line.substr(0, std::min(line.size(), max_scanned_line));
    const auto lower = lowered(line);
    for (auto reader : {reply_from_markers, reply_from_debug, reply_from_commas,
                        reply_from_recipients, reply_before_text}) {
        if (reader == reply_from_recipients && at != phase::rcpt) {
            continue;
        }
        if (auto q = reader(line, lower)) {
            q->at = at;
            separate_enhanced(*q);
            return q;
        }
    }
    return std::nullopt;
}

std::optional<probe_errc> quoted_reply_cause(const quoted_reply& q) {
    const auto usable = [](pe c) {
        return c != pe::unexpected_reply && c != pe::protocol_violation;
    };
    if (q.code) {
        std::string wire = std::to_string(*q.code);
        if (q.enhanced) {
            wire += " " + q.enhanced->to_string();
        }
        if (!q.text.empty()) {
            wire += " " + q.text;
        }
        const auto reply = parse_reply(wire);
        if (!reply) {
            return std::nullopt;
        }
        const auto cause = cause_for_reply(q.at, *reply);
        return usable(cause) ? std::optional<pe>(cause) : std::nullopt;
    }
    if (q.text.empty()) {
        return std::nullopt;
    }
    constexpr int assumed = 550;
    const smtp_reply with_text{assumed, std::nullopt, {q.text}};
    const smtp_reply without_text{assumed, std::nullopt, {""}};
    const auto cause = cause_for_reply(q.at, with_text);
    if (!usable(cause) || cause == cause_for_reply(q.at, without_text)) {
        return std::nullopt;
    }
    return cause;
}

}  // namespace smtp_probe
