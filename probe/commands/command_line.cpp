#include "probe/commands/command_line.hpp"

#include <memory>
#include <string>
#include <vector>

#include "probe/cli/cli_app.hpp"
#include "probe/cli/option_rules.hpp"

namespace smtp_probe {
namespace {

/// "a, b, c and d" of the commands' names or usages.
std::string listed(const std::vector<command_spec>& specs, std::string_view command_spec::*field,
                   std::string_view prefix, std::string_view last_joint) {
    std::string out;
    for (std::size_t i = 0; i < specs.size(); ++i) {
        if (i > 0) {
            out += i + 1 == specs.size() ? last_joint : ", ";
        }
        out += prefix;
        out += specs[i].*field;
    }
    return out;
}

}  // namespace

cli_result parse_command_line(int argc, const char* const* argv, const cli_environment& env) {
    if (auto error = refuse_secret_in_argv(argc, argv)) {
        return std::move(*error);
    }
    const auto specs = registered_commands();
    auto root_app = make_root_app("Probe an SMTP server the way WHMCS uses it and name what fails.",
                                  std::string(program_name));
    auto& root = *root_app;
    set_allow_extras(root, true);
    std::string footer = "Commands: ";
    for (std::size_t i = 0; i < specs.size(); ++i) {
        footer += (i > 0 ? ", " : "") + std::string(specs[i].name) + " (" +
                  std::string(specs[i].summary) + ")";
    }
    footer += ". Run smtp-probe COMMAND --help for the options of each.";
    set_footer(root, footer);
    auto* root_version = add_flag_option(root, "--version", "Print the version and exit");
    std::vector<std::unique_ptr<command_parser>> parsers;
    parsers.reserve(specs.size());
    for (const auto& spec : specs) {
        parsers.push_back(spec.declare(root));
    }

    if (auto stopped = parse_app(root, argc, argv)) {
        if (auto* help = std::get_if<cli_help>(&*stopped)) {
            return std::move(*help);
        }
        return std::get<cli_error>(std::move(*stopped));
    }

    if (is_set(root_version)) {
        return cli_help{version_text()};
    }
    if (auto error = leftover_problem(remaining_words(root), nullptr,
                                      listed(specs, &command_spec::name, "", " and "))) {
        return std::move(*error);
    }
    for (auto& parser : parsers) {
        if (was_parsed(parser->app())) {
            return parser->build(env);
        }
    }
    return cli_error{
        "no command given; use " + listed(specs, &command_spec::usage, "smtp-probe ", " or "),
        app_help(root)};
}

}  // namespace smtp_probe
