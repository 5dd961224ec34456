#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "probe/commands/explain/category_causes.hpp"
#include "probe/commands/explain/explain.hpp"

using namespace smtp_probe;

namespace {

// ---- tests/data/log_lines.tsv ----

struct log_row {
    int line = 0;
    std::string text;
    std::vector<std::string> categories;  ///< empty: nothing to explain
    std::string cause;                    ///< "-" for none
};

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::string part;
    std::istringstream in(s);
    while (std::getline(in, part, sep)) {
        out.push_back(part);
    }
    return out;
}

std::vector<log_row> read_rows() {
    std::ifstream in(std::string(SP_TEST_DATA_DIR) + "/log_lines.tsv");
    REQUIRE_MESSAGE(in.good(), "cannot open " SP_TEST_DATA_DIR "/log_lines.tsv");
    std::vector<log_row> rows;
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (line.empty() || line.front() == '#') {
            continue;
        }
        const auto cols = split(line, '\t');
        INFO("log_lines.tsv line " << number);
        REQUIRE(cols.size() == 3);
        log_row row;
        row.line = number;
        row.text = cols[0];
        if (cols[1] != "-") {
            row.categories = split(cols[1], ',');
        }
        row.cause = cols[2];
        rows.push_back(std::move(row));
    }
    return rows;
}

std::vector<std::string> ids(const std::vector<explain_match>& matches) {
    std::vector<std::string> out;
    out.reserve(matches.size());
    for (const auto& m : matches) {
        out.emplace_back(category_id(m.category));
    }
    return out;
}

bool has_cjk(std::string_view s) {
    return std::any_of(s.begin(), s.end(),
                       [](char c) { return static_cast<unsigned char>(c) >= 0xE0; });
}

constexpr failure_category ten[] = {
    failure_category::instantiate_mail,    failure_category::connect_host,
    failure_category::auth_failed,         failure_category::sender_verify,
    failure_category::template_syntax,     failure_category::smarty_policy,
    failure_category::data_not_accepted,   failure_category::sending_disabled,
    failure_category::smtp_connect_failed, failure_category::no_recipients,
};

}  // namespace

TEST_CASE("real System Logs lines name their categories and causes") {
    const auto rows = read_rows();
    REQUIRE(rows.size() >= 60);
    for (const auto& row : rows) {
        INFO("log_lines.tsv line " << row.line << ": " << row.text);
        const auto matches = explain_text(row.text);
        // "a|b": the line names a category but not which of several causes (OpenSSL's
        // "certificate verify failed"): one likely match per cause, all in that category.
        if (row.cause.find('|') != std::string::npos) {
            std::vector<std::string> causes;
            for (std::size_t at = 0; at <= row.cause.size();) {
                const auto bar = std::min(row.cause.find('|', at), row.cause.size());
                causes.push_back(row.cause.substr(at, bar - at));
                at = bar + 1;
            }
            REQUIRE(row.categories.size() == 1);
            REQUIRE(matches.size() == causes.size());
            for (std::size_t i = 0; i < causes.size(); ++i) {
                CHECK(category_id(matches[i].category) == row.categories.front());
                CHECK(matches[i].confidence == match_confidence::likely);
                REQUIRE(matches[i].cause.has_value());
                CHECK(cause_id(*matches[i].cause) == causes[i]);
            }
            continue;
        }
        CHECK(ids(matches) == row.categories);
        const auto expected_confidence =
            row.categories.size() == 1 ? match_confidence::exact : match_confidence::likely;
        for (const auto& m : matches) {
            CHECK(confidence_name(m.confidence) == confidence_name(expected_confidence));
        }
        if (row.cause == "-") {
            for (const auto& m : matches) {
                CHECK_FALSE(m.cause.has_value());
            }
        } else {
            REQUIRE(matches.size() == 1);
            REQUIRE(matches.front().cause.has_value());
            CHECK(cause_id(*matches.front().cause) == row.cause);
            // The cause belongs to the category it is reported under.
            CHECK(fixed_category(*matches.front().cause) == matches.front().category);
        }
        // explain_input() reads a log line the same way.
        CHECK(ids(explain_input(row.text)) == row.categories);
    }
}

