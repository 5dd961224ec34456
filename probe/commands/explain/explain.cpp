#include "probe/commands/explain/explain.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <initializer_list>

#include "checks/classify.hpp"
#include "probe/commands/explain/text_scan.hpp"

namespace smtp_probe {
namespace {

using fc = failure_category;
using pe = probe_errc;
using namespace text_scan;

// ---- The views of a line the rules read ----

std::string_view bounded(std::string_view line) {
    return line.substr(0, std::min(line.size(), max_explained_line));
}

/// Lower case without any blank, full-width ：，（） as their ASCII forms and the ideographic
/// space dropped, so that "SMTP 错误：无法连接到 SMTP 主机" and "SMTP错误:无法连接到SMTP主机" read
/// alike.
std::string squeezed(std::string_view line) {
    std::string out;
    out.reserve(line.size());
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (is_blank(c)) {
            continue;
        }
        if (i + 2 < line.size() && static_cast<unsigned char>(c) == 0xEF &&
            static_cast<unsigned char>(line[i + 1]) == 0xBC) {
            const auto third = static_cast<unsigned char>(line[i + 2]);
            const char ascii = third == 0x9A   ? ':'
                               : third == 0x8C ? ','
                               : third == 0x88 ? '('
                               : third == 0x89 ? ')'
                                               : '\0';
            if (ascii != '\0') {
                out += ascii;
                i += 2;
                continue;
            }
        }
        if (i + 2 < line.size() && static_cast<unsigned char>(c) == 0xE3 &&
            static_cast<unsigned char>(line[i + 1]) == 0x80 &&
            static_cast<unsigned char>(line[i + 2]) == 0x80) {
            i += 2;
            continue;
        }
        out += ascii_lower(c);
    }
    return out;
}

bool contains(std::string_view haystack, std::string_view needle) {
    return !needle.empty() && haystack.find(needle) != std::string_view::npos;
}

// ---- The messages WHMCS logs ----
//
// Needles are in the squeezed form: lower case, no blanks, ASCII punctuation. A rule matches when
// its needle (and its second needle, if any) occurs anywhere in the line. Rules that name the
// command a quoted reply answered give that reply's phase.

struct message_rule {
    std::string_view needle;
    std::array<fc, 3> categories{};
    std::size_t count = 0;
    std::optional<phase> reply_phase;
    std::string_view also;
    std::string_view unless;  ///< a needle that rules the message out
    std::optional<pe> cause;

