// What an EHLO reply advertises (RFC 5321 section 4.1.1.1): the extension keywords and the
// parameters the probe uses (STARTTLS RFC 3207, AUTH RFC 4954, SIZE RFC 1870).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/reply.hpp"

namespace smtp_probe {

struct ehlo_capabilities {
    std::string server_name;  ///< first word of the first line (the name the server gives itself)
    bool starttls = false;
    bool pipelining = false;
    bool eightbitmime = false;
    bool smtputf8 = false;
    bool enhanced_status_codes = false;
    bool chunking = false;
    std::optional<std::uint64_t> size;  ///< SIZE n; 0 when SIZE carries no (valid) number
    /// Upper-case, deduplicated, in the server's order; from "AUTH a b" and the pre-standard
    /// "AUTH=a b", each a valid SASL name (RFC 4422 section 3.1). All of them: the reply
    /// parser's limits (reply_limits) bound the count, and a cap here could hide the one
    /// mechanism that logs in.
    std::vector<std::string> auth_mechanisms;
    /// The first word of every line after the first, upper-case, deduplicated; lines whose
    /// first word is no valid keyword are skipped. Bounded by the reply's line limit.
    std::vector<std::string> keywords;
};

/// The SASL mechanisms net/sasl.hpp implements.
inline constexpr std::string_view spoken_mechanisms[] = {"PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2",
                                                         "OAUTHBEARER"};

/// Reads the reply to EHLO. Never fails: what cannot be understood is ignored.
[[nodiscard]] ehlo_capabilities parse_capabilities(const smtp_reply& ehlo_reply);

}  // namespace smtp_probe
