#include "net/secret_scrub.hpp"

#include <algorithm>

#include "net/base64.hpp"

namespace smtp_probe {

std::string base64_core(std::string_view data, std::size_t offset) {
    if (data.empty() || offset > 2) {
        return {};
    }
    std::string framed(offset, '\0');
    framed.append(data);
    framed.append(2, '\0');  // so every character the data touches is encoded, padding unused
    std::string encoded = base64_encode(framed);
    wipe(framed);
    // Character i carries bits [6i, 6i + 6); the data's bits are [8 * offset, 8 * (offset + n)).
    const std::size_t first_bit = 8 * offset;
    const std::size_t end_bit = 8 * (offset + data.size());
    const std::size_t first = (first_bit + 5) / 6;
    const std::size_t end = end_bit / 6;
    std::string core = end > first ? encoded.substr(first, end - first) : std::string();
    wipe(encoded);
    return core;
}

void secret_scrubber::add_pattern(std::string pattern) {
    if (pattern.empty()) {
        return;
    }
    const auto same = [&](const secret& p) { return p.reveal() == pattern; };
    if (std::any_of(patterns_.begin(), patterns_.end(), same)) {
        wipe(pattern);
        return;
    }
    patterns_.emplace_back(std::move(pattern));
    std::stable_sort(patterns_.begin(), patterns_.end(), [](const secret& a, const secret& b) {
        return a.reveal().size() > b.reveal().size();
    });
}

void secret_scrubber::add_secret(std::string_view bytes) {
    if (bytes.empty()) {
        return;
    }
    add_pattern(std::string(bytes));
    add_pattern(base64_encode(bytes));
    for (std::size_t k = 0; k < 3; ++k) {
        add_pattern(base64_core(bytes, k));
    }
}

namespace {

bool word_char(char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || c == '+' ||
           c == '/' || c == '=';
}

}  // namespace

bool secret_scrubber::scrub(std::string& text) const {
    bool changed = false;
    for (const auto& p : patterns_) {
        const std::string_view pattern = p.reveal();
        const bool whole_word = pattern.size() < min_substring_bytes;
        std::size_t at = 0;
        while ((at = text.find(pattern, at)) != std::string::npos) {
            const std::size_t end = at + pattern.size();
            if (whole_word && ((at > 0 && word_char(text[at - 1])) ||
                               (end < text.size() && word_char(text[end])))) {
                at = end;
                continue;
            }
            text.replace(at, pattern.size(), redaction_mark);
            at += redaction_mark.size();
            changed = true;
        }
    }
    return changed;
}

}  // namespace smtp_probe
