#include <doctest/doctest.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <string>

#include "probe/commands/explain/category_causes.hpp"
#include "probe/commands/explain/explain.hpp"
#include "probe/commands/explain/explain_report.hpp"

using namespace smtp_probe;
namespace json = boost::json;

namespace {

bool contains(const std::string& text, std::string_view part) {
    return text.find(part) != std::string::npos;
}

std::size_t count(const std::string& text, std::string_view part) {
    std::size_t n = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
        ++n;
    }
    return n;
}

std::string render(std::string_view input, language lang, bool color = false) {
    return render_explanation(input, explain_input(input), facts_of(input), {lang, color});
}

/// Through text and back, as a consumer would read it.
json::value round_trip(const json::object& o) {
    return json::parse(json::serialize(o));
}

/// A cause as listed under its category.
std::string fmt_title(std::string_view title, probe_errc cause) {
    return "  • " + std::string(title) + " [" + std::string(cause_id(cause)) + "]\n";
}

constexpr std::string_view relay_line =
    "SMTP Error: The following recipients failed: x@example.com: Relay access denied";

}  // namespace

TEST_CASE("text: a quoted reply's cause comes first, with its remedy") {
    const auto out = render(relay_line, language::en);
    CHECK(out.rfind("Log line: SMTP Error: The following recipients failed:", 0) == 0);
    CHECK(contains(out, "Server reply: Relay access denied\n"));
    CHECK(contains(out, "Failed step: Recipient (RCPT TO)\n"));
    CHECK(contains(out, "WHMCS error: Data not accepted [data_not_accepted]\n"));
    CHECK(
        contains(out, "Cause: The server will not relay mail to this recipient [relay_denied]\n"));
    const auto& remedy = describe(probe_errc::relay_denied, language::en).remedy;
    CHECK(contains(out, "  1. " + std::string(remedy.front())));
    CHECK(contains(out, "See also: Authentication failed [auth_failed]\n"));
    // The cause is described before the rest of its category.
    CHECK(out.find("[relay_denied]") < out.find("What it means: "));
    CHECK(contains(out, "  • The recipient address was rejected [recipient_rejected]\n"));
    CHECK(count(out, "[relay_denied]") == 1);
    CHECK(contains(out,
                   "smtp-probe check SMTP_HOST --port SMTP_PORT --ssl-type SSL_TYPE --user "
                   "SMTP_USERNAME --password-env SMTP_PASSWORD --from SYSTEM_EMAILS_FROM "
                   "--rcpt x@example.com\n"));
    CHECK(contains(out,
                   "Replace SMTP_HOST, SMTP_PORT, SSL_TYPE (none, tls or ssl), SMTP_USERNAME "
                   "and SYSTEM_EMAILS_FROM with your WHMCS mail settings"));
    CHECK_FALSE(contains(out, "\x1b"));
}

TEST_CASE("text: an id in Chinese, with the English title WHMCS may log") {
    const auto out = render("auth_failed", language::zh);
    CHECK(contains(out, "WHMCS 错误：身份验证失败 [auth_failed]\n"));
    CHECK(contains(out, "  英文日志：Authentication failed\n"));
    CHECK(contains(out,
                   std::string("含义：") +
                       std::string(describe(failure_category::auth_failed, language::zh).meaning)));
    CHECK(contains(out, "检查项目："));
    CHECK(contains(out, "可能的原因（下面的检查命令能找出是哪一个）："));
    // An id is not echoed as if it were a log line.
    CHECK_FALSE(contains(out, "日志行"));
    // One exact category: each cause with its remedies.
    for (const auto cause : causes_of(failure_category::auth_failed)) {
        const auto& text = describe(cause, language::zh);
        CAPTURE(cause_id(cause));
        CHECK(contains(out, fmt_title(text.title, cause)));
        CHECK(contains(out, std::string(text.remedy.front())));
    }
    CHECK(contains(out, "用以下命令检查："));
    CHECK(contains(out, "smtp-probe check SMTP_HOST"));
    CHECK_FALSE(contains(out, "What it means"));
}

TEST_CASE("text: a message several categories produce lists them as possibilities") {
    const auto out = render("SMTP connect() failed.", language::en);
    CHECK(contains(out, "This message can mean 3 WHMCS errors, most likely first"));
    CHECK(contains(out, "SMTP connect() failed [smtp_connect_failed]  (possible, 1 of 3)\n"));
    CHECK(contains(out, "Could not connect to SMTP host [connect_host]  (possible, 2 of 3)\n"));
    CHECK(contains(out, "Authentication failed [auth_failed]  (possible, 3 of 3)\n"));
    CHECK(out.find("[smtp_connect_failed]") < out.find("[connect_host]"));
    // Cause titles only, and the way to their remedies.
    CHECK(contains(out, "  • The username or password was rejected [bad_credentials]\n"));
    const auto& remedy = describe(probe_errc::bad_credentials, language::en).remedy;
    CHECK_FALSE(contains(out, std::string(remedy.front())));
    CHECK(contains(out, "smtp-probe explain CAUSE_ID"));
    CHECK(count(out, "smtp-probe check ") == 1);
}

