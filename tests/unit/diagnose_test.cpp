// diagnose: its command line, its combinations and its report, on hand-built values.
#include <doctest/doctest.h>

#include "tests/unit/cli_test_env.hpp"

#include <boost/json/serialize.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "probe/commands/check/check_command.hpp"
#include "probe/commands/command_line.hpp"
#include "probe/commands/diagnose/diagnose.hpp"
#include "probe/commands/diagnose/diagnose_command.hpp"
#include "probe/commands/diagnose/diagnose_report.hpp"
#include "probe/report/display_width.hpp"

using namespace smtp_probe;
using smtp_probe::testing::fake_env;

namespace {

cli_result run(std::vector<std::string> words, const cli_environment& env = fake_env()) {
    words.insert(words.begin(), "smtp-probe");
    std::vector<const char*> argv;
    argv.reserve(words.size());
    for (const auto& w : words) {
        argv.push_back(w.c_str());
    }
    return parse_command_line(static_cast<int>(argv.size()), argv.data(), env);
}

std::string error_of(const cli_result& r) {
    const auto* e = std::get_if<cli_error>(&r);
    return e ? e->message : std::string("(no error)");
}

probe_result passed(std::uint16_t port, security_mode mode, bool starttls_ran) {
    probe_result r;
    r.target = probe_target{"mail.example.com", port, mode};
    for (const auto p : all_phases) {
        phase_record rec;
        rec.name = p;
        rec.status =
            (p == phase::starttls && !starttls_ran) ? phase_status::skip : phase_status::pass;
        if (p == phase::ehlo) {
            rec.auth_mechanisms = {"PLAIN", "LOGIN"};
            rec.size_limit = 10'240'000;
        }
        r.checks.push_back(rec);
    }
    return r;
}

probe_result failed(std::uint16_t port, security_mode mode, phase p, probe_errc cause,
                    failure_category category) {
    auto r = passed(port, mode, false);
    for (auto& rec : r.checks) {
        if (rec.name == p) {
            rec.status = phase_status::fail;
            rec.cause = cause;
            rec.detail = "detail of the failure";
        }
    }
    r.outcome = verdict{category, cause, std::nullopt, p};
    return r;
}

combination_result combo(std::uint16_t port, security_mode mode, probe_result r) {
    combination_result c;
    c.combo = port_mode{port, mode};
    c.result = std::move(r);
    return c;
}

}  // namespace

TEST_CASE("diagnose reads check's options plus --ports and --message-size") {
    const auto r = run(
        {"diagnose", "mail.example.com", "--user", "billing@example.com", "--password-env", "PW",
         "--ports", "2525,8025", "--message-size", "12MB", "--lang", "zh", "--format", "json"},
        fake_env({{"PW", "s3cret"}}));
    const auto* d = options_of<diagnose_command>(r);
    REQUIRE_MESSAGE(d != nullptr, error_of(r));
    CHECK(d->request.host == "mail.example.com");
    CHECK(d->request.user == std::optional<std::string>("billing@example.com"));
    CHECK(d->request.password.reveal() == "s3cret");
    CHECK(d->request.from == std::optional<std::string>("billing@example.com"));
    CHECK(d->extra_ports == std::vector<std::uint16_t>{2525, 8025});
    CHECK(d->message_size == std::optional<std::uint64_t>(12'000'000));
    CHECK(d->output.lang == "zh");
    CHECK(d->output.fmt == output_options::format::json);
}

TEST_CASE("diagnose takes --dns-timeout") {
    const auto r = run({"diagnose", "mail.example.com", "--dns-timeout", "2s"});
    const auto* d = options_of<diagnose_command>(r);
    REQUIRE_MESSAGE(d != nullptr, error_of(r));
    CHECK(d->request.timeouts.dns == std::chrono::milliseconds(2000));
}

TEST_CASE("diagnose refuses the choice of one port or mode") {
    CHECK(error_of(run({"diagnose", "mail.example.com", "--port", "25"})).find("--port") == 0);
    CHECK(error_of(run({"diagnose", "mail.example.com", "--ssl-type", "ssl"})).find("--ssl-type") ==
          0);
    CHECK(error_of(run({"diagnose", "mail.example.com:587"})).find("without a port") !=
          std::string::npos);
    CHECK(error_of(run({"diagnose", "mail.example.com", "--ports", "25,x"})).find("--ports") == 0);
    CHECK(error_of(run({"diagnose", "mail.example.com", "--message-size", "big"}))
              .find("--message-size") == 0);
    // check keeps its own behaviour: --ports is not one of its options.
    CHECK(error_of(run({"check", "mail.example.com", "--ports", "25"})).find("unknown option") ==
          0);
    CHECK(holds_command<check_command>(run({"check", "mail.example.com"})));
}

