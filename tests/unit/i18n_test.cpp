#include <doctest/doctest.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "probe/i18n/i18n.hpp"

using namespace smtp_probe;

namespace {

constexpr language both[] = {language::en, language::zh};

std::vector<probe_errc> all_causes() {
    std::vector<probe_errc> out;
    for (int v = static_cast<int>(probe_errc::dns_not_found);
         v <= static_cast<int>(probe_errc::smtp_restrictions_redirect); ++v) {
        out.push_back(static_cast<probe_errc>(v));
    }
    return out;
}

std::vector<warning_kind> all_warnings() {
    std::vector<warning_kind> out;
    for (int v = static_cast<int>(warning_kind::cert_expiring);
         v <= static_cast<int>(warning_kind::tls_not_used); ++v) {
        out.push_back(static_cast<warning_kind>(v));
    }
    return out;
}

/// A code point in the CJK Unified Ideographs block (U+4E00..U+9FFF) or CJK punctuation.
bool has_cjk(std::string_view s) {
    for (std::size_t i = 0; i + 2 < s.size(); ++i) {
        const auto b0 = static_cast<unsigned char>(s[i]);
        const auto b1 = static_cast<unsigned char>(s[i + 1]);
        if (b0 >= 0xE4 && b0 <= 0xE9 && (b1 & 0xC0) == 0x80) {
            return true;
        }
    }
    return false;
}

void check_text(const cause_text& t, language lang, std::string_view id) {
    CAPTURE(id);
    CAPTURE(language_name(lang));
    CHECK_FALSE(t.title.empty());
    CHECK_FALSE(t.why.empty());
    CHECK(t.remedy.size() >= 2);
    CHECK(t.remedy.size() <= 3);
    for (const auto step : t.remedy) {
        CHECK_FALSE(step.empty());
        CHECK(has_cjk(step) == (lang == language::zh));
    }
    CHECK(has_cjk(t.title) == (lang == language::zh));
    CHECK(has_cjk(t.why) == (lang == language::zh));
    // Not the fallback for an id the catalogue forgot.
    CHECK(t.title != "Unknown cause");
    CHECK(t.title != "未知原因");
    CHECK(t.title != "Unknown warning");
    CHECK(t.title != "未知警告");
}

bool any_contains(const cause_text& t, std::string_view needle) {
    if (t.why.find(needle) != std::string_view::npos) {
        return true;
    }
    for (const auto step : t.remedy) {
        if (step.find(needle) != std::string_view::npos) {
            return true;
        }
    }
    return false;
}

}  // namespace

TEST_CASE("every cause has a title, a why and 2-3 remedy steps in both languages") {
    for (auto e : all_causes()) {
        for (auto lang : both) {
            check_text(describe(e, lang), lang, cause_id(e));
        }
    }
}

TEST_CASE("every warning has a title, a why and 2-3 remedy steps in both languages") {
    for (auto w : all_warnings()) {
        for (auto lang : both) {
            check_text(describe(w, lang), lang, warning_id(w));
        }
    }
}

TEST_CASE("titles are distinct within a language") {
    for (auto lang : both) {
        std::set<std::string_view> seen;
        for (auto e : all_causes()) {
            CAPTURE(cause_id(e));
            CHECK(seen.insert(describe(e, lang).title).second);
        }
    }
}

TEST_CASE("every category has a title, a meaning and checks in both languages") {
    for (auto c : all_categories) {
        for (auto lang : both) {
            CAPTURE(category_id(c));
            CAPTURE(language_name(lang));
            const auto& t = describe(c, lang);
            CHECK_FALSE(t.title.empty());
            CHECK(category_title(c, lang) == t.title);
            CHECK_FALSE(t.meaning.empty());
            REQUIRE_FALSE(t.checks.empty());
            for (const auto step : t.checks) {
                CHECK_FALSE(step.empty());
            }
            if (lang == language::zh) {
                CHECK(has_cjk(t.title));
                CHECK(has_cjk(t.meaning));
            } else {
                CHECK_FALSE(has_cjk(t.title));
                CHECK_FALSE(has_cjk(t.meaning));
            }
        }
    }
}

