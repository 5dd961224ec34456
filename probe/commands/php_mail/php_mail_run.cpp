#include "probe/commands/php_mail/php_mail_run.hpp"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>
#include <array>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <ostream>

#include "net/sanitize.hpp"
#include "probe/report/report_json.hpp"

extern char** environ;

namespace smtp_probe {
namespace {

using std::chrono::milliseconds;
using clock_type = std::chrono::steady_clock;

struct fd_guard {
    int fd = -1;
    fd_guard() = default;
    fd_guard(const fd_guard&) = delete;
    fd_guard& operator=(const fd_guard&) = delete;
    ~fd_guard() { reset(); }
    void reset() {
        if (fd >= 0) {
            ::close(fd);
            fd = -1;
        }
    }
};

std::string user_name(uid_t uid) {
    const auto* pw = ::getpwuid(uid);
    return fmt::format("{} ({})", pw ? pw->pw_name : "?", uid);
}

std::string group_name(gid_t gid) {
    const auto* gr = ::getgrgid(gid);
    return fmt::format("{} ({})", gr ? gr->gr_name : "?", gid);
}

std::string plain_group_name(gid_t gid) {
    const auto* gr = ::getgrgid(gid);
    return gr ? std::string(gr->gr_name) : std::to_string(gid);
}

/// The first `lines` non-empty lines, joined with " | ", sanitised.
std::string first_lines(std::string_view text, std::size_t lines = 3) {
    std::string out;
    std::size_t taken = 0;
    while (!text.empty() && taken < lines) {
        const auto nl = text.find('\n');
        auto line = text.substr(0, nl);
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
            line.remove_suffix(1);
        }
        if (!line.empty()) {
            out += taken++ ? " | " : "";
            out += line;
        }
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    }
    return sanitize_for_display(out, 400);
}

std::string read_head(const std::string& path, std::size_t max_bytes) {
    std::ifstream in(path, std::ios::binary);
    std::string data(max_bytes, '\0');
    in.read(data.data(), static_cast<std::streamsize>(max_bytes));
    data.resize(static_cast<std::size_t>(std::max<std::streamsize>(0, in.gcount())));
    return data;
}

std::string dirname_of(const std::string& path) {
    const auto slash = path.rfind('/');
    return slash == std::string::npos || slash == 0 ? "/" : path.substr(0, slash);
}

bool readable_file(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
           ::access(path.c_str(), R_OK) == 0;
}

/// The Postfix instance sendmail_path uses: its commands' directory and, with "-C DIR", its
/// own configuration directory (a second instance, as in `postmulti`).
struct postfix_instance {
    std::string command_dir;
    std::optional<std::string> config_dir;

