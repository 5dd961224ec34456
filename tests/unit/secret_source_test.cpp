#include <doctest/doctest.h>

#include "tests/unit/temp_file.hpp"

#include <fcntl.h>
#include <pty.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include "probe/cli/secret_source.hpp"

using namespace smtp_probe;
using smtp_probe::testing::temp_file;

namespace {

std::string value_of(const secret_result& r) {
    if (const auto* error = std::get_if<secret_error>(&r)) {
        FAIL("unexpected error: " << error->message);
    }
    return std::string(std::get<secret>(r).reveal());
}

std::string error_of(const secret_result& r) {
    REQUIRE(std::holds_alternative<secret_error>(r));
    return std::get<secret_error>(r).message;
}

getenv_function fake_env(std::string name, std::string value) {
    return [name = std::move(name), value = std::move(value)](const char* asked) -> const char* {
        return name == asked ? value.c_str() : nullptr;
    };
}

}  // namespace

TEST_CASE("make_secret copies the bytes") {
    CHECK(make_secret("hunter2").reveal() == "hunter2");
    CHECK(make_secret("").empty());
    const std::string long_value(5000, 'x');
    CHECK(make_secret(long_value).reveal() == long_value);
}

TEST_CASE("secret from an environment variable") {
    CHECK(value_of(secret_from_env("SMTP_PASSWORD", fake_env("SMTP_PASSWORD", "hunter2"))) ==
          "hunter2");
    CHECK(value_of(secret_from_env("_X1", fake_env("_X1", " spaces kept "))) == " spaces kept ");

    auto missing = error_of(secret_from_env("SMTP_PASSWORD", fake_env("OTHER", "x")));
    CHECK(missing.find("SMTP_PASSWORD is not set") != std::string::npos);
    auto empty = error_of(secret_from_env("SMTP_PASSWORD", fake_env("SMTP_PASSWORD", "")));
    CHECK(empty.find("SMTP_PASSWORD is empty") != std::string::npos);
    auto bad_name = error_of(secret_from_env("SMTP PASSWORD", fake_env("x", "y")));
    CHECK(bad_name.find("'SMTP PASSWORD' is not an environment variable name") !=
          std::string::npos);
    CHECK(error_of(secret_from_env("", fake_env("x", "y"))).find("not an environment variable") !=
          std::string::npos);
    CHECK(error_of(secret_from_env("1ABC", fake_env("1ABC", "y"))).find("not an environment") !=
          std::string::npos);
    CHECK(error_of(secret_from_env("SMTP_PASSWORD", getenv_function{})).find("is not set") !=
          std::string::npos);

    const std::string huge(max_secret_bytes + 1, 'p');
    auto too_long = error_of(secret_from_env("BIG", fake_env("BIG", huge)));
    CHECK(too_long.find("longer than 16384 bytes") != std::string::npos);
    CHECK(too_long.find("ppp") == std::string::npos);
    const std::string at_limit(max_secret_bytes, 'p');
    CHECK(value_of(secret_from_env("BIG", fake_env("BIG", at_limit))).size() == max_secret_bytes);
}

TEST_CASE("secret from the first line of a file") {
    struct file_case {
        const char* content;
        const char* expected;
    };
    const file_case cases[] = {
        {"hunter2\n", "hunter2"},       {"hunter2", "hunter2"},
        {"hunter2\r\n", "hunter2"},     {"hunter2\nsecond line\n", "hunter2"},
        {"pass word \n", "pass word "}, {"a\r\r\n", "a"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.content);
        temp_file f(c.content);
        CHECK(value_of(secret_from_file(f.path())) == c.expected);
    }

    for (const char* empty : {"", "\n", "\r\n", "\nhunter2\n"}) {
        CAPTURE(empty);
        temp_file f(empty);
        const auto error = error_of(secret_from_file(f.path()));
        CHECK(error.find("the first line of '" + f.path() + "' is empty") != std::string::npos);
        CHECK(error.find("hunter2") == std::string::npos);
    }

    const auto missing = error_of(secret_from_file("/nonexistent/sp_secret"));
    CHECK(missing.find("cannot read '/nonexistent/sp_secret'") != std::string::npos);
    CHECK(missing.find("No such file or directory") != std::string::npos);

    const auto directory = error_of(secret_from_file("/tmp"));
    CHECK(directory.find("cannot read '/tmp': Is a directory") != std::string::npos);

    temp_file at_limit(std::string(max_secret_bytes, 'k') + "\nrest");
    CHECK(value_of(secret_from_file(at_limit.path())).size() == max_secret_bytes);
    temp_file over_limit(std::string(max_secret_bytes + 1, 'k'));
    const auto too_long = error_of(secret_from_file(over_limit.path()));
    CHECK(too_long.find("is longer than 16384 bytes") != std::string::npos);
    CHECK(too_long.find("kkk") == std::string::npos);
}

