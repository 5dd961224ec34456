// The request target of an HTTP request to the exporter: its path and its query parameters,
// percent-decoded and bounded (RFC 3986 section 3.4; '+' is a space, as HTML forms and
// Prometheus's url.Values encode it). Everything in it is untrusted.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace smtp_probe {

struct request_target {
    std::string path;  ///< percent-decoded; always starts with '/'
    std::vector<std::pair<std::string, std::string>> params;

    /// The value of the parameter `name`, when given.
    [[nodiscard]] const std::string* param(std::string_view name) const;
};

inline constexpr std::size_t max_request_target = 4096;
inline constexpr std::size_t max_query_params = 16;
inline constexpr std::size_t max_param_value = 512;

/// The path and parameters of `text` ("/probe?target=a&module=b"), or one sentence naming what
/// was wrong: too long, too many parameters, a parameter given twice, a bad %-escape, a
/// control byte or a byte that is not UTF-8 after decoding. Never echoes the input unescaped.
[[nodiscard]] std::variant<request_target, std::string> parse_request_target(std::string_view text);

}  // namespace smtp_probe
