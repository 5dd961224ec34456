#include "probe/commands/command_line.hpp"

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

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
    CLI::App root{"Probe an SMTP server the way WHMCS uses it and name what fails.",
                  std::string(program_name)};
    root.allow_extras(true);
    std::string footer = "Commands: ";
    for (std::size_t i = 0; i < specs.size(); ++i) {
        footer += (i > 0 ? ", " : "") + std::string(specs[i].name) + " (" +
                  std::string(specs[i].summary) + ")";
    }
    footer += ". Run smtp-probe COMMAND --help for the options of each.";
    root.footer(footer);
    auto* root_version = root.add_flag("--version")->description("Print the version and exit");
    std::vector<std::unique_ptr<command_parser>> parsers;
    parsers.reserve(specs.size());
    for (const auto& spec : specs) {
        parsers.push_back(spec.declare(root));
    }

    const char* const fallback[] = {program_name.data()};
    try {
        if (argc < 1) {
            root.parse(1, fallback);
        } else {
            root.parse(argc, argv);
        }
    } catch (const CLI::CallForHelp&) {
        return cli_help{root.help()};
    } catch (const CLI::CallForAllHelp&) {
        return cli_help{root.help("", CLI::AppFormatMode::All)};
    } catch (const CLI::ParseError& e) {
        const auto selected = root.get_subcommands();
        return translate_parse_error(e, selected.empty() ? nullptr : selected.front());
    }

    if (is_set(root_version)) {
        return cli_help{version_text()};
    }
    if (auto error = leftover_problem(root.remaining(), nullptr,
                                      listed(specs, &command_spec::name, "", " and "))) {
        return std::move(*error);
    }
    for (auto& parser : parsers) {
        if (parser->app().parsed()) {
            return parser->build(env);
        }
    }
    return cli_error{
        "no command given; use " + listed(specs, &command_spec::usage, "smtp-probe ", " or "),
        root.help()};
}

}  // namespace smtp_probe
