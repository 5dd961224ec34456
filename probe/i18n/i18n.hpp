// Everything the user reads, in English and Simplified Chinese, keyed by the contract's ids
// (categories, causes, warnings, phases). The catalogues are messages_en.cpp and messages_zh.cpp;
// each is a switch over every enum value, so a new cause or warning does not compile until both
// languages describe it.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "checks/errors.hpp"
#include "checks/phase.hpp"

namespace smtp_probe {

enum class language { en, zh };

/// POSIX locale precedence: the first non-empty of LC_ALL, LC_MESSAGES, LANG decides; a value
/// starting "zh" ("zh", "zh_CN.UTF-8", "zh_TW", "zh-Hans") gives zh, anything else en. Null
/// pointers count as empty.
[[nodiscard]] language language_from_env(const char* lc_all, const char* lc_messages,
                                         const char* lang);

/// "en" / "zh", case-insensitive, also with a region or encoding ("en_US.UTF-8", "zh-CN").
/// nullopt for anything else.
[[nodiscard]] std::optional<language> language_from_name(std::string_view name);

/// "en" or "zh".
[[nodiscard]] std::string_view language_name(language lang);

/// A cause or a warning explained: what happened, why, and what to change.
struct cause_text {
    std::string_view title;                    ///< one line
    std::string_view why;                      ///< two or three sentences
    std::vector<std::string_view> remedy;      ///< 2–3 concrete steps, in order
    std::optional<failure_category> see_also;  ///< another guide section that holds part of the fix
};

/// A WHMCS category: its title as System Logs show it, what the message means, and what to check
/// and where (the only help for the categories no probe can see).
struct category_text {
    std::string_view title;
    std::string_view meaning;
    std::vector<std::string_view> checks;
};

/// The category's title as the admin sees it in WHMCS System Logs (zh: the guide's title).
[[nodiscard]] std::string_view category_title(failure_category c, language lang);
[[nodiscard]] const category_text& describe(failure_category c, language lang);
[[nodiscard]] const cause_text& describe(probe_errc e, language lang);
[[nodiscard]] const cause_text& describe(warning_kind w, language lang);

[[nodiscard]] std::string_view phase_label(phase p, language lang);
[[nodiscard]] std::string_view status_word(phase_status s, language lang);

/// The fixed words of the text report.
enum class ui_string {
    target,                ///< "Target"
    verdict_ok,            ///< every step passed
    nagios_all_passed,     ///< the plugin line of a probe that passed: "every step passed"
    monitoring_threshold,  ///< "Monitoring threshold: ", before what raised check's state
    verdict_warnings,      ///< passed, with warnings
    verdict_failed,        ///< "FAILED"
    category,              ///< "WHMCS error"
    whmcs_english,         ///< "English log text" (zh only shows it)
    cause,
    underlying_cause,  ///< the failing phase's own cause under a redirect
    failed_phase,
    server_reply,
    error,
    errno_label,
    certificate,
    cert_valid,  ///< "valid {from} to {to}"
    cert_to,
    days_left,
    cert_names,
    cert_issuer,
    cert_verify,
    why,
    remedy,
    see_also,
    warnings,
    transcript,
    addresses_tried,
    skipped_not_asked,
    skipped_after_failure,
    round_trips,
    total_time,
    capabilities,
    auth_mechanisms,
    tls_session,
    resolved_addresses,
    connected_to,
    used_helo,
    // diagnose
    diag_heading,  ///< "Diagnosis of {host}"
    diag_port,     ///< table column
    diag_mode,
    diag_ssl_type,
    diag_result,
    diag_time,
    diag_cert_days,
    diag_size,
    diag_works,        ///< the result column of a working combination
    diag_not_tried,    ///< "not tried: the password was refused on port {port}"
    diag_details,      ///< heading over the failures of the table
    diag_recommend,    ///< heading of the recommendation
    diag_sent_ok,      ///< --send-to: the test message was accepted, {to}
    diag_sent_failed,  ///< --send-to: the test message was refused, {to}
    diag_enter,        ///< "SMTP Port {port}, SMTP SSL Type {ssl_type}"
    diag_where,        ///< where in WHMCS to enter it
    diag_none_works,   ///< no combination works; the most telling failure follows
    diag_why_others,   ///< heading over the hints
    diag_hint_speaks_tls_first,
    diag_hint_expects_starttls,
    diag_hint_port_closed,
    diag_hint_no_starttls,
    diag_hint_certificate,
    diag_hint_password_refused,
    diag_hint_redirected,
    diag_redirect,       ///< outbound SMTP lands on this server
    diag_redirect_fix,   ///< the WHM path and CSF settings; root is exempt
    diag_ran_as,         ///< --as-user: "connections made as {user} (uid {uid})"
    diag_offer_as_user,  ///< run as root on a cPanel/CSF machine: re-run with --as-user
    diag_size_note,      ///< planned size, its encoded size, and the limit
    diag_no_login,       ///< no --user: the login was not tested
    diag_dns_failed,     ///< the host does not resolve: no port was tried
    diag_also_works,     ///< "Also works: {list}"
    // run
    run_target,          ///< table column: the target's name
    run_server,          ///< table column: host:port
    run_not_run,         ///< "could not run: {error}"
    run_summary,         ///< "{total} targets: {ok} ok, {warnings} with warnings, {failed} failed"
    run_threshold_note,  ///< after what raised a target's state: "a monitoring threshold"
    run_progress,        ///< "{done}/{total} done, {failing} failing"
    run_failures,        ///< heading over the failing targets' details
    // SSL Type None and PHPMailer's automatic STARTTLS (checks/whmcs_rules.hpp)
    auto_tls_works_upgraded,
    auto_tls_upgrade_failed,
    auto_tls_upgraded_failed_later,
    whmcs_log,          ///< heading over the predicted log lines
    whmcs_log_heading,  ///< "{title}" is another heading of the guide than the category's
};

[[nodiscard]] std::string_view ui_text(ui_string s, language lang);

/// The sentences of the php-mail report (probe/commands/php_mail/php_mail.hpp). Their values
/// (paths, modes, exit codes, program output) are passed separately: templates use {0}, {1}, ... in
/// order.
enum class php_mail_text {
    none,                   ///< no sentence
    verbatim,               ///< {0}: a value or program output, shown as it is
    mail_disabled,          ///< mail is among disable_functions = {0}
    nothing_disabled,       ///< disable_functions is empty
    mail_not_disabled,      ///< mail is not among {0}
    sendmail_path_empty,    ///< sendmail_path is empty
    sendmail_path_default,  ///< {0} is PHP's compiled-in default
    too_complex,            ///< {0} cannot be judged; the reason follows
    split_tilde,
    split_single_quote,
    split_expansion_in_quotes,  ///< {0}: $ or `
    split_double_quote,
    split_trailing_backslash,
    split_shell_syntax,  ///< {0}: the character
    split_assignment,
    path_error,        ///< {0}: {1} (path, system error text)
    not_regular_file,  ///< {0}
    permissions,       ///< mode {0}, owner {1}, group {2}, checked as {3}
    not_executable,    ///< same values as permissions
    mta_unknown,
    postfix_running,
    postfix_needs_root,
    postfix_not_running,
    postdrop_ok,            ///< {0} path, {1} mode, {2} group
    postdrop_bad,           ///< and {3} the group it needs
    maildrop_ok,            ///< {0} path, {1} mode, {2} group
    maildrop_bad,           ///< and {3} the group that must write
    config_ok,              ///< {0} readable
    config_missing,         ///< {0} MTA, {1} the files tried
    process_not_started,    ///< {0} system error text
    process_timed_out,      ///< {0} milliseconds
    process_exit,           ///< {0} exit status
    process_exit_output,    ///< {0} exit status, {1} its output
    process_signal,         ///< {0} signal number
    process_signal_output,  ///< {0} signal number, {1} its output
    send_sent_php,          ///< {0} recipient: mail() returned true
    send_sent_sendmail,     ///< {0} recipient, {1} sendmail_path: exit 0
    send_not_sent,          ///< {0} the failed check
    send_php_false,         ///< mail() returned false
    send_php_disabled,      ///< PHP has no mail() function
    send_php_error,         ///< PHP itself stopped with an error
    send_sendmail_failed,   ///< {0} sendmail_path did not take the message
    verdict_sent,           ///< {0} recipient: accepted, now check that it arrives
};

/// The template of a php-mail sentence, with {0}, {1}... for its values.
[[nodiscard]] std::string_view php_mail_template(php_mail_text t, language lang);

/// Why a phase was skipped, in words.
[[nodiscard]] std::string_view skip_reason_text(skip_reason r, language lang);

}  // namespace smtp_probe
