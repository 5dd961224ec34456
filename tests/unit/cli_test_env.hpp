// A command-line environment for tests: only the given variables, a chosen terminal state, and
// a password prompt that fails the test if it is ever used.
#pragma once

#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "probe/cli/cli.hpp"

namespace smtp_probe::testing {

inline cli_environment fake_env(std::map<std::string, std::string> vars = {},
                                bool terminal = false) {
    cli_environment env;
    auto shared = std::make_shared<std::map<std::string, std::string>>(std::move(vars));
    env.getenv = [shared](const char* name) -> const char* {
        const auto it = shared->find(name);
        return it == shared->end() ? nullptr : it->second.c_str();
    };
    env.prompt_secret = [](std::string_view) -> std::optional<std::string> {
        FAIL("the prompt was used");
        return std::nullopt;
    };
    env.stdin_is_terminal = terminal;
    return env;
}

}  // namespace smtp_probe::testing
