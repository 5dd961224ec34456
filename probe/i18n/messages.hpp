// The per-language catalogues behind i18n.hpp. Internal to sp_report: call i18n.hpp instead.
#pragma once

#include <string_view>

#include "probe/i18n/i18n.hpp"

namespace smtp_probe::messages {

[[nodiscard]] const cause_text& cause_en(probe_errc e);
[[nodiscard]] const cause_text& warning_en(warning_kind w);
[[nodiscard]] const category_text& category_en(failure_category c);
[[nodiscard]] std::string_view phase_en(phase p);
[[nodiscard]] std::string_view status_en(phase_status s);
[[nodiscard]] std::string_view ui_en(ui_string s);
[[nodiscard]] std::string_view php_mail_en(php_mail_text t);

[[nodiscard]] const cause_text& cause_zh(probe_errc e);
[[nodiscard]] const cause_text& warning_zh(warning_kind w);
[[nodiscard]] const category_text& category_zh(failure_category c);
[[nodiscard]] std::string_view phase_zh(phase p);
[[nodiscard]] std::string_view status_zh(phase_status s);
[[nodiscard]] std::string_view ui_zh(ui_string s);
[[nodiscard]] std::string_view php_mail_zh(php_mail_text t);

}  // namespace smtp_probe::messages
