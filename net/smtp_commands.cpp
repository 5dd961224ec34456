#include "net/smtp_commands.hpp"

#include <algorithm>

namespace smtp_probe::smtp_cmd {

namespace {

constexpr std::size_t max_domain = 255;   // RFC 5321 section 4.5.3.1.2
constexpr std::size_t max_address = 254;  // a 256-byte path less its angle brackets
constexpr std::size_t max_mechanism = 20;

bool is_control(char c) {
    const auto v = static_cast<unsigned char>(c);
    return v < 0x20 || v == 0x7F;
}

bool safe_name(std::string_view name) {
    return !name.empty() && name.size() <= max_domain &&
           std::none_of(name.begin(), name.end(), [](char c) { return is_control(c) || c == ' '; });
}

bool safe_address(std::string_view address) {
    return address.size() <= max_address &&
           std::none_of(address.begin(), address.end(),
                        [](char c) { return is_control(c) || c == '<' || c == '>'; });
}

bool is_base64_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/' || c == '=';
}

bool safe_payload(std::string_view p) {
    return std::all_of(p.begin(), p.end(), is_base64_char);
}

std::optional<std::string> mechanism_upper(std::string_view m) {
    if (m.empty() || m.size() > max_mechanism) {
        return std::nullopt;
    }
    std::string out;
    for (char c : m) {
        if (c >= 'a' && c <= 'z') {
            c = static_cast<char>(c - 'a' + 'A');
        }
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
            return std::nullopt;
        }
        out += c;
    }
    return out;
}

std::optional<std::string> greeting_command(std::string_view verb, std::string_view name) {
    if (!safe_name(name)) {
        return std::nullopt;
    }
    std::string line(verb);
    line += ' ';
    line += name;
    line += "\r\n";
    return line;
}

std::optional<std::string> path_command(std::string_view prefix, std::string_view address) {
    if (!safe_address(address)) {
        return std::nullopt;
    }
    std::string line(prefix);
    line += '<';
    line += address;
    line += '>';
    return line;
}

}  // namespace

std::optional<std::string> ehlo(std::string_view name) {
    return greeting_command("EHLO", name);
}
std::optional<std::string> helo(std::string_view name) {
    return greeting_command("HELO", name);
}

std::string starttls() {
    return "STARTTLS\r\n";
}
std::string rset() {
    return "RSET\r\n";
}
std::string data() {
    return "DATA\r\n";
}
std::string quit() {
    return "QUIT\r\n";
}

std::optional<std::string> mail_from(std::string_view address, std::optional<std::uint64_t> size) {
    auto line = path_command("MAIL FROM:", address);
    if (!line) {
        return std::nullopt;
    }
    if (size) {
        *line += " SIZE=";
        *line += std::to_string(*size);
    }
    *line += "\r\n";
    return line;
}

std::optional<std::string> rcpt_to(std::string_view address) {
    if (address.empty()) {
        return std::nullopt;
    }
    auto line = path_command("RCPT TO:", address);
    if (line) {
        *line += "\r\n";
    }
    return line;
}

std::optional<std::string> auth(std::string_view mechanism) {
    auto name = mechanism_upper(mechanism);
    if (!name) {
        return std::nullopt;
    }
    return "AUTH " + *name + "\r\n";
}

std::optional<secret> auth(std::string_view mechanism, const secret& initial_response) {
    auto name = mechanism_upper(mechanism);
    const std::string_view response = initial_response.reveal();
    if (!name || !safe_payload(response)) {
        return std::nullopt;
    }
    const std::string_view sent = response.empty() ? std::string_view("=") : response;
    std::string line;
    line.reserve(5 + name->size() + 1 + sent.size() + 2);  // no reallocation: no stray copies
    line += "AUTH ";
    line += *name;
    line += ' ';
    line += sent;
    line += "\r\n";
    return secret(std::move(line));
}

std::optional<secret> auth_response(const secret& payload) {
    const std::string_view p = payload.reveal();
    if (!safe_payload(p)) {
        return std::nullopt;
    }
    std::string line;
    line.reserve(p.size() + 2);
    line += p;
    line += "\r\n";
    return secret(std::move(line));
}

std::optional<std::string> auth_response(std::string_view payload) {
    if (!safe_payload(payload)) {
        return std::nullopt;
    }
    return std::string(payload) + "\r\n";
}

std::string auth_cancel() {
    return "*\r\n";
}

}  // namespace smtp_probe::smtp_cmd
