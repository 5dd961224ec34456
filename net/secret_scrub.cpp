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
    // Every occurrence in the text as it came, overlapping ones included; then each run of
    // covered bytes becomes one mark. Matching the original text, not a text already marked,
    // keeps a secret that shares bytes with the mark from being missed or matched in the mark.
    std::vector<std::pair<std::size_t, std::size_t>> hits;
    for (const auto& p : patterns_) {
        const std::string_view pattern = p.reveal();
        const bool whole_word = pattern.size() < min_substring_bytes;
        for (auto at = text.find(pattern); at != std::string::npos;
             at = text.find(pattern, at + 1)) {
            const std::size_t end = at + pattern.size();
            if (whole_word && ((at > 0 && word_char(text[at - 1])) ||
                               (end < text.size() && word_char(text[end])))) {
                continue;
            }
            hits.emplace_back(at, end);
        }
    }
    if (hits.empty()) {
        return false;
    }
    std::sort(hits.begin(), hits.end());
    std::string out;
    out.reserve(text.size());
    std::size_t copied = 0;
    for (std::size_t i = 0; i < hits.size();) {
        const std::size_t begin = hits[i].first;
        std::size_t end = hits[i].second;
        for (++i; i < hits.size() && hits[i].first <= end; ++i) {
            end = std::max(end, hits[i].second);
        }
        out.append(text, copied, begin - copied);
        out.append(redaction_mark);
        copied = end;
    }
    out.append(text, copied, std::string::npos);
    wipe(text);
    text = std::move(out);
    return true;
}

}  // namespace smtp_probe
