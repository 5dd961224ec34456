#include "probe/commands/explain/explain_report.hpp"

#include "probe/report/terminal_style.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/string.hpp>

#include "net/sanitize.hpp"
#include "probe/commands/explain/category_causes.hpp"

namespace smtp_probe {
namespace {

namespace json = boost::json;

constexpr std::size_t max_shown_input = 512;

/// Pasted or quoted text on one line, safe for a terminal and for JSON.
std::string clean(std::string_view untrusted, std::size_t max_bytes = max_shown_input) {
    return sanitize_for_display(untrusted, max_bytes);
}

/// The words only `explain` uses; the shared ones come from i18n.hpp.
enum class word {
    log_line,
    meaning,
    what_to_check,
    possible_causes,
    possible_causes_checked,
    other_causes,
    ambiguous,        ///< "{n} WHMCS errors …", and the check tells which
    ambiguous_plain,  ///< the same without a check to run
    possible_n_of_m,  ///< "possible, {i} of {n}"
    cause_hint,
    not_probeable,
    check_it,
    replace,  ///< "Replace {names} …"
    read_summary,
    truncated,
    line_n,
    repeats,
    list_heading,
    list_not_visible,
    list_footer,
    empty_input,
    no_match,
};

std::string_view words(word w, language lang) {
    const bool zh = lang == language::zh;
    switch (w) {
        case word::log_line:
            return zh ? "日志行" : "Log line";
        case word::meaning:
            return zh ? "含义" : "What it means";
        case word::what_to_check:
            return zh ? "检查项目" : "What to check";
        case word::possible_causes:
            return zh ? "可能的原因" : "Possible causes";
        case word::possible_causes_checked:
            return zh ? "可能的原因（下面的检查命令能找出是哪一个）"
                      : "Possible causes (the check below tells which)";
        case word::other_causes:
            return zh ? "同一类别下的其他原因" : "Other causes under this heading";
        case word::ambiguous:
            return zh ? "这条信息可能对应 {} 种 WHMCS "
                        "错误（按可能性排序），仅凭这一行无法确定是哪一种；"
                        "最后的检查命令能区分它们。"
                      : "This message can mean {} WHMCS errors, most likely first; the line alone "
                        "does not say which, the check at the end does.";
        case word::ambiguous_plain:
            return zh ? "这条信息可能对应 {} 种 WHMCS "
                        "错误（按可能性排序），仅凭这一行无法确定是哪一种。"
                      : "This message can mean {} WHMCS errors, most likely first; the line alone "
                        "does not say which.";
        case word::possible_n_of_m:
            return zh ? "可能，第 {}/{} 种" : "possible, {} of {}";
        case word::cause_hint:
            return zh ? "查看某个原因的解决方法：smtp-probe explain 原因ID（方括号中的名称）"
                      : "For the remedies of one cause: smtp-probe explain CAUSE_ID (the name in "
                        "brackets)";
        case word::not_probeable:
            return zh ? "网络探测看不到这种错误：问题出在 WHMCS（或本机的 "
                        "PHP）中，而不在邮件服务器上。"
                      : "A network probe cannot see this error: it lies in WHMCS (or in PHP on "
                        "this server), not on the mail server.";
        case word::check_it:
            return zh ? "用以下命令检查" : "Check it with";
        case word::replace:
            return zh ? "把 {} 换成 WHMCS 的邮件设置（设定 > 系统设定 > 常规设定 > "
                        "“邮件”标签页及其中的"
                        "“配置邮件供应商”），并先把密码放进环境变量 SMTP_PASSWORD（read -rs "
                        "SMTP_PASSWORD; export SMTP_PASSWORD）。"
                      : "Replace {} with your WHMCS mail settings (Configuration > System Settings "
                        "> General Settings > Mail, and its Configure Mail Provider), and put the "
                        "password into SMTP_PASSWORD first (read -rs SMTP_PASSWORD; export "
                        "SMTP_PASSWORD).";
        case word::read_summary:
            return zh ? "共读取 {} 行，识别出 {} 种不同的错误。" : "Read {}; {} recognised.";
        case word::truncated:
            return zh ? "日志片段超过 {} 行或 {} KiB，超出部分被忽略。"
                      : "The excerpt was cut at {} lines or {} KiB; the rest was ignored.";
        case word::line_n:
            return zh ? "第 {} 行" : "Line {}";
        case word::repeats:
            return zh ? "（另有 {} 行相同）" : " (and {} more like it)";
        case word::list_heading:
            return zh ? "smtp-probe 能解释的 WHMCS 邮件错误："
                      : "The WHMCS email errors smtp-probe explains:";
        case word::list_not_visible:
            return zh ? "（网络探测看不到）" : "(not visible to a probe)";
        case word::list_footer:
            return zh ? "粘贴系统日志中的一行：smtp-probe explain \"SMTP Error: Could not "
                        "authenticate.\"\n或者把日志片段通过管道传入：smtp-probe explain < "
                        "log.txt\n"
                        "查看某一类：smtp-probe explain auth_failed"
                      : "Paste a line from System Logs: smtp-probe explain \"SMTP Error: Could not "
                        "authenticate.\"\nor pipe a log excerpt: smtp-probe explain < log.txt\n"
                        "or ask about one: smtp-probe explain auth_failed";
        case word::empty_input:
            return zh ? "标准输入中没有读到任何内容。请把一行日志作为参数给出（smtp-probe explain "
                        "\"…\"），或把日志片段通过管道传入。"
                      : "Nothing was read from stdin. Give a log line as an argument (smtp-probe "
                        "explain \"…\") or pipe a log excerpt in.";
        case word::no_match:
            return zh ? "在这段文字中没有识别出 WHMCS 邮件错误。请粘贴 设定 > 系统日志 中的一行，"
                        "或给出类别 ID：{}。"
                      : "No WHMCS email error was recognised in this text. Paste a line from "
                        "Configuration > System Logs, or give a category id: {}.";
    }
    return "?";
}

std::string label(std::string_view text, language lang) {
    return fmt::format("{}{}", text, lang == language::zh ? "：" : ": ");
}

std::string heading(std::string_view text, language lang) {
    return fmt::format("{}{}", text, lang == language::zh ? "：" : ":");
}

std::string quoted_reply_text(const quoted_reply& r) {
    std::string out;
    if (r.code) {
        out += std::to_string(*r.code);
    }
    if (r.enhanced) {
        out += out.empty() ? "" : " ";
        out += r.enhanced->to_string();
    }
    if (!r.text.empty()) {
        out += out.empty() ? "" : " ";
        out += r.text;
    }
    return out;
}

void append_steps(std::string& out, const std::vector<std::string_view>& steps,
                  std::string_view indent) {
    int n = 1;
    for (const auto step : steps) {
        out += fmt::format("{}{}. {}\n", indent, n++, step);
    }
}

std::string category_line(failure_category c, language lang, const painter& paint) {
    return fmt::format("{}{} [{}]", label(ui_text(ui_string::category, lang), lang),
                       paint(sgr::bold, category_title(c, lang)), category_id(c));
}

/// "WHMCS error: …", and the English title under a Chinese one (System Logs may be English).
void append_category_heading(std::string& out, const explain_match& m, std::size_t index,
                             std::size_t count, const explain_options& opt, const painter& paint) {
    out += category_line(m.category, opt.lang, paint);
    if (m.confidence == match_confidence::likely) {
        const auto note =
            fmt::format(fmt::runtime(words(word::possible_n_of_m, opt.lang)), index + 1, count);
        out += "  ";
        out += paint(sgr::yellow, opt.lang == language::zh ? fmt::format("（{}）", note)
                                                           : fmt::format("({})", note));
    }
    out += '\n';
    if (opt.lang != language::en) {
        out += fmt::format("  {}{}\n", label(ui_text(ui_string::whmcs_english, opt.lang), opt.lang),
                           category_title(m.category, language::en));
    }
}

void append_reply(std::string& out, const quoted_reply& r, language lang) {
    out += fmt::format("{}{}\n", label(ui_text(ui_string::server_reply, lang), lang),
                       clean(quoted_reply_text(r)));
    out += fmt::format("{}{}\n", label(ui_text(ui_string::failed_phase, lang), lang),
                       phase_label(r.at, lang));
}

/// The cause the line names: why, what to do, where else to look.
void append_cause(std::string& out, const explain_match& m, const explain_options& opt,
                  const painter& paint) {
    const auto lang = opt.lang;
    const auto& text = describe(*m.cause, lang);
    out += fmt::format("{}{} [{}]\n", label(ui_text(ui_string::cause, lang), lang),
                       paint(sgr::bold, text.title), cause_id(*m.cause));
    out += fmt::format("\n{}{}\n", label(ui_text(ui_string::why, lang), lang), text.why);
    out += fmt::format("{}\n", paint(sgr::bold, heading(ui_text(ui_string::remedy, lang), lang)));
    append_steps(out, text.remedy, "  ");
    if (text.see_also && *text.see_also != m.category) {
        out += fmt::format("{}{} [{}]\n", label(ui_text(ui_string::see_also, lang), lang),
                           category_title(*text.see_also, lang), category_id(*text.see_also));
    }
}

/// The causes under a category: with their remedies, or (for one of several possible
/// categories) as a list of titles.
void append_causes(std::string& out, const std::vector<probe_errc>& causes, std::string_view title,
                   bool with_remedies, language lang) {
    if (causes.empty()) {
        return;
    }
    out += fmt::format("{}\n", heading(title, lang));
    for (const auto cause : causes) {
        const auto& text = describe(cause, lang);
        out += fmt::format("  • {} [{}]\n", text.title, cause_id(cause));
        if (with_remedies) {
            append_steps(out, text.remedy, "      ");
        }
    }
}

void append_match(std::string& out, const explain_match& m, std::size_t index, std::size_t count,
                  const explain_options& opt, const painter& paint) {
    const auto lang = opt.lang;
    const auto& category = describe(m.category, lang);
    append_category_heading(out, m, index, count, opt, paint);
    if (m.cause) {
        append_cause(out, m, opt, paint);
        out += fmt::format("\n{}{}\n", label(words(word::meaning, lang), lang), category.meaning);
        auto others = causes_of(m.category);
        others.erase(std::remove(others.begin(), others.end(), *m.cause), others.end());
        append_causes(out, others, words(word::other_causes, lang), false, lang);
        return;
    }
    out += fmt::format("{}{}\n", label(words(word::meaning, lang), lang), category.meaning);
    out += fmt::format("{}\n", paint(sgr::bold, heading(words(word::what_to_check, lang), lang)));
    append_steps(out, category.checks, "  ");
    append_causes(
        out, causes_of(m.category),
        words(probe_can_see(m.category) ? word::possible_causes_checked : word::possible_causes,
              lang),
        m.confidence == match_confidence::exact, lang);
    if (!probe_can_see(m.category)) {
        out += paint(sgr::dim, words(word::not_probeable, lang));
        out += '\n';
    }
}

/// The placeholders left in a suggested command, in the order they appear.
std::vector<std::string_view> placeholders(std::string_view command) {
    constexpr std::string_view names[] = {"SMTP_HOST", "SMTP_PORT", "SSL_TYPE", "SMTP_USERNAME",
                                          "SYSTEM_EMAILS_FROM"};
    std::vector<std::string_view> out;
    for (const auto name : names) {
        if (command.find(name) != std::string_view::npos) {
            out.push_back(name);
        }
    }
    return out;
}

/// "a, b and c" / "a、b 和 c".
std::string join_list(const std::vector<std::string_view>& items, language lang) {
    const bool zh = lang == language::zh;
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0 && i + 1 == items.size()) {
            // No space beside full-width punctuation.
            out += zh ? (out.ends_with("）") ? "和 " : " 和 ") : " and ";
        } else if (i > 0) {
            out += zh ? "、" : ", ";
        }
        out += items[i];
    }
    return out;
}

