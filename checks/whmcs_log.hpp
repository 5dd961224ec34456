// The exact message WHMCS will log for a failed probe: PHPMailer's exception text (WHMCS runs it
// with exceptions on), which changed between releases. Pure: built from the probe's evidence.
// Sources, per entry: PHPMailer's src/PHPMailer.php (smtpConnect, smtpSend, setError,
// getSmtpErrorMessage) and src/SMTP.php (connect, close, sendCommand, startTLS, errorHandler) at
// the tags named in tests/data/whmcs_log.tsv.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checks/evidence.hpp"
#include "checks/whmcs_log_line.hpp"

namespace smtp_probe {

/// What PHPMailer was asked to do besides the target: the envelope and whether it logs in.
struct whmcs_log_context {
    std::string from;  ///< MAIL FROM as PHPMailer sends it (WHMCS's From address)
    std::string rcpt;  ///< the recipient
    bool login = false;
};

/// One line per era for a failed probe; empty when it passed.
[[nodiscard]] std::vector<whmcs_log_line> whmcs_log_lines(const probe_result& r,
                                                          const whmcs_log_context& ctx);

/// PHPMailer's "detail" of a reply (SMTP::sendCommand): every line, each followed by the space
/// that stands for its CRLF, without the "CODE-" / "CODE " prefix and the first line's enhanced
/// code.
[[nodiscard]] std::string phpmailer_reply_detail(const smtp_reply& reply);

}  // namespace smtp_probe