    [[nodiscard]] constexpr message_rule with(std::string_view second) const {
        auto copy = *this;
        copy.also = second;
        return copy;
    }
    [[nodiscard]] constexpr message_rule except(std::string_view veto) const {
        auto copy = *this;
        copy.unless = veto;
        return copy;
    }
    [[nodiscard]] constexpr message_rule naming(pe c) const {
        auto copy = *this;
        copy.cause = c;
        return copy;
    }
};

constexpr message_rule says(std::string_view needle, std::initializer_list<fc> categories,
                            std::optional<phase> reply_phase = std::nullopt) {
    message_rule r;
    r.needle = needle;
    for (const auto c : categories) {
        if (r.count < r.categories.size()) {
            r.categories[r.count++] = c;
        }
    }
    r.reply_phase = reply_phase;
    return r;
}

// Order matters only for the order of categories when several rules match: the most specific
// messages come first.
constexpr message_rule message_rules[] = {
    // -- 1 Could not instantiate mail function (PHP mail() and sendmail) --
    says("couldnotinstantiatemailfunction", {fc::instantiate_mail}),
    says("无法实例化邮件函数", {fc::instantiate_mail}),
    says("未知函数调用", {fc::instantiate_mail}),  // PHPMailer zh_cn "instantiate"
    says("未知函數調用", {fc::instantiate_mail}),  // PHPMailer zh (traditional)
    says("mail()hasbeendisabledforsecurityreasons", {fc::instantiate_mail})
        .naming(pe::mail_disabled),
    says("calltoundefinedfunctionmail()", {fc::instantiate_mail}).naming(pe::mail_disabled),
    says("sendmail", {fc::instantiate_mail}).with("notfound").naming(pe::sendmail_missing),
    says("sendmail", {fc::instantiate_mail})
        .with("nosuchfileordirectory")
        .naming(pe::sendmail_missing),
    says("sendmail", {fc::instantiate_mail})
        .with("permissiondenied")
        .naming(pe::sendmail_not_executable),
    says("couldnotexecute", {fc::instantiate_mail}).with("sendmail").naming(pe::sendmail_failed),
    says("无法执行", {fc::instantiate_mail}).with("sendmail").naming(pe::sendmail_failed),

    // -- 7 Data not accepted / 4 Sender verify failed: the envelope --
    says("followingfromaddressfailed", {fc::data_not_accepted, fc::sender_verify},
         phase::mail_from),
    says("发送地址错误", {fc::data_not_accepted, fc::sender_verify}, phase::mail_from),
    says("發送地址錯誤", {fc::data_not_accepted, fc::sender_verify}, phase::mail_from),
    says("发件人地址错误", {fc::data_not_accepted, fc::sender_verify}, phase::mail_from),
    says("mailfromcommandfailed", {fc::data_not_accepted, fc::sender_verify}, phase::mail_from),
    says("followingrecipientsfailed", {fc::data_not_accepted, fc::sender_verify}, phase::rcpt),
    says("收件人地址错误", {fc::data_not_accepted, fc::sender_verify}, phase::rcpt),
    says("收件人地址錯誤", {fc::data_not_accepted, fc::sender_verify}, phase::rcpt),
    says("rcpttocommandfailed", {fc::data_not_accepted, fc::sender_verify}, phase::rcpt),
    says("datanotaccepted", {fc::data_not_accepted}, phase::data),
    says("数据不被接受", {fc::data_not_accepted}, phase::data),
    says("數據不被接受", {fc::data_not_accepted}, phase::data),
    says("数据不可接受", {fc::data_not_accepted}, phase::data),
    says("数据未被接受", {fc::data_not_accepted}, phase::data),
    says("dataendcommandfailed", {fc::data_not_accepted}, phase::data),
    says("datacommandfailed", {fc::data_not_accepted}, phase::data),

    // -- 4 Sender verify failed (Exim's own words, at MAIL or RCPT) --
    says("senderverifyfailed", {fc::sender_verify}, phase::mail_from),
    says("verificationfailedfor", {fc::sender_verify}, phase::rcpt),
    says("发件人验证失败", {fc::sender_verify}),

    // -- 3 Authentication failed --
    says("couldnotauthenticate", {fc::auth_failed}, phase::auth),
    says("smtp错误:登录失败", {fc::auth_failed}, phase::auth),
    says("smtp錯誤:登錄失敗", {fc::auth_failed}, phase::auth),
    says("身份验证失败", {fc::auth_failed}, phase::auth),
    says("authenticationfailed", {fc::auth_failed}, phase::auth).with("smtp"),
    says("authcommandfailed", {fc::auth_failed}, phase::auth),
    says("usernamecommandfailed", {fc::auth_failed}, phase::auth),
    says("passwordcommandfailed", {fc::auth_failed}, phase::auth),

    // -- 2 Could not connect to SMTP host (PHPMailer also says it for STARTTLS failures) --
    says("couldnotconnecttosmtphost", {fc::connect_host, fc::smtp_connect_failed}),
    says("无法连接到smtp主机", {fc::connect_host, fc::smtp_connect_failed}),
    says("無法連接到smtp主機", {fc::connect_host, fc::smtp_connect_failed}),
    says("不能连接smtp主机", {fc::connect_host, fc::smtp_connect_failed}),
    says("ehlocommandfailed", {fc::connect_host}, phase::ehlo),
    says("helocommandfailed", {fc::connect_host}, phase::ehlo),
    says("starttlscommandfailed", {fc::connect_host}, phase::starttls),

    // -- 9 SMTP connect() failed: PHPMailer's word for any failed connect, TLS or AUTH --
    says("smtpconnect()failed", {fc::smtp_connect_failed, fc::connect_host, fc::auth_failed}),
    says("smtpconnect()失败", {fc::smtp_connect_failed, fc::connect_host, fc::auth_failed}),
    says("smtp服务器连接失败", {fc::smtp_connect_failed, fc::connect_host, fc::auth_failed}),
    says("smtp伺服器連接失敗", {fc::smtp_connect_failed, fc::connect_host, fc::auth_failed}),
    // PHPMailer's connection debug lines and PHP's stream warnings.
    says("failedtoconnecttoserver", {fc::smtp_connect_failed, fc::connect_host})
        .with("smtp")
        .except("curl"),
    says("stream_socket_client", {fc::smtp_connect_failed, fc::connect_host}),
    says("stream_socket_enable_crypto", {fc::smtp_connect_failed, fc::connect_host}),
    // OpenSSL's line on its own, as PHP's warning breaks it; cURL (registrar and payment modules)
    // words its TLS errors the same way.
    says("sslroutines", {fc::smtp_connect_failed, fc::connect_host}).except("curl"),

    // -- 5 Syntax error in an email template (Smarty's compiler) --
    says("syntaxerrorintemplate", {fc::template_syntax}),
    says("语法错误", {fc::template_syntax}),
    says("語法錯誤", {fc::template_syntax}),

    // -- 6 Smarty security policy --
    says("notallowedbysecuritysetting", {fc::smarty_policy}),
    says("disabledbysecuritysetting", {fc::smarty_policy}),
    says("安全策略禁止", {fc::smarty_policy}),
    says("smarty", {fc::smarty_policy}).with("securitypolicy"),

    // -- 8 Email sending aborted by configuration --
    says("emailsendingabortedbyconfiguration", {fc::sending_disabled}),
    says("配置导致邮件发送中止", {fc::sending_disabled}),
    says("disableemailsending", {fc::sending_disabled}),

    // -- 10 No recipients --
    says("norecipientsprovidedformessage", {fc::no_recipients}),
    says("邮件无收件人", {fc::no_recipients}),
    says("youmustprovideatleastonerecipient", {fc::no_recipients}),
    says("必须提供至少一个收件人", {fc::no_recipients}),
    says("必須提供至少一個收件人", {fc::no_recipients}),
};

/// When a line holds the markers of several headings, the more specific heading wins: Smarty's
/// compiler reports a security violation as "Syntax error in template ... not allowed by security
/// setting", which is the security policy, not the template's syntax.
std::vector<fc> most_specific(std::vector<fc> categories) {
    constexpr std::pair<fc, fc> beats[] = {{fc::smarty_policy, fc::template_syntax}};
    for (const auto& [specific, general] : beats) {
        if (std::find(categories.begin(), categories.end(), specific) != categories.end()) {
            std::erase(categories, general);
        }
    }
    return categories;
}

bool rule_matches(const message_rule& rule, std::string_view squeezed_line) {
    return contains(squeezed_line, rule.needle) &&
           (rule.also.empty() || contains(squeezed_line, rule.also)) &&
           !contains(squeezed_line, rule.unless);
}

// ---- Signals of a cause in the system's and OpenSSL's words ----
// Read only in lines that carry one of the connection messages above: "Connection refused" or
// "certificate verify failed" alone may come from any other module that logs.

struct signal_rule {
    std::string_view needle;
    pe cause;
};

constexpr signal_rule signal_rules[] = {
    // Certificates (OpenSSL's and PHP's wording); the most precise first.
    {"certificatehasexpired", pe::cert_expired},
    {"certificateisnotyetvalid", pe::cert_expired},
    {"didnotmatchexpectedcn", pe::cert_name_mismatch},
    {"subjectaltnamedidnotmatch", pe::cert_name_mismatch},  // PHP's peer-name check
    {"didnotmatchexpectedname", pe::cert_name_mismatch},
    {"hostnamemismatch", pe::cert_name_mismatch},
    {"self-signedcertificate", pe::cert_untrusted},
    {"selfsignedcertificate", pe::cert_untrusted},
    {"unabletogetlocalissuercertificate", pe::cert_untrusted},
    // TLS.
    {"wrongversionnumber", pe::port_mode_mismatch},
    {"unknownprotocol", pe::port_mode_mismatch},
    {"handshakefailure", pe::tls_handshake_failed},
    {"unsupportedprotocol", pe::tls_handshake_failed},
    // DNS (getaddrinfo's messages as PHP repeats them).
    {"nameorservicenotknown", pe::dns_not_found},
    {"noaddressassociatedwithhostname", pe::dns_not_found},
    {"nosuchhostisknown", pe::dns_not_found},
    {"temporaryfailureinnameresolution", pe::dns_server_failure},
    // TCP (strerror texts).
    {"connectionrefused", pe::tcp_refused},
    {"connectiontimedout", pe::tcp_timeout},
    {"networkisunreachable", pe::no_route},
    {"noroutetohost", pe::no_route},
    {"permissiondenied", pe::outbound_blocked},
};

/// The phase a "<COMMAND> command failed" names (PHPMailer's SMTP class, always in English).
constexpr std::pair<std::string_view, phase> command_phases[] = {
    {"mailfromcommandfailed", phase::mail_from}, {"rcpttocommandfailed", phase::rcpt},
    {"dataendcommandfailed", phase::data},       {"datacommandfailed", phase::data},
    {"authcommandfailed", phase::auth},          {"usernamecommandfailed", phase::auth},
    {"passwordcommandfailed", phase::auth},      {"ehlocommandfailed", phase::ehlo},
    {"helocommandfailed", phase::ehlo},          {"starttlscommandfailed", phase::starttls},
};

// ---- Facts for the suggested command ----

bool host_char(char c) {
    return is_alnum(c) || c == '.' || c == '-';
}

bool mailbox_char(char c) {
    return is_alnum(c) || c == '.' || c == '-' || c == '_' || c == '+' || c == '=' || c == '%';
}

/// local@domain of shell-safe characters only: the value may be pasted into a command.
std::optional<std::string> safe_mailbox(std::string_view s) {
    while (!s.empty() && (s.front() == '<' || s.front() == '"')) {
        s.remove_prefix(1);
    }
    while (!s.empty() &&
           (s.back() == '>' || s.back() == ':' || s.back() == ',' || s.back() == '"')) {
        s.remove_suffix(1);
    }
    const auto at = s.find('@');
    if (s.size() > 254 || at == std::string_view::npos || at == 0 || at + 1 == s.size()) {
        return std::nullopt;
    }
    const auto local = s.substr(0, at);
    const auto domain = s.substr(at + 1);
    if (!std::all_of(local.begin(), local.end(), mailbox_char) ||
        !std::all_of(domain.begin(), domain.end(), host_char) || domain.front() == '-' ||
        domain.front() == '.' || local.front() == '-') {
        return std::nullopt;
    }
    return std::string(s);
}

/// The first word after a marker (blank- or ':'-terminated).
std::string_view word_after(std::string_view line, std::size_t at) {
    auto rest = line.substr(at);
    while (!rest.empty() && is_blank(rest.front())) {
        rest.remove_prefix(1);
    }
    std::size_t end = 0;
    while (end < rest.size() && !is_blank(rest[end]) && rest[end] != '(' && rest[end] != ',') {
        ++end;
    }
    return rest.substr(0, end);
}

void read_endpoint(std::string_view word, line_facts& facts) {
    const auto scheme = lowered(word.substr(0, std::min<std::size_t>(6, word.size())));
    if (scheme == "ssl://") {
        facts.ssl_type = "ssl";
        word.remove_prefix(6);
    } else if (scheme == "tcp://") {
        word.remove_prefix(6);
    }
    const auto colon = word.rfind(':');
    auto host = word.substr(0, colon);
    if (colon != std::string_view::npos) {
        const auto digits = word.substr(colon + 1);
        unsigned value = 0;
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        if (ec == std::errc{} && end == digits.data() + digits.size() && value >= 1 &&
            value <= 65535) {
            facts.port = static_cast<std::uint16_t>(value);
        }
    }
    if (!host.empty() && host.size() <= 253 && std::all_of(host.begin(), host.end(), host_char) &&
        host.front() != '-' && host.front() != '.') {
        facts.host = std::string(host);
    }
}

std::string signature(const std::vector<explain_match>& matches) {
    std::string out;
    for (const auto& m : matches) {
        out += category_id(m.category);
        out += '/';
        out += confidence_name(m.confidence);
        out += '/';
        out += m.cause ? cause_id(*m.cause) : "-";
        if (m.reply) {
            out += '/';
            out += phase_name(m.reply->at);
            out += m.reply->code ? std::to_string(*m.reply->code) : "-";
            out += m.reply->enhanced ? m.reply->enhanced->to_string() : "-";
            out += m.reply->text;
        }
        out += ';';
    }
    return out;
}

}  // namespace