    /// argv of a Postfix command of this instance: PROGRAM [-c DIR] ARGS...
    [[nodiscard]] std::vector<std::string> command(const std::string& dir, const char* program,
                                                   std::vector<std::string> args) const {
        std::vector<std::string> argv{dir + "/" + program};
        if (config_dir) {
            argv.insert(argv.end(), {"-c", *config_dir});
        }
        argv.insert(argv.end(), args.begin(), args.end());
        return argv;
    }
};

/// `postconf [-c DIR] -h NAME`, or the fallback when postconf is not there or says nothing.
std::string postconf(const postfix_instance& pf, const std::string& dir, const char* name,
                     const char* fallback, milliseconds timeout) {
    auto r = run_process(pf.command(dir, "postconf", {"-h", name}), timeout, 4096);
    if (r.spawn_errno != 0 || !r.exited || r.exit_code != 0) {
        auto argv = pf.command("", "postconf", {"-h", name});
        argv.front() = "postconf";
        r = run_process(argv, timeout, 4096);
    }
    if (r.spawn_errno == 0 && r.exited && r.exit_code == 0) {
        auto value = r.out.substr(0, r.out.find('\n'));
        if (!value.empty()) {
            return value;
        }
    }
    return fallback;
}

void check_exim(const std::string& program, milliseconds timeout, std::vector<mta_check>& out) {
    const auto r = run_process({program, "-bV"}, timeout, std::size_t{64} * 1024);
    const auto first = r.out.substr(0, r.out.find('\n'));
    if (r.spawn_errno == 0 && r.exited && r.exit_code == 0 && first.rfind("Exim version", 0) == 0) {
        out.push_back({"exim -bV", mta_check::result::pass, {verbatim_note(first)}});
    } else {
        out.push_back({"exim -bV", mta_check::result::fail, {process_failure_note(r, timeout)}});
    }
}

/// One Postfix file whose group must be `group` and whose mode must satisfy `mode_ok`.
template <typename ModeCheck>
void check_group_access(const char* name, const std::string& path, const std::string& group,
                        ModeCheck mode_ok, php_mail_text ok_text, php_mail_text bad_text,
                        std::vector<mta_check>& out) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        out.push_back({name,
                       mta_check::result::fail,
                       {{php_mail_text::path_error, {path, std::strerror(errno)}}}});
        return;
    }
    const bool ok = mode_ok(st) && plain_group_name(st.st_gid) == group;
    std::vector<std::string> values{path, fmt::format("{:04o}", st.st_mode & 07777),
                                    group_name(st.st_gid)};
    if (!ok) {
        values.push_back(group);
    }
    out.push_back({name,
                   ok ? mta_check::result::pass : mta_check::result::fail,
                   {{ok ? ok_text : bad_text, std::move(values)}}});
}

void check_postfix(const std::string& resolved, const std::vector<std::string>& argv,
                   milliseconds timeout, std::vector<mta_check>& out) {
    postfix_instance pf;
    pf.config_dir = sendmail_config_option(argv);
    const auto dir = postconf(pf, dirname_of(resolved), "command_directory",
                              dirname_of(resolved).c_str(), timeout);
    const auto r =
        run_process(pf.command(dir, "postfix", {"status"}), timeout, std::size_t{64} * 1024);
    if (r.spawn_errno == 0 && r.exited && r.exit_code == 0) {
        const auto said = first_lines(r.err + r.out, 1);
        out.push_back({"postfix status",
                       mta_check::result::pass,
                       {said.empty() ? php_mail_note{php_mail_text::postfix_running, {}}
                                     : verbatim_note(said)}});
    } else if (::geteuid() != 0 && (r.err + r.out).find("superuser") != std::string::npos) {
        out.push_back(
            {"postfix status", mta_check::result::skip, {{php_mail_text::postfix_needs_root, {}}}});
    } else {
        std::vector<php_mail_note> detail{process_failure_note(r, timeout)};
        // Stopped, not broken: Postfix's sendmail hands the message to postdrop, which writes it
        // into the maildrop queue without the master process, so mail() still returns true and
        // the mail waits there until Postfix starts.
        const bool stopped = r.exited && r.exit_code == 1 &&
                             (r.err.empty() || r.err.find("is not running") != std::string::npos);
        if (stopped) {
            detail.push_back({php_mail_text::postfix_not_running, {}});
        }
        out.push_back({"postfix status",
                       stopped ? mta_check::result::warn : mta_check::result::fail,
                       std::move(detail)});
    }

    // postdrop must be setgid to Postfix's setgid_group (and runnable by everyone); maildrop
    // must be a directory that group can write: that is how a user's mail gets queued.
    const auto group = postconf(pf, dir, "setgid_group", "postdrop", timeout);
    check_group_access(
        "postdrop", dir + "/postdrop", group,
        [](const struct stat& st) {
            return (st.st_mode & S_ISGID) != 0 && (st.st_mode & S_IXOTH) != 0;
        },
        php_mail_text::postdrop_ok, php_mail_text::postdrop_bad, out);
    check_group_access(
        "maildrop",
        postconf(pf, dir, "queue_directory", "/var/spool/postfix", timeout) + "/maildrop", group,
        [](const struct stat& st) { return S_ISDIR(st.st_mode) && (st.st_mode & S_IWGRP) != 0; },
        php_mail_text::maildrop_ok, php_mail_text::maildrop_bad, out);
}

