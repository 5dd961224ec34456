// Every option the catalogues tell a user to type exists: each "--name" in a cause, warning,
// category, UI or php-mail text (both languages) is an option of one of smtp-probe's commands, as
// their --help lists them, unless it belongs to the other program the sentence names. Before:
// two remedies said "--json", which no command has.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "probe/commands/command_line.hpp"
#include "probe/i18n/i18n.hpp"
#include "tests/unit/cli_test_env.hpp"

using namespace smtp_probe;

namespace {

/// Options of other programs that remedies quote, each with the program named beside it.
const std::map<std::string, std::string> foreign = {
    {"--uid-owner", "iptables"},
    {"--only-upgrade", "apt"},
};

std::vector<std::string> options_in(std::string_view text) {
    std::vector<std::string> out;
    for (auto at = text.find("--"); at != std::string_view::npos; at = text.find("--", at + 2)) {
        auto end = at + 2;
        while (end < text.size() && ((text[end] >= 'a' && text[end] <= 'z') || text[end] == '-' ||
                                     (text[end] >= '0' && text[end] <= '9'))) {
            ++end;
        }
        if (end > at + 2 && (at == 0 || text[at - 1] == ' ' || text[at - 1] == '(' ||
                             static_cast<unsigned char>(text[at - 1]) >= 0x80)) {
            out.emplace_back(text.substr(at, end - at));
        }
        at = end - 2;
    }
    return out;
}

std::string help_of(const std::string& command) {
    std::vector<const char*> argv{"smtp-probe", command.c_str(), "--help"};
    const auto r =
        parse_command_line(static_cast<int>(argv.size()), argv.data(), testing::fake_env());
    const auto* help = std::get_if<cli_help>(&r);
    REQUIRE_MESSAGE(help != nullptr, "no --help for " << command);
    return help->text;
}

/// Every text a user may be shown, with where it came from.
std::vector<std::pair<std::string, std::string>> all_texts() {
    std::vector<std::pair<std::string, std::string>> out;
    const auto add = [&](std::string where, std::string_view text) {
        out.emplace_back(std::move(where), std::string(text));
    };
    for (const auto lang : {language::en, language::zh}) {
        const std::string l(language_name(lang));
        for (int v = static_cast<int>(probe_errc::dns_not_found);
             v <= static_cast<int>(probe_errc::smtp_restrictions_redirect); ++v) {
            const auto e = static_cast<probe_errc>(v);
            const auto& t = describe(e, lang);
            const std::string where = l + " cause " + std::string(cause_id(e));
            add(where, t.title);
            add(where, t.why);
            for (const auto step : t.remedy) {
                add(where, step);
            }
        }
        // The fallbacks for an id a catalogue does not know (a newer JSON, a bug) count too.
        for (const auto& t : {describe(static_cast<probe_errc>(9999), lang),
                              describe(static_cast<warning_kind>(9999), lang)}) {
            add(l + " fallback", t.why);
            for (const auto step : t.remedy) {
                add(l + " fallback", step);
            }
        }
        for (int v = static_cast<int>(warning_kind::cert_expiring);
             v <= static_cast<int>(warning_kind::tls_not_used); ++v) {
            const auto w = static_cast<warning_kind>(v);
            const auto& t = describe(w, lang);
            const std::string where = l + " warning " + std::string(warning_id(w));
            add(where, t.why);
            for (const auto step : t.remedy) {
                add(where, step);
            }
        }
        for (const auto c : all_categories) {
            const auto& t = describe(c, lang);
            const std::string where = l + " category " + std::string(category_id(c));
            add(where, t.meaning);
            for (const auto step : t.checks) {
                add(where, step);
            }
        }
        for (int v = 0; v <= static_cast<int>(ui_string::whmcs_log_heading); ++v) {
            add(l + " ui " + std::to_string(v), ui_text(static_cast<ui_string>(v), lang));
        }
        for (int v = 0; v <= static_cast<int>(php_mail_text::verdict_sent); ++v) {
            add(l + " php-mail " + std::to_string(v),
                php_mail_template(static_cast<php_mail_text>(v), lang));
        }
    }
    return out;
}

}  // namespace

TEST_CASE("every option a catalogue suggests is an option of a command") {
    std::string helps;
    for (const std::string command : {"check", "diagnose", "explain", "php-mail"}) {
        helps += help_of(command) + "\n";
    }
    std::set<std::string> found;
    for (const auto& [where, text] : all_texts()) {
        for (const auto& option : options_in(text)) {
            CAPTURE(where);
            CAPTURE(option);
            found.insert(option);
            if (const auto it = foreign.find(option); it != foreign.end()) {
                CHECK(text.find(it->second) != std::string::npos);
                continue;
            }
            const bool listed = helps.find(option + " ") != std::string::npos ||
                                helps.find(option + ",") != std::string::npos ||
                                helps.find(option + "=") != std::string::npos;
            CHECK_MESSAGE(listed, option << " in " << where << " is no option of smtp-probe");
        }
    }
    // The extraction itself works: the catalogues do suggest options.
    CHECK(found.size() >= 6);
    CHECK(found.contains("--format"));
    CHECK(found.contains("--as-user"));
}
