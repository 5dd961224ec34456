// `smtp-probe php-mail`, the pure half: reading PHP's settings (php -i output, php.ini), splitting
// sendmail_path, naming the MTA behind it, and the verdict from facts the run layer collected
// (probe/commands/php_mail/php_mail_run.hpp). Category: instantiate_mail ("Could not instantiate
// mail function").
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checks/errors.hpp"
#include "probe/i18n/i18n.hpp"

namespace smtp_probe {

/// PHP's compiled-in default when php.ini does not set sendmail_path.
inline constexpr std::string_view php_default_sendmail_path = "/usr/sbin/sendmail -t -i";

/// One sentence of the report: a catalogue key (probe/i18n/i18n.hpp) and its values, so that the
/// text report says it in the reader's language while paths and program output stay as they are.
struct php_mail_note {
    php_mail_text key = php_mail_text::none;
    std::vector<std::string> values;

    [[nodiscard]] bool empty() const { return key == php_mail_text::none; }
    friend bool operator==(const php_mail_note&, const php_mail_note&) = default;
};

/// A value shown as it is (program output, a program name).
[[nodiscard]] php_mail_note verbatim_note(std::string text);

/// The notes in `lang`, joined with "; " (zh: "；"); each value sanitised for display.
[[nodiscard]] std::string render_notes(const std::vector<php_mail_note>& notes, language lang);

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
    php_mail_note problem;
};
[[nodiscard]] sendmail_command split_sendmail_path(std::string_view sendmail_path);

/// The configuration the sendmail program is told to use: "-C VALUE" or "-CVALUE" (Postfix: a
/// config directory; msmtp, ssmtp: a file), or msmtp's "--file=VALUE"; the last one wins.
[[nodiscard]] std::optional<std::string> sendmail_config_option(
    const std::vector<std::string>& argv);

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
    /// warn: mail() still succeeds but the mail does not leave (Postfix stopped: postdrop queues
    /// it in maildrop until Postfix runs).
    enum class result { pass, warn, fail, skip } outcome = result::pass;
    std::vector<php_mail_note> detail;  ///< the evidence
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
                       ///< mta, then the mta_checks by their names; last "send" with --send-to
    enum class status { pass, fail, warn, skip } state = status::pass;
    std::vector<php_mail_note> notes;

    /// The notes in `lang` (English for JSON).
    [[nodiscard]] std::string detail(language lang = language::en) const;
};
[[nodiscard]] std::string_view step_status_id(php_mail_step::status s);

/// The one real test message of --send-to, and how it went.
struct php_mail_send {
    std::string to;
    std::optional<std::string> from;
    enum class method { php, sendmail_path } via = method::php;
    enum class outcome { sent, failed, not_sent } result = outcome::not_sent;
    std::optional<int> exit_code;     ///< of php, or of the sendmail_path command
    std::optional<int> signal;        ///< killed by this signal
    bool timed_out = false;           ///< killed at the timeout
    std::optional<probe_errc> cause;  ///< failed: why (sendmail_failed, mail_disabled)
    std::vector<php_mail_note> detail;
};
[[nodiscard]] std::string_view send_method_id(php_mail_send::method m);
[[nodiscard]] std::string_view send_outcome_id(php_mail_send::outcome o);

struct php_mail_report {
    php_mail_settings settings;
    std::vector<php_mail_step> steps;
    std::optional<php_mail_send> send;  ///< --send-to was given
    std::optional<probe_errc> cause;    ///< the first failing step's cause
    bool warned = false;                ///< something could not be judged
    bool held = false;  ///< mail() works, but the mail waits on this machine (Postfix stopped)

    [[nodiscard]] bool ok() const { return !cause.has_value(); }
};

/// The verdict: disable_functions, then sendmail_path, the program, the MTA checks; the first
/// failure names the cause (mail_disabled, sendmail_missing, sendmail_not_executable,
/// sendmail_failed).
[[nodiscard]] php_mail_report judge_php_mail(const php_mail_facts& facts);

/// The name of the failed step that makes sending pointless (mail() would fail the same way), or
/// nullopt when nothing stands in the way.
[[nodiscard]] std::optional<std::string> send_blocker(const php_mail_report& report);

/// Adds the test message's outcome as the last step, "send". A failed send names the cause; an
/// accepted one answers what the checks could not judge, so it clears `warned` (not `held`: an
/// accepted message still waits in the queue).
void record_send(php_mail_report& report, php_mail_send send);

/// The test message, as the arguments of PHP's mail($to, $subject, $message, $headers).
struct php_mail_message {
    std::string to;
    std::string subject;
    std::vector<std::string> headers;  ///< "Name: value", without line ends
    std::string body;                  ///< LF line ends
};

/// A clearly labelled test: a subject and body that say so, Auto-Submitted: auto-generated
/// (RFC 3834: no auto-reply), From when given, Date (RFC 5322 section 3.3).
[[nodiscard]] php_mail_message build_php_test_message(const std::string& to,
                                                      const std::optional<std::string>& from,
                                                      std::int64_t now_utc);

/// What PHP's mail() writes on the sendmail program's stdin: "To: ...", "Subject: ...", the
/// headers, a blank line, the body; LF line ends, as PHP 7 does (PHP 8 uses CRLF unless
/// mail.mixed_lf_and_crlf is on; sendmail programs take both).
[[nodiscard]] std::string sendmail_input(const php_mail_message& message);

/// The code given to `php -r`: calls mail() with $argv[1..4] (to, subject, body, headers) and
/// exits 0 when it returned true, 1 when false, 3 when PHP has no mail() (disable_functions).
/// The values arrive as arguments, never inside the code.
[[nodiscard]] std::string_view php_send_code();
inline constexpr int php_send_exit_false = 1;
inline constexpr int php_send_exit_disabled = 3;

/// 0 ok, 1 ok but something could not be judged, 2 a cause found.
[[nodiscard]] int php_mail_exit_code(const php_mail_report& report);

[[nodiscard]] boost::json::object php_mail_json(const php_mail_report& report);
[[nodiscard]] std::string render_php_mail_text(const php_mail_report& report, language lang);

}  // namespace smtp_probe