/// msmtp and ssmtp read a config file: -C FILE (both), --file=FILE (msmtp), else the system one.
void check_config(mta_kind kind, const std::vector<std::string>& argv,
                  std::vector<mta_check>& out) {
    std::vector<std::string> candidates;
    if (auto file = sendmail_config_option(argv)) {
        candidates.push_back(std::move(*file));
    } else {
        if (kind == mta_kind::msmtp) {
            if (const char* home = std::getenv("HOME"); home && *home) {
                candidates.push_back(std::string(home) + "/.msmtprc");
            }
            candidates.push_back("/etc/msmtprc");
        } else {
            candidates.push_back("/etc/ssmtp/ssmtp.conf");
        }
    }
    for (const auto& c : candidates) {
        if (readable_file(c)) {
            out.push_back({"config", mta_check::result::pass, {{php_mail_text::config_ok, {c}}}});
            return;
        }
    }
    std::string names;
    for (const auto& c : candidates) {
        names += names.empty() ? "" : ", ";
        names += c;
    }
    out.push_back({"config",
                   mta_check::result::fail,
                   {{php_mail_text::config_missing, {std::string(mta_name(kind)), names}}}});
}

}  // namespace

process_result run_process(const std::vector<std::string>& argv, milliseconds timeout,
                           std::size_t max_output, std::optional<std::string_view> input) {
    process_result r;
    if (argv.empty()) {
        r.spawn_errno = EINVAL;
        return r;
    }
    std::array<int, 2> out_pipe{-1, -1};
    std::array<int, 2> err_pipe{-1, -1};
    if (::pipe2(out_pipe.data(), O_CLOEXEC) != 0) {
        r.spawn_errno = errno;
        return r;
    }
    fd_guard out_read, out_write, err_read, err_write;
    out_read.fd = out_pipe[0];
    out_write.fd = out_pipe[1];
    if (::pipe2(err_pipe.data(), O_CLOEXEC) != 0) {
        r.spawn_errno = errno;
        return r;
    }
    err_read.fd = err_pipe[0];
    err_write.fd = err_pipe[1];
    fd_guard in_read, in_write;
    if (input) {
        std::array<int, 2> in_pipe{-1, -1};
        if (::pipe2(in_pipe.data(), O_CLOEXEC) != 0) {
            r.spawn_errno = errno;
            return r;
        }
        in_read.fd = in_pipe[0];
        in_write.fd = in_pipe[1];
        // Our end must not block: a child that does not read would stop the timeout.
        ::fcntl(in_write.fd, F_SETFL, ::fcntl(in_write.fd, F_GETFL) | O_NONBLOCK);
    }

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (input) {
        posix_spawn_file_actions_adddup2(&actions, in_read.fd, STDIN_FILENO);
    } else {
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    }
    posix_spawn_file_actions_adddup2(&actions, out_write.fd, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err_write.fd, STDERR_FILENO);
    // Its own process group, so that a timeout kills what it started too.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);

    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const auto& a : argv) {
        args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);
    pid_t pid = -1;
    const int rc = argv.front().find('/') == std::string::npos
                       ? ::posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ)
                       : ::posix_spawn(&pid, args[0], &actions, &attr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    out_write.reset();
    err_write.reset();
    in_read.reset();
    if (rc != 0) {
        r.spawn_errno = rc;
        return r;
    }

    // A child that exits before reading all of its stdin makes our write fail with EPIPE and
    // raise SIGPIPE: block it for this thread while we write, and consume it afterwards. The
    // child was spawned before, with the signal mask as it was.
    sigset_t pipe_only, old_mask;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    const bool masked = input && ::pthread_sigmask(SIG_BLOCK, &pipe_only, &old_mask) == 0;
    std::string_view pending = input.value_or(std::string_view());
    if (input && pending.empty()) {
        in_write.reset();
    }

    const auto deadline = clock_type::now() + timeout;
    std::array<pollfd, 3> fds{pollfd{out_read.fd, POLLIN, 0}, pollfd{err_read.fd, POLLIN, 0},
                              pollfd{in_write.fd, POLLOUT, 0}};
    std::array<std::string*, 2> sinks{&r.out, &r.err};
    std::array<char, 4096> buffer{};
    int open_fds = 2;
    while (open_fds > 0) {
        const auto left =
            std::chrono::duration_cast<milliseconds>(deadline - clock_type::now()).count();
        if (left <= 0) {
            r.timed_out = true;
            break;
        }
        const int n =
            ::poll(fds.data(), fds.size(), static_cast<int>(std::min<long long>(left, INT_MAX)));
        if (n < 0 && errno != EINTR) {
            break;
        }
        if (n < 0) {
            continue;
        }
        if (fds[2].fd >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP)) != 0) {
            const auto put = ::write(fds[2].fd, pending.data(), pending.size());
            if (put > 0) {
                pending.remove_prefix(static_cast<std::size_t>(put));
            }
            if (pending.empty() || (put < 0 && errno != EINTR && errno != EAGAIN)) {
                in_write.reset();  // all written, or the child closed its stdin: EOF / give up
                fds[2].fd = -1;
            }
        }
        for (std::size_t i = 0; i < sinks.size(); ++i) {
            if (fds[i].fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
                continue;
            }
            const auto got = ::read(fds[i].fd, buffer.data(), buffer.size());
            if (got > 0) {
                auto& sink = *sinks[i];
                const auto room = max_output - std::min(max_output, sink.size());
                sink.append(buffer.data(), std::min(room, static_cast<std::size_t>(got)));
            } else if (got == 0 || errno != EINTR) {
                fds[i].fd = -1;
                --open_fds;
            }
        }
    }
    in_write.reset();
    if (masked) {
        const timespec no_wait{0, 0};
        while (::sigtimedwait(&pipe_only, nullptr, &no_wait) == SIGPIPE) {
        }
        ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
    }
    int status = 0;
    if (r.timed_out) {
        ::kill(-pid, SIGKILL);
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        return r;
    }
    // The pipes closed; the child may still be running (it closed them itself): wait until the
    // deadline, then kill.
    for (;;) {
        const auto w = ::waitpid(pid, &status, WNOHANG);
        if (w == pid) {
            break;
        }
        if (w < 0 && errno != EINTR) {
            return r;
        }
        if (clock_type::now() >= deadline) {
            r.timed_out = true;
            ::kill(-pid, SIGKILL);
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            return r;
        }
        ::usleep(10000);
    }
    if (WIFEXITED(status)) {
        r.exited = true;
        r.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        r.signal_number = WTERMSIG(status);
    }
    return r;
}

