// `smtp-probe php-mail`, the pure half: reading PHP's settings (php -i output, php.ini), splitting
// sendmail_path, naming the MTA behind it, and the verdict from facts the run layer collected
// (probe/php_mail_run.hpp). Category: instantiate_mail ("Could not instantiate mail function").
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checks/errors.hpp"
#include "probe/i18n.hpp"

namespace smtp_probe {

/// PHP's compiled-in default when php.ini does not set sendmail_path.
inline constexpr std::string_view php_default_sendmail_path = "/usr/sbin/sendmail -t -i";

/// The two directives that decide whether mail() can work.
struct php_mail_settings {
    enum class origin { php_info, php_ini };
    origin from = origin::php_info;
    std::string sendmail_path;             ///< empty: set to nothing (mail() then fails)
    bool sendmail_path_defaulted = false;  ///< php.ini did not set it: PHP's default applies
    std::string disable_functions;
};

/// "php -i" or "php.ini".
[[nodiscard]] std::string_view origin_name(php_mail_settings::origin o);

/// The local value of `directive` in `php -i` output ("sendmail_path => LOCAL => MASTER"); "no
/// value" reads as empty. nullopt when no line names the directive.
[[nodiscard]] std::optional<std::string> php_info_value(std::string_view php_i_output,
                                                        std::string_view directive);

/// Both directives from `php -i` output; nullopt when sendmail_path is not in it (not PHP's
/// output, or cut short).
[[nodiscard]] std::optional<php_mail_settings> settings_from_php_info(std::string_view output);

/// The value of `directive` in php.ini text: the last assignment wins; ';' starts a comment
/// outside quotes; "..." and '...' quote; unquoted none/off/no/false/null read as empty.
/// Assignments under [HOST=...] and [PATH=...] sections apply only to some sites and are skipped.
[[nodiscard]] std::optional<std::string> php_ini_value(std::string_view ini_text,
                                                       std::string_view directive);

/// Both directives from php.ini text; sendmail_path falls back to PHP's default when unset.
[[nodiscard]] php_mail_settings settings_from_php_ini(std::string_view ini_text);

/// True when `mail` is among disable_functions (comma or space separated, case-insensitive).
[[nodiscard]] bool mail_is_disabled(std::string_view disable_functions);

/// sendmail_path split the way /bin/sh -c would for a simple command: words, '...' and "..."
/// quotes, backslash escapes. Anything shell-only (pipes, redirections, ';', '&', $, `, globs,
/// (), a leading ~) makes it too complex to judge: then `problem` says why and argv is empty.
struct sendmail_command {
    std::vector<std::string> argv;
    std::string problem;
};
[[nodiscard]] sendmail_command split_sendmail_path(std::string_view sendmail_path);

/// The MTA behind the sendmail program.
enum class mta_kind { unknown, exim, postfix, msmtp, ssmtp };
[[nodiscard]] std::string_view mta_name(mta_kind k);

/// Names the MTA from the symlink-resolved path's file name (exim4, sendmail.postfix, msmtp...)
/// and, when the name says nothing ("sendmail"), from marker strings in the first bytes of the
/// program file.
[[nodiscard]] mta_kind identify_mta(std::string_view resolved_path, std::string_view file_head);

/// What the run layer found out about the sendmail program.
struct sendmail_file_facts {
    std::string path;      ///< as in sendmail_path (argv[0])
    std::string resolved;  ///< symlinks resolved; empty when it does not exist
    int stat_errno = 0;    ///< 0: exists
    bool regular = false;
    bool executable = false;  ///< access(X_OK) for the current user
    unsigned mode = 0;        ///< permission bits
    std::string owner;        ///< "name (uid)"
    std::string group;        ///< "name (gid)"
    std::string user;         ///< the user the check ran as, "name (uid)"
};

/// One liveness check of the MTA (exim -bV, postfix status, postdrop group, config file...).
struct mta_check {
    std::string name;  ///< "exim -bV", "postfix status", ...
    enum class result { pass, fail, skip } outcome = result::pass;
    std::string detail;  ///< the evidence, already sanitised
};

/// Everything collected; judge_php_mail() turns it into the report.
struct php_mail_facts {
    php_mail_settings settings;
    std::optional<sendmail_file_facts> program;  ///< nullopt: not looked at
    mta_kind mta = mta_kind::unknown;
    std::vector<mta_check> mta_checks;
};

struct php_mail_step {
    std::string name;  ///< disable_functions, sendmail_path, sendmail_exists, sendmail_executable,
                       ///< mta, then the mta_checks by their names
    enum class status { pass, fail, warn, skip } state = status::pass;
    std::string detail;
};
[[nodiscard]] std::string_view step_status_id(php_mail_step::status s);

struct php_mail_report {
    php_mail_settings settings;
    std::vector<php_mail_step> steps;
    std::optional<probe_errc> cause;  ///< the first failing step's cause
    bool warned = false;              ///< something could not be judged

    [[nodiscard]] bool ok() const { return !cause.has_value(); }
};

/// The verdict: disable_functions, then sendmail_path, the program, the MTA checks; the first
/// failure names the cause (mail_disabled, sendmail_missing, sendmail_not_executable,
/// sendmail_failed).
[[nodiscard]] php_mail_report judge_php_mail(const php_mail_facts& facts);

/// 0 ok, 1 ok but something could not be judged, 2 a cause found.
[[nodiscard]] int php_mail_exit_code(const php_mail_report& report);

[[nodiscard]] boost::json::object php_mail_json(const php_mail_report& report);
[[nodiscard]] std::string render_php_mail_text(const php_mail_report& report, language lang);

}  // namespace smtp_probe