TEST_CASE("category titles are those of WHMCS System Logs and of the guide") {
    struct row {
        failure_category c;
        std::string_view en;
        std::string_view zh;
    };
    const row rows[] = {
        {failure_category::instantiate_mail, "Could not instantiate mail function",
         "无法实例化邮件函数"},
        {failure_category::connect_host, "Could not connect to SMTP host", "无法连接到 SMTP 主机"},
        {failure_category::auth_failed, "Authentication failed", "身份验证失败"},
        {failure_category::sender_verify, "Sender verify failed", "发件人验证失败"},
        {failure_category::template_syntax, "Syntax error (email template)", "语法错误"},
        {failure_category::smarty_policy, "Smarty error: security policy",
         "Smarty 错误：安全策略禁止"},
        {failure_category::data_not_accepted, "Data not accepted", "数据未被接受"},
        {failure_category::sending_disabled, "Email sending aborted by configuration",
         "配置导致邮件发送中止"},
        {failure_category::smtp_connect_failed, "SMTP connect() failed", "SMTP connect() 失败"},
        {failure_category::no_recipients, "No recipients provided for message", "邮件无收件人"},
    };
    for (const auto& r : rows) {
        CAPTURE(category_id(r.c));
        CHECK(category_title(r.c, language::en) == r.en);
        CHECK(category_title(r.c, language::zh) == r.zh);
    }
}

TEST_CASE("categories no probe can see say where to look") {
    const auto& tpl = describe(failure_category::template_syntax, language::en);
    CHECK(tpl.checks[1].find("Email Templates") != std::string_view::npos);
    const auto& off = describe(failure_category::sending_disabled, language::en);
    CHECK(off.checks[0].find("Disable Email Sending") != std::string_view::npos);
    const auto& off_zh = describe(failure_category::sending_disabled, language::zh);
    CHECK(off_zh.checks[0].find("禁用邮件发送") != std::string_view::npos);
    const auto& none = describe(failure_category::no_recipients, language::zh);
    CHECK(none.checks[1].find("产品邮件") != std::string_view::npos);
    const auto& smarty = describe(failure_category::smarty_policy, language::en);
    CHECK(smarty.checks[1].find("security policy") != std::string_view::npos);
}

TEST_CASE("every phase and status has a label in both languages") {
    for (auto lang : both) {
        std::set<std::string_view> seen;
        for (auto p : all_phases) {
            CAPTURE(phase_name(p));
            const auto label = phase_label(p, lang);
            CHECK_FALSE(label.empty());
            CHECK(label != "?");
            CHECK(has_cjk(label) == (lang == language::zh));
            CHECK(seen.insert(label).second);
        }
        for (auto s :
             {phase_status::pass, phase_status::fail, phase_status::warn, phase_status::skip}) {
            CHECK_FALSE(status_word(s, lang).empty());
            CHECK(has_cjk(status_word(s, lang)) == (lang == language::zh));
        }
    }
}

TEST_CASE("every UI string exists in both languages") {
    for (int v = 0; v <= static_cast<int>(ui_string::used_helo); ++v) {
        CAPTURE(v);
        for (auto lang : both) {
            const auto s = ui_text(static_cast<ui_string>(v), lang);
            CHECK_FALSE(s.empty());
            CHECK(s != "?");
        }
    }
    CHECK(ui_text(ui_string::remedy, language::zh) == "解决方法");
    CHECK(ui_text(ui_string::remedy, language::en) == "What to do");
}

TEST_CASE("remedies name the WHMCS setting and what to set") {
    const auto& mode = describe(probe_errc::port_mode_mismatch, language::en);
    CHECK(any_contains(mode, "\"SMTP SSL Type\" SSL"));
    CHECK(any_contains(mode, "465"));
    CHECK(any_contains(mode, "587"));
    CHECK(any_contains(mode, "Configuration > System Settings > General Settings > Mail"));
    const auto& mode_zh = describe(probe_errc::port_mode_mismatch, language::zh);
    CHECK(any_contains(mode_zh, "“SMTP SSL 类型” SSL"));
    CHECK(any_contains(mode_zh, "设定 > 系统设定 > 常规设定 > “邮件”标签页"));

    CHECK(any_contains(describe(probe_errc::bad_credentials, language::en), "\"SMTP Password\""));
    CHECK(any_contains(describe(probe_errc::bad_credentials, language::zh), "授权码"));
    CHECK(any_contains(describe(probe_errc::app_password_required, language::en), "App passwords"));
    CHECK(
        any_contains(describe(probe_errc::smtp_auth_disabled, language::en), "Authenticated SMTP"));
    const auto& blocked = describe(probe_errc::outbound_blocked, language::en);
    CHECK(any_contains(blocked, "httpd_can_network_connect"));
    CHECK(any_contains(blocked, "Home > Security Center > SMTP Restrictions"));
    CHECK(any_contains(describe(probe_errc::outbound_blocked, language::zh),
                       "主页 » 安全中心 » SMTP 限制"));
    CHECK(any_contains(describe(probe_errc::tcp_timeout, language::en), "TCP_OUT"));
    CHECK(any_contains(describe(probe_errc::sender_not_owned, language::en),
                       "\"System Emails From Email\""));
    CHECK(any_contains(describe(probe_errc::sender_not_owned, language::zh), "系统邮件发件人邮箱"));
    CHECK(any_contains(describe(probe_errc::dns_not_found, language::en), "dig"));
    CHECK(any_contains(describe(probe_errc::cert_untrusted, language::en), "CA bundle"));
}

