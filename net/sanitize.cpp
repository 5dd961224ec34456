#include "net/sanitize.hpp"

#include <algorithm>

namespace smtp_probe {

namespace {

constexpr std::string_view ellipsis = "\xE2\x80\xA6";  // U+2026

/// Length of the well-formed UTF-8 sequence starting at s[i] (RFC 3629 section 4), 0 if none.
std::size_t utf8_length(std::string_view s, std::size_t i) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
    const auto cont = [&](std::size_t k) { return i + k < s.size() && (b(k) & 0xC0) == 0x80; };
    const unsigned char lead = b(0);
    if (lead >= 0xC2 && lead <= 0xDF) {
        return cont(1) ? 2 : 0;
    }
    if (lead >= 0xE0 && lead <= 0xEF) {
        if (!cont(1) || !cont(2)) {
            return 0;
        }
        if ((lead == 0xE0 && b(1) < 0xA0) || (lead == 0xED && b(1) > 0x9F)) {
            return 0;  // overlong, or a UTF-16 surrogate
        }
        return 3;
    }
    if (lead >= 0xF0 && lead <= 0xF4) {
        if (!cont(1) || !cont(2) || !cont(3)) {
            return 0;
        }
        if ((lead == 0xF0 && b(1) < 0x90) || (lead == 0xF4 && b(1) > 0x8F)) {
            return 0;  // overlong, or above U+10FFFF
        }
        return 4;
    }
    return 0;  // ASCII is handled by the caller; 0x80..0xC1 and 0xF5..0xFF never lead
}

/// Code points that are valid but would let the text control how it is displayed.
bool hidden_control(std::string_view seq) {
    if (seq.size() == 2) {
        return static_cast<unsigned char>(seq[0]) == 0xC2 &&
               static_cast<unsigned char>(seq[1]) <= 0x9F;  // C1 controls
    }
    if (seq.size() != 3 || seq[0] != '\xE2') {
        return false;
    }
    const auto b1 = static_cast<unsigned char>(seq[1]);
    const auto b2 = static_cast<unsigned char>(seq[2]);
    return (b1 == 0x80 && b2 >= 0xA8 && b2 <= 0xAE) ||  // U+2028..U+202E
           (b1 == 0x81 && b2 >= 0xA6 && b2 <= 0xA9);    // U+2066..U+2069
}

void append_escaped(std::string& out, std::string_view bytes) {
    constexpr char hex[] = "0123456789ABCDEF";
    for (char c : bytes) {
        const auto v = static_cast<unsigned char>(c);
        out += "\\x";
        out += hex[v >> 4];
        out += hex[v & 0x0F];
    }
}

}  // namespace

std::string sanitize_for_display(std::string_view untrusted, std::size_t max_bytes) {
    std::string out;
    out.reserve(std::min(max_bytes, untrusted.size() * 4));
    // Where the output may be cut so that "…" still fits (without it when not even that fits).
    const std::size_t cut_budget =
        max_bytes >= ellipsis.size() ? max_bytes - ellipsis.size() : max_bytes;
    std::size_t cut_at = 0;
    std::string unit;
    for (std::size_t i = 0; i < untrusted.size();) {
        unit.clear();
        const auto c = static_cast<unsigned char>(untrusted[i]);
        if (c == '\t') {
            unit = " ";
            ++i;
        } else if (c >= 0x20 && c < 0x7F) {
            unit = static_cast<char>(c);
            ++i;
        } else if (c < 0x80) {  // NOLINT(bugprone-branch-clone): ASCII controls, kept apart
            append_escaped(unit, untrusted.substr(i, 1));
            ++i;
        } else if (const std::size_t n = utf8_length(untrusted, i); n == 0) {
            append_escaped(unit, untrusted.substr(i, 1));
            ++i;
        } else {
            const auto seq = untrusted.substr(i, n);
            if (hidden_control(seq)) {
                append_escaped(unit, seq);
            } else {
                unit = seq;
            }
            i += n;
        }

        if (out.size() + unit.size() > max_bytes) {
            out.resize(cut_at);
            if (max_bytes >= ellipsis.size()) {
                out += ellipsis;
            }
            return out;
        }
        out += unit;
        if (out.size() <= cut_budget) {
            cut_at = out.size();
        }
    }
    return out;
}

bool is_well_formed_utf8(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        if (static_cast<unsigned char>(text[i]) < 0x80) {
            ++i;
            continue;
        }
        const auto n = utf8_length(text, i);
        if (n == 0) {
            return false;
        }
        i += n;
    }
    return true;
}

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

}  // namespace smtp_probe