std::string_view confidence_name(match_confidence c) {
    return c == match_confidence::exact ? "exact" : "likely";
}

std::vector<explain_match> explain_text(std::string_view line) {
    line = bounded(line);
    const auto squeeze = squeezed(line);

    std::vector<fc> categories;
    std::optional<phase> reply_phase;
    std::optional<pe> rule_cause;
    for (const auto& rule : message_rules) {
        if (!rule_matches(rule, squeeze)) {
            continue;
        }
        for (std::size_t i = 0; i < rule.count; ++i) {
            if (std::find(categories.begin(), categories.end(), rule.categories[i]) ==
                categories.end()) {
                categories.push_back(rule.categories[i]);
            }
        }
        if (!reply_phase) {
            reply_phase = rule.reply_phase;
        }
        if (!rule_cause) {
            rule_cause = rule.cause;
        }
    }
    if (categories.empty()) {
        return {};
    }
    categories = most_specific(std::move(categories));
    // The command named in the line beats the phase its message suggests.
    for (const auto& [needle, p] : command_phases) {
        if (contains(squeeze, needle)) {
            reply_phase = p;
            break;
        }
    }

    // A cause from the quoted reply first, then from the message, then from system texts.
    std::optional<quoted_reply> reply;
    if (reply_phase) {
        reply = find_quoted_reply(line, *reply_phase);
        if (reply) {
            if (const auto cause = quoted_reply_cause(*reply)) {
                return {{category_for(reply->at, *cause), match_confidence::exact, cause,
                         std::move(*reply)}};
            }
        }
    }
    if (rule_cause) {
        return {{*fixed_category(*rule_cause), match_confidence::exact, rule_cause, std::nullopt}};
    }
    // The system's words speak of connections: they refine only a connection failure.
    const bool connecting = std::find_if(categories.begin(), categories.end(), [](fc c) {
                                return c == fc::connect_host || c == fc::smtp_connect_failed;
                            }) != categories.end();
    for (const auto& signal : signal_rules) {
        if (connecting && contains(squeeze, signal.needle)) {
            return {{*fixed_category(signal.cause), match_confidence::exact, signal.cause,
                     std::nullopt}};
        }
    }
    // OpenSSL's "certificate verify failed" does not say which check failed: the dates, the
    // chain (an unknown CA, a missing intermediate) or a self-signed certificate. The probe
    // tells them apart; explain names them all.
    if (connecting && contains(squeeze, "certificateverifyfailed")) {
        return {
            {fc::smtp_connect_failed, match_confidence::likely, pe::cert_expired, std::nullopt},
            {fc::smtp_connect_failed, match_confidence::likely, pe::cert_untrusted, std::nullopt}};
    }

    const auto confidence =
        categories.size() == 1 ? match_confidence::exact : match_confidence::likely;
    std::vector<explain_match> out;
    out.reserve(categories.size());
    for (const auto c : categories) {
        // A reply that names no cause is still evidence worth showing.
        out.push_back({c, confidence, std::nullopt, reply});
    }
    return out;
}

