#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "probe/cli/duration_parse.hpp"

using namespace smtp_probe;
using std::chrono::milliseconds;

TEST_CASE("durations that are accepted") {
    struct accepted_case {
        const char* text;
        long long ms;
    };
    const accepted_case cases[] = {
        {"2.5", 2500},         {"30", 30'000},    {"4s", 4000},
        {"500ms", 500},        {"2m", 120'000},   {"1.5s", 1500},
        {"0.5m", 30'000},      {"0.1", 100},      {".5", 500},
        {"0.001", 1},          {"0.0015", 2},     {"1ms", 1},
        {"007", 7000},         {"1.25m", 75'000}, {"86400", 86'400'000},
        {"1440m", 86'400'000}, {"2.0004", 2000},  {"10.1234567s", 10'123},
    };
    for (const auto& c : cases) {
        CAPTURE(c.text);
        auto parsed = parse_duration(c.text);
        REQUIRE_MESSAGE(std::holds_alternative<milliseconds>(parsed),
                        std::get<std::string>(parsed));
        CHECK(std::get<milliseconds>(parsed).count() == c.ms);
    }
}

TEST_CASE("durations that are refused, with a message naming them") {
    struct refused_case {
        const char* text;
        const char* must_contain;
    };
    const refused_case cases[] = {
        {"0", "'0' is not a positive duration"},
        {"0s", "is not a positive duration"},
        {"0.000", "is not a positive duration"},
        {"-1", "'-1' is not a positive duration"},
        {"-2.5s", "is not a positive duration"},
        {"abc", "'abc' is not a duration"},
        {"", "is not a duration"},
        {"2.", "'2.' is not a duration"},
        {".", "is not a duration"},
        {"s", "is not a duration"},
        {"4h", "'4h' has an unknown unit"},
        {"4 s", "has an unknown unit"},
        {"4S", "has an unknown unit"},
        {"1e3", "has an unknown unit"},
        {"0.4ms", "shorter than 1 ms"},
        {"86400.001", "longer than the limit of 24 hours"},
        {"1441m", "longer than the limit of 24 hours"},
        {"99999999999999999999", "longer than the limit of 24 hours"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.text);
        auto parsed = parse_duration(c.text);
        REQUIRE(std::holds_alternative<std::string>(parsed));
        const auto& error = std::get<std::string>(parsed);
        CHECK_MESSAGE(error.find(c.must_contain) != std::string::npos, error);
        CHECK_MESSAGE(error.find("500ms, 4s, 2m") != std::string::npos, error);
    }
}