TEST_CASE("text: categories no probe can see get what to check, and no check command") {
    for (const auto c : {failure_category::template_syntax, failure_category::smarty_policy,
                         failure_category::sending_disabled, failure_category::no_recipients,
                         failure_category::instantiate_mail}) {
        for (const auto lang : {language::en, language::zh}) {
            CAPTURE(category_id(c));
            const auto out = render(category_id(c), lang);
            for (const auto step : describe(c, lang).checks) {
                CHECK(contains(out, std::string(step)));
            }
            CHECK_FALSE(contains(out, "smtp-probe check"));
            CHECK(contains(out, lang == language::zh ? "网络探测看不到这种错误"
                                                     : "A network probe cannot see this error"));
        }
    }
    // PHP mail()'s own causes are still listed, with their remedies.
    const auto mail = render("Could not instantiate mail function.", language::en);
    CHECK(contains(mail, "[sendmail_missing]"));
    CHECK(contains(mail,
                   std::string(describe(probe_errc::mail_disabled, language::en).remedy.front())));
}

TEST_CASE("text: pasted bytes cannot reach the terminal raw") {
    const auto out =
        render("SMTP Error: Could not authenticate. \x1b]0;owned\x07\x1b[2J", language::en);
    CHECK_FALSE(contains(out, "\x1b"));
    CHECK_FALSE(contains(out, "\x07"));
    CHECK(contains(out, "\\x1B"));
    const auto coloured = render("SMTP Error: Could not authenticate.", language::en, true);
    CHECK(contains(coloured, "\x1b[1mAuthentication failed\x1b[0m"));
}

TEST_CASE("text: nothing recognised, the list, and an excerpt") {
    const auto none = render("hello", language::en);
    CHECK(none.rfind("No WHMCS email error was recognised in this text.", 0) == 0);
    CHECK(contains(none,
                   "instantiate_mail, connect_host, auth_failed, sender_verify, "
                   "template_syntax, smarty_policy, data_not_accepted, sending_disabled, "
                   "smtp_connect_failed, no_recipients."));
    CHECK(contains(no_match_text(language::zh), "在这段文字中没有识别出 WHMCS 邮件错误"));

    const auto list = render_category_list({language::en, false});
    CHECK(contains(list,
                   "   1  instantiate_mail     Could not instantiate mail function  (not "
                   "visible to a probe)\n"));
    CHECK(contains(list, "  10  no_recipients        No recipients provided for message"));
    CHECK(count(list, "(not visible to a probe)") == 5);
    CHECK_FALSE(contains(list, " ok "));
    const auto zh_list = render_category_list({language::zh, false});
    CHECK(contains(zh_list,
                   "   2  connect_host         无法连接到 SMTP 主机 · Could not connect to "
                   "SMTP host\n"));

    const auto log = explain_log(
        "10:01 Email Sending Failed - SMTP Error: Could not authenticate.\n"
        "10:02 Email Sent to John Smith\n"
        "10:03 Email Sending Failed - SMTP Error: Could not authenticate.\n"
        "10:04 Email Sending Failed - Email Sending Aborted By Configuration\n");
    const auto out = render_log_explanation(log, {language::en, false});
    CHECK(out.rfind("Read 4 lines; 2 distinct errors recognised.\n", 0) == 0);
    CHECK(contains(out, "Line 1 (and 1 more like it): 10:01 Email Sending Failed"));
    CHECK(contains(out, "Line 4: 10:04 Email Sending Failed"));
    CHECK(contains(out, "[sending_disabled]"));

    log_limits small;
    small.max_lines = 1;
    const auto cut = render_log_explanation(explain_log("a\nb\n", small), {language::en, false});
    CHECK(contains(cut, "The excerpt was cut at 1 lines or 64 KiB"));

    const auto one = render_log_explanation(explain_log("SMTP Error: data not accepted."),
                                            {language::en, false});
    CHECK(one.rfind("Read 1 line; 1 distinct error recognised.\n", 0) == 0);
    const auto zh = render_log_explanation(explain_log("SMTP 错误：数据不被接受。\nx\n"),
                                           {language::zh, false});
    CHECK(zh.rfind("共读取 2 行，识别出 1 种不同的错误。\n", 0) == 0);
    CHECK(contains(zh, "第 1 行：SMTP 错误：数据不被接受。"));

    const auto empty = render_log_explanation(explain_log(""), {language::en, false});
    CHECK(empty.rfind("Nothing was read from stdin.", 0) == 0);
}