explain_match explain_category(failure_category c) {
    return {c, match_confidence::exact, std::nullopt, std::nullopt};
}

std::optional<explain_match> explain_id(std::string_view word) {
    word = trimmed(word);
    if (const auto c = category_from_id(word); c && *c != failure_category::ok) {
        return explain_category(*c);
    }
    if (const auto cause = cause_from_id(word)) {
        if (const auto c = fixed_category(*cause)) {
            return explain_match{*c, match_confidence::exact, cause, std::nullopt};
        }
    }
    return std::nullopt;
}

std::vector<explain_match> explain_input(std::string_view input) {
    if (auto match = explain_id(input)) {
        return {*match};
    }
    return explain_text(input);
}

line_facts facts_of(std::string_view line) {
    line = bounded(line);
    const auto lower = lowered(line);
    line_facts facts;
    if (const auto at = find_any(lower, {"unable to connect to ", "opening to "}); at.ok()) {
        read_endpoint(word_after(line, at.end()), facts);
    }
    // PHP: "Peer certificate CN=`a' did not match expected CN=`mail.example.com'".
    if (const auto at = lower.find("expected cn=`"); !facts.host && at != std::string::npos) {
        const auto start = at + std::string_view("expected cn=`").size();
        const auto end = line.find('\'', start);
        if (end != std::string_view::npos && end - start <= 253) {
            read_endpoint(line.substr(start, end - start), facts);
        }
    }
    if (const auto at = find_any(lower, {"from address failed:", "发送地址错误：", "發送地址錯誤：",
                                         "发件人地址错误："});
        at.ok()) {
        facts.from = safe_mailbox(word_after(line, at.end()));
    }
    if (const auto at =
            find_any(lower, {"recipients failed:", "收件人地址错误：", "收件人地址錯誤："});
        at.ok()) {
        auto word = word_after(line, at.end());
        word = word.substr(0, word.find(':'));
        facts.rcpt = safe_mailbox(word);
    }
    return facts;
}