TEST_CASE("the table covers every category in English and in Chinese") {
    const auto rows = read_rows();
    for (const auto c : ten) {
        CAPTURE(category_id(c));
        bool english = false;
        bool chinese = false;
        for (const auto& row : rows) {
            if (!row.categories.empty() && row.categories.front() == category_id(c)) {
                (has_cjk(row.text) ? chinese : english) = true;
            }
        }
        CHECK(english);
        CHECK(chinese);
    }
}

TEST_CASE("the reply quoted in a From line is read with the classifier") {
    SUBCASE("PHPMailer's imploded getError(): detail, code, enhanced code") {
        const auto m = explain_text(
            "The following From address failed: billing@example.com : MAIL FROM command "
            "failed,Sender address rejected: not owned by user billing,553,5.7.1");
        REQUIRE(m.size() == 1);
        REQUIRE(m[0].reply.has_value());
        CHECK(m[0].reply->at == phase::mail_from);
        CHECK(m[0].reply->code == 553);
        REQUIRE(m[0].reply->enhanced.has_value());
        CHECK(m[0].reply->enhanced->to_string() == "5.7.1");
        CHECK(m[0].reply->text == "Sender address rejected: not owned by user billing");
    }
    SUBCASE("5.1.8 for the sender is sender_verify, not data_not_accepted") {
        const auto m = explain_text(
            "The following From address failed: a@example.org : MAIL FROM command failed,"
            "<a@example.org>: Sender address rejected: Domain not found,553,5.1.8");
        REQUIRE(m.size() == 1);
        CHECK(m[0].category == failure_category::sender_verify);
        CHECK(m[0].cause == probe_errc::sender_unknown);
    }
    SUBCASE("the Chinese PHPMailer 6 markers") {
        const auto m = explain_text(
            "发送地址错误：wp@example.com : MAIL FROM command failed,Mail from address must be "
            "same "
            "as authorization user. ,501, SMTP 服务器错误：MAIL FROM command failed 详情：Mail "
            "from "
            "address must be same as authorization user. SMTP 代码：501");
        REQUIRE(m.size() == 1);
        REQUIRE(m[0].reply.has_value());
        CHECK(m[0].reply->code == 501);
        CHECK_FALSE(m[0].reply->enhanced.has_value());
        CHECK(m[0].reply->text == "Mail from address must be same as authorization user.");
        CHECK(m[0].cause == probe_errc::sender_not_owned);
    }
    SUBCASE("the older order: code, enhanced code, detail") {
        const auto m = explain_text(
            "The following From address failed: root@localhost : MAIL FROM command "
            "failed,550,,The address is not valid.");
        // The text names no cause: both categories stay possible, with the reply as evidence.
        REQUIRE(m.size() == 2);
        for (const auto& match : m) {
            REQUIRE(match.reply.has_value());
            CHECK(match.reply->code == 550);
            CHECK(match.reply->text == "The address is not valid.");
            CHECK_FALSE(match.cause.has_value());
        }
    }
}

TEST_CASE("a recipient's rejection without its code is read from its words") {
    const auto m = explain_text(
        "SMTP Error: The following recipients failed: x@example.com: Relay access denied");
    REQUIRE(m.size() == 1);
    CHECK(m[0].category == failure_category::data_not_accepted);
    CHECK(m[0].cause == probe_errc::relay_denied);
    REQUIRE(m[0].reply.has_value());
    CHECK(m[0].reply->at == phase::rcpt);
    CHECK_FALSE(m[0].reply->code.has_value());
    CHECK(m[0].reply->text == "Relay access denied");

    // Words that say nothing beyond "rejected" do not invent a cause from the assumed code.
    const auto vague = explain_text(
        "SMTP Error: The following recipients failed: x@example.com: Recipient rejected");
    REQUIRE(vague.size() == 2);
    CHECK_FALSE(vague[0].cause.has_value());
}

