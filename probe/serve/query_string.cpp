#include "probe/serve/query_string.hpp"

#include <algorithm>

#include "net/sanitize.hpp"
#include "probe/report/quote_value.hpp"

namespace smtp_probe {

const std::string* request_target::param(std::string_view name) const {
    const auto found = std::find_if(params.begin(), params.end(),
                                    [name](const auto& p) { return p.first == name; });
    return found == params.end() ? nullptr : &found->second;
}

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/// `text` percent-decoded ('+' as a space when `plus_is_space`), or nothing when an escape is
/// broken or the result holds a control byte or is not UTF-8.
std::optional<std::string> decoded(std::string_view text, bool plus_is_space) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size()) {
                return std::nullopt;
            }
            const int high = hex_value(text[i + 1]);
            const int low = hex_value(text[i + 2]);
            if (high < 0 || low < 0) {
                return std::nullopt;
            }
            c = static_cast<char>(high * 16 + low);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            c = ' ';
        }
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f) {
            return std::nullopt;
        }
        out.push_back(c);
    }
    if (!is_well_formed_utf8(out)) {
        return std::nullopt;
    }
    return out;
}

}  // namespace

std::variant<request_target, std::string> parse_request_target(std::string_view text) {
    if (text.size() > max_request_target) {
        return "the request target is longer than " + std::to_string(max_request_target) + " bytes";
    }
    if (text.empty() || text.front() != '/') {
        return std::string("the request target must be a path starting with '/'");
    }
    request_target out;
    const auto question = text.find('?');
    const auto raw_path = text.substr(0, question);
    auto path = decoded(raw_path, false);
    if (!path) {
        return std::string(
            "the path has a broken %-escape, a control character or bytes that "
            "are not UTF-8");
    }
    out.path = std::move(*path);
    if (question == std::string_view::npos) {
        return out;
    }
    auto query = text.substr(question + 1);
    const auto fragment = query.find('#');
    query = query.substr(0, fragment);
    std::size_t start = 0;
    while (start <= query.size() && !query.empty()) {
        const auto amp = std::min(query.find('&', start), query.size());
        const auto part = query.substr(start, amp - start);
        start = amp + 1;
        if (part.empty()) {
            if (amp == query.size()) {
                break;
            }
            continue;
        }
        const auto eq = part.find('=');
        auto name = decoded(part.substr(0, eq), true);
        auto value =
            decoded(eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1), true);
        if (!name || !value || name->empty()) {
            return std::string(
                "a query parameter has an empty name, a broken %-escape, a control "
                "character or bytes that are not UTF-8");
        }
        if (name->size() > 64) {
            return std::string("a query parameter's name is longer than 64 bytes");
        }
        if (value->size() > max_param_value) {
            return "the value of " + quote_value(*name) + " is longer than " +
                   std::to_string(max_param_value) + " bytes";
        }
        if (out.param(*name) != nullptr) {
            return quote_value(*name) + " is given twice; give each parameter once";
        }
        if (out.params.size() == max_query_params) {
            return "more than " + std::to_string(max_query_params) + " query parameters";
        }
        out.params.emplace_back(std::move(*name), std::move(*value));
        if (amp == query.size()) {
            break;
        }
    }
    return out;
}

}  // namespace smtp_probe
