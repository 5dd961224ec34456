#include <doctest/doctest.h>

#include "probe/cli/message_size.hpp"

using namespace smtp_probe;

TEST_CASE("message sizes: decimal and binary units") {
    struct row {
        const char* text;
        std::uint64_t bytes;
    };
    const row rows[] = {
        {"500000", 500'000},    {"500000B", 500'000},    {"12MB", 12'000'000}, {"12mb", 12'000'000},
        {"10MiB", 10'485'760},  {"1.5MB", 1'500'000},    {"64KB", 64'000},     {"64KiB", 65'536},
        {"2GB", 2'000'000'000}, {"1GiB", 1'073'741'824}, {"0.5KiB", 512},      {"0", 0},
    };
    for (const auto& r : rows) {
        CAPTURE(r.text);
        const auto parsed = parse_message_size(r.text);
        REQUIRE(std::holds_alternative<std::uint64_t>(parsed));
        CHECK(std::get<std::uint64_t>(parsed) == r.bytes);
    }
}

TEST_CASE("message sizes that are refused") {
    for (const auto* text : {"", "MB", "12 MB", "12TB", "-1MB", "1.MB", ".5MB", "12M",
                             "1.0000001MB", "2000GB", "99999999999999999999"}) {
        CAPTURE(text);
        const auto parsed = parse_message_size(text);
        REQUIRE(std::holds_alternative<std::string>(parsed));
        CHECK(std::get<std::string>(parsed).rfind("--message-size", 0) == 0);
    }
}