TEST_CASE("log prefixes, case and spacing do not matter") {
    const std::string whmcs_row =
        "25/11/2024 10:13\tEmail Sending Failed - SMTP Error: Could not authenticate. (Subject: "
        "Invoice Payment Confirmation)\tSystem\t192.0.2.7";
    const std::string lines[] = {
        whmcs_row,
        "SMTP ERROR: COULD NOT AUTHENTICATE.",
        "smtp error:   could  not\tauthenticate",
        "[2024-11-25 10:13:02] SMTP 错误：登录失败。",
        "SMTP错误:登录失败",
    };
    for (const auto& line : lines) {
        CAPTURE(line);
        const auto m = explain_text(line);
        REQUIRE(m.size() == 1);
        CHECK(m[0].category == failure_category::auth_failed);
        CHECK(m[0].confidence == match_confidence::exact);
    }
    const auto host = explain_text("SMTP错误:无法连接到SMTP主机");
    CHECK(ids(host) == std::vector<std::string>{"connect_host", "smtp_connect_failed"});
}

TEST_CASE("ids: the ten categories and the causes with a fixed category") {
    for (const auto c : ten) {
        const auto m = explain_id(category_id(c));
        REQUIRE(m.has_value());
        CHECK(m->category == c);
        CHECK(m->confidence == match_confidence::exact);
        CHECK_FALSE(m->cause.has_value());
        CHECK(ids(explain_input(category_id(c))) ==
              std::vector<std::string>{std::string(category_id(c))});
    }
    CHECK(explain_id("  auth_failed\n").has_value());
    CHECK_FALSE(explain_id("ok").has_value());
    CHECK_FALSE(explain_id("AUTH_FAILED").has_value());
    CHECK_FALSE(explain_id("auth").has_value());

    const auto cause = explain_id("bad_credentials");
    REQUIRE(cause.has_value());
    CHECK(cause->category == failure_category::auth_failed);
    CHECK(cause->cause == probe_errc::bad_credentials);
    const auto sender = explain_id("sender_unverified");
    REQUIRE(sender.has_value());
    CHECK(sender->category == failure_category::sender_verify);
    // A cause whose category depends on the phase names no category by itself.
    CHECK_FALSE(explain_id("reply_timeout").has_value());
    CHECK_FALSE(explain_id("smtp_restrictions_redirect").has_value());
}

TEST_CASE("text about something else matches nothing") {
    CHECK(explain_text("").empty());
    CHECK(explain_text("   ").empty());
    CHECK(explain_text("hello world").empty());
    CHECK(explain_input("frobnicate").empty());
    // A system signal alone is not enough: it could come from any module.
    CHECK(explain_text("cURL error 7: Failed to connect: Connection refused").empty());
    CHECK(explain_text("error:0A000086:certificate verify failed in registrar module").empty());
    CHECK(explain_text("Module Command Error: cURL Error: Failed to connect to "
                       "server.example.com port 2087: Connection refused")
              .empty());
    CHECK(explain_text("Registrar Error: cURL error 35: OpenSSL/3.0.2: error:0A000086:SSL "
                       "routines::certificate verify failed")
              .empty());
    // … nor does it change a message that is not about a connection.
    const auto tpl = explain_text(
        "Syntax error in template \"x\" on line 3 \"{fetch file='/root/x'}\" Permission denied");
    CHECK(ids(tpl) == std::vector<std::string>{"template_syntax"});
    CHECK_FALSE(tpl[0].cause.has_value());
    CHECK(ids(explain_text("Could not instantiate mail function. Connection refused")) ==
          std::vector<std::string>{"instantiate_mail"});
}