TEST_CASE("see also points at the guide section that holds the rest of the fix") {
    for (auto lang : both) {
        CHECK(describe(probe_errc::relay_denied, lang).see_also == failure_category::auth_failed);
        CHECK(describe(probe_errc::smtp_restrictions_redirect, lang).see_also ==
              failure_category::auth_failed);
        CHECK(describe(probe_errc::bad_credentials, lang).see_also == std::nullopt);
    }
    // A "see also" to the cause's own category would send the admin in a circle, and both
    // languages must agree.
    for (auto e : all_causes()) {
        CAPTURE(cause_id(e));
        const auto& en = describe(e, language::en);
        CHECK(en.see_also == describe(e, language::zh).see_also);
        if (en.see_also) {
            CHECK(fixed_category(e) != en.see_also);
        }
    }
    for (auto w : all_warnings()) {
        CHECK(describe(w, language::en).see_also == describe(w, language::zh).see_also);
    }
}

TEST_CASE("the Chinese catalogue is Simplified Chinese") {
    // Traditional forms that the project's source guide mixes in.
    const std::string_view traditional[] = {"日誌", "伺服器", "函式", "設定", "郵件", "驗證"};
    auto check = [&](std::string_view s) {
        for (const auto t : traditional) {
            CHECK(s.find(t) == std::string_view::npos);
        }
    };
    for (auto e : all_causes()) {
        const auto& t = describe(e, language::zh);
        check(t.title);
        check(t.why);
        for (const auto step : t.remedy) {
            check(step);
        }
    }
    for (auto c : all_categories) {
        check(describe(c, language::zh).meaning);
    }
}

TEST_CASE("language from the environment: first non-empty of LC_ALL, LC_MESSAGES, LANG") {
    struct row {
        const char* lc_all;
        const char* lc_messages;
        const char* lang;
        language expected;
    };
    const row rows[] = {
        {nullptr, nullptr, nullptr, language::en},
        {"", "", "", language::en},
        {nullptr, nullptr, "zh_CN.UTF-8", language::zh},
        {"", "", "zh_TW.Big5", language::zh},
        {"C", nullptr, "zh_CN.UTF-8", language::en},
        {"", "zh_CN.UTF-8", "en_US.UTF-8", language::zh},
        {"en_US.UTF-8", "zh_CN.UTF-8", "zh_CN.UTF-8", language::en},
        {"zh", nullptr, nullptr, language::zh},
        {"ZH_cn", nullptr, nullptr, language::zh},
        {"zhx_YY", nullptr, nullptr, language::en},
        {"POSIX", nullptr, nullptr, language::en},
        {nullptr, nullptr, "de_DE.UTF-8", language::en},
    };
    for (const auto& r : rows) {
        CAPTURE(r.lc_all ? r.lc_all : "(null)");
        CAPTURE(r.lang ? r.lang : "(null)");
        CHECK(language_from_env(r.lc_all, r.lc_messages, r.lang) == r.expected);
    }
}

TEST_CASE("language from a name") {
    CHECK(language_from_name("en") == language::en);
    CHECK(language_from_name("EN") == language::en);
    CHECK(language_from_name("en_US.UTF-8") == language::en);
    CHECK(language_from_name("zh") == language::zh);
    CHECK(language_from_name("zh-CN") == language::zh);
    CHECK(language_from_name("zh_CN.UTF-8") == language::zh);
    CHECK_FALSE(language_from_name("fr").has_value());
    CHECK_FALSE(language_from_name("").has_value());
    CHECK_FALSE(language_from_name("chinese").has_value());
    CHECK(language_name(language::zh) == "zh");
    CHECK(language_from_name(language_name(language::en)) == language::en);
}

TEST_CASE("every skip reason is worded in both languages, and the two differ") {
    using smtp_probe::skip_reason;
    for (auto r : {skip_reason::after_failure, skip_reason::not_requested, skip_reason::not_offered,
                   skip_reason::plaintext_requested, skip_reason::implicit_tls, skip_reason::no_tls,
                   skip_reason::no_user, skip_reason::no_secret, skip_reason::no_sender,
                   skip_reason::no_recipient}) {
        CAPTURE(smtp_probe::skip_reason_id(r));
        const auto en = smtp_probe::skip_reason_text(r, smtp_probe::language::en);
        const auto zh = smtp_probe::skip_reason_text(r, smtp_probe::language::zh);
        CHECK_FALSE(en.empty());
        CHECK_FALSE(zh.empty());
        CHECK(en != zh);
    }
    CHECK(smtp_probe::skip_reason_text(skip_reason::none, smtp_probe::language::en).empty());
}
