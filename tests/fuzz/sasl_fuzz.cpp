// Base64 (net/base64.hpp) and the SASL helpers that read server data (net/sasl.hpp): the
// strict decoder accepts only the canonical encoding, encoding round-trips, and CRAM-MD5 answers
// every decodable challenge with "user" SP 32 lower-case hex digits.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "net/base64.hpp"
#include "net/sasl.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using namespace smtp_probe;

std::string_view trim_blanks(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

bool lower_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

void check_cram_md5(std::string_view challenge_b64, bool decodable) {
    constexpr std::string_view user = "billing@example.com";
    const secret password("correct horse");
    const auto response = cram_md5_response(challenge_b64, user, password);
    SP_FUZZ_CHECK(response.has_value() == decodable);
    if (!response) {
        return;
    }
    const auto decoded = base64_decode(response->reveal());
    SP_FUZZ_CHECK(decoded.has_value());
    SP_FUZZ_CHECK(decoded->size() == user.size() + 1 + 32);
    SP_FUZZ_CHECK(decoded->substr(0, user.size() + 1) == std::string(user) + " ");
    SP_FUZZ_CHECK(std::all_of(decoded->begin() + user.size() + 1, decoded->end(), lower_hex));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto input = smtp_probe::fuzz::as_text(data, size);

    // Strict decoding: whatever decodes is the canonical encoding of what it decodes to.
    const auto decoded = base64_decode(input);
    if (decoded) {
        SP_FUZZ_CHECK(base64_encode(*decoded) == input);
    }

    // Encoding: 4 characters per 3 bytes, padded, and it decodes back.
    const auto encoded = base64_encode(input);
    SP_FUZZ_CHECK(encoded.size() == (input.size() + 2) / 3 * 4);
    const auto back = base64_decode(encoded);
    SP_FUZZ_CHECK(back.has_value() && *back == input);

    // A 334 line's text: blanks around it are ignored, nothing else is.
    const auto challenge = decode_challenge(input);
    SP_FUZZ_CHECK(challenge == base64_decode(trim_blanks(input)));

    check_cram_md5(input, challenge.has_value());
    check_cram_md5(encoded, true);
    return 0;
}
