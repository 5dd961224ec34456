// The one real message the probe may send (only when asked, with --send-to): how it is built and
// how the server's final answer names the queued message.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "net/reply.hpp"

namespace smtp_probe {

struct test_message_fields {
    std::string from;
    std::string to;
    std::string helo_name;  ///< for the Message-ID's right-hand side
    std::int64_t now = 0;   ///< UTC seconds, for Date
    std::string unique;     ///< a random token, for the Message-ID
};

/// The message as sent after DATA's 354: headers and a short body in CRLF lines, dot-stuffed
/// (RFC 5321 section 4.5.2), ending with the terminating "CRLF.CRLF". Clearly labelled as a
/// test, and marked Auto-Submitted (RFC 3834) so that no auto-responder answers it.
[[nodiscard]] std::string build_test_message(const test_message_fields& fields);

/// RFC 5321 section 4.5.2: a line that starts with '.' gets one more.
[[nodiscard]] std::string dot_stuff(std::string_view text);

/// The queue id in the final reply to the message ("250 2.0.0 Ok: queued as 4XyZ1",
/// "250 OK id=1rAbCd-000Xyz-Q7", Gmail's "250 2.0.0 OK  1700000000 a1-b2c3 - gsmtp", ...), or
/// nullopt when the reply names none.
[[nodiscard]] std::optional<std::string> queue_id_from(const smtp_reply& reply);

/// RFC 5322 section 3.3 date, e.g. "Wed, 25 Nov 2026 10:00:00 +0000".
[[nodiscard]] std::string rfc5322_date(std::int64_t utc_seconds);

}  // namespace smtp_probe