TEST_CASE("the combinations: the usual four, then extra ports in their default modes") {
    const auto combos = diagnose_combinations({2525, 587, 465, 2465});
    REQUIRE(combos.size() == 6);
    CHECK(combos[0] == port_mode{25, security_mode::automatic});
    CHECK(combos[1] == port_mode{26, security_mode::automatic});
    CHECK(combos[2] == port_mode{465, security_mode::tls});
    CHECK(combos[3] == port_mode{587, security_mode::starttls});
    CHECK(combos[4] == port_mode{2525, security_mode::automatic});
    CHECK(combos[5] == port_mode{2465, security_mode::automatic});
}

TEST_CASE("the report names the WHMCS settings and why the others fail") {
    diagnose_outcome d;
    d.combinations.push_back(
        combo(25, security_mode::automatic,
              failed(25, security_mode::automatic, phase::tcp, probe_errc::tcp_timeout,
                     failure_category::connect_host)));
    d.combinations.push_back(
        combo(465, security_mode::tls,
              failed(465, security_mode::tls, phase::tls, probe_errc::port_mode_mismatch,
                     failure_category::connect_host)));
    d.combinations.push_back(
        combo(587, security_mode::starttls, passed(587, security_mode::starttls, true)));
    d.combinations.back().tried_auth = true;
    d.advice = recommend(d.combinations);
    d.planned_size = 12'000'000;
    d.warnings.push_back(*message_size_warning(12'000'000, std::uint64_t{10'240'000}));

    const auto text = render_diagnose_text("mail.example.com", d, text_options{});
    CHECK(text.find("SMTP Port 587, SMTP SSL Type TLS") != std::string::npos);
    CHECK(text.find("465 greets in plain text: choose TLS (STARTTLS), not SSL") !=
          std::string::npos);
    CHECK(text.find("25 is closed or filtered") != std::string::npos);
    CHECK(text.find("4/3") != std::string::npos);
    CHECK(text.find("SMTP Restrictions") == std::string::npos);
    CHECK(exit_status_of(d) == exit_status::warning);

    text_options zh;
    zh.lang = language::zh;
    const auto zh_text = render_diagnose_text("mail.example.com", d, zh);
    CHECK(zh_text.find("SMTP Port 587，SMTP SSL Type TLS") != std::string::npos);

    const auto doc = diagnose_json("mail.example.com", d, false);
    CHECK(doc.at("ok").as_bool());
    CHECK(doc.at("category").as_string() == "ok");
    const auto& rec = doc.at("recommendation").as_object();
    CHECK(rec.at("port").to_number<int>() == 587);
    CHECK(rec.at("ssl_type").as_string() == "TLS");
    CHECK(rec.at("reason").as_string() == "starttls_587");
    const auto& combos = doc.at("combinations").as_array();
    REQUIRE(combos.size() == 3);
    CHECK(combos[1].at("note").as_string() == "expects_starttls");
    CHECK(combos[2].at("tried_auth").as_bool());
    CHECK(combos[2].at("note").is_null());
    CHECK(doc.at("warnings").as_array().at(0).at("cause").as_string() ==
          "size_limit_below_message");
}

TEST_CASE("a redirect is said plainly with the WHM path; nothing working exits 2") {
    diagnose_outcome d;
    auto r = failed(587, security_mode::starttls, phase::certificate,
                    probe_errc::smtp_restrictions_redirect, failure_category::smtp_connect_failed);
    r.outcome.underlying_cause = probe_errc::cert_name_mismatch;
    d.combinations.push_back(combo(587, security_mode::starttls, std::move(r)));
    d.advice = recommend(d.combinations);
    const auto text = render_diagnose_text("smtp.provider.test", d, text_options{});
    CHECK(text.find("WHM » Home » Security Center » SMTP Restrictions") != std::string::npos);
    CHECK(text.find("SMTP_REDIRECT") != std::string::npos);
    CHECK(text.find("root is exempt") != std::string::npos);
    CHECK(exit_status_of(d) == exit_status::failure);
    const auto doc = diagnose_json("smtp.provider.test", d, false);
    CHECK(doc.at("redirect").as_bool());
    CHECK(doc.at("recommendation").is_null());
    CHECK(doc.at("cause").as_string() == "smtp_restrictions_redirect");
    CHECK(doc.at("deciding").at("port").to_number<int>() == 587);
}