void append_check(std::string& out, const std::vector<explain_match>& matches,
                  const line_facts& facts, const explain_options& opt, const painter& paint) {
    const auto command = suggested_check(matches, facts);
    if (!command) {
        return;
    }
    const auto lang = opt.lang;
    out += fmt::format("\n{}\n  {}\n", paint(sgr::bold, heading(words(word::check_it, lang), lang)),
                       *command);
    auto names = placeholders(*command);
    if (!names.empty()) {
        // SSL_TYPE's values, right where the admin reads the name.
        for (auto& n : names) {
            if (n == "SSL_TYPE") {
                n = lang == language::zh ? "SSL_TYPE（none、tls 或 ssl）"
                                         : "SSL_TYPE (none, tls or ssl)";
            }
        }
        out += paint(sgr::dim, "  " + fmt::format(fmt::runtime(words(word::replace, lang)),
                                                  join_list(names, lang)));
        out += '\n';
    }
}

/// The blocks for one input's matches, without the input line itself.
void append_matches(std::string& out, const std::vector<explain_match>& matches,
                    const line_facts& facts, const explain_options& opt, const painter& paint) {
    const auto lang = opt.lang;
    // A reply quoted in the line is evidence for every match; show it once, first.
    const auto with_reply = std::find_if(
        matches.begin(), matches.end(), [](const explain_match& m) { return m.reply.has_value(); });
    if (with_reply != matches.end()) {
        append_reply(out, *with_reply->reply, lang);
    }
    if (matches.size() > 1) {
        const auto sentence =
            suggested_check(matches, facts) ? word::ambiguous : word::ambiguous_plain;
        out += paint(sgr::yellow, fmt::format(fmt::runtime(words(sentence, lang)), matches.size()));
        out += '\n';
    }
    for (std::size_t i = 0; i < matches.size(); ++i) {
        out += '\n';
        append_match(out, matches[i], i, matches.size(), opt, paint);
    }
    const bool titles_only =
        std::any_of(matches.begin(), matches.end(), [](const explain_match& m) {
            return m.confidence == match_confidence::likely && !causes_of(m.category).empty();
        });
    if (titles_only) {
        out += paint(sgr::dim, words(word::cause_hint, lang));
        out += '\n';
    }
    append_check(out, matches, facts, opt, paint);
}

