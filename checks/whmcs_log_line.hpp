// One line WHMCS will log, per PHPMailer release (checks/whmcs_log.hpp computes them).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "checks/errors.hpp"

namespace smtp_probe {

/// PHPMailer releases whose messages differ. 6.6.0 added the server's error to "Could not connect
/// to SMTP host" (getSmtpErrorMessage); until 6.6.4 SMTP::close() wiped that error before a failed
/// connection was reported, 6.6.5 stopped wiping it.
enum class phpmailer_era { up_to_6_5, v6_6_0_to_6_6_4, from_6_6_5 };

inline constexpr phpmailer_era all_phpmailer_eras[] = {
    phpmailer_era::up_to_6_5, phpmailer_era::v6_6_0_to_6_6_4, phpmailer_era::from_6_6_5};

/// "<=6.5", "6.6.0-6.6.4", ">=6.6.5"
[[nodiscard]] std::string_view phpmailer_era_id(phpmailer_era e);

struct whmcs_log_line {
    phpmailer_era era = phpmailer_era::from_6_6_5;
    /// PHPMailer's English message; server text sanitised, its line breaks written as spaces.
    std::string text;
    std::string text_zh;  ///< the same from PHPMailer's zh_cn language file
    /// The guide heading whose title these words carry ("Could not connect to SMTP host" is
    /// connect_host even for a certificate failure, categorised smtp_connect_failed); nullopt when
    /// the words name no heading (the From and recipient messages).
    std::optional<failure_category> heading;
};

}  // namespace smtp_probe