bool probe_can_see(failure_category c) {
    switch (c) {
        case fc::connect_host:
        case fc::auth_failed:
        case fc::sender_verify:
        case fc::data_not_accepted:
        case fc::smtp_connect_failed:
            return true;
        default:
            return false;
    }
}

std::optional<std::string> suggested_check(const std::vector<explain_match>& matches,
                                           const line_facts& facts) {
    const auto seen = [&](auto pred) { return std::any_of(matches.begin(), matches.end(), pred); };
    if (!seen([](const explain_match& m) { return probe_can_see(m.category); })) {
        return std::nullopt;
    }
    std::string out = "smtp-probe check ";
    out += facts.host.value_or("SMTP_HOST");
    out += " --port ";
    out += facts.port ? std::to_string(*facts.port) : std::string("SMTP_PORT");
    out += " --ssl-type ";
    out += facts.ssl_type.value_or("SSL_TYPE");
    out += " --user SMTP_USERNAME --password-env SMTP_PASSWORD";
    const bool envelope = seen([](const explain_match& m) {
        return m.category == fc::sender_verify || m.category == fc::data_not_accepted ||
               (m.reply && (m.reply->at == phase::mail_from || m.reply->at == phase::rcpt));
    });
    if (envelope || facts.from) {
        out += " --from ";
        out += facts.from.value_or("SYSTEM_EMAILS_FROM");
    }
    if (facts.rcpt) {
        out += " --rcpt ";
        out += *facts.rcpt;
    }
    return out;
}

