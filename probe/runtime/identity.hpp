// Who the probe connects as, said once for every probing command: --as-user switched to, the
// offer to use it, and a trust store the switched user cannot read.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

#include "probe/i18n/i18n.hpp"
#include "probe/report/run_identity.hpp"

namespace smtp_probe {

class setup_error;

/// This process's user, or with --as-user the account it dropped to before any connection.
/// nullopt after writing to `err` why the switch was refused.
[[nodiscard]] std::optional<run_identity> connect_identity(
    const std::optional<std::string>& as_user, std::ostream& err);

/// "ran as" after a switch, or the offer of --as-user where it would matter; on stderr, so that
/// it never mixes into the report a script reads.
void print_identity_notes(const run_identity& id, language lang, std::ostream& err);

/// The trust store is read after --as-user has dropped root, so a root-only CA file fails there.
void report_setup_error(const setup_error& e, const run_identity& id, std::ostream& err);

}  // namespace smtp_probe
