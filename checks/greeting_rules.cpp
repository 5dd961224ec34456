#include "checks/greeting_rules.hpp"

#include <algorithm>
#include <cctype>

#include "net/ascii.hpp"

namespace smtp_probe {
namespace {

bool icontains(std::string_view hay, std::string_view needle) {
    return std::search(hay.begin(), hay.end(), needle.begin(), needle.end(), [](char a, char b) {
               return ascii_lower(a) == ascii_lower(b);
           }) != hay.end();
}

std::string_view first_line(std::string_view s) {
    return s.substr(0, std::min(s.find_first_of("\r\n"), s.size()));
}

// FTP servers greet with 220 too; tell them apart by the product names in the text, unless the
// line also says SMTP (a mail host may well be called ftp.example.com).
bool ftp_greeting(std::string_view bytes) {
    if (bytes.size() < 4 || bytes.substr(0, 3) != "220" || (bytes[3] != ' ' && bytes[3] != '-')) {
        return false;
    }
    const auto line = first_line(bytes);
    if (icontains(line, "SMTP")) {
        return false;
    }
    return icontains(line, "FTP") || icontains(line, "FileZilla");
}

// MySQL/MariaDB speak first: a 3-byte little-endian length, sequence 0, then either protocol
// version 10 (the handshake) or 0xff (an error such as "Host ... is not allowed to connect").
bool mysql_greeting(std::string_view bytes) {
    if (bytes.size() < 6) {
        return false;
    }
    const auto b = [&](std::size_t i) { return static_cast<unsigned char>(bytes[i]); };
    const std::size_t length = b(0) | (b(1) << 8) | (b(2) << 16);
    if (length == 0 || length > 1024 || b(3) != 0) {
        return false;
    }
    if (b(4) == 0x0a) {
        return std::isdigit(b(5)) != 0;  // the server version string, e.g. "8.0.36"
    }
    return b(4) == 0xff && (icontains(bytes, "MySQL") || icontains(bytes, "MariaDB"));
}

bool host_char(char c) {
    const auto u = static_cast<unsigned char>(c);
    return std::isalnum(u) != 0 || c == '-' || c == '_' || c == '.';
}

}  // namespace

std::optional<std::string_view> non_smtp_banner(std::string_view first_bytes) {
    const auto starts = [&](std::string_view p) { return first_bytes.substr(0, p.size()) == p; };
    if (starts("SSH-")) {
        return "SSH";
    }
    if (starts("HTTP/") || starts("<!DOCTYPE") || starts("<html") || starts("<HTML")) {
        return "HTTP";
    }
    if (starts("+OK")) {
        return "POP3";
    }
    if (starts("* OK") || starts("* PREAUTH") || starts("* BYE")) {
        return "IMAP";
    }
    if (ftp_greeting(first_bytes)) {
        return "FTP";
    }
    // A TLS handshake (22) or alert (21) record, version major 3: the port wants implicit TLS.
    if (first_bytes.size() >= 2 && (first_bytes[0] == '\x16' || first_bytes[0] == '\x15') &&
        first_bytes[1] == '\x03') {
        return "TLS";
    }
    if (mysql_greeting(first_bytes)) {
        return "MySQL";
    }
    // IAC followed by WILL, WONT, DO or DONT: telnet option negotiation.
    if (first_bytes.size() >= 2 && first_bytes[0] == '\xff' &&
        static_cast<unsigned char>(first_bytes[1]) >= 0xfb) {
        return "Telnet";
    }
    if (starts("RFB ")) {
        return "VNC";
    }
    return std::nullopt;
}

std::string greeting_host(const smtp_reply& greeting) {
    constexpr std::size_t max_host = 253;  // RFC 1035 section 2.3.4, in text form
    if (greeting.lines.empty()) {
        return {};
    }
    std::string_view line = greeting.lines.front();
    const auto start = line.find_first_not_of(' ');
    if (start == std::string_view::npos) {
        return {};
    }
    line.remove_prefix(start);
    const auto word = line.substr(0, std::min(line.find_first_of(" \t"), line.size()));
    if (word.empty() || word.size() > max_host ||
        !std::all_of(word.begin(), word.end(), host_char) ||
        std::none_of(word.begin(), word.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; })) {
        return {};
    }
    return std::string(word);
}

greeting_judgement judge_greeting(const smtp_reply& greeting) {
    switch (greeting.code) {
        case 220:
            return {phase_status::pass, std::nullopt};
        // RFC 5321 section 3.1: 554 refuses the session outright; 421 is a temporary refusal.
        // Before any command a 421, even one naming a rate, is a refusal of the session, not of
        // a message: the rate_limited cause is kept for replies to MAIL and RCPT.
        default:
            // Any other 4xx/5xx (421, 554, RFC 7504's 521, the 550 some servers use) refuses
            // the session; a 1xx-3xx or another 2xx is no greeting at all.
            if (greeting.code >= 400 && greeting.code < 600) {
                return {phase_status::fail, probe_errc::server_refused_session};
            }
            return {phase_status::fail, probe_errc::protocol_violation};
    }
}

}  // namespace smtp_probe