TEST_CASE("json: one input") {
    const auto doc = round_trip(explanation_json(relay_line, explain_input(relay_line),
                                                 facts_of(relay_line), language::en))
                         .as_object();
    CHECK(doc.at("input").as_string() == relay_line);
    CHECK(doc.at("check_command").as_string().size() > 0);
    const auto& matches = doc.at("matches").as_array();
    REQUIRE(matches.size() == 1);
    const auto& m = matches[0].as_object();
    CHECK(m.at("category").as_string() == "data_not_accepted");
    CHECK(m.at("title").as_string() == "Data not accepted");
    CHECK(m.at("title_en").as_string() == "Data not accepted");
    CHECK(m.at("confidence").as_string() == "exact");
    CHECK(m.at("cause").as_string() == "relay_denied");
    CHECK(m.at("probe_can_see").as_bool());
    const auto& reply = m.at("reply").as_object();
    CHECK(reply.at("phase").as_string() == "rcpt");
    CHECK(reply.at("code").is_null());
    CHECK(reply.at("enhanced").is_null());
    CHECK(reply.at("text").as_string() == "Relay access denied");
    const auto& causes = m.at("causes").as_array();
    CHECK(causes.size() == causes_of(failure_category::data_not_accepted).size());
    const auto relay = std::find_if(causes.begin(), causes.end(), [](const json::value& v) {
        return v.as_object().at("cause").as_string() == "relay_denied";
    });
    REQUIRE(relay != causes.end());
    CHECK(relay->as_object().at("remedy").as_array().size() >= 2);
    CHECK(relay->as_object().at("see_also").as_string() == "auth_failed");
    CHECK(m.at("checks").as_array().size() >= 2);

    const std::string from_line =
        "The following From address failed: b@example.com : MAIL FROM command "
        "failed,Sender address rejected: not owned by user b,553,5.7.1";
    const auto from = round_trip(explanation_json(from_line, explain_input(from_line),
                                                  facts_of(from_line), language::zh))
                          .as_object();
    const auto& fm = from.at("matches").as_array()[0].as_object();
    CHECK(fm.at("title").as_string() == "数据未被接受");
    CHECK(fm.at("title_en").as_string() == "Data not accepted");
    CHECK(fm.at("reply").as_object().at("code").as_int64() == 553);
    CHECK(fm.at("reply").as_object().at("enhanced").as_string() == "5.7.1");
}

TEST_CASE("json: several possibilities, no match, an excerpt, the list") {
    const auto likely =
        round_trip(explanation_json("SMTP connect() failed.",
                                    explain_input("SMTP connect() failed."), {}, language::en))
            .as_object();
    const auto& matches = likely.at("matches").as_array();
    REQUIRE(matches.size() == 3);
    for (const auto& m : matches) {
        CHECK(m.as_object().at("confidence").as_string() == "likely");
        CHECK(m.as_object().at("cause").is_null());
        CHECK(m.as_object().at("reply").is_null());
    }

    const auto unseen = round_trip(explanation_json("no_recipients", explain_input("no_recipients"),
                                                    {}, language::en))
                            .as_object();
    const auto& nr = unseen.at("matches").as_array()[0].as_object();
    CHECK(nr.at("causes").as_array().empty());
    CHECK(nr.at("checks").as_array().size() >= 2);
    CHECK_FALSE(nr.at("probe_can_see").as_bool());
    CHECK(unseen.at("check_command").is_null());

    const auto none =
        round_trip(explanation_json("hello\x1b", explain_input("hello"), {}, language::en))
            .as_object();
    CHECK(none.at("matches").as_array().empty());
    CHECK(none.at("input").as_string() == "hello\\x1B");

    const auto log =
        round_trip(
            log_explanation_json(explain_log("x\nSMTP Error: data not accepted.\n"), language::en))
            .as_object();
    CHECK(log.at("lines_read").as_int64() == 2);
    CHECK_FALSE(log.at("truncated").as_bool());
    const auto& results = log.at("results").as_array();
    REQUIRE(results.size() == 1);
    CHECK(results[0].as_object().at("line").as_int64() == 2);
    CHECK(results[0].as_object().at("repeats").as_int64() == 1);
    CHECK(
        results[0].as_object().at("matches").as_array()[0].as_object().at("category").as_string() ==
        "data_not_accepted");

    const auto list = round_trip(category_list_json(language::zh)).as_object();
    const auto& categories = list.at("categories").as_array();
    REQUIRE(categories.size() == 10);
    CHECK(categories[0].as_object().at("category").as_string() == "instantiate_mail");
    CHECK(categories[0].as_object().at("title").as_string() == "无法实例化邮件函数");
    const auto visible = std::count_if(
        categories.begin(), categories.end(),
        [](const json::value& v) { return v.as_object().at("probe_can_see").as_bool(); });
    CHECK(visible == 5);
}
