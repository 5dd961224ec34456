// `smtp-probe php-mail`: the local check of PHP mail() (category instantiate_mail).
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "probe/report/output_options.hpp"

namespace smtp_probe {

struct php_mail_command {
    std::string php_binary = "php";                 ///< --php
    std::optional<std::string> php_ini;             ///< --php-ini
    std::optional<std::string> send_to;             ///< --send-to: one real test message
    std::optional<std::string> from;                ///< --from: its From header
    std::chrono::milliseconds send_timeout{30000};  ///< for the sendmail program (or PHP)
    std::optional<std::string> as_user;             ///< --as-user: check as this user (root only)
    output_options output;                          ///< fmt and lang are used
};

}  // namespace smtp_probe
