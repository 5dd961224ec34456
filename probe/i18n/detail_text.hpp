// The probe's own sentences in phase details, error texts and warnings (checks/detail_note.hpp)
// in the reader's language. English comes from checks/ and is what the records already carry;
// Chinese is in detail_text_zh.cpp.
#pragma once

#include <string>
#include <string_view>

#include "checks/detail_note.hpp"
#include "probe/i18n/i18n.hpp"

namespace smtp_probe {

/// The template of a sentence in `lang`, with {0}, {1}... for its values.
[[nodiscard]] std::string_view detail_template(detail_text id, language lang);

/// The notes in `lang`.
[[nodiscard]] std::string render_detail(const detail_notes& notes, language lang);

/// What a report shows for a detail: the English `text` as recorded when lang is en or when there
/// are no notes (a record built by hand), otherwise the notes in `lang`.
[[nodiscard]] std::string localized(const std::string& text, const detail_notes& notes,
                                    language lang);

}  // namespace smtp_probe
