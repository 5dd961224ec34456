// parse_command_line() (probe/cli/cli.hpp) on arbitrary argv: the input split at NUL bytes, after
// the program name. The environment is injected empty (getenv finds nothing, the prompt gets no
// answer), and inputs that name a file or directory option are skipped so that no run touches
// the file system beyond what the input names.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "probe/cli/duration_parse.hpp"
#include "probe/commands/check/check_command.hpp"
#include "probe/commands/command_line.hpp"
#include "probe/commands/explain/explain_command.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using namespace smtp_probe;

constexpr std::size_t max_args = 64;

/// Options that read a file or a directory: --password-file, --oauth-token-file, --ca-file,
/// --ca-path (and spellings CLI11 might take for them).
bool names_a_path(std::string_view arg) {
    std::string lower(arg);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lower.find("file") != std::string::npos || lower.find("ca-path") != std::string::npos ||
           lower.find("ca_path") != std::string::npos;
}

void check_accepted(const check_command& cmd) {
    const auto& r = cmd.request;
    SP_FUZZ_CHECK(!r.host.empty());
    SP_FUZZ_CHECK(r.port != 0);
    for (const auto t : {r.timeouts.reply, r.timeouts.connect, r.deadline}) {
        SP_FUZZ_CHECK(t.count() >= 1 && t <= max_duration);
    }
    SP_FUZZ_CHECK(cmd.output.lang == "zh" || cmd.output.lang == "en");
    // The injected environment has no secret to give.
    SP_FUZZ_CHECK(r.password.empty() && r.oauth_token.empty());
    SP_FUZZ_CHECK(!r.ca_file && !r.ca_path);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto input = fuzz::as_text(data, size);
    std::vector<std::string> args{"smtp-probe"};
    // An empty input is argv with the program name alone; "a\0" is "a" and an empty argument.
    for (std::size_t start = 0;
         !input.empty() && start <= input.size() && args.size() <= max_args;) {
        const auto end = std::min(input.find('\0', start), input.size());
        args.emplace_back(input.substr(start, end - start));
        if (names_a_path(args.back())) {
            return 0;
        }
        start = end + 1;
    }
    std::vector<const char*> argv;
    for (const auto& a : args) {
        argv.push_back(a.c_str());
    }

    cli_environment env;
    env.getenv = [](const char*) -> const char* { return nullptr; };
    env.prompt_secret = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
    env.stdin_is_terminal = size % 2 == 1;

    const auto result = parse_command_line(static_cast<int>(argv.size()), argv.data(), env);
    if (const auto* cmd = options_of<check_command>(result)) {
        check_accepted(*cmd);
    } else if (const auto* explain = options_of<explain_command>(result)) {
        SP_FUZZ_CHECK(explain->output.lang == "zh" || explain->output.lang == "en");
    } else if (const auto* help = std::get_if<cli_help>(&result)) {
        SP_FUZZ_CHECK(!help->text.empty());
    } else {
        SP_FUZZ_CHECK(!std::get<cli_error>(result).message.empty());
    }
    return 0;
}