namespace {

bool continues_entry(std::string_view line) {
    if (line.empty()) {
        return false;
    }
    // PHPMailer's messages keep the CRLFs of a multi-line reply and the LF of PHP's OpenSSL
    // warning. What follows such a break is indented, OpenSSL's "error:..." line, another reply
    // line ("550-5.1.1 ..."), the rest of the From message (",553,5.7.1..."), or plain text that
    // is no message of its own. A line starting with any other digit (System Logs' dates and
    // times) or holding a message begins a new entry.
    if (line.front() == ' ' || line.front() == '\t' || line.front() == ',') {
        return true;
    }
    if (lowered(line.substr(0, std::min<std::size_t>(6, line.size()))) == "error:") {
        return true;
    }
    if (line.size() >= 4 && line[0] >= '2' && line[0] <= '5' && is_digit(line[1]) &&
        is_digit(line[2]) && (line[3] == '-' || line[3] == ' ')) {
        return true;
    }
    return !is_digit(line.front()) && explain_text(line).empty();
}

}  // namespace

log_explanation explain_log(std::string_view text, const log_limits& limits) {
    log_explanation out;
    out.limits = limits;
    if (text.size() > limits.max_bytes) {
        text = text.substr(0, limits.max_bytes);
        out.truncated = true;
    }
    std::vector<std::string> signatures;
    while (!text.empty()) {
        if (out.lines_read == limits.max_lines) {
            out.truncated = true;
            break;
        }
        const auto nl = text.find('\n');
        auto line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        ++out.lines_read;
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        if (trimmed(line).empty()) {
            continue;
        }
        // One entry: this line and the lines that continue it.
        const auto first_line = out.lines_read;
        std::string entry(line);
        while (!text.empty() && out.lines_read < limits.max_lines) {
            const auto next_nl = text.find('\n');
            auto next = text.substr(0, next_nl);
            if (!next.empty() && next.back() == '\r') {
                next.remove_suffix(1);
            }
            if (!continues_entry(next)) {
                break;
            }
            entry += ' ';
            entry += trimmed(next);
            text =
                next_nl == std::string_view::npos ? std::string_view{} : text.substr(next_nl + 1);
            ++out.lines_read;
        }
        line = bounded(entry);
        auto matches = explain_text(line);
        if (matches.empty()) {
            continue;
        }
        auto sig = signature(matches);
        const auto seen = std::find(signatures.begin(), signatures.end(), sig);
        if (seen != signatures.end()) {
            ++out.lines[static_cast<std::size_t>(seen - signatures.begin())].repeats;
            continue;
        }
        signatures.push_back(std::move(sig));
        explained_line e;
        e.line_number = first_line;
        e.text = std::string(bounded(line));
        e.matches = std::move(matches);
        e.facts = facts_of(line);
        out.lines.push_back(std::move(e));
    }
    return out;
}

}  // namespace smtp_probe
