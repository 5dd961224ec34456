#include "probe/commands/explain/explain_command.hpp"

#include <memory>

#include "probe/cli/cli_app.hpp"
#include "probe/cli/option_rules.hpp"
#include "probe/commands/command.hpp"
#include "probe/commands/explain/explain_run.hpp"
#include "probe/report/quote_value.hpp"

namespace smtp_probe {
namespace {

class explain_run final : public command_with<explain_command> {
public:
    using command_with::command_with;

    int run(runtime& /*rt*/, command_io& io) override {
        return run_explain(options, use_color(options.output.color), io.in, io.out, io.err);
    }
};

struct explain_options_cli {
    CLI::App* app = nullptr;
    CLI::Option* text = nullptr;
    CLI::Option* format = nullptr;
    CLI::Option* lang = nullptr;
    CLI::Option* color = nullptr;
};

explain_options_cli add_explain_command(CLI::App& root) {
    explain_options_cli o;
    auto& app = add_command_app(root, "explain",
                                "Say what a line from WHMCS System Logs means: its WHMCS error "
                                "category, the cause when the line names one, and what to do.",
                                true);
    o.app = &app;
    set_footer(app,
               "Examples:\n"
               "  smtp-probe explain \"SMTP Error: Could not authenticate.\"\n"
               "  smtp-probe explain auth_failed\n"
               "  smtp-probe explain < system-log-excerpt.txt\n"
               "\n"
               "Without TEXT, a log excerpt is read from stdin (at most 200 lines, 64 KiB); at a\n"
               "terminal the categories are listed. Exit code: 0 something was recognised, 2 "
               "nothing\n"
               "was, 3 bad arguments.");
    // Every word, also after --.
    o.text = add_words_argument(app, "TEXT",
                                "A line from System Logs (quote it), or a category id such as "
                                "auth_failed");
    const std::string output = "Output";
    o.format = add_value_option(app, "--format", "FMT", "text|json (default text)", output);
    o.lang = add_value_option(app, "--lang", "LANG",
                              "zh|en (default: from LC_ALL, LC_MESSAGES, LANG)", output);
    o.color = add_value_option(app, "--color", "WHEN", "auto|always|never (default auto)", output);
    return o;
}

cli_result build_explain(const explain_options_cli& o, const cli_environment& env) {
    for (const auto& extra : remaining_words(*o.app)) {
        if (extra.size() > 1 && extra.front() == '-' && extra != "--") {
            return fail("unknown option " + quote_value(option_name(extra)) +
                        "; a line that starts with '-' goes after --, as in smtp-probe explain -- "
                        "\"-ERR ...\"" +
                        help_hint(o.app));
        }
    }
    explain_command cmd;
    std::string text;
    for (const auto& word : option_results(o.text)) {
        if (!text.empty()) {
            text += ' ';
        }
        text += word;
    }
    if (!option_results(o.text).empty()) {
        cmd.from = explain_command::source::argument;
        cmd.text = std::move(text);
    } else {
        cmd.from = env.stdin_is_terminal ? explain_command::source::category_list
                                         : explain_command::source::standard_input;
    }
    auto& out = cmd.output;
    if (auto problem = read_format_and_lang(o.format, o.lang, out, env)) {
        return fail(*problem);
    }
    if (auto problem = read_color(o.color, out)) {
        return fail(*problem);
    }
    return std::make_unique<explain_run>(std::move(cmd));
}

class explain_parser final : public command_parser {
public:
    explicit explain_parser(CLI::App& root) : options_(add_explain_command(root)) {}
    CLI::App& app() override { return *options_.app; }
    cli_result build(const cli_environment& env) override { return build_explain(options_, env); }

private:
    explain_options_cli options_;
};

[[maybe_unused]] const bool registered =
    register_command({"explain", 30, "explain [TEXT]", "a WHMCS log line or category",
                      [](CLI::App& root) -> std::unique_ptr<command_parser> {
                          return std::make_unique<explain_parser>(root);
                      }});

}  // namespace
}  // namespace smtp_probe