TEST_CASE("a secret file others can read is refused with the chmod that fixes it") {
    for (const mode_t mode : {0640, 0604, 0660, 0644, 0620}) {
        CAPTURE(mode);
        temp_file f("hunter2\n");
        REQUIRE(::chmod(f.path().c_str(), mode) == 0);
        const auto error = error_of(secret_from_file(f.path()));
        CHECK(error.find("can be read or changed by group or others") != std::string::npos);
        CHECK(error.find("run chmod 600 '" + f.path() + "'") != std::string::npos);
        CHECK(error.find("hunter2") == std::string::npos);
    }
    temp_file mode_0644("hunter2\n");
    REQUIRE(::chmod(mode_0644.path().c_str(), 0644) == 0);
    CHECK(error_of(secret_from_file(mode_0644.path())).find("(mode 0644)") != std::string::npos);
    for (const mode_t mode : {0600, 0400}) {
        CAPTURE(mode);
        temp_file f("hunter2\n");
        REQUIRE(::chmod(f.path().c_str(), mode) == 0);
        CHECK(value_of(secret_from_file(f.path())) == "hunter2");
    }
}

TEST_CASE("secret from a prompt") {
    std::string asked;
    const prompt_function answer = [&asked](std::string_view prompt) {
        asked = std::string(prompt);
        return std::optional<std::string>("hunter2\r\n");
    };
    CHECK(value_of(secret_from_prompt("Password for bob: ", answer)) == "hunter2");
    CHECK(asked == "Password for bob: ");

    const prompt_function eof = [](std::string_view) { return std::optional<std::string>(); };
    CHECK(error_of(secret_from_prompt("p: ", eof)).find("nothing was entered") !=
          std::string::npos);
    const prompt_function empty = [](std::string_view) { return std::optional<std::string>(""); };
    CHECK(error_of(secret_from_prompt("p: ", empty)).find("empty") != std::string::npos);
    CHECK(error_of(secret_from_prompt("p: ", prompt_function{})).find("no terminal") !=
          std::string::npos);
    const prompt_function huge = [](std::string_view) {
        return std::optional<std::string>(std::string(max_secret_bytes + 1, 'z'));
    };
    const auto too_long = error_of(secret_from_prompt("p: ", huge));
    CHECK(too_long.find("longer than 16384 bytes") != std::string::npos);
    CHECK(too_long.find("zzz") == std::string::npos);
}

namespace {

/// Puts the slave side of a pseudo-terminal on stdin for the length of a test.
class pty_stdin {
public:
    pty_stdin() {
        REQUIRE(::openpty(&master_, &slave_, nullptr, nullptr, nullptr) == 0);
        saved_stdin_ = ::dup(STDIN_FILENO);
        REQUIRE(::dup2(slave_, STDIN_FILENO) == STDIN_FILENO);
    }
    pty_stdin(const pty_stdin&) = delete;
    pty_stdin& operator=(const pty_stdin&) = delete;
    ~pty_stdin() {
        ::dup2(saved_stdin_, STDIN_FILENO);
        ::close(saved_stdin_);
        ::close(slave_);
        ::close(master_);
    }

    [[nodiscard]] bool echo_on() const {
        termios t{};
        ::tcgetattr(slave_, &t);
        return (t.c_lflag & ECHO) != 0;
    }

    /// Types `keys` once the reader has turned echo off (input typed earlier would be flushed).
    std::thread type_when_quiet(std::string keys) {
        return std::thread([this, keys = std::move(keys)] {
            const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
            while (echo_on() && std::chrono::steady_clock::now() < until) {
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            }
            (void)!::write(master_, keys.data(), keys.size());
        });
    }

    /// What the terminal echoed back (read without blocking).
    std::string echoed() {
        const int flags = ::fcntl(master_, F_GETFL);
        ::fcntl(master_, F_SETFL, flags | O_NONBLOCK);
        std::string out;
        char buf[256];
        for (;;) {
            const auto n = ::read(master_, buf, sizeof buf);
            if (n <= 0) {
                break;
            }
            out.append(buf, static_cast<std::size_t>(n));
        }
        return out;
    }

private:
    int master_ = -1;
    int slave_ = -1;
    int saved_stdin_ = -1;
};

}  // namespace

TEST_CASE("terminal prompt reads a line with echo off and restores the terminal") {
    pty_stdin tty;
    REQUIRE(tty.echo_on());
    auto typist = tty.type_when_quiet("hunter2\n");
    const auto line = read_secret_from_terminal("Password: ");
    typist.join();
    REQUIRE(line.has_value());
    CHECK(*line == "hunter2");
    CHECK(tty.echo_on());
    CHECK(tty.echoed().find("hunter2") == std::string::npos);
}

TEST_CASE("terminal prompt: end of input gives nothing") {
    pty_stdin tty;
    auto typist = tty.type_when_quiet("\x04");  // VEOF (Ctrl-D) at the start of a line
    const auto line = read_secret_from_terminal("Password: ");
    typist.join();
    CHECK_FALSE(line.has_value());
    CHECK(tty.echo_on());
}

TEST_CASE("terminal prompt: stdin that is not a terminal gives nothing") {
    const int saved = ::dup(STDIN_FILENO);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    REQUIRE(null_fd >= 0);
    ::dup2(null_fd, STDIN_FILENO);
    const auto line = read_secret_from_terminal("Password: ");
    ::dup2(saved, STDIN_FILENO);
    ::close(saved);
    ::close(null_fd);
    CHECK_FALSE(line.has_value());
}
