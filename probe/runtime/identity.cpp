#include "probe/runtime/identity.hpp"

#include <fmt/format.h>

#include <ostream>
#include <variant>

#include "checks/session/pipeline.hpp"
#include "net/sanitize.hpp"
#include "probe/runtime/run_as.hpp"

namespace smtp_probe {

std::optional<run_identity> connect_identity(const std::optional<std::string>& as_user,
                                             std::ostream& err) {
    if (!as_user) {
        return current_identity();
    }
    auto switched = run_as_user(*as_user);
    if (auto* problem = std::get_if<std::string>(&switched)) {
        err << "smtp-probe: " << *problem << '\n';
        return std::nullopt;
    }
    return std::get<run_identity>(switched);
}

void print_identity_notes(const run_identity& id, language lang, std::ostream& err) {
    if (id.switched) {
        err << "smtp-probe: "
            << fmt::format(fmt::runtime(ui_text(ui_string::diag_ran_as, lang)),
                           fmt::arg("user", sanitize_for_display(id.user, 64)),
                           fmt::arg("uid", id.uid))
            << '\n';
    } else if (offer_as_user(id)) {
        err << "smtp-probe: " << ui_text(ui_string::diag_offer_as_user, lang) << '\n';
    }
}

void report_setup_error(const setup_error& e, const run_identity& id, std::ostream& err) {
    err << "smtp-probe: " << e.what() << '\n';
    if (id.switched) {
        err << "smtp-probe: the trust store was read as " << sanitize_for_display(id.user, 64)
            << " (--as-user): --ca-file and --ca-path must be readable by that user\n";
    }
}

}  // namespace smtp_probe
