// A file under /tmp holding some content, removed when the test ends.
#pragma once

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace smtp_probe::testing {

class temp_file {
public:
    explicit temp_file(const std::string& content) {
        char name[] = "/tmp/smtp_probe_test_XXXXXX";
        const int fd = ::mkstemp(name);
        REQUIRE(fd >= 0);
        REQUIRE(::write(fd, content.data(), content.size()) ==
                static_cast<ssize_t>(content.size()));
        ::close(fd);
        path_ = name;
    }
    temp_file(const temp_file&) = delete;
    temp_file& operator=(const temp_file&) = delete;
    ~temp_file() { ::unlink(path_.c_str()); }
    [[nodiscard]] const std::string& path() const { return path_; }

private:
    std::string path_;
};

}  // namespace smtp_probe::testing
