// secret_scrubber (net/secret_scrub.hpp): the first byte picks the secret's length, the next bytes
// are the secret, the rest is a server's reply. After scrubbing, no stretch of the text between
// two marks holds the secret, its base64, or its base64 at any alignment (forms of at least
// min_substring_bytes; shorter ones match only as words); scrubbing again changes nothing new.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "net/base64.hpp"
#include "net/secret_scrub.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using namespace smtp_probe;

std::vector<std::string_view> between_marks(std::string_view text) {
    std::vector<std::string_view> out;
    for (auto at = text.find(redaction_mark); at != std::string_view::npos;
         at = text.find(redaction_mark)) {
        out.push_back(text.substr(0, at));
        text.remove_prefix(at + redaction_mark.size());
    }
    out.push_back(text);
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const auto input = smtp_probe::fuzz::as_text(data + 1, size - 1);
    const std::size_t n = std::min<std::size_t>(data[0] % 40, input.size());
    const std::string secret_bytes(input.substr(0, n));
    std::string text(input.substr(n));

    secret_scrubber scrubber;
    scrubber.add_secret(secret_bytes);
    const std::string before = text;
    const bool changed = scrubber.scrub(text);
    SP_FUZZ_CHECK(changed == (text != before) || before.find(redaction_mark) != std::string::npos);

    std::vector<std::string> forms;
    if (!secret_bytes.empty()) {
        forms = {secret_bytes, base64_encode(secret_bytes), base64_core(secret_bytes, 0),
                 base64_core(secret_bytes, 1), base64_core(secret_bytes, 2)};
    }
    for (const auto part : between_marks(text)) {
        for (const auto& form : forms) {
            if (form.size() >= secret_scrubber::min_substring_bytes) {
                SP_FUZZ_CHECK(part.find(form) == std::string_view::npos);
            }
        }
    }
    // Scrubbing once is enough: a second pass finds nothing outside the marks.
    std::string again = text;
    (void)scrubber.scrub(again);
    SP_FUZZ_CHECK(between_marks(again).size() >= between_marks(text).size());
    return 0;
}