TEST_CASE("the input is bounded and scanned without backtracking") {
    SUBCASE("a message past the scanned prefix is not read") {
        std::string line(max_explained_line, 'x');
        line += " SMTP Error: Could not authenticate.";
        CHECK(explain_text(line).empty());
    }
    SUBCASE("a message at the start of a huge line is") {
        std::string line = "SMTP Error: Could not authenticate. ";
        line += std::string(1 << 20, 'a');
        CHECK(ids(explain_text(line)) == std::vector<std::string>{"auth_failed"});
    }
    SUBCASE("pathological repetitions finish quickly") {
        const auto start = std::chrono::steady_clock::now();
        std::string commas = "The following From address failed: a@b : MAIL FROM command failed";
        for (int i = 0; i < 20000; ++i) {
            commas += ",550";
        }
        std::string markers;
        for (int i = 0; i < 20000; ++i) {
            markers += "SMTP code: Detail: command failed: ";
        }
        for (const auto& line : {commas, markers, std::string(1 << 20, ',')}) {
            (void)explain_text(line);
            (void)facts_of(line);
        }
        CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
    }
    SUBCASE("control characters in a quoted reply do not survive") {
        const auto m = explain_text(
            "SMTP ERROR: Password command failed: 535 \x1b[31mIncorrect\x07 authentication data");
        REQUIRE(m.size() == 1);
        REQUIRE(m[0].reply.has_value());
        for (const char c : m[0].reply->text) {
            CHECK(static_cast<unsigned char>(c) >= 0x20);
        }
        CHECK(m[0].cause == probe_errc::bad_credentials);
    }
}

TEST_CASE("facts for the suggested command come only in shell-safe form") {
    auto f = facts_of(
        "Connection failed. Error #2: stream_socket_client(): unable to connect to "
        "ssl://mail.example.com:465 (Connection refused)");
    CHECK(f.host == "mail.example.com");
    CHECK(f.port == 465);
    CHECK(f.ssl_type == "ssl");

    f = facts_of("Connection: opening to smtp.example.net:587, timeout=300, options=array()");
    CHECK(f.host == "smtp.example.net");
    CHECK(f.port == 587);
    CHECK_FALSE(f.ssl_type.has_value());

    f = facts_of(
        "stream_socket_enable_crypto(): Peer certificate CN=`server1.hosting.example' did not "
        "match expected CN=`mail.example.com'");
    CHECK(f.host == "mail.example.com");
    CHECK_FALSE(f.port.has_value());
    CHECK_FALSE(facts_of("did not match expected CN=`$(id)'").host);

    f = facts_of(
        "The following From address failed: billing@example.com : MAIL FROM command failed");
    CHECK(f.from == "billing@example.com");
    f = facts_of(
        "SMTP Error: The following recipients failed: client@example.net: Relay access denied");
    CHECK(f.rcpt == "client@example.net");

    // Anything a shell would interpret is dropped.
    CHECK_FALSE(facts_of("The following From address failed: $(reboot)@example.com : x").from);
    CHECK_FALSE(facts_of("The following From address failed: a;rm@example.com : x").from);
    CHECK_FALSE(facts_of("The following From address failed: a@ex`id`.com : x").from);
    CHECK_FALSE(facts_of("unable to connect to ssl://$(id):465 (x)").host);
    CHECK_FALSE(facts_of("unable to connect to mail.example.com:99999 (x)").port);
}

TEST_CASE("the suggested check command") {
    const auto auth = explain_text("SMTP Error: Could not authenticate.");
    CHECK(suggested_check(auth, {}) ==
          "smtp-probe check SMTP_HOST --port SMTP_PORT --ssl-type SSL_TYPE --user SMTP_USERNAME "
          "--password-env SMTP_PASSWORD");

    const std::string from_line =
        "The following From address failed: billing@example.com : MAIL FROM command "
        "failed,Sender address rejected: not owned by user billing,553,5.7.1";
    CHECK(suggested_check(explain_text(from_line), facts_of(from_line)) ==
          "smtp-probe check SMTP_HOST --port SMTP_PORT --ssl-type SSL_TYPE --user SMTP_USERNAME "
          "--password-env SMTP_PASSWORD --from billing@example.com");

    const std::string connect_line =
        "SMTP connect() failed. Connection failed. Error #2: stream_socket_client(): unable to "
        "connect to ssl://mail.example.com:465 (Connection timed out)";
    CHECK(suggested_check(explain_text(connect_line), facts_of(connect_line)) ==
          "smtp-probe check mail.example.com --port 465 --ssl-type ssl --user SMTP_USERNAME "
          "--password-env SMTP_PASSWORD");

    const auto data = explain_text("SMTP Error: data not accepted.");
    CHECK(suggested_check(data, {})->find("--from SYSTEM_EMAILS_FROM") != std::string::npos);

    for (const auto c : {failure_category::instantiate_mail, failure_category::template_syntax,
                         failure_category::smarty_policy, failure_category::sending_disabled,
                         failure_category::no_recipients}) {
        CAPTURE(category_id(c));
        CHECK_FALSE(probe_can_see(c));
        CHECK_FALSE(suggested_check({explain_category(c)}, {}).has_value());
    }
}

