// secret_scrubber: what it finds, what it leaves alone.
#include <doctest/doctest.h>

#include <string>

#include "net/base64.hpp"
#include "net/secret_scrub.hpp"

using namespace smtp_probe;

namespace {

std::string scrubbed(const secret_scrubber& s, std::string text) {
    (void)s.scrub(text);
    return text;
}

}  // namespace

TEST_CASE("base64_core: one of the three is inside any base64 run holding the data") {
    const std::string value = "Tr0ub4dor&3-leak-canary";
    for (std::size_t before = 0; before < 6; ++before) {
        for (std::size_t after = 0; after < 4; ++after) {
            const std::string encoded =
                base64_encode(std::string(before, 'x') + value + std::string(after, 'y'));
            CAPTURE(before);
            CAPTURE(after);
            CHECK(encoded.find(base64_core(value, before % 3)) != std::string::npos);
        }
    }
    // Only characters the data alone determines: 23 bytes at offset 0 are 30 whole characters.
    CHECK(base64_core(value, 0) == base64_encode(value).substr(0, 30));
    CHECK(base64_core(value, 1).size() == 30);
    CHECK(base64_core(value, 2).size() == 30);
    CHECK(base64_core("", 0).empty());
    CHECK(base64_core("abc", 3).empty());
}

TEST_CASE("secret_scrubber: raw, base64, and inside longer base64, every occurrence") {
    secret_scrubber s;
    const std::string pw = "Tr0ub4dor&3-leak-canary";
    s.add_secret(pw);
    CHECK(scrubbed(s, "535 bad " + pw + " and " + pw) == "535 bad <redacted> and <redacted>");
    CHECK(scrubbed(s, "334 " + base64_encode(pw)) == "334 <redacted>");
    for (std::size_t k = 0; k < 3; ++k) {
        const std::string run = base64_encode(std::string(k + 3, 'x') + pw + "tail");
        const auto out = scrubbed(s, run);
        CAPTURE(k);
        CHECK(out.find(redaction_mark) != std::string::npos);
        CHECK(out.find(base64_core(pw, (k + 3) % 3)) == std::string::npos);
    }
    std::string untouched = "250 2.1.0 Ok";
    CHECK_FALSE(s.scrub(untouched));
    CHECK(untouched == "250 2.1.0 Ok");
}

TEST_CASE("secret_scrubber: a payload that holds the secret is replaced whole") {
    secret_scrubber s;
    s.add_secret("Tr0ub4dor&3-leak-canary");
    const std::string blob = base64_encode(std::string("\0user\0Tr0ub4dor&3-leak-canary", 29));
    s.add_secret(blob);
    CHECK(scrubbed(s, "535 AUTH PLAIN " + blob + " refused") ==
          "535 AUTH PLAIN <redacted> refused");
}

TEST_CASE("secret_scrubber: a short secret is scrubbed only where it stands alone") {
    secret_scrubber s;
    s.add_secret("ab1");
    CHECK(scrubbed(s, "535 password ab1 rejected") == "535 password <redacted> rejected");
    CHECK(scrubbed(s, "535 'ab1'.") == "535 '<redacted>'.");
    CHECK(scrubbed(s, "ab1") == "<redacted>");
    // Inside a word it is left alone: a three-letter password must not mangle every reply.
    CHECK(scrubbed(s, "250 xab1y") == "250 xab1y");
}

TEST_CASE("secret_scrubber: empty secrets add nothing") {
    secret_scrubber s;
    s.add_secret("");
    CHECK(s.empty());
    std::string text = "220 ready";
    CHECK_FALSE(s.scrub(text));
}
