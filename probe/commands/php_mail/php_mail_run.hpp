// `smtp-probe php-mail`, the I/O half: runs `php -i` and the MTA's own status commands (never
// anything that sends mail), looks at the sendmail program on disk, and prints the report built by
// probe/commands/php_mail/php_mail.hpp.
#pragma once

#include <chrono>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "probe/commands/php_mail/php_mail.hpp"
#include "probe/commands/php_mail/php_mail_command.hpp"

namespace smtp_probe {

/// A child process run to completion (or killed at the timeout), its output bounded.
struct process_result {
    int spawn_errno = 0;  ///< non-zero: it never started
    bool timed_out = false;
    bool exited = false;  ///< exited normally; otherwise killed by signal_number
    int exit_code = -1;
    int signal_number = 0;
    std::string out;
    std::string err;
};

/// argv[0] is looked up in PATH when it has no '/'. No shell. stdin is /dev/null, or a pipe that
/// gets `input` and is then closed (a child that stops reading early does not hurt us). Each of
/// stdout and stderr keeps at most max_output bytes (the rest is read and dropped). At the
/// timeout the child's whole process group is killed.
[[nodiscard]] process_result run_process(const std::vector<std::string>& argv,
                                         std::chrono::milliseconds timeout,
                                         std::size_t max_output = 1 << 20,
                                         std::optional<std::string_view> input = std::nullopt);

/// The same as describe_process_failure(), as a report sentence.
[[nodiscard]] php_mail_note process_failure_note(const process_result& r,
                                                 std::chrono::milliseconds timeout);

/// "exit 1: <first lines of stderr/stdout, sanitised>", "killed by signal 9", "timed out after
/// 10 s", "could not start: No such file or directory".
[[nodiscard]] std::string describe_process_failure(const process_result& r,
                                                   std::chrono::milliseconds timeout);

/// Where the settings come from: `php [-c INI] -i`, else (no PHP) the php.ini file itself. The
/// string alternative says why neither worked and what would be accepted.
[[nodiscard]] std::variant<php_mail_settings, std::string> read_php_mail_settings(
    const std::string& php_binary, const std::optional<std::string>& php_ini,
    std::chrono::milliseconds timeout);

/// Looks at the program in sendmail_path and the MTA behind it.
[[nodiscard]] php_mail_facts collect_php_mail_facts(const php_mail_settings& settings,
                                                    std::chrono::milliseconds timeout);

/// What --send-to needs besides the settings.
struct php_send_request {
    std::string to;
    std::optional<std::string> from;
    std::string php_binary = "php";
    std::optional<std::string> php_ini;
    std::chrono::milliseconds timeout{30000};
};

/// Sends the one test message the way WHMCS's "PHP Mail" would: with settings from `php -i`, PHP
/// itself calls mail(); with settings from a php.ini only, sendmail_path is run as PHP runs it and
/// gets the message on stdin. The caller has made sure no check failed (send_blocker()).
[[nodiscard]] php_mail_send send_php_test_message(const php_mail_settings& settings,
                                                  const php_send_request& request);

/// The whole command: settings, facts, verdict, report on `out`. Returns the exit code (0 ok,
/// 1 something could not be judged, 2 a cause found, 3 could not run; the reason then on `err`).
[[nodiscard]] int run_php_mail(const php_mail_command& cmd, std::ostream& out, std::ostream& err);

}  // namespace smtp_probe
