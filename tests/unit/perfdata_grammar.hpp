// A reader of plugin output by the Monitoring Plugins Development Guidelines: the first line is
// "TEXT | PERFDATA", performance data is space-separated
// 'label'=value[UOM];[warn];[crit];[min];[max] with labels quoted in single quotes (a quote inside
// doubled) when they hold a space or '='. Independent of probe/report/report_nagios.cpp, so that
// the tests check that code against the grammar rather than against itself.
#pragma once

#include <cctype>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace smtp_probe::perfgrammar {

struct item {
    std::string label;
    std::string value;
    std::string uom;
    std::vector<std::string> thresholds;  ///< warn, crit, min, max as written (maybe empty)
};

inline bool is_number(std::string_view s) {
    if (!s.empty() && s.front() == '-') {
        s.remove_prefix(1);
    }
    bool digit = false;
    bool dot = false;
    for (const char c : s) {
        if (c == '.') {
            if (dot) {
                return false;
            }
            dot = true;
        } else if (std::isdigit(static_cast<unsigned char>(c)) != 0) {
            digit = true;
        } else {
            return false;
        }
    }
    return digit;
}

/// [@][~|N][:[N]] or N.
inline bool is_range(std::string_view s) {
    if (!s.empty() && s.front() == '@') {
        s.remove_prefix(1);
    }
    const auto colon = s.find(':');
    if (colon == std::string_view::npos) {
        return is_number(s);
    }
    const auto low = s.substr(0, colon);
    const auto high = s.substr(colon + 1);
    return (low.empty() || low == "~" || is_number(low)) && (high.empty() || is_number(high));
}

/// The items, or nothing when the text breaks the grammar.
inline std::optional<std::vector<item>> parse(std::string_view perf) {
    static const std::set<std::string> uoms = {"",  "s",  "ms", "us", "%",
                                               "B", "KB", "MB", "TB", "c"};
    std::vector<item> out;
    std::size_t i = 0;
    while (i < perf.size()) {
        if (perf[i] == ' ') {
            ++i;
            continue;
        }
        item it;
        if (perf[i] == '\'') {
            ++i;
            for (;;) {
                if (i >= perf.size()) {
                    return std::nullopt;
                }
                if (perf[i] == '\'') {
                    if (i + 1 < perf.size() && perf[i + 1] == '\'') {
                        it.label += '\'';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                it.label += perf[i++];
            }
        } else {
            while (i < perf.size() && perf[i] != '=' && perf[i] != ' ' && perf[i] != '\'') {
                it.label += perf[i++];
            }
        }
        if (it.label.empty() || i >= perf.size() || perf[i] != '=') {
            return std::nullopt;
        }
        ++i;
        const auto end = perf.find(' ', i);
        const auto field = perf.substr(i, end == std::string_view::npos ? perf.npos : end - i);
        i = end == std::string_view::npos ? perf.size() : end;
        std::vector<std::string> parts;
        std::size_t from = 0;
        for (;;) {
            const auto semi = field.find(';', from);
            parts.emplace_back(field.substr(from, semi == field.npos ? field.npos : semi - from));
            if (semi == field.npos) {
                break;
            }
            from = semi + 1;
        }
        if (parts.size() > 5) {
            return std::nullopt;
        }
        const auto& first = parts.front();
        std::size_t num = 0;
        while (num < first.size() && (std::isdigit(static_cast<unsigned char>(first[num])) != 0 ||
                                      first[num] == '.' || (num == 0 && first[num] == '-'))) {
            ++num;
        }
        it.value = first.substr(0, num);
        it.uom = first.substr(num);
        if (!is_number(it.value) || uoms.count(it.uom) == 0) {
            return std::nullopt;
        }
        for (std::size_t k = 1; k < parts.size(); ++k) {
            // warn and crit are ranges; min and max plain numbers.
            if (!parts[k].empty() && !(k <= 2 ? is_range(parts[k]) : is_number(parts[k]))) {
                return std::nullopt;
            }
            it.thresholds.push_back(parts[k]);
        }
        out.push_back(std::move(it));
    }
    return out;
}

}  // namespace smtp_probe::perfgrammar
