#include <doctest/doctest.h>

#include "tests/unit/cli_test_env.hpp"

#include <boost/json/parse.hpp>
#include <initializer_list>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "probe/commands/check/check_command.hpp"
#include "probe/commands/command_line.hpp"
#include "probe/commands/explain/explain_command.hpp"
#include "probe/commands/explain/explain_run.hpp"

using namespace smtp_probe;
using smtp_probe::testing::fake_env;

namespace {

cli_result parse(std::initializer_list<std::string> args, const cli_environment& env = fake_env()) {
    std::vector<std::string> words{"smtp-probe"};
    words.insert(words.end(), args.begin(), args.end());
    std::vector<const char*> argv;
    argv.reserve(words.size());
    for (const auto& w : words) {
        argv.push_back(w.c_str());
    }
    return parse_command_line(static_cast<int>(argv.size()), argv.data(), env);
}

explain_command explain_of(const cli_result& r) {
    if (const auto* e = std::get_if<cli_error>(&r)) {
        FAIL("unexpected error: " << e->message);
    }
    REQUIRE(holds_command<explain_command>(r));
    return options_in<explain_command>(r);
}

std::string error_of(const cli_result& r) {
    REQUIRE(std::holds_alternative<cli_error>(r));
    return std::get<cli_error>(r).message;
}

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

struct run_output {
    int code = -1;
    std::string out;
    std::string err;
};

/// Parses argv as the program does and runs explain with `input` as stdin.
run_output run(std::initializer_list<std::string> args, const std::string& input = "",
               const cli_environment& env = fake_env()) {
    const auto cmd = explain_of(parse(args, env));
    std::istringstream in(input);
    std::ostringstream out;
    std::ostringstream err;
    run_output r;
    r.code = run_explain(cmd, false, in, out, err);
    r.out = out.str();
    r.err = err.str();
    return r;
}

}  // namespace

TEST_CASE("explain: arguments") {
    SUBCASE("a category id") {
        const auto cmd = explain_of(parse({"explain", "auth_failed"}));
        CHECK(cmd.from == explain_command::source::argument);
        CHECK(cmd.text == "auth_failed");
        CHECK(cmd.output.fmt == output_options::format::text);
        CHECK(cmd.output.lang == "en");
    }
    SUBCASE("an unquoted line: its words joined") {
        const auto cmd =
            explain_of(parse({"explain", "SMTP", "Error:", "Could", "not", "authenticate."}));
        CHECK(cmd.text == "SMTP Error: Could not authenticate.");
    }
    SUBCASE("options before and after the text") {
        const auto cmd =
            explain_of(parse({"explain", "--format", "JSON", "data not accepted", "--lang", "zh"}));
        CHECK(cmd.text == "data not accepted");
        CHECK(cmd.output.fmt == output_options::format::json);
        CHECK(cmd.output.lang == "zh");
    }
    SUBCASE("an option given twice: the last one wins, as --help says") {
        const auto cmd = explain_of(parse({"explain", "--format", "json", "--format", "text",
                                           "--lang", "zh", "--lang", "en", "auth_failed"}));
        CHECK(cmd.output.fmt == output_options::format::text);
        CHECK(cmd.output.lang == "en");
    }
    SUBCASE("a line that starts with '-' after --") {
        const auto cmd = explain_of(parse({"explain", "--", "-ERR SMTP connect() failed"}));
        CHECK(cmd.text == "-ERR SMTP connect() failed");
        const auto words = explain_of(parse({"explain", "--", "-ERR", "--format", "x"}));
        CHECK(words.text == "-ERR --format x");
        CHECK(words.output.fmt == output_options::format::text);
    }
    SUBCASE("the language from the environment as for check") {
        CHECK(
            explain_of(parse({"explain", "x"}, fake_env({{"LANG", "zh_CN.UTF-8"}}))).output.lang ==
            "zh");
        CHECK(explain_of(parse({"explain", "x"},
                               fake_env({{"LC_ALL", "en_US.UTF-8"}, {"LANG", "zh_CN.UTF-8"}})))
                  .output.lang == "en");
    }
    SUBCASE("no text: stdin when it is not a terminal, else the list") {
        CHECK(explain_of(parse({"explain"})).from == explain_command::source::standard_input);
        CHECK(explain_of(parse({"explain"}, fake_env({}, true))).from ==
              explain_command::source::category_list);
    }
}

