#include "probe/commands/php_mail/php_mail.hpp"

#include <fmt/args.h>
#include <fmt/format.h>

#include <algorithm>
#include <boost/json/array.hpp>
#include <cctype>
#include <cstring>

#include "checks/test_message.hpp"
#include "net/ascii.hpp"
#include "net/sanitize.hpp"

namespace smtp_probe {
namespace {

std::string_view trim(std::string_view s) {
    const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!s.empty() && is_space(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_space(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

/// Calls f(line) for every line (without the line break).
template <typename F>
void for_each_line(std::string_view text, F f) {
    while (!text.empty()) {
        const auto nl = text.find('\n');
        auto line = text.substr(0, nl);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        f(line);
        if (nl == std::string_view::npos) {
            break;
        }
        text.remove_prefix(nl + 1);
    }
}

/// The value part of "KEY = VALUE ; comment" in php.ini syntax.
std::string ini_value(std::string_view raw) {
    raw = trim(raw);
    std::string out;
    bool quoted_any = false;
    std::size_t i = 0;
    while (i < raw.size()) {
        const char c = raw[i];
        if (c == ';') {
            break;
        }
        if (c == '"') {
            quoted_any = true;
            ++i;
            while (i < raw.size() && raw[i] != '"') {
                if (raw[i] == '\\' && i + 1 < raw.size() &&
                    (raw[i + 1] == '"' || raw[i + 1] == '\\')) {
                    ++i;
                }
                out += raw[i++];
            }
            ++i;  // closing quote
            continue;
        }
        if (c == '\'') {
            quoted_any = true;
            ++i;
            while (i < raw.size() && raw[i] != '\'') {
                out += raw[i++];
            }
            ++i;
            continue;
        }
        out += c;
        ++i;
    }
    if (!quoted_any) {
        auto t = std::string(trim(out));
        for (const auto word : {"none", "off", "no", "false", "null"}) {
            if (iequals(t, word)) {
                return {};
            }
        }
        return t;
    }
    return std::string(trim(out));
}

bool shell_special(char c) {
    return std::string_view("|&;<>()$`*?[]{}\n#").find(c) != std::string_view::npos;
}

}  // namespace

std::string_view origin_name(php_mail_settings::origin o) {
    return o == php_mail_settings::origin::php_info ? "php -i" : "php.ini";
}

std::optional<std::string> php_info_value(std::string_view php_i_output,
                                          std::string_view directive) {
    std::optional<std::string> found;
    const std::string prefix = std::string(directive) + " => ";
    for_each_line(php_i_output, [&](std::string_view line) {
        if (found || line.substr(0, prefix.size()) != prefix) {
            return;
        }
        auto rest = line.substr(prefix.size());
        // "LOCAL => MASTER". A value may itself hold " => ": when both halves are equal (the
        // usual case) the split is in the middle, otherwise at the first separator.
        std::string_view local = rest;
        if (rest.size() >= 4 && (rest.size() - 4) % 2 == 0) {
            const auto half = (rest.size() - 4) / 2;
            if (rest.substr(half, 4) == " => " && rest.substr(0, half) == rest.substr(half + 4)) {
                local = rest.substr(0, half);
            } else if (const auto sep = rest.find(" => "); sep != std::string_view::npos) {
                local = rest.substr(0, sep);
            }
        } else if (const auto sep = rest.find(" => "); sep != std::string_view::npos) {
            local = rest.substr(0, sep);
        } else if (rest.size() >= 3 && rest.substr(rest.size() - 3) == " =>") {
            local = rest.substr(0, rest.size() - 3);
        }
        local = trim(local);
        found = local == "no value" ? std::string() : std::string(local);
    });
    return found;
}

std::optional<php_mail_settings> settings_from_php_info(std::string_view output) {
    auto path = php_info_value(output, "sendmail_path");
    if (!path) {
        return std::nullopt;
    }
    php_mail_settings s;
    s.from = php_mail_settings::origin::php_info;
    s.sendmail_path = std::move(*path);
    s.disable_functions = php_info_value(output, "disable_functions").value_or("");
    return s;
}

std::optional<std::string> php_ini_value(std::string_view ini_text, std::string_view directive) {
    std::optional<std::string> found;
    bool scoped_section = false;
    for_each_line(ini_text, [&](std::string_view line) {
        line = trim(line);
        if (line.empty() || line.front() == ';' || line.front() == '#') {
            return;
        }
        if (line.front() == '[') {
            const auto name = ascii_lowered(line.substr(1, line.find(']') - 1));
            scoped_section = name.rfind("host=", 0) == 0 || name.rfind("path=", 0) == 0;
            return;
        }
        const auto eq = line.find('=');
        if (scoped_section || eq == std::string_view::npos) {
            return;
        }
        if (trim(line.substr(0, eq)) == directive) {
            found = ini_value(line.substr(eq + 1));
        }
    });
    return found;
}

php_mail_settings settings_from_php_ini(std::string_view ini_text) {
    php_mail_settings s;
    s.from = php_mail_settings::origin::php_ini;
    if (auto path = php_ini_value(ini_text, "sendmail_path")) {
        s.sendmail_path = std::move(*path);
    } else {
        s.sendmail_path = std::string(php_default_sendmail_path);
        s.sendmail_path_defaulted = true;
    }
    s.disable_functions = php_ini_value(ini_text, "disable_functions").value_or("");
    return s;
}

bool mail_is_disabled(std::string_view list) {
    std::size_t i = 0;
    while (i < list.size()) {
        const auto end = list.find_first_of(", \t", i);
        const auto word = list.substr(i, end == std::string_view::npos ? end : end - i);
        if (iequals(word, "mail")) {
            return true;
        }
        if (end == std::string_view::npos) {
            break;
        }
        i = end + 1;
    }
    return false;
}

sendmail_command split_sendmail_path(std::string_view text) {
    sendmail_command cmd;
    const auto too_complex = [&cmd](php_mail_text why, std::vector<std::string> values = {}) {
        cmd.argv.clear();
        cmd.problem = {why, std::move(values)};
        return cmd;
    };
    text = trim(text);
    if (!text.empty() && text.front() == '~') {
        return too_complex(php_mail_text::split_tilde);
    }
    std::string word;
    bool in_word = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == ' ' || c == '\t') {
            if (in_word) {
                cmd.argv.push_back(std::move(word));
                word.clear();
                in_word = false;
            }
            continue;
        }
        in_word = true;
        if (c == '\'') {
            const auto close = text.find('\'', i + 1);
            if (close == std::string_view::npos) {
                return too_complex(php_mail_text::split_single_quote);
            }
            word += text.substr(i + 1, close - i - 1);
            i = close;
        } else if (c == '"') {
            ++i;
            for (; i < text.size() && text[i] != '"'; ++i) {
                if (text[i] == '$' || text[i] == '`') {
                    return too_complex(php_mail_text::split_expansion_in_quotes,
                                       {std::string(1, text[i])});
                }
                if (text[i] == '\\' && i + 1 < text.size() &&
                    std::string_view("\"\\$`").find(text[i + 1]) != std::string_view::npos) {
                    ++i;
                }
                word += text[i];
            }
            if (i >= text.size()) {
                return too_complex(php_mail_text::split_double_quote);
            }
        } else if (c == '\\') {
            if (i + 1 >= text.size()) {
                return too_complex(php_mail_text::split_trailing_backslash);
            }
            word += text[++i];
        } else if (shell_special(c)) {
            return too_complex(php_mail_text::split_shell_syntax,
                               {c == '\n' ? std::string("\\n") : std::string(1, c)});
        } else {
            word += c;
        }
    }
    if (in_word) {
        cmd.argv.push_back(std::move(word));
    }
    // VAR=value before the program is a shell assignment.
    if (!cmd.argv.empty() && cmd.argv.front().find('=') != std::string::npos) {
        return too_complex(php_mail_text::split_assignment);
    }
    return cmd;
}

std::optional<std::string> sendmail_config_option(const std::vector<std::string>& argv) {
    std::optional<std::string> found;
    for (std::size_t i = 1; i < argv.size(); ++i) {
        if (argv[i] == "-C" && i + 1 < argv.size()) {
            found = argv[++i];
        } else if (argv[i].rfind("-C", 0) == 0 && argv[i].size() > 2) {
            found = argv[i].substr(2);
        } else if (argv[i].rfind("--file=", 0) == 0) {
            found = argv[i].substr(7);
        }
    }
    return found;
}

std::string_view mta_name(mta_kind k) {
    switch (k) {
        case mta_kind::exim:
            return "exim";
        case mta_kind::postfix:
            return "postfix";
        case mta_kind::msmtp:
            return "msmtp";
        case mta_kind::ssmtp:
            return "ssmtp";
        case mta_kind::unknown:
            break;
    }
    return "unknown";
}

mta_kind identify_mta(std::string_view resolved_path, std::string_view file_head) {
    const auto slash = resolved_path.rfind('/');
    const auto name = ascii_lowered(
        slash == std::string_view::npos ? resolved_path : resolved_path.substr(slash + 1));
    const auto has = [&name](std::string_view part) {
        return name.find(part) != std::string::npos;
    };
    if (has("exim")) {
        return mta_kind::exim;
    }
    if (has("postfix")) {
        return mta_kind::postfix;
    }
    if (has("msmtp")) {
        return mta_kind::msmtp;
    }
    if (has("ssmtp")) {
        return mta_kind::ssmtp;
    }
    if (name != "sendmail") {
        return mta_kind::unknown;
    }
    // A plain "sendmail": Postfix installs its own under that name; look at the program's text.
    if (file_head.find("postdrop") != std::string_view::npos &&
        file_head.find("postfix") != std::string_view::npos) {
        return mta_kind::postfix;
    }
    if (file_head.find("msmtprc") != std::string_view::npos) {
        return mta_kind::msmtp;
    }
    if (file_head.find("ssmtp.conf") != std::string_view::npos) {
        return mta_kind::ssmtp;
    }
    if (file_head.find("exim_path") != std::string_view::npos) {
        return mta_kind::exim;
    }
    return mta_kind::unknown;
}

std::string_view step_status_id(php_mail_step::status s) {
    switch (s) {
        case php_mail_step::status::pass:
            return "pass";
        case php_mail_step::status::fail:
            return "fail";
        case php_mail_step::status::warn:
            return "warn";
        case php_mail_step::status::skip:
            return "skip";
    }
    return "skip";
}

php_mail_note verbatim_note(std::string text) {
    return {php_mail_text::verbatim, {std::move(text)}};
}

std::string render_notes(const std::vector<php_mail_note>& notes, language lang) {
    std::string out;
    for (const auto& note : notes) {
        if (note.empty()) {
            continue;
        }
        fmt::dynamic_format_arg_store<fmt::format_context> args;
        for (const auto& v : note.values) {
            args.push_back(sanitize_for_display(v, 400));
        }
        if (!out.empty()) {
            out += lang == language::zh ? "；" : "; ";
        }
        try {
            out += fmt::vformat(php_mail_template(note.key, lang), args);
        } catch (const fmt::format_error&) {
            out += "?";  // a template that wants more values than given: a bug, not a crash
        }
    }
    return out;
}

std::string php_mail_step::detail(language lang) const {
    return render_notes(notes, lang);
}

php_mail_report judge_php_mail(const php_mail_facts& facts) {
    using st = php_mail_step::status;
    using t = php_mail_text;
    php_mail_report r;
    r.settings = facts.settings;
    const auto add = [&r](std::string name, st s, std::vector<php_mail_note> notes) {
        r.steps.push_back({std::move(name), s, std::move(notes)});
    };
    const auto fail = [&](std::string name, probe_errc cause, std::vector<php_mail_note> notes) {
        add(std::move(name), st::fail, std::move(notes));
        if (!r.cause) {
            r.cause = cause;
        }
    };
    const auto& s = facts.settings;

    if (mail_is_disabled(s.disable_functions)) {
        fail("disable_functions", probe_errc::mail_disabled,
             {{t::mail_disabled, {s.disable_functions}}});
    } else {
        add("disable_functions", st::pass,
            {s.disable_functions.empty()
                 ? php_mail_note{t::nothing_disabled, {}}
                 : php_mail_note{t::mail_not_disabled, {s.disable_functions}}});
    }

    const auto command = split_sendmail_path(s.sendmail_path);
    if (trim(s.sendmail_path).empty()) {
        fail("sendmail_path", probe_errc::sendmail_missing, {{t::sendmail_path_empty, {}}});
        return r;
    }
    if (!command.problem.empty()) {
        add("sendmail_path", st::warn, {{t::too_complex, {s.sendmail_path}}, command.problem});
        r.warned = true;
        return r;
    }
    add("sendmail_path", st::pass,
        {s.sendmail_path_defaulted ? php_mail_note{t::sendmail_path_default, {s.sendmail_path}}
                                   : verbatim_note(s.sendmail_path)});

    if (!facts.program) {
        return r;
    }
    const auto& p = *facts.program;
    if (p.stat_errno != 0 || !p.regular) {
        fail(
            "sendmail_exists", probe_errc::sendmail_missing,
            {p.stat_errno != 0 ? php_mail_note{t::path_error, {p.path, std::strerror(p.stat_errno)}}
                               : php_mail_note{t::not_regular_file, {p.path}}});
        return r;
    }
    add("sendmail_exists", st::pass,
        {verbatim_note(p.resolved != p.path ? fmt::format("{} -> {}", p.path, p.resolved)
                                            : p.path)});
    std::vector<std::string> perms{fmt::format("{:04o}", p.mode), p.owner, p.group, p.user};
    if (!p.executable) {
        fail("sendmail_executable", probe_errc::sendmail_not_executable,
             {{t::not_executable, std::move(perms)}});
        return r;
    }
    add("sendmail_executable", st::pass, {{t::permissions, std::move(perms)}});

    if (facts.mta == mta_kind::unknown) {
        add("mta", st::warn, {{t::mta_unknown, {}}});
        r.warned = true;
        return r;
    }
    add("mta", st::pass, {verbatim_note(std::string(mta_name(facts.mta)))});
    for (const auto& c : facts.mta_checks) {
        switch (c.outcome) {
            case mta_check::result::pass:
                add(c.name, st::pass, c.detail);
                break;
            case mta_check::result::skip:
                add(c.name, st::skip, c.detail);
                break;
            case mta_check::result::warn:
                add(c.name, st::warn, c.detail);
                r.held = true;
                break;
            case mta_check::result::fail:
                fail(c.name, probe_errc::sendmail_failed, c.detail);
                break;
        }
    }
    return r;
}

std::string_view send_method_id(php_mail_send::method m) {
    return m == php_mail_send::method::php ? "php" : "sendmail_path";
}

std::string_view send_outcome_id(php_mail_send::outcome o) {
    switch (o) {
        case php_mail_send::outcome::sent:
            return "sent";
        case php_mail_send::outcome::failed:
            return "failed";
        case php_mail_send::outcome::not_sent:
            break;
    }
    return "not_sent";
}

std::optional<std::string> send_blocker(const php_mail_report& report) {
    for (const auto& step : report.steps) {
        if (step.state == php_mail_step::status::fail) {
            return step.name;
        }
    }
    return std::nullopt;
}

void record_send(php_mail_report& report, php_mail_send send) {
    using st = php_mail_step::status;
    const auto state = send.result == php_mail_send::outcome::sent     ? st::pass
                       : send.result == php_mail_send::outcome::failed ? st::fail
                                                                       : st::skip;
    report.steps.push_back({"send", state, send.detail});
    if (send.result == php_mail_send::outcome::failed) {
        report.cause = report.cause.value_or(send.cause.value_or(probe_errc::sendmail_failed));
    } else if (send.result == php_mail_send::outcome::sent) {
        report.warned = false;
    }
    report.send = std::move(send);
}

php_mail_message build_php_test_message(const std::string& to,
                                        const std::optional<std::string>& from,
                                        std::int64_t now_utc) {
    php_mail_message m;
    m.to = to;
    m.subject = "smtp-probe test message (PHP mail)";
    if (from) {
        m.headers.push_back("From: " + *from);
    }
    m.headers.push_back("Date: " + rfc5322_date(now_utc));
    m.headers.push_back("Auto-Submitted: auto-generated");
    m.headers.push_back("X-Mailer: smtp-probe php-mail");
    m.headers.push_back("MIME-Version: 1.0");
    m.headers.push_back("Content-Type: text/plain; charset=UTF-8");
    m.headers.push_back("Content-Transfer-Encoding: 8bit");
    m.body =
        "This message was sent by smtp-probe php-mail, on request, through PHP's mail() settings\n"
        "on this server (WHMCS Mail Provider \"PHP Mail\"). No reply is needed.\n"
        "\n"
        "这是 smtp-probe php-mail 按要求通过本机 PHP mail() 设置发送的测试邮件（WHMCS 邮件提供者\n"
        "“PHP Mail”）。无需回复。\n";
    return m;
}

std::string sendmail_input(const php_mail_message& m) {
    std::string out = fmt::format("To: {}\nSubject: {}\n", m.to, m.subject);
    for (const auto& h : m.headers) {
        out += h;
        out += '\n';
    }
    out += '\n';
    out += m.body;
    out += '\n';
    return out;
}

std::string_view php_send_code() {
    return "if (!function_exists('mail')) { fwrite(STDERR, \"mail() is not defined\\n\"); "
           "exit(3); } "
           "exit(mail($argv[1], $argv[2], $argv[3], $argv[4]) ? 0 : 1);";
}

int php_mail_exit_code(const php_mail_report& report) {
    if (!report.ok()) {
        return 2;
    }
    return report.warned || report.held ? 1 : 0;
}

boost::json::object php_mail_json(const php_mail_report& report) {
    boost::json::object php;
    php["source"] = origin_name(report.settings.from);
    php["sendmail_path"] = sanitize_for_display(report.settings.sendmail_path);
    php["sendmail_path_default"] = report.settings.sendmail_path_defaulted;
    php["disable_functions"] = sanitize_for_display(report.settings.disable_functions);
    boost::json::array checks;
    for (const auto& step : report.steps) {
        boost::json::object c;
        c["name"] = step.name;
        c["status"] = step_status_id(step.state);
        c["detail"] = sanitize_for_display(step.detail(language::en));
        checks.push_back(std::move(c));
    }
    boost::json::object out;
    out["php"] = std::move(php);
    out["checks"] = std::move(checks);
    if (report.send) {
        const auto& s = *report.send;
        boost::json::object send;
        send["to"] = sanitize_for_display(s.to);
        if (s.from) {
            send["from"] = sanitize_for_display(*s.from);
        } else {
            send["from"] = nullptr;
        }
        send["via"] = send_method_id(s.via);
        send["status"] = send_outcome_id(s.result);
        if (s.exit_code) {
            send["exit_code"] = *s.exit_code;
        } else {
            send["exit_code"] = nullptr;
        }
        if (s.signal) {
            send["signal"] = *s.signal;
        } else {
            send["signal"] = nullptr;
        }
        send["timed_out"] = s.timed_out;
        send["detail"] = sanitize_for_display(render_notes(s.detail, language::en));
        out["send"] = std::move(send);
    } else {
        out["send"] = nullptr;
    }
    out["ok"] = report.ok();
    out["category"] =
        category_id(report.ok() ? failure_category::ok : failure_category::instantiate_mail);
    if (report.cause) {
        out["cause"] = cause_id(*report.cause);
    } else {
        out["cause"] = nullptr;
    }
    out["held"] = report.held;
    return out;
}

std::string render_php_mail_text(const php_mail_report& report, language lang) {
    const bool zh = lang == language::zh;
    std::string out;
    out += fmt::format("{} {} ({})\n",
                       zh ? "PHP mail() 检查，设置来自" : "PHP mail() check, settings from",
                       origin_name(report.settings.from),
                       zh ? "WHMCS 的 Mail Provider 为 PHP Mail 时使用"
                          : "used when WHMCS's Mail Provider is PHP Mail");
    for (const auto& step : report.steps) {
        std::string_view mark = "✓";
        switch (step.state) {
            case php_mail_step::status::pass:
                break;
            case php_mail_step::status::fail:
                mark = "✗";
                break;
            case php_mail_step::status::warn:
                mark = "!";
                break;
            case php_mail_step::status::skip:
                mark = "–";
                break;
        }
        out += fmt::format("  {} {:<22} {}\n", mark, step.name, step.detail(lang));
    }
    out += '\n';
    if (report.ok()) {
        if (report.held) {
            out += zh ? "! mail() 可以工作，但 Postfix 已停止：邮件会留在本机队列中，直到 Postfix "
                        "启动\n"
                      : "! mail() works, but Postfix is stopped: the mail stays queued on this "
                        "machine until Postfix starts\n";
        }
        if (report.send && report.send->result == php_mail_send::outcome::sent) {
            out += fmt::format(
                "✓ {}\n", render_notes({{php_mail_text::verdict_sent, {report.send->to}}}, lang));
            return out;
        }
        if (report.held) {
            return out;
        }
        out += report.warned ? (zh ? "! 未发现问题，但有部分无法判断\n"
                                   : "! No problem found, but part could not be judged\n")
                             : (zh ? "✓ 通过\n" : "✓ PHP mail() should work\n");
        return out;
    }
    const auto category = failure_category::instantiate_mail;
    const std::string_view colon = zh ? "：" : ": ";
    out += fmt::format("✗ {}\n", ui_text(ui_string::verdict_failed, lang));
    out += fmt::format("{}{}{} [{}]\n", ui_text(ui_string::category, lang), colon,
                       category_title(category, lang), category_id(category));
    if (zh) {
        out += fmt::format("  {}{}{}\n", ui_text(ui_string::whmcs_english, lang), colon,
                           category_title(category, language::en));
    }
    const auto& text = describe(*report.cause, lang);
    out += fmt::format("{}{}{} [{}]\n", ui_text(ui_string::cause, lang), colon, text.title,
                       cause_id(*report.cause));
    out += fmt::format("{}{}{}\n", ui_text(ui_string::why, lang), colon, text.why);
    out += fmt::format("{}{}\n", ui_text(ui_string::remedy, lang), zh ? "：" : ":");
    for (std::size_t i = 0; i < text.remedy.size(); ++i) {
        out += fmt::format("  {}. {}\n", i + 1, text.remedy[i]);
    }
    return out;
}

}  // namespace smtp_probe
