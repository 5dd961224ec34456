// The diagnose report: a table of port × mode, the failures, the recommendation in WHMCS's
// terms, the redirect and size advice (text), and the same as JSON (docs/json-schema.md).
#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "probe/commands/diagnose/diagnose.hpp"
#include "probe/report/report_text.hpp"

namespace smtp_probe {

[[nodiscard]] std::string render_diagnose_text(const std::string& host, const diagnose_outcome& d,
                                               const text_options& options);

[[nodiscard]] boost::json::object diagnose_json(const std::string& host, const diagnose_outcome& d,
                                                bool include_transcript);

/// Why the recommended combination beats the others, as an id: implicit_tls_465, starttls_587,
/// starttls_other_port, implicit_tls_other_port or plaintext_only.
[[nodiscard]] std::string_view recommendation_reason(const combination_result& chosen);

}  // namespace smtp_probe
