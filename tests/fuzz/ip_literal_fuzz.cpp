// IP literals (net/ip_literal.hpp): parse_ip_literal() and parse_dns_server(). An accepted text
// holds an address and nothing else, the address prints back to text that parses to it, and a
// DNS server never gets port 0 or a zone.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "net/ip_literal.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using namespace smtp_probe;

/// Characters an address literal can hold: hex digits, ':' and '.', '[' ']' around it, and a
/// zone after '%' (an interface name).
bool literal_chars(std::string_view text) {
    const auto zone = text.find('%');
    const auto address = text.substr(0, zone);
    return std::all_of(address.begin(), address.end(), [](char c) {
        return std::isxdigit(static_cast<unsigned char>(c)) != 0 || c == ':' || c == '.' ||
               c == '[' || c == ']';
    });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto input = fuzz::as_text(data, size);

    if (const auto address = parse_ip_literal(input)) {
        SP_FUZZ_CHECK(input.find('\0') == std::string_view::npos);
        SP_FUZZ_CHECK(literal_chars(input));
        const auto again = parse_ip_literal(address->to_string());
        SP_FUZZ_CHECK(again.has_value() && *again == *address);
    }

    if (const auto server = parse_dns_server(input)) {
        SP_FUZZ_CHECK(input.find('\0') == std::string_view::npos);
        SP_FUZZ_CHECK(input.find('%') == std::string_view::npos);
        SP_FUZZ_CHECK(server->port != 0);
        SP_FUZZ_CHECK(literal_chars(input));
        SP_FUZZ_CHECK(!server->address.is_v6() || server->address.to_v6().scope_id() == 0);
    }
    return 0;
}