std::string category_ids_list() {
    std::string out;
    for (const auto c : all_categories) {
        if (c == failure_category::ok) {
            continue;
        }
        if (!out.empty()) {
            out += ", ";
        }
        out += category_id(c);
    }
    return out;
}

// ---- JSON ----

json::value reply_json(const std::optional<quoted_reply>& r) {
    if (!r) {
        return nullptr;
    }
    json::object out;
    out["phase"] = phase_name(r->at);
    if (r->code) {
        out["code"] = *r->code;
    } else {
        out["code"] = nullptr;
    }
    if (r->enhanced) {
        out["enhanced"] = r->enhanced->to_string();
    } else {
        out["enhanced"] = nullptr;
    }
    out["text"] = clean(r->text);
    return out;
}

json::array strings(const std::vector<std::string_view>& items) {
    json::array out;
    for (const auto item : items) {
        out.emplace_back(json::string(item));
    }
    return out;
}

json::object match_json(const explain_match& m, language lang) {
    const auto& category = describe(m.category, lang);
    json::object out;
    out["category"] = category_id(m.category);
    out["title"] = category_title(m.category, lang);
    out["title_en"] = category_title(m.category, language::en);
    out["confidence"] = confidence_name(m.confidence);
    if (m.cause) {
        out["cause"] = cause_id(*m.cause);
    } else {
        out["cause"] = nullptr;
    }
    out["reply"] = reply_json(m.reply);
    out["meaning"] = category.meaning;
    json::array causes;
    for (const auto cause : causes_of(m.category)) {
        const auto& text = describe(cause, lang);
        json::object entry;
        entry["cause"] = cause_id(cause);
        entry["title"] = text.title;
        entry["why"] = text.why;
        entry["remedy"] = strings(text.remedy);
        if (text.see_also) {
            entry["see_also"] = category_id(*text.see_also);
        } else {
            entry["see_also"] = nullptr;
        }
        causes.emplace_back(std::move(entry));
    }
    out["causes"] = std::move(causes);
    out["checks"] = strings(category.checks);
    out["probe_can_see"] = probe_can_see(m.category);
    return out;
}

