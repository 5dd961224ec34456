#include "checks/test_message.hpp"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <ctime>

#include "net/ascii.hpp"

namespace smtp_probe {
namespace {

constexpr std::size_t max_queue_id = 64;

bool queue_id_char(char c) {
    const auto u = static_cast<unsigned char>(c);
    return std::isalnum(u) != 0 || c == '-' || c == '_' || c == '.' || c == '@';
}

/// The token that starts at `from` in `text`, made of queue-id characters, bounded.
std::optional<std::string> token_at(std::string_view text, std::size_t from) {
    while (from < text.size() && text[from] == ' ') {
        ++from;
    }
    std::size_t end = from;
    while (end < text.size() && end - from < max_queue_id && queue_id_char(text[end])) {
        ++end;
    }
    if (end == from) {
        return std::nullopt;
    }
    return std::string(text.substr(from, end - from));
}

}  // namespace

std::string dot_stuff(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 8);
    bool line_start = true;
    for (const char c : text) {
        if (line_start && c == '.') {
            out += '.';
        }
        out += c;
        line_start = c == '\n';
    }
    return out;
}

std::string rfc5322_date(std::int64_t utc_seconds) {
    const auto t = static_cast<std::time_t>(utc_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    static constexpr std::array<const char*, 7> days = {"Sun", "Mon", "Tue", "Wed",
                                                        "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> months = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    return fmt::format("{}, {:02} {} {} {:02}:{:02}:{:02} +0000", days.at(tm.tm_wday), tm.tm_mday,
                       months.at(tm.tm_mon), tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string build_test_message(const test_message_fields& f) {
    const std::string domain = f.helo_name.empty() ? std::string("localhost") : f.helo_name;
    std::string text;
    text += fmt::format("From: <{}>\r\n", f.from);
    text += fmt::format("To: <{}>\r\n", f.to);
    text += "Subject: smtp-probe test message\r\n";
    text += fmt::format("Date: {}\r\n", rfc5322_date(f.now));
    text += fmt::format("Message-ID: <smtp-probe.{}@{}>\r\n", f.unique, domain);
    text += "Auto-Submitted: auto-generated\r\n";
    text += "X-Mailer: smtp-probe\r\n";
    text += "MIME-Version: 1.0\r\n";
    text += "Content-Type: text/plain; charset=UTF-8\r\n";
    text += "Content-Transfer-Encoding: 8bit\r\n";
    text += "\r\n";
    text += "This message was sent by smtp-probe, on request, to check that mail from this\r\n";
    text += "server's WHMCS settings is accepted for delivery. No reply is needed.\r\n";
    text += "\r\n";
    text +=
        "这是 smtp-probe 按要求发送的测试邮件，用于确认 WHMCS 的邮件设置可以投递。无需回复。\r\n";
    std::string out = dot_stuff(text);
    out += ".\r\n";
    return out;
}

std::optional<std::string> queue_id_from(const smtp_reply& reply) {
    const std::string text = reply.text();
    const std::string lower = ascii_lowered(text);
    // Postfix and most MTAs: "queued as ID"; Exim: "id=ID"; Microsoft: "<ID@host> [...]"
    for (const std::string_view marker : {"queued as", "id="}) {
        if (const auto at = lower.find(marker); at != std::string::npos) {
            if (auto id = token_at(text, at + marker.size())) {
                return id;
            }
        }
    }
    if (const auto open = text.find('<'); open != std::string::npos) {
        const auto close = text.find('>', open);
        if (close != std::string::npos && close - open - 1 <= max_queue_id && close > open + 1) {
            return text.substr(open + 1, close - open - 1);
        }
    }
    // Gmail: "OK  1700000000 a1-b2c3 - gsmtp": the token after the timestamp.
    if (lower.find("gsmtp") != std::string::npos) {
        const auto ok = lower.find("ok");
        if (ok != std::string::npos) {
            auto stamp_end = text.find(' ', text.find_first_not_of(' ', ok + 2));
            if (stamp_end != std::string::npos) {
                return token_at(text, stamp_end);
            }
        }
    }
    return std::nullopt;
}

}  // namespace smtp_probe
