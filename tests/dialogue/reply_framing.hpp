// Server bytes to replies the way smtp_stream frames them (net/transport/smtp_stream.cpp): for the
// in-memory wires of the dialogue tests and the dialogue fuzz target.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "net/io_error.hpp"
#include "net/reply_outcome.hpp"
#include "net/reply_parser.hpp"

namespace smtp_probe::testing {

struct reply_framing {
    reply_parser parser;
    std::uint64_t received = 0;
    std::string first;  ///< the first 256 bytes, as smtp_stream keeps them

    void feed(std::string_view bytes) {
        received += bytes.size();
        if (first.size() < 256) {
            first.append(bytes.substr(0, 256 - first.size()));
        }
        parser.feed(bytes);
    }

    /// The reply (or the violation) the bytes so far make; nullopt when more are needed.
    [[nodiscard]] std::optional<reply_outcome> next() {
        auto parsed = parser.next();
        reply_outcome out;
        if (parsed.state == parse_result::status::reply) {
            out.reply = std::move(parsed.reply);
            return out;
        }
        if (parsed.state == parse_result::status::error) {
            out.error = make_error_code(io_errc::protocol_violation);
            out.violation = parsed.violation;
            out.offending = std::move(parsed.offending);
            return out;
        }
        return std::nullopt;
    }
};

}  // namespace smtp_probe::testing
