#include "probe/i18n/i18n.hpp"

#include <cctype>
#include <string>

#include "net/ascii.hpp"
#include "probe/i18n/messages.hpp"

namespace smtp_probe {
namespace {

/// "zh", "zh_CN", "zh-Hans", "zh.UTF-8": the language part before any separator.
std::string_view language_part(std::string_view s) {
    return s.substr(0, s.find_first_of("_-.@"));
}

}  // namespace

language language_from_env(const char* lc_all, const char* lc_messages, const char* lang) {
    for (const char* v : {lc_all, lc_messages, lang}) {
        if (v != nullptr && *v != '\0') {
            return ascii_lowered(language_part(v)) == "zh" ? language::zh : language::en;
        }
    }
    return language::en;
}

std::optional<language> language_from_name(std::string_view name) {
    const auto part = ascii_lowered(language_part(name));
    if (part == "en") {
        return language::en;
    }
    if (part == "zh") {
        return language::zh;
    }
    return std::nullopt;
}

std::string_view language_name(language lang) {
    return lang == language::zh ? "zh" : "en";
}

std::string_view category_title(failure_category c, language lang) {
    return describe(c, lang).title;
}

const category_text& describe(failure_category c, language lang) {
    return lang == language::zh ? messages::category_zh(c) : messages::category_en(c);
}

const cause_text& describe(probe_errc e, language lang) {
    return lang == language::zh ? messages::cause_zh(e) : messages::cause_en(e);
}

const cause_text& describe(warning_kind w, language lang) {
    return lang == language::zh ? messages::warning_zh(w) : messages::warning_en(w);
}

std::string_view phase_label(phase p, language lang) {
    return lang == language::zh ? messages::phase_zh(p) : messages::phase_en(p);
}

std::string_view status_word(phase_status s, language lang) {
    return lang == language::zh ? messages::status_zh(s) : messages::status_en(s);
}

std::string_view ui_text(ui_string s, language lang) {
    return lang == language::zh ? messages::ui_zh(s) : messages::ui_en(s);
}

std::string_view php_mail_template(php_mail_text t, language lang) {
    return lang == language::zh ? messages::php_mail_zh(t) : messages::php_mail_en(t);
}

std::string_view skip_reason_text(skip_reason r, language lang) {
    const bool zh = lang == language::zh;
    switch (r) {
        case skip_reason::none:
            return "";
        case skip_reason::after_failure:
            return zh ? "前面步骤已失败" : "after a failure";
        case skip_reason::not_requested:
            return zh ? "未要求" : "not asked";
        case skip_reason::not_offered:
            return zh ? "服务器未提供 STARTTLS" : "the server does not offer STARTTLS";
        case skip_reason::plaintext_requested:
            return zh ? "已选择不加密（none）" : "plaintext chosen (none)";
        case skip_reason::implicit_tls:
            return zh ? "连接一开始就是 TLS（SSL）" : "TLS from the start (SSL)";
        case skip_reason::no_tls:
            return zh ? "会话未加密" : "the session is not encrypted";
        case skip_reason::no_user:
            return zh ? "未提供 --user" : "no --user given";
        case skip_reason::no_secret:
            return zh ? "未提供密码或令牌" : "no password or token given";
        case skip_reason::no_sender:
            return zh ? "没有发件人地址（--from）" : "no sender address (--from)";
        case skip_reason::no_recipient:
            return zh ? "已指定 --no-rcpt" : "--no-rcpt given";
    }
    return "";
}

}  // namespace smtp_probe
