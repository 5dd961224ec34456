// The server's first words: is it SMTP at all, which host does it claim to be, and does it let us
// in (RFC 5321 sections 3.1 and 4.3.1).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "checks/errors.hpp"
#include "checks/phase.hpp"
#include "net/reply.hpp"

namespace smtp_probe {

/// The protocol the first bytes a server sent clearly belong to when it is not SMTP: "SSH",
/// "HTTP", "POP3", "IMAP", "FTP", "TLS", "MySQL", "Telnet", "VNC". nullopt when the bytes look like
/// SMTP or are not recognisable.
[[nodiscard]] std::optional<std::string_view> non_smtp_banner(std::string_view first_bytes);

/// The domain the greeting names (the first word after the code, RFC 5321 section 4.3.1), or
/// empty when that word is not a plausible host name (only letters, digits, '-', '_' and '.').
[[nodiscard]] std::string greeting_host(const smtp_reply& greeting);

struct greeting_judgement {
    phase_status status = phase_status::pass;
    std::optional<probe_errc> cause;
    bool operator==(const greeting_judgement&) const = default;
};

/// 220 passes; 421 and 554 are server_refused_session; any other code is protocol_violation.
[[nodiscard]] greeting_judgement judge_greeting(const smtp_reply& greeting);

}  // namespace smtp_probe
