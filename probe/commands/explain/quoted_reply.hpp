// An SMTP reply quoted inside a WHMCS log line, as PHPMailer writes it: its getError() imploded
// ("MAIL FROM command failed,<detail>,553,5.7.1"), the "Detail: … SMTP code: … Additional SMTP
// info: …" it appends (also translated, "详情：… SMTP 代码：…"), its debug output ("SMTP ERROR:
// RCPT TO command failed: 550 …"), a recipient's rejection text without its code, or Exim's "550
// Sender verify failed". Read with the probe's own classifier (checks/classify.hpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "checks/errors.hpp"
#include "checks/phase.hpp"
#include "net/reply.hpp"

namespace smtp_probe {

struct quoted_reply {
    phase at = phase::mail_from;  ///< the command it answered
    std::optional<int> code;      ///< absent when the line quotes only the text
    std::optional<enhanced_status> enhanced;
    std::string text;  ///< the reply text without code and enhanced code; no control characters,
                       ///< at most 1024 bytes
};

/// The reply quoted in `line` (the first 4096 bytes are scanned), taken as the answer to `at`.
/// Only 4xx and 5xx codes count: a reply quoted in a failure message is a failure.
[[nodiscard]] std::optional<quoted_reply> find_quoted_reply(std::string_view line, phase at);

/// cause_for_reply() of the quoted reply; nullopt when it names no cause (unexpected_reply). A
/// text quoted without its code is read as a permanent failure and kept only when its words, not
/// the assumed code, name the cause.
[[nodiscard]] std::optional<probe_errc> quoted_reply_cause(const quoted_reply& q);

}  // namespace smtp_probe