TEST_CASE("a pasted excerpt: each distinct meaning once, with line numbers") {
    const std::string excerpt =
        "25/11/2024 10:00\tCron Job: Starting\r\n"
        "25/11/2024 10:01\tEmail Sending Failed - SMTP Error: Could not authenticate.\r\n"
        "\r\n"
        "25/11/2024 10:02\tEmail Sent to John Smith (Invoice Created)\r\n"
        "25/11/2024 10:03\tEmail Sending Failed - SMTP Error: Could not authenticate.\r\n"
        "25/11/2024 10:04\tEmail Sending Failed - No recipients provided for message\n"
        "25/11/2024 10:05\tEmail Sending Failed - SMTP Error: Could not authenticate.";
    const auto log = explain_log(excerpt);
    CHECK(log.lines_read == 7);
    CHECK_FALSE(log.truncated);
    REQUIRE(log.lines.size() == 2);
    CHECK(log.lines[0].line_number == 2);
    CHECK(log.lines[0].repeats == 3);
    CHECK(ids(log.lines[0].matches) == std::vector<std::string>{"auth_failed"});
    CHECK(log.lines[0].text.back() != '\r');
    CHECK(log.lines[1].line_number == 6);
    CHECK(log.lines[1].repeats == 1);
    CHECK(ids(log.lines[1].matches) == std::vector<std::string>{"no_recipients"});

    SUBCASE("different replies under one message are different meanings") {
        const auto two = explain_log(
            "SMTP ERROR: Password command failed: 535 Incorrect authentication data\n"
            "SMTP ERROR: Password command failed: 534-5.7.9 Application-specific password "
            "required.\n");
        CHECK(two.lines.size() == 2);
    }
    SUBCASE("the line limit") {
        log_limits limits;
        limits.max_lines = 3;
        const auto cut = explain_log(excerpt, limits);
        CHECK(cut.truncated);
        CHECK(cut.lines_read == 3);
        REQUIRE(cut.lines.size() == 1);
        CHECK(cut.lines[0].repeats == 1);
    }
    SUBCASE("the byte limit") {
        log_limits limits;
        limits.max_bytes = 40;
        const auto cut = explain_log(excerpt, limits);
        CHECK(cut.truncated);
        CHECK(cut.lines.empty());
    }
    SUBCASE("nothing recognised") {
        const auto none = explain_log("Cron Job: Starting\nCron Job: Done\n");
        CHECK(none.lines.empty());
        CHECK(none.lines_read == 2);
    }
}

TEST_CASE("a PHPMailer message broken over lines is one entry") {
    // PHPMailer keeps a reply's CRLFs and PHP's LF inside its message; pasted, they are lines.
    const auto log = explain_log(
        "25/11/2024 10:01\tEmail Sending Failed - SMTP Error: Could not connect to SMTP host. "
        "Connection failed. stream_socket_enable_crypto(): SSL operation failed with code 1. "
        "OpenSSL Error messages:\r\n"
        "error:0A000086:SSL routines::certificate verify failed\r\n"
        "25/11/2024 10:02\tEmail Sending Failed - SMTP Error: The following recipients failed: "
        "a@example.com: The email account that you tried to reach does not exist.\r\n"
        "Please try again.\r\n"
        "25/11/2024 10:03\tEmail Sending Failed - SMTP Error: Could not authenticate.\r\n");
    CHECK(log.lines_read == 5);
    REQUIRE(log.lines.size() == 3);
    CHECK(log.lines[0].line_number == 1);
    REQUIRE(log.lines[0].matches.size() == 2);  // the certificate: expired or untrusted
    CHECK(log.lines[0].matches[0].cause == probe_errc::cert_expired);
    CHECK(log.lines[1].line_number == 3);
    CHECK(log.lines[1].text.find("Please try again.") != std::string::npos);
    CHECK(log.lines[2].line_number == 5);
    CHECK(ids(log.lines[2].matches) == std::vector<std::string>{"auth_failed"});
}