TEST_CASE("explain: bad arguments are errors (exit 3)") {
    CHECK(error_of(parse({"explain", "--format", "yaml", "auth_failed"})) ==
          "--format: 'yaml' is not an output format; use text or json");
    CHECK(error_of(parse({"explain", "--lang", "fr", "auth_failed"})) ==
          "--lang: 'fr' is not a language of the report; use zh or en");
    CHECK(contains(error_of(parse({"explain", "--color", "blue", "x"})), "is not a colour mode"));
    CHECK(contains(error_of(parse({"explain", "--frobnicate", "x"})),
                   "unknown option '--frobnicate'"));
    CHECK(contains(error_of(parse({"explain", "--format"})), "--format needs a value"));
}

TEST_CASE("explain: check is parsed as before, and the commands are named") {
    const auto r = parse({"check", "mail.example.com", "--port", "465"});
    REQUIRE(holds_command<check_command>(r));
    CHECK(options_in<check_command>(r).request.port == 465);
    CHECK(contains(error_of(parse({"frobnicate"})), "explain"));
    const auto help = parse({"explain", "--help"});
    REQUIRE(std::holds_alternative<cli_help>(help));
    CHECK(contains(std::get<cli_help>(help).text, "smtp-probe explain auth_failed"));
}

TEST_CASE("explain: exit codes and output") {
    SUBCASE("an id: 0") {
        const auto r = run({"explain", "auth_failed"});
        CHECK(r.code == 0);
        CHECK(contains(r.out, "WHMCS error: Authentication failed [auth_failed]"));
        CHECK(r.err.empty());
    }
    SUBCASE("a line: 0") {
        const auto r =
            run({"explain", "--lang", "zh", "SMTP Error: Could not connect to SMTP host."});
        CHECK(r.code == 0);
        CHECK(contains(r.out, "无法连接到 SMTP 主机 [connect_host]"));
        CHECK(contains(r.out, "[smtp_connect_failed]"));
    }
    SUBCASE("unknown text: 2, and a sentence listing the ids") {
        const auto r = run({"explain", "the printer is on fire"});
        CHECK(r.code == 2);
        CHECK(contains(r.out, "No WHMCS email error was recognised"));
        CHECK(contains(r.out, "no_recipients"));
    }
    SUBCASE("unknown text as JSON: 2, the document on stdout, the sentence on stderr") {
        const auto r = run({"explain", "--format", "json", "the printer is on fire"});
        CHECK(r.code == 2);
        const auto doc = boost::json::parse(r.out).as_object();
        CHECK(doc.at("matches").as_array().empty());
        CHECK(contains(r.err, "No WHMCS email error was recognised"));
    }
    SUBCASE("a JSON answer is one document") {
        const auto r = run({"explain", "--format", "json", "SMTP Error: Could not authenticate."});
        CHECK(r.code == 0);
        const auto doc = boost::json::parse(r.out).as_object();
        CHECK(doc.at("matches").as_array()[0].as_object().at("category").as_string() ==
              "auth_failed");
    }
    SUBCASE("stdin: an excerpt") {
        const auto r = run({"explain"},
                           "Cron Job: Starting\n"
                           "Email Sending Failed - SMTP Error: Could not authenticate.\n"
                           "Email Sending Failed - No recipients provided for message\n");
        CHECK(r.code == 0);
        CHECK(contains(r.out, "Read 3 lines; 2 distinct errors recognised."));
        CHECK(contains(r.out, "[no_recipients]"));
    }
    SUBCASE("stdin without anything known: 2") {
        const auto r = run({"explain", "--format", "json"}, "Cron Job: Starting\n");
        CHECK(r.code == 2);
        CHECK(boost::json::parse(r.out).as_object().at("results").as_array().empty());
    }
    SUBCASE("stdin is read only up to the bound") {
        std::string big;
        while (big.size() < std::size_t{200} * 1024) {
            big += "Cron Job: Starting\n";
        }
        big += "SMTP Error: Could not authenticate.\n";
        const auto r = run({"explain"}, big);
        CHECK(r.code == 2);
        CHECK(contains(r.out, "The excerpt was cut at 200 lines or 64 KiB"));
    }
    SUBCASE("a multi-line argument is an excerpt") {
        const auto r = run({"explain", "SMTP Error: data not accepted.\nSMTP connect() failed."});
        CHECK(r.code == 0);
        CHECK(contains(r.out, "Read 2 lines; 2 distinct errors recognised."));
    }
    SUBCASE("the list at a terminal: 0") {
        const auto r = run({"explain"}, "", fake_env({}, true));
        CHECK(r.code == 0);
        CHECK(contains(r.out, "  10  no_recipients"));
    }
}
