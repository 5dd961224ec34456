#include "net/base64.hpp"

#include <array>
#include <cstdint>

namespace smtp_probe {

namespace {

constexpr std::string_view alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<std::int8_t, 256> make_decode_table() {
    std::array<std::int8_t, 256> t{};
    for (auto& v : t) {
        v = -1;
    }
    for (std::size_t i = 0; i < alphabet.size(); ++i) {
        t[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
    }
    return t;
}

constexpr auto decode_table = make_decode_table();

}  // namespace

std::string base64_encode(std::string_view bytes) {
    std::string out;
    // Exact size up front: callers encode credentials, and a reallocation would leave a copy
    // behind in freed memory.
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const std::uint32_t v = static_cast<unsigned char>(bytes[i]) << 16 |
                                static_cast<unsigned char>(bytes[i + 1]) << 8 |
                                static_cast<unsigned char>(bytes[i + 2]);
        out += alphabet[(v >> 18) & 0x3F];
        out += alphabet[(v >> 12) & 0x3F];
        out += alphabet[(v >> 6) & 0x3F];
        out += alphabet[v & 0x3F];
    }
    const std::size_t rest = bytes.size() - i;
    if (rest > 0) {
        std::uint32_t v = static_cast<unsigned char>(bytes[i]) << 16;
        if (rest == 2) {
            v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        }
        out += alphabet[(v >> 18) & 0x3F];
        out += alphabet[(v >> 12) & 0x3F];
        out += rest == 2 ? alphabet[(v >> 6) & 0x3F] : '=';
        out += '=';
    }
    return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) {
        return std::nullopt;
    }
    std::size_t padding = 0;
    if (!text.empty() && text.back() == '=') {
        padding = text[text.size() - 2] == '=' ? 2 : 1;
    }
    std::string out;
    out.reserve(text.size() / 4 * 3);
    const std::size_t data_chars = text.size() - padding;
    std::uint32_t acc = 0;
    for (std::size_t i = 0; i < data_chars; ++i) {
        const std::int8_t v = decode_table[static_cast<unsigned char>(text[i])];
        if (v < 0) {
            return std::nullopt;  // outside the alphabet, whitespace, or '=' before the end
        }
        acc = acc << 6 | static_cast<std::uint32_t>(v);
        if (i % 4 == 3) {
            out += static_cast<char>((acc >> 16) & 0xFF);
            out += static_cast<char>((acc >> 8) & 0xFF);
            out += static_cast<char>(acc & 0xFF);
            acc = 0;
        }
    }
    if (padding == 2) {
        // Two characters carry 12 bits for one byte: the low 4 must be zero.
        if ((acc & 0x0F) != 0) {
            return std::nullopt;
        }
        out += static_cast<char>((acc >> 4) & 0xFF);
    } else if (padding == 1) {
        // Three characters carry 18 bits for two bytes: the low 2 must be zero.
        if ((acc & 0x03) != 0) {
            return std::nullopt;
        }
        out += static_cast<char>((acc >> 10) & 0xFF);
        out += static_cast<char>((acc >> 2) & 0xFF);
    }
    return out;
}

}  // namespace smtp_probe
