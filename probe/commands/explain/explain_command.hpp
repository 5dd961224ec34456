// `smtp-probe explain [TEXT]`: what a line of WHMCS System Logs (or a category id) means.
#pragma once

#include <string>

#include "probe/report/output_options.hpp"

namespace smtp_probe {

struct explain_command {
    enum class source {
        argument,        ///< TEXT was given (its words joined by single spaces)
        standard_input,  ///< no TEXT and stdin is not a terminal: a pasted excerpt
        category_list,   ///< no TEXT at a terminal: list the categories
    };
    source from = source::category_list;
    std::string text;
    output_options output;  ///< fmt, lang and color are used
};

}  // namespace smtp_probe
