#include "probe/cli/secret_source.hpp"

#include "probe/report/quote_value.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <system_error>

namespace smtp_probe {
namespace {

bool is_variable_name(std::string_view name) {
    const auto word = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
    };
    return !name.empty() && name.size() <= 255 &&
           std::isdigit(static_cast<unsigned char>(name.front())) == 0 &&
           std::all_of(name.begin(), name.end(), word);
}

/// A string whose bytes live on the heap from the start, so that moving it never copies them.
std::string heap_buffer(std::size_t capacity) {
    std::string buffer;
    buffer.reserve(std::max<std::size_t>(capacity, 64));
    return buffer;
}

/// Keeps the first `length` bytes and wipes the rest of the buffer's capacity.
void keep_prefix(std::string& buffer, std::size_t length) {
    buffer.resize(buffer.capacity());
    OPENSSL_cleanse(buffer.data() + length, buffer.size() - length);
    buffer.resize(length);
}

std::size_t without_trailing_crlf(std::string_view line) {
    auto length = line.size();
    while (length > 0 && (line[length - 1] == '\r' || line[length - 1] == '\n')) {
        --length;
    }
    return length;
}

void write_stderr(std::string_view text) {
    while (!text.empty()) {
        const auto n = ::write(STDERR_FILENO, text.data(), text.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return;
        }
        text.remove_prefix(static_cast<std::size_t>(n));
    }
}

// The terminal state to put back if a signal ends the process while echo is off. Only one
// prompt runs at a time.
constexpr std::array<int, 4> restoring_signals = {SIGINT, SIGTERM, SIGQUIT, SIGHUP};
termios saved_terminal{};
std::array<struct sigaction, restoring_signals.size()> previous_actions{};

void restore_terminal_and_reraise(int signal_number) {
    ::tcsetattr(STDIN_FILENO, TCSANOW, &saved_terminal);
    for (std::size_t i = 0; i < restoring_signals.size(); ++i) {
        if (restoring_signals[i] == signal_number) {
            ::sigaction(signal_number, &previous_actions[i], nullptr);
        }
    }
    ::raise(signal_number);
}

void install_restoring_handlers() {
    struct sigaction action {};
    action.sa_handler = restore_terminal_and_reraise;
    sigemptyset(&action.sa_mask);
    for (std::size_t i = 0; i < restoring_signals.size(); ++i) {
        ::sigaction(restoring_signals[i], &action, &previous_actions[i]);
    }
}

void remove_restoring_handlers() {
    for (std::size_t i = 0; i < restoring_signals.size(); ++i) {
        ::sigaction(restoring_signals[i], &previous_actions[i], nullptr);
    }
}

}  // namespace

secret make_secret(std::string_view bytes) {
    auto buffer = heap_buffer(bytes.size());
    buffer.append(bytes);
    return secret(std::move(buffer));
}

secret_result secret_from_env(std::string_view variable, const getenv_function& getenv) {
    if (!is_variable_name(variable)) {
        return secret_error{quote_value(variable) +
                            " is not an environment variable name; use letters, digits and '_', "
                            "not starting with a digit"};
    }
    const std::string name(variable);
    const char* value = getenv ? getenv(name.c_str()) : nullptr;
    if (value == nullptr) {
        return secret_error{"environment variable " + name + " is not set; export it first"};
    }
    const auto length = ::strnlen(value, max_secret_bytes + 1);
    if (length == 0) {
        return secret_error{"environment variable " + name + " is empty"};
    }
    if (length > max_secret_bytes) {
        return secret_error{"environment variable " + name + " is longer than " +
                            std::to_string(max_secret_bytes) + " bytes"};
    }
    return make_secret(std::string_view(value, length));
}