TEST_CASE("--as-user is read for check and diagnose, and refused when it is no user name") {
    const auto d = run({"diagnose", "mail.example.com", "--as-user", "whmcsuser"});
    REQUIRE_MESSAGE(holds_command<diagnose_command>(d), error_of(d));
    CHECK(options_in<diagnose_command>(d).as_user == std::optional<std::string>("whmcsuser"));
    const auto c = run({"check", "mail.example.com", "--as-user", "1001"});
    REQUIRE_MESSAGE(holds_command<check_command>(c), error_of(c));
    CHECK(options_in<check_command>(c).as_user == std::optional<std::string>("1001"));
    CHECK_FALSE(options_in<check_command>(run({"check", "mail.example.com"})).as_user.has_value());
    for (const char* bad : {"", "two words", "tab\there", "bell\x07"}) {
        CAPTURE(bad);
        CHECK(error_of(run({"check", "mail.example.com", "--as-user", bad})).find("--as-user") ==
              0);
    }
    CHECK(error_of(run({"explain", "--as-user", "nobody"})).find("unknown option") == 0);
}

TEST_CASE("the report says who connected, and offers --as-user to root on cPanel or CSF") {
    diagnose_outcome d;
    d.combinations.push_back(
        combo(587, security_mode::starttls, passed(587, security_mode::starttls, true)));
    d.advice = recommend(d.combinations);
    const std::string offer = "run it again with --as-user";
    const std::string made_as = "Connections made as";

    d.ran_as = run_identity{"whmcsuser", 1001, true, true};
    auto text = render_diagnose_text("mail.example.com", d, text_options{});
    CHECK(text.find("Connections made as whmcsuser (uid 1001)") != std::string::npos);
    CHECK(text.find(offer) == std::string::npos);
    auto doc = diagnose_json("mail.example.com", d, false);
    CHECK(
        boost::json::serialize(doc.at("run_as")) ==
        R"({"user":"whmcsuser","uid":1001,"switched":true,"redirect_exempt":false,"redirect_tools":true})");

    d.ran_as = run_identity{"root", 0, false, true};
    text = render_diagnose_text("mail.example.com", d, text_options{});
    CHECK(text.find(made_as) == std::string::npos);
    CHECK(text.find(offer) != std::string::npos);
    text_options zh;
    zh.lang = language::zh;
    CHECK(render_diagnose_text("mail.example.com", d, zh).find("--as-user") != std::string::npos);
    doc = diagnose_json("mail.example.com", d, false);
    CHECK(doc.at("run_as").at("redirect_exempt").as_bool());

    // root on a machine without cPanel or CSF: nothing to offer.
    d.ran_as = run_identity{"root", 0, false, false};
    CHECK(render_diagnose_text("mail.example.com", d, text_options{}).find(offer) ==
          std::string::npos);
    d.ran_as.reset();
    CHECK(diagnose_json("mail.example.com", d, false).at("run_as").is_null());
}

TEST_CASE("a pass answered by this machine is shown as the redirect, not as working") {
    diagnose_outcome d;
    auto local = passed(25, security_mode::automatic, false);
    local.warnings.push_back({warning_kind::smtp_restrictions_redirect, "192.0.2.10"});
    for (auto& rec : local.checks) {
        if (rec.name == phase::greeting) {
            rec.detail = "220 this-host ESMTP Exim";
        }
    }
    d.combinations.push_back(combo(25, security_mode::automatic, std::move(local)));
    d.advice = recommend(d.combinations);
    const auto text = render_diagnose_text("smtp.provider.test", d, text_options{});
    CHECK(text.find("None      works") == std::string::npos);
    CHECK(text.find("No combination works") != std::string::npos);
    CHECK(text.find("25    auto:none  None      smtp_restrictions_redirect") != std::string::npos);
    CHECK(text.find("220 this-host ESMTP Exim") != std::string::npos);
    CHECK(exit_status_of(d) == exit_status::failure);
    const auto doc = diagnose_json("smtp.provider.test", d, false);
    CHECK(doc.at("recommendation").is_null());
    CHECK(doc.at("category").as_string() == "auth_failed");
    CHECK(doc.at("cause").as_string() == "smtp_restrictions_redirect");
    CHECK_FALSE(doc.at("combinations").at(0).at("works").as_bool());
    CHECK(doc.at("combinations").at(0).at("note").as_string() == "redirected");
}

