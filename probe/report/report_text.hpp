// The human report: one line per phase, the verdict with its WHMCS title, evidence, why and what
// to do, the warnings, and on request the transcript. Every server-provided string is sanitised.
#pragma once

#include <string>
#include <string_view>

#include "checks/evidence.hpp"
#include "probe/i18n/i18n.hpp"

namespace smtp_probe {

struct text_options {
    language lang = language::en;
    bool color = false;  ///< ANSI colours; only for a terminal
    bool show_transcript = false;
    int verbosity = 0;  ///< 1: the evidence of passing phases too (capabilities, TLS, certificate)
};

[[nodiscard]] std::string render_text(const probe_result& result, const text_options& options);

/// The transcript block alone, its heading followed by `about` in brackets when given (diagnose
/// prints one per combination: "587 starttls").
[[nodiscard]] std::string render_transcript(const probe_result& result, const text_options& options,
                                            std::string_view about = {});

}  // namespace smtp_probe
