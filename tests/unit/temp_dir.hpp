// A directory under the system's temp directory, with helpers to write and read files in it;
// removed with everything in it when the test ends.
#pragma once

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>

namespace smtp_probe::testing {

struct temp_dir {
    std::filesystem::path path;
    temp_dir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "sp-test-XXXXXX").string();
        REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
        path = tmpl;
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    ~temp_dir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    /// Writes `text` to `name` with `mode`; returns its path.
    std::filesystem::path write(const std::string& name, const std::string& text,
                                unsigned mode = 0644) const {
        auto p = path / name;
        std::ofstream(p) << text;
        ::chmod(p.c_str(), mode);
        return p;
    }
    [[nodiscard]] std::string read(const std::string& name) const {
        std::ifstream in(path / name, std::ios::binary);
        std::ostringstream s;
        s << in.rdbuf();
        return s.str();
    }
    [[nodiscard]] bool exists(const std::string& name) const {
        return std::filesystem::exists(path / name);
    }
};

}  // namespace smtp_probe::testing
