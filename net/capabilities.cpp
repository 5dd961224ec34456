#include "net/capabilities.hpp"

#include <algorithm>
#include <limits>
#include <set>
#include <string_view>

namespace smtp_probe {

namespace {

constexpr std::size_t max_keyword_length = 64;
constexpr std::size_t max_server_name = 255;      // a domain name (RFC 1035 section 2.3.4)
constexpr std::size_t max_mechanism_length = 20;  // RFC 4422 section 3.1

bool is_space(char c) {
    return c == ' ' || c == '\t';
}
bool is_alnum(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

char to_upper(char c) {
    return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
}

std::string upper(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), to_upper);
    return out;
}

/// Splits on runs of spaces and tabs.
std::vector<std::string_view> words(std::string_view line) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && is_space(line[i])) {
            ++i;
        }
        const std::size_t start = i;
        while (i < line.size() && !is_space(line[i])) {
            ++i;
        }
        if (i > start) {
            out.push_back(line.substr(start, i - start));
        }
    }
    return out;
}

/// ehlo-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-") (RFC 5321 section 4.1.1.1), plus '_':
/// Exim advertises PIPE_CONNECT.
bool valid_keyword(std::string_view k) {
    if (k.empty() || k.size() > max_keyword_length || !is_alnum(k.front())) {
        return false;
    }
    return std::all_of(k.begin(), k.end(),
                       [](char c) { return is_alnum(c) || c == '-' || c == '_'; });
}

/// sasl-mech = 1*20 (UPPER-ALPHA / DIGIT / "-" / "_") (RFC 4422 section 3.1), after upper-casing.
bool valid_mechanism(std::string_view m) {
    if (m.empty() || m.size() > max_mechanism_length) {
        return false;
    }
    return std::all_of(m.begin(), m.end(),
                       [](char c) { return is_alnum(c) || c == '-' || c == '_'; });
}

/// SIZE's parameter (RFC 1870 section 4); 0 when absent, not a number, or out of range.
std::uint64_t parse_size(std::string_view s) {
    if (s.empty()) {
        return 0;
    }
    std::uint64_t value = 0;
    for (char c : s) {
        if (c < '0' || c > '9') {
            return 0;
        }
        const auto digit = static_cast<std::uint64_t>(c - '0');
        if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) {
            return 0;
        }
        value = value * 10 + digit;
    }
    return value;
}

/// Appends `value` unless `seen` has it (a set, so that a reply of thousands of names stays
/// linear-logarithmic).
void add_unique(std::vector<std::string>& list, std::set<std::string>& seen, std::string value) {
    if (seen.insert(value).second) {
        list.push_back(std::move(value));
    }
}

}  // namespace

ehlo_capabilities parse_capabilities(const smtp_reply& ehlo_reply) {
    ehlo_capabilities caps;
    if (ehlo_reply.lines.empty()) {
        return caps;
    }
    std::set<std::string> mechanisms_seen;
    std::set<std::string> keywords_seen;
    if (auto first = words(ehlo_reply.lines.front()); !first.empty()) {
        caps.server_name = std::string(first.front().substr(0, max_server_name));
    }

    for (std::size_t i = 1; i < ehlo_reply.lines.size(); ++i) {
        auto params = words(ehlo_reply.lines[i]);
        if (params.empty()) {
            continue;
        }
        std::string_view head = params.front();
        params.erase(params.begin());
        // The pre-standard "AUTH=LOGIN PLAIN" form (still sent by some servers for old Outlook
        // clients): the keyword ends at '=', its first parameter follows it.
        if (const auto eq = head.find('='); eq != std::string_view::npos) {
            if (eq + 1 < head.size()) {
                params.insert(params.begin(), head.substr(eq + 1));
            }
            head = head.substr(0, eq);
        }
        if (!valid_keyword(head)) {
            continue;
        }
        std::string keyword = upper(head);

        if (keyword == "STARTTLS") {
            caps.starttls = true;
        } else if (keyword == "PIPELINING") {
            caps.pipelining = true;
        } else if (keyword == "8BITMIME") {
            caps.eightbitmime = true;
        } else if (keyword == "SMTPUTF8") {
            caps.smtputf8 = true;
        } else if (keyword == "ENHANCEDSTATUSCODES") {
            caps.enhanced_status_codes = true;
        } else if (keyword == "CHUNKING") {
            caps.chunking = true;
        } else if (keyword == "SIZE") {
            if (!caps.size) {
                caps.size = parse_size(params.empty() ? std::string_view{} : params.front());
            }
        } else if (keyword == "AUTH") {
            for (auto p : params) {
                std::string mech = upper(p.substr(0, max_mechanism_length + 1));
                if (valid_mechanism(mech)) {
                    add_unique(caps.auth_mechanisms, mechanisms_seen, std::move(mech));
                }
            }
        }
        add_unique(caps.keywords, keywords_seen, std::move(keyword));
    }
    return caps;
}

}  // namespace smtp_probe
