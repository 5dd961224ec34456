// The HOST argument (probe/cli/host_port.hpp): parse_host_port(), parse_port() and the literal and
// name predicates. What is accepted is of the kind it claims, prints back to a form that parses
// to the same value, and every error message is printable.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "probe/cli/host_port.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using namespace smtp_probe;
using smtp_probe::fuzz::free_of_controls;

bool only(std::string_view s, std::string_view allowed_punctuation, bool hex_letters,
          bool all_letters) {
    return std::all_of(s.begin(), s.end(), [&](char c) {
        const auto u = static_cast<unsigned char>(c);
        return std::isdigit(u) != 0 || allowed_punctuation.find(c) != std::string_view::npos ||
               (hex_letters && std::isxdigit(u) != 0) || (all_letters && std::isalpha(u) != 0);
    });
}

void check_host_port(std::string_view input) {
    const auto parsed = parse_host_port(input);
    if (const auto* error = std::get_if<std::string>(&parsed)) {
        SP_FUZZ_CHECK(!error->empty() && free_of_controls(*error));
        return;
    }
    const auto& hp = std::get<host_port>(parsed);
    SP_FUZZ_CHECK(!hp.host.empty());
    SP_FUZZ_CHECK(!hp.port || *hp.port != 0);
    switch (hp.kind) {
        case host_kind::name:
            SP_FUZZ_CHECK(is_host_name(hp.host));
            break;
        case host_kind::ipv4:
            SP_FUZZ_CHECK(is_ipv4_literal(hp.host) && only(hp.host, ".", false, false));
            break;
        case host_kind::ipv6: {
            SP_FUZZ_CHECK(is_ipv6_literal(hp.host));
            const std::string_view address = std::string_view(hp.host).substr(0, hp.host.find('%'));
            SP_FUZZ_CHECK(only(address, ":.", true, false));
            break;
        }
    }
    // Printed back in the canonical form, it parses to the same value.
    std::string text = hp.kind == host_kind::ipv6 ? "[" + hp.host + "]" : hp.host;
    if (hp.port) {
        text += ":" + std::to_string(*hp.port);
    }
    const auto again = parse_host_port(text);
    SP_FUZZ_CHECK(std::holds_alternative<host_port>(again));
    SP_FUZZ_CHECK(std::get<host_port>(again) == hp);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto input = smtp_probe::fuzz::as_text(data, size);
    check_host_port(input);

    const auto port = parse_port(input);
    if (const auto* value = std::get_if<std::uint16_t>(&port)) {
        SP_FUZZ_CHECK(*value != 0 && only(input, "", false, false));
    } else {
        SP_FUZZ_CHECK(free_of_controls(std::get<std::string>(port)));
    }

    if (is_host_name(input)) {
        SP_FUZZ_CHECK(input.size() <= 254 && only(input, ".-", false, true));
    }
    if (is_ipv4_literal(input)) {
        SP_FUZZ_CHECK(only(input, ".", false, false));
    }
    return 0;
}
