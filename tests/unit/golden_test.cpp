// The text reports compared whole with files under tests/golden/: check's report of each
// fixture (English and Chinese, plain and verbose with the transcript, one with colours),
// diagnose's table and advice, and explain's answers. Substring tests say a sentence is there;
// these say nothing else moved (alignment, order, blank lines, escapes).
//
// After an intended change: SMTP_PROBE_UPDATE_GOLDEN=1 ctest -R unit_golden, then review the
// files' diff like code.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "checks/recommend.hpp"
#include "probe/commands/diagnose/diagnose.hpp"
#include "probe/commands/diagnose/diagnose_report.hpp"
#include "probe/commands/explain/explain.hpp"
#include "probe/commands/explain/explain_report.hpp"
#include "probe/report/report_text.hpp"
#include "tests/unit/report_fixtures.hpp"

using namespace smtp_probe;

namespace {

const std::filesystem::path golden_dir{SP_GOLDEN_DIR};

bool updating() {
    const char* v = std::getenv("SMTP_PROBE_UPDATE_GOLDEN");
    return v != nullptr && std::string(v) == "1";
}

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::vector<std::string> lines_of(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string line; std::getline(in, line);) {
        out.push_back(line);
    }
    return out;
}

/// Compares `actual` with tests/golden/<name>; on a difference, names the first line that
/// differs with both versions.
void check_golden(const std::string& name, const std::string& actual) {
    CAPTURE(name);
    const auto path = golden_dir / name;
    if (updating()) {
        std::ofstream(path, std::ios::binary) << actual;
        MESSAGE("wrote " << path.string());
        return;
    }
    REQUIRE_MESSAGE(std::filesystem::exists(path),
                    "missing " << path.string() << " (SMTP_PROBE_UPDATE_GOLDEN=1 writes it)");
    const auto expected = read_file(path);
    if (expected == actual) {
        CHECK(true);
        return;
    }
    const auto want = lines_of(expected);
    const auto got = lines_of(actual);
    std::size_t i = 0;
    while (i < want.size() && i < got.size() && want[i] == got[i]) {
        ++i;
    }
    FAIL_CHECK("differs from " << path.string() << " at line " << i + 1
                               << "\n  expected: " << (i < want.size() ? want[i] : "(end)")
                               << "\n  actual:   " << (i < got.size() ? got[i] : "(end)")
                               << "\n(SMTP_PROBE_UPDATE_GOLDEN=1 rewrites it after an intended "
                                  "change)");
}

struct language_case {
    language lang;
    const char* suffix;
};
const language_case languages[] = {{language::en, "en"}, {language::zh, "zh"}};

probe_result on(probe_result r, std::uint16_t port, security_mode mode) {
    r.target.port = port;
    r.target.security = mode;
    return r;
}

combination_result combo(std::uint16_t port, security_mode mode, probe_result r) {
    combination_result c;
    c.combo = port_mode{port, mode};
    c.result = on(std::move(r), port, mode);
    return c;
}

}  // namespace

TEST_CASE("golden: check's report of each fixture") {
    const std::vector<std::pair<const char*, std::function<probe_result()>>> fixtures{
        {"passing", fixtures::passing},
        {"auth-failure", fixtures::auth_failure},
        {"certificate-failure", fixtures::certificate_failure},
        {"with-warnings", fixtures::with_warnings},
        {"passing-with-notes", fixtures::passing_with_notes},
        {"starttls-missing", fixtures::starttls_missing},
        {"tcp-refused", fixtures::tcp_refused},
        {"hostile", fixtures::hostile},
    };
    for (const auto& [name, make] : fixtures) {
        for (const auto& l : languages) {
            text_options plain;
            plain.lang = l.lang;
            check_golden(std::string("check-") + name + "." + l.suffix + ".txt",
                         render_text(make(), plain));
        }
    }
}

TEST_CASE("golden: check -v with the transcript, and with colours") {
    for (const auto& l : languages) {
        text_options verbose;
        verbose.lang = l.lang;
        verbose.verbosity = 1;
        verbose.show_transcript = true;
        check_golden(std::string("check-passing.verbose.") + l.suffix + ".txt",
                     render_text(fixtures::passing(), verbose));
        check_golden(std::string("check-auth-failure.verbose.") + l.suffix + ".txt",
                     render_text(fixtures::auth_failure(), verbose));
    }
    text_options colour;
    colour.color = true;
    check_golden("check-auth-failure.color.en.txt", render_text(fixtures::auth_failure(), colour));
}

TEST_CASE("golden: diagnose's table and advice") {
    diagnose_outcome works;
    works.combinations.push_back(combo(25, security_mode::automatic, fixtures::tcp_refused()));
    works.combinations.push_back(combo(26, security_mode::automatic, fixtures::tcp_refused()));
    works.combinations.push_back(combo(465, security_mode::tls, fixtures::certificate_failure()));
    works.combinations.push_back(combo(587, security_mode::starttls, fixtures::passing()));
    works.combinations.back().tried_auth = true;
    works.advice = recommend(works.combinations);
    works.planned_size = 12'000'000;
    works.warnings.push_back(*message_size_warning(12'000'000, std::uint64_t{10'240'000}));

    diagnose_outcome refused;
    refused.combinations.push_back(combo(25, security_mode::automatic, fixtures::tcp_refused()));
    refused.combinations.push_back(
        combo(26, security_mode::automatic, fixtures::starttls_missing()));
    refused.combinations.push_back(combo(465, security_mode::tls, fixtures::auth_failure()));
    refused.combinations.back().tried_auth = true;
    refused.combinations.push_back(combo(587, security_mode::starttls, fixtures::passing()));
    refused.combinations.back().password_refused_on = 465;
    refused.advice = recommend(refused.combinations);

    for (const auto& l : languages) {
        text_options opt;
        opt.lang = l.lang;
        check_golden(std::string("diagnose-works.") + l.suffix + ".txt",
                     render_diagnose_text("mail.example.com", works, opt));
        check_golden(std::string("diagnose-password-refused.") + l.suffix + ".txt",
                     render_diagnose_text("mail.example.com", refused, opt));
    }
}

TEST_CASE("golden: explain's answers") {
    const std::vector<std::pair<const char*, const char*>> inputs{
        {"authenticate", "SMTP Error: Could not authenticate."},
        {"connect-refused", "SMTP ERROR: Failed to connect to server: Connection refused (111)"},
        {"sender-verify",
         "SMTP Error: The following recipients failed: a@example.com: "
         "550 5.7.1 Sender verify failed"},
        {"category-id", "auth_failed"},
    };
    const std::string log =
        "2026-12-01 10:00:01 Email Sending Failed - SMTP Error: Could not authenticate.\n"
        "2026-12-01 10:05:01 Email Sending Failed - SMTP Error: Could not authenticate.\n"
        "2026-12-01 10:06:00 Cron job completed\n"
        "2026-12-01 10:07:12 Email Sending Failed - Could not instantiate mail function.\n";
    for (const auto& l : languages) {
        explain_options opt;
        opt.lang = l.lang;
        for (const auto& [name, line] : inputs) {
            check_golden(std::string("explain-") + name + "." + l.suffix + ".txt",
                         render_explanation(line, explain_input(line), facts_of(line), opt));
        }
        check_golden(std::string("explain-list.") + l.suffix + ".txt", render_category_list(opt));
        check_golden(std::string("explain-log.") + l.suffix + ".txt",
                     render_log_explanation(explain_log(log), opt));
    }
}
