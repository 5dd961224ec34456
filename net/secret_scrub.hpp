// Removes credentials from what a server sends back. A hostile or buggy server may echo the AUTH
// payload (raw, as base64, or inside a longer base64 run); every reply passes through one
// scrubber before anything stores, logs or prints it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "net/secret.hpp"

namespace smtp_probe {

/// What a scrubbed credential is replaced with.
inline constexpr std::string_view redaction_mark = "<redacted>";

class secret_scrubber {
public:
    /// A password or token: its bytes, its base64, and the base64 characters it alone determines
    /// at each of the three alignments it can have inside a longer base64 run.
    void add_secret(std::string_view bytes);

    [[nodiscard]] bool empty() const { return patterns_.empty(); }

    /// Every occurrence of a pattern replaced by redaction_mark; true when something was.
    /// Patterns shorter than min_substring_bytes match only as a whole word (bounded by a
    /// character that is not a letter, digit, '+', '/' or '='), so a short password does not
    /// mangle every reply.
    bool scrub(std::string& text) const;

    static constexpr std::size_t min_substring_bytes = 6;

private:
    void add_pattern(std::string pattern);

    std::vector<secret> patterns_;  ///< longest first
};

/// The base64 characters of `data` that do not depend on what surrounds it when it starts at
/// byte `offset` (0, 1 or 2) of a 3-byte group: whatever base64 run the data sits in, one of
/// the three is a substring of it (RFC 4648 section 4 packs 3 bytes into 4 characters).
[[nodiscard]] std::string base64_core(std::string_view data, std::size_t offset);

}  // namespace smtp_probe
