// How a command writes its report: the format, the language, how much it says, and colour.
#pragma once

#include <string>

namespace smtp_probe {

struct output_options {
    /// nagios: check only (probe/report/report_nagios.hpp).
    enum class format { text, json, nagios } fmt = format::text;
    std::string lang;  ///< "zh" or "en"
    bool transcript = false;
    int verbosity = 0;
    std::string log_level = "warn";  ///< trace|debug|info|warn|error|off
    enum class color_mode { automatic, always, never } color = color_mode::automatic;
};

/// Whether to colour what goes to stdout: always, never, or (automatic) when stdout is a
/// terminal, NO_COLOR is unset or empty and TERM is not "dumb".
[[nodiscard]] bool use_color(output_options::color_mode mode);

}  // namespace smtp_probe