json::object input_json(std::string_view input, const std::vector<explain_match>& matches,
                        const line_facts& facts, language lang) {
    json::object out;
    out["input"] = clean(input);
    json::array list;
    for (const auto& m : matches) {
        list.emplace_back(match_json(m, lang));
    }
    out["matches"] = std::move(list);
    if (const auto command = suggested_check(matches, facts)) {
        out["check_command"] = *command;
    } else {
        out["check_command"] = nullptr;
    }
    return out;
}

}  // namespace

std::string render_explanation(std::string_view input, const std::vector<explain_match>& matches,
                               const line_facts& facts, const explain_options& opt) {
    if (matches.empty()) {
        return no_match_text(opt.lang) + "\n";
    }
    const painter paint(opt.color);
    std::string out;
    // An id needs no echo; a pasted line is shown as it was read.
    if (!explain_id(input)) {
        out = fmt::format("{}{}\n", label(words(word::log_line, opt.lang), opt.lang), clean(input));
    }
    append_matches(out, matches, facts, opt, paint);
    return out;
}

std::string render_log_explanation(const log_explanation& log, const explain_options& opt) {
    const auto lang = opt.lang;
    const painter paint(opt.color);
    std::string out;
    if (log.lines_read == 0) {
        out = std::string(words(word::empty_input, lang)) + "\n";
    } else if (log.lines.empty()) {
        out = no_match_text(lang) + "\n";
    } else {
        const auto n = log.lines.size();
        out = lang == language::zh
                  ? fmt::format(fmt::runtime(words(word::read_summary, lang)), log.lines_read, n)
                  : fmt::format(
                        fmt::runtime(words(word::read_summary, lang)),
                        fmt::format("{} line{}", log.lines_read, log.lines_read == 1 ? "" : "s"),
                        fmt::format("{} distinct error{}", n, n == 1 ? "" : "s"));
        out += '\n';
    }
    if (log.truncated) {
        out += paint(sgr::yellow, fmt::format(fmt::runtime(words(word::truncated, lang)),
                                              log.limits.max_lines, log.limits.max_bytes / 1024));
        out += '\n';
    }
    for (const auto& line : log.lines) {
        out += fmt::format("\n{}\n", paint(sgr::dim, std::string(60, '-')));
        std::string where = fmt::format(fmt::runtime(words(word::line_n, lang)), line.line_number);
        if (line.repeats > 1) {
            where += fmt::format(fmt::runtime(words(word::repeats, lang)), line.repeats - 1);
        }
        out += fmt::format("{}{}\n", label(where, lang), clean(line.text));
        append_matches(out, line.matches, line.facts, opt, paint);
    }
    return out;
}