php_mail_note process_failure_note(const process_result& r, milliseconds timeout) {
    using t = php_mail_text;
    if (r.spawn_errno != 0) {
        return {t::process_not_started, {std::strerror(r.spawn_errno)}};
    }
    if (r.timed_out) {
        return {t::process_timed_out, {std::to_string(timeout.count())}};
    }
    const auto number = std::to_string(r.exited ? r.exit_code : r.signal_number);
    const auto text = first_lines(r.err.empty() ? r.out : r.err);
    if (text.empty()) {
        return {r.exited ? t::process_exit : t::process_signal, {number}};
    }
    return {r.exited ? t::process_exit_output : t::process_signal_output, {number, text}};
}

std::string describe_process_failure(const process_result& r, milliseconds timeout) {
    return render_notes({process_failure_note(r, timeout)}, language::en);
}

std::variant<php_mail_settings, std::string> read_php_mail_settings(
    const std::string& php_binary, const std::optional<std::string>& php_ini,
    milliseconds timeout) {
    std::vector<std::string> argv{php_binary};
    if (php_ini) {
        argv.insert(argv.end(), {"-c", *php_ini});
    }
    argv.push_back("-i");
    const auto r = run_process(argv, timeout, 4 << 20);
    std::string php_problem;
    if (r.spawn_errno == 0 && r.exited && r.exit_code == 0) {
        if (auto s = settings_from_php_info(r.out)) {
            return std::move(*s);
        }
        php_problem = fmt::format("{} -i printed no sendmail_path line",
                                  sanitize_for_display(php_binary, 200));
    } else {
        php_problem = fmt::format("{} -i: {}", sanitize_for_display(php_binary, 200),
                                  describe_process_failure(r, timeout));
    }
    if (!php_ini) {
        return php_problem +
               "; install the PHP command line (php-cli), give its path with --php BINARY, or "
               "give the php.ini WHMCS uses with --php-ini PATH";
    }
    std::ifstream in(*php_ini, std::ios::binary);
    if (!in) {
        return php_problem + fmt::format("; and --php-ini: cannot read {}: {}",
                                         sanitize_for_display(*php_ini, 200), std::strerror(errno));
    }
    std::string text(4 << 20, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(std::max<std::streamsize>(0, in.gcount())));
    return settings_from_php_ini(text);
}

