#include "net/reply.hpp"

#include <fmt/format.h>

namespace smtp_probe {

std::string enhanced_status::to_string() const {
    return fmt::format("{}.{}.{}", klass, subject, detail);
}

std::string smtp_reply::text() const {
    std::string out;
    for (const auto& line : lines) {
        if (!out.empty()) {
            out += ' ';
        }
        out += line;
    }
    return out;
}

std::string smtp_reply::summary() const {
    std::string out = std::to_string(code);
    bool first = true;
    for (const auto& line : lines) {
        out += first ? " " : " / ";
        out += line;
        first = false;
    }
    return out;
}

}  // namespace smtp_probe
