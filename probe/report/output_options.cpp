#include "probe/report/output_options.hpp"

#include <unistd.h>

#include <cstdlib>
#include <string_view>

namespace smtp_probe {

bool use_color(output_options::color_mode mode) {
    switch (mode) {
        case output_options::color_mode::always:
            return true;
        case output_options::color_mode::never:
            return false;
        case output_options::color_mode::automatic:
            break;
    }
    const char* no_color = std::getenv("NO_COLOR");
    const char* term = std::getenv("TERM");
    return isatty(STDOUT_FILENO) == 1 && (no_color == nullptr || *no_color == '\0') &&
           (term == nullptr || std::string_view(term) != "dumb");
}

}  // namespace smtp_probe