TEST_CASE("--transcript prints each combination's conversation, and only then") {
    diagnose_outcome d;
    auto r = passed(587, security_mode::starttls, true);
    r.transcript.push_back(
        {transcript_direction::received, duration_ms{3}, "220 mail.example.com ESMTP"});
    d.combinations.push_back(combo(587, security_mode::starttls, std::move(r)));
    d.advice = recommend(d.combinations);
    text_options with;
    with.show_transcript = true;
    const auto text = render_diagnose_text("mail.example.com", d, with);
    CHECK(text.find("Transcript (587 starttls):") != std::string::npos);
    CHECK(text.find("<<< 220 mail.example.com ESMTP") != std::string::npos);
    CHECK(render_diagnose_text("mail.example.com", d, text_options{}).find("<<< 220") ==
          std::string::npos);
}

TEST_CASE("the failures list says the probe's own words in the reader's language") {
    auto r = failed(587, security_mode::starttls, phase::starttls, probe_errc::starttls_unavailable,
                    failure_category::connect_host);
    auto& rec = r.checks[static_cast<std::size_t>(phase::starttls)];
    REQUIRE(rec.name == phase::starttls);
    rec.notes = {{detail_text::starttls_not_offered, {}}};
    rec.detail = render_detail_en(rec.notes);
    diagnose_outcome d;
    d.combinations.push_back(combo(587, security_mode::starttls, r));
    d.combinations.push_back(
        combo(465, security_mode::tls, passed(465, security_mode::tls, false)));
    d.advice = recommend(d.combinations);

    const auto en = render_diagnose_text("mail.example.com", d, text_options{});
    CHECK(en.find("      STARTTLS: STARTTLS is not among the EHLO extensions\n") !=
          std::string::npos);
    text_options zh;
    zh.lang = language::zh;
    const auto zh_text = render_diagnose_text("mail.example.com", d, zh);
    CHECK(zh_text.find("      STARTTLS 升级：EHLO 扩展列表中没有 STARTTLS\n") != std::string::npos);
    CHECK(zh_text.find("not among") == std::string::npos);
    // JSON keeps the English.
    CHECK(boost::json::serialize(diagnose_json("mail.example.com", d, false))
              .find("STARTTLS is not among the EHLO extensions") != std::string::npos);
}

// The table's columns are padded to terminal columns (probe/report/display_width.hpp, the rule
// the check report uses too), in English and in Chinese, whose cells are two columns a character.
TEST_CASE("the combinations table stays aligned in English and in Chinese") {
    diagnose_outcome d;
    d.combinations.push_back(
        combo(25, security_mode::automatic,
              failed(25, security_mode::automatic, phase::tcp, probe_errc::tcp_timeout,
                     failure_category::connect_host)));
    d.combinations.push_back(
        combo(587, security_mode::starttls, passed(587, security_mode::starttls, true)));
    d.advice = recommend(d.combinations);
    for (const auto lang : {language::en, language::zh}) {
        CAPTURE(language_name(lang));
        text_options options;
        options.lang = lang;
        const auto text = render_diagnose_text("mail.example.com", d, options);
        // The duration column ("0 ms") starts at the same terminal column on both rows.
        std::vector<std::size_t> starts;
        std::size_t from = 0;
        while (true) {
            const auto ms = text.find(" ms", from);
            if (ms == std::string::npos) {
                break;
            }
            const auto line_start = text.rfind('\n', ms) + 1;
            auto number = ms;
            while (number > line_start && text[number - 1] != ' ') {
                --number;
            }
            starts.push_back(
                display_width(std::string_view(text).substr(line_start, number - line_start)));
            from = ms + 3;
        }
        REQUIRE(starts.size() == 2);
        CHECK(starts[0] == starts[1]);
    }
}