secret_result secret_from_file(const std::string& path) {
    const auto cannot_read = [&path](int error) {
        return secret_error{"cannot read " + quote_value(path) + ": " +
                            std::system_category().message(error)};
    };
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        return cannot_read(errno);
    }
    // As ssh does for keys: a secret others can read is no longer a secret, so refuse it and
    // say the command that fixes it, rather than use it silently.
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int error = errno;
        ::close(fd);
        return cannot_read(error);
    }
    if (S_ISREG(st.st_mode) && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        ::close(fd);
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        return secret_error{quote_value(path) +
                            " can be read or changed by group or others (mode " + mode +
                            "); a file holding a secret must be private to its owner: run "
                            "chmod 600 " +
                            quote_value(path)};
    }
    // Read straight into the buffer that becomes the secret, up to the first LF, bounded.
    auto buffer = heap_buffer(max_secret_bytes + 1);
    buffer.resize(max_secret_bytes + 1);
    std::size_t used = 0;
    std::size_t line_end = std::string::npos;
    int read_error = 0;
    while (used < buffer.size() && line_end == std::string::npos) {
        const auto n = ::read(fd, buffer.data() + used, buffer.size() - used);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            read_error = errno;
            break;
        }
        if (n == 0) {
            break;
        }
        const auto* begin = buffer.data() + used;
        if (const void* lf = std::memchr(begin, '\n', static_cast<std::size_t>(n))) {
            line_end = static_cast<std::size_t>(static_cast<const char*>(lf) - buffer.data());
        }
        used += static_cast<std::size_t>(n);
    }
    ::close(fd);
    if (read_error != 0) {
        keep_prefix(buffer, 0);
        return cannot_read(read_error);
    }
    if (line_end == std::string::npos) {
        if (used > max_secret_bytes) {
            keep_prefix(buffer, 0);
            return secret_error{"the first line of " + quote_value(path) + " is longer than " +
                                std::to_string(max_secret_bytes) + " bytes"};
        }
        line_end = used;
    }
    const auto length = without_trailing_crlf(std::string_view(buffer.data(), line_end));
    keep_prefix(buffer, length);
    if (length == 0) {
        return secret_error{"the first line of " + quote_value(path) +
                            " is empty; put the secret on the first line"};
    }
    return secret(std::move(buffer));
}

secret_result secret_from_prompt(std::string_view prompt, const prompt_function& ask) {
    if (!ask) {
        return secret_error{"there is no terminal to prompt on"};
    }
    auto answer = ask(prompt);
    if (!answer) {
        return secret_error{"nothing was entered at the prompt"};
    }
    const auto length = without_trailing_crlf(*answer);
    secret_result result = secret_error{};
    if (length == 0) {
        result = secret_error{"the answer at the prompt was empty"};
    } else if (length > max_secret_bytes) {
        result = secret_error{"the answer at the prompt is longer than " +
                              std::to_string(max_secret_bytes) + " bytes"};
    } else {
        result = make_secret(std::string_view(answer->data(), length));
    }
    wipe(*answer);
    return result;
}

std::optional<std::string> read_secret_from_terminal(std::string_view prompt) {
    termios original{};
    if (::isatty(STDIN_FILENO) == 0 || ::tcgetattr(STDIN_FILENO, &original) != 0) {
        return std::nullopt;
    }
    write_stderr(prompt);
    saved_terminal = original;
    install_restoring_handlers();
    termios quiet = original;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);

    auto line = heap_buffer(max_secret_bytes + 1);
    bool got_input = false;
    char c = 0;
    for (;;) {
        const auto n = ::read(STDIN_FILENO, &c, 1);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0 || c == '\n') {
            got_input = got_input || n > 0;
            break;
        }
        got_input = true;
        // Past the bound keep reading to the end of the line but store nothing more.
        if (line.size() <= max_secret_bytes) {
            line.push_back(c);
        }
    }
    OPENSSL_cleanse(&c, sizeof c);

    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &original);
    remove_restoring_handlers();
    write_stderr("\n");
    if (!got_input) {
        wipe(line);
        return std::nullopt;
    }
    return line;
}

}  // namespace smtp_probe