php_mail_facts collect_php_mail_facts(const php_mail_settings& settings, milliseconds timeout) {
    php_mail_facts facts;
    facts.settings = settings;
    const auto command = split_sendmail_path(settings.sendmail_path);
    if (command.argv.empty()) {
        return facts;  // empty or too complex: judge_php_mail() says so
    }
    sendmail_file_facts p;
    p.path = command.argv.front();
    p.user = user_name(::geteuid());
    struct stat st {};
    // PHP runs the command through /bin/sh, which looks a bare name up in PATH.
    std::string path = p.path;
    if (path.find('/') == std::string::npos) {
        const char* env_path = std::getenv("PATH");
        std::string_view dirs = env_path ? env_path : "/usr/bin:/bin";
        std::string hit;
        while (hit.empty()) {
            const auto colon = dirs.find(':');
            const auto dir = std::string(dirs.substr(0, colon));
            const auto candidate = (dir.empty() ? "." : dir) + "/" + path;
            if (::stat(candidate.c_str(), &st) == 0) {
                hit = candidate;
            }
            if (colon == std::string_view::npos) {
                break;
            }
            dirs.remove_prefix(colon + 1);
        }
        if (!hit.empty()) {
            path = hit;
        }
    }
    if (::stat(path.c_str(), &st) != 0) {
        p.stat_errno = errno;
        facts.program = std::move(p);
        return facts;
    }
    p.regular = S_ISREG(st.st_mode);
    p.executable = ::access(path.c_str(), X_OK) == 0 && (st.st_mode & 0111) != 0;
    p.mode = st.st_mode & 07777;
    p.owner = user_name(st.st_uid);
    p.group = group_name(st.st_gid);
    if (char* real = ::realpath(path.c_str(), nullptr)) {
        p.resolved = real;
        std::free(real);
    } else {
        p.resolved = path;
    }
    const auto resolved = p.resolved;
    const bool usable = p.regular && p.executable;
    facts.program = std::move(p);
    if (!usable) {
        return facts;
    }
    facts.mta = identify_mta(resolved, read_head(resolved, 4 << 20));
    switch (facts.mta) {
        case mta_kind::exim:
            check_exim(resolved, timeout, facts.mta_checks);
            break;
        case mta_kind::postfix:
            check_postfix(resolved, command.argv, timeout, facts.mta_checks);
            break;
        case mta_kind::msmtp:
        case mta_kind::ssmtp:
            check_config(facts.mta, command.argv, facts.mta_checks);
            break;
        case mta_kind::unknown:
            break;
    }
    return facts;
}