std::string render_category_list(const explain_options& opt) {
    const auto lang = opt.lang;
    const painter paint(opt.color);
    std::string out = fmt::format("{}\n", paint(sgr::bold, words(word::list_heading, lang)));
    int number = 1;
    for (const auto c : all_categories) {
        if (c == failure_category::ok) {
            continue;
        }
        std::string line =
            fmt::format("  {:>2}  {:<20} {}", number++, category_id(c), category_title(c, lang));
        if (lang != language::en) {
            line += fmt::format(" · {}", category_title(c, language::en));
        }
        if (!probe_can_see(c)) {
            line += "  ";
            line += paint(sgr::dim, words(word::list_not_visible, lang));
        }
        out += line;
        out += '\n';
    }
    out += fmt::format("\n{}\n", words(word::list_footer, lang));
    return out;
}

std::string no_match_text(language lang) {
    return fmt::format(fmt::runtime(words(word::no_match, lang)), category_ids_list());
}

json::object explanation_json(std::string_view input, const std::vector<explain_match>& matches,
                              const line_facts& facts, language lang) {
    return input_json(input, matches, facts, lang);
}

json::object log_explanation_json(const log_explanation& log, language lang) {
    json::object out;
    out["lines_read"] = log.lines_read;
    out["truncated"] = log.truncated;
    json::array results;
    for (const auto& line : log.lines) {
        auto entry = input_json(line.text, line.matches, line.facts, lang);
        entry["line"] = line.line_number;
        entry["repeats"] = line.repeats;
        results.emplace_back(std::move(entry));
    }
    out["results"] = std::move(results);
    return out;
}

json::object category_list_json(language lang) {
    json::array list;
    for (const auto c : all_categories) {
        if (c == failure_category::ok) {
            continue;
        }
        json::object entry;
        entry["category"] = category_id(c);
        entry["title"] = category_title(c, lang);
        entry["title_en"] = category_title(c, language::en);
        entry["probe_can_see"] = probe_can_see(c);
        list.emplace_back(std::move(entry));
    }
    json::object out;
    out["categories"] = std::move(list);
    return out;
}

}  // namespace smtp_probe