TEST_CASE("causes_of is the inverse of fixed_category") {
    std::set<probe_errc> listed;
    for (const auto c : ten) {
        CAPTURE(category_id(c));
        for (const auto cause : causes_of(c)) {
            CHECK(fixed_category(cause) == c);
            CHECK(listed.insert(cause).second);
        }
    }
    for (const auto c : {failure_category::template_syntax, failure_category::smarty_policy,
                         failure_category::sending_disabled, failure_category::no_recipients,
                         failure_category::ok}) {
        CHECK(causes_of(c).empty());
    }
    CHECK(causes_of(failure_category::instantiate_mail) ==
          std::vector<probe_errc>{probe_errc::sendmail_missing, probe_errc::sendmail_not_executable,
                                  probe_errc::sendmail_failed, probe_errc::mail_disabled});
    CHECK(causes_of(failure_category::sender_verify) ==
          std::vector<probe_errc>{probe_errc::sender_unknown, probe_errc::sender_unverified});
    // Every cause with a fixed category is listed somewhere.
    for (int v = static_cast<int>(probe_errc::dns_not_found);
         v <= static_cast<int>(probe_errc::smtp_restrictions_redirect); ++v) {
        const auto cause = static_cast<probe_errc>(v);
        CAPTURE(cause_id(cause));
        CHECK(listed.count(cause) == (fixed_category(cause) ? 1U : 0U));
    }
}

TEST_CASE("quoted replies: the forms PHPMailer and Exim write") {
    auto q = find_quoted_reply(
        "SMTP ERROR: Password command failed: 535-5.7.8 Username and Password not accepted.",
        phase::auth);
    REQUIRE(q.has_value());
    CHECK(q->at == phase::auth);
    CHECK(q->code == 535);
    REQUIRE(q->enhanced.has_value());
    CHECK(q->enhanced->to_string() == "5.7.8");
    CHECK(q->text == "Username and Password not accepted.");
    CHECK(quoted_reply_cause(*q) == probe_errc::bad_credentials);

    q = find_quoted_reply("550 5.7.1 Sender verify failed", phase::mail_from);
    REQUIRE(q.has_value());
    CHECK(q->code == 550);
    CHECK(q->enhanced->to_string() == "5.7.1");
    CHECK(q->text == "Sender verify failed");

    // Digits glued to something else are not a reply code (a port, an id).
    CHECK_FALSE(find_quoted_reply("mail.example.com:550 Sender verify failed", phase::mail_from));
    CHECK_FALSE(find_quoted_reply("id x1550 Sender verify failed", phase::mail_from));
    // A success code is not the failure being explained.
    q = find_quoted_reply("MAIL FROM command failed,OK,250,", phase::mail_from);
    REQUIRE(q.has_value());
    CHECK_FALSE(q->code.has_value());

    q = find_quoted_reply("SMTP Error: data not accepted. Detail: Message rejected", phase::data);
    REQUIRE(q.has_value());
    CHECK_FALSE(q->code.has_value());
    CHECK(q->text == "Message rejected");

    // Without a code the words decide, never the assumed code alone.
    CHECK_FALSE(quoted_reply_cause({phase::rcpt, std::nullopt, std::nullopt, "User unknown"}));
    CHECK(quoted_reply_cause({phase::mail_from, std::nullopt, std::nullopt, "unknown user"}) ==
          probe_errc::sender_unknown);
    CHECK_FALSE(
        quoted_reply_cause({phase::mail_from, 550, std::nullopt, "The address is not valid."}));
}