php_mail_send send_php_test_message(const php_mail_settings& settings,
                                    const php_send_request& request) {
    using t = php_mail_text;
    php_mail_send send;
    send.to = request.to;
    send.from = request.from;
    const auto message = build_php_test_message(request.to, request.from,
                                                static_cast<std::int64_t>(std::time(nullptr)));
    process_result r;
    if (settings.from == php_mail_settings::origin::php_info) {
        // PHP itself, so that disable_functions, sendmail_path and mail()'s own checks apply
        // exactly as for WHMCS. The values are arguments after "--" ($argv), never code.
        send.via = php_mail_send::method::php;
        std::string headers;
        for (const auto& h : message.headers) {
            headers += headers.empty() ? "" : "\r\n";  // mail()'s documented separator
            headers += h;
        }
        std::vector<std::string> argv{request.php_binary};
        if (request.php_ini) {
            argv.insert(argv.end(), {"-c", *request.php_ini});
        }
        argv.insert(argv.end(), {"-d", "display_errors=stderr", "-d", "log_errors=0", "-d",
                                 "error_reporting=-1", "-r", std::string(php_send_code()), "--",
                                 message.to, message.subject, message.body, headers});
        r = run_process(argv, request.timeout, std::size_t{64} * 1024);
    } else {
        // No PHP: run sendmail_path as PHP does, through popen(), i.e. /bin/sh -c with the
        // configured string. It is the admin's own php.ini, not untrusted input, and the shell
        // gives it the meaning PHP would (quotes, variables, pipes). The addresses go on stdin
        // only.
        send.via = php_mail_send::method::sendmail_path;
        const auto input = sendmail_input(message);
        r = run_process({"/bin/sh", "-c", settings.sendmail_path}, request.timeout,
                        std::size_t{64} * 1024, input);
    }
    if (r.exited) {
        send.exit_code = r.exit_code;
    } else if (r.signal_number != 0) {
        send.signal = r.signal_number;
    }
    send.timed_out = r.timed_out;
    const bool php = send.via == php_mail_send::method::php;
    if (r.spawn_errno == 0 && !r.timed_out && r.exited && r.exit_code == 0) {
        send.result = php_mail_send::outcome::sent;
        send.detail.push_back(
            php ? php_mail_note{t::send_sent_php, {request.to}}
                : php_mail_note{t::send_sent_sendmail, {request.to, settings.sendmail_path}});
        return send;
    }
    send.result = php_mail_send::outcome::failed;
    send.cause = probe_errc::sendmail_failed;
    if (php && r.exited && r.exit_code == php_send_exit_disabled) {
        send.cause = probe_errc::mail_disabled;
        send.detail.push_back({t::send_php_disabled, {}});
    } else if (php && r.exited && r.exit_code == php_send_exit_false) {
        send.detail.push_back({t::send_php_false, {}});
    } else if (php && !r.timed_out) {
        send.detail.push_back({t::send_php_error, {}});
    } else if (!php) {
        send.detail.push_back({t::send_sendmail_failed, {settings.sendmail_path}});
    }
    send.detail.push_back(process_failure_note(r, request.timeout));
    return send;
}

int run_php_mail(const php_mail_command& cmd, std::ostream& out, std::ostream& err) {
    const milliseconds timeout{10000};
    auto settings = read_php_mail_settings(cmd.php_binary, cmd.php_ini, timeout);
    if (auto* problem = std::get_if<std::string>(&settings)) {
        err << "smtp-probe: cannot read PHP's mail settings: " << *problem << '\n';
        return 3;
    }
    const auto& found = std::get<php_mail_settings>(settings);
    const auto facts = collect_php_mail_facts(found, timeout);
    auto report = judge_php_mail(facts);
    if (cmd.send_to) {
        php_mail_send send;
        if (const auto blocker = send_blocker(report)) {
            send.to = *cmd.send_to;
            send.from = cmd.from;
            send.via = found.from == php_mail_settings::origin::php_info
                           ? php_mail_send::method::php
                           : php_mail_send::method::sendmail_path;
            send.detail.push_back({php_mail_text::send_not_sent, {*blocker}});
        } else {
            send = send_php_test_message(
                found, {*cmd.send_to, cmd.from, cmd.php_binary, cmd.php_ini, cmd.send_timeout});
        }
        record_send(report, std::move(send));
    }
    if (cmd.output.fmt == output_options::format::json) {
        out << serialize_json(php_mail_json(report)) << '\n';
    } else {
        out << render_php_mail_text(report,
                                    language_from_name(cmd.output.lang).value_or(language::en));
    }
    out.flush();
    return php_mail_exit_code(report);
}

}  // namespace smtp_probe
