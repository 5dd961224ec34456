// `smtp-probe explain`: what a line from WHMCS System Logs means, as WHMCS categories and, when the
// line says enough, a cause. Pure functions over text: a table of message patterns (PHPMailer's
// and Smarty's wordings in English and Chinese, WHMCS's own), plain case-insensitive substring
// search (no regular expressions), and the probe's own reply classifier for an SMTP reply quoted
// inside the line. Everything pasted is untrusted: scanned up to fixed bounds, never trusted for
// lengths, and sanitised by the renderers before it is printed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checks/errors.hpp"
#include "checks/phase.hpp"
#include "probe/commands/explain/quoted_reply.hpp"

namespace smtp_probe {

/// exact: the text settles the category (one candidate, or a cause read from the line).
/// likely: the message is one that several categories produce; matches come most likely first.
enum class match_confidence { exact, likely };

[[nodiscard]] std::string_view confidence_name(match_confidence c);

struct explain_match {
    failure_category category = failure_category::ok;
    match_confidence confidence = match_confidence::exact;
    std::optional<probe_errc> cause;    ///< named by the line (a quoted reply, an errno text, …)
    std::optional<quoted_reply> reply;  ///< the reply the cause was read from
};

/// What a line reveals about the settings to probe, for the suggested `smtp-probe check`.
/// Every value is checked to be safe to paste into a shell (host names, ports, addresses).
struct line_facts {
    std::optional<std::string> host;  ///< from "unable to connect to ssl://HOST:PORT"
    std::optional<std::uint16_t> port;
    std::optional<std::string> ssl_type;  ///< "ssl" when PHPMailer connected with ssl://
    std::optional<std::string> from;      ///< from "The following From address failed: ADDR"
    std::optional<std::string> rcpt;      ///< from "The following recipients failed: ADDR"
};

/// Bound on the part of one line that is scanned.
inline constexpr std::size_t max_explained_line = 4096;

/// The categories a line of System Logs can mean, most likely first; empty when the line carries
/// no message the matcher knows. Tolerates any prefix (dates, "Email Sending Failed - ") and
/// suffix. When the line quotes an SMTP reply, it is read with cause_for_reply() at the phase the
/// line names, and a cause found decides: one exact match, in the category the cause belongs to.
[[nodiscard]] std::vector<explain_match> explain_text(std::string_view line);

/// One category, exact, without a cause.
[[nodiscard]] explain_match explain_category(failure_category c);

/// An argument that is an id: a category id other than "ok" ("auth_failed"), or the id of a cause
/// with a fixed category ("bad_credentials", as exact match with that cause). Surrounding blanks
/// are ignored; case matters, as ids are lower-case. nullopt for anything else.
[[nodiscard]] std::optional<explain_match> explain_id(std::string_view word);

/// explain_id() when the input is an id, else explain_text().
[[nodiscard]] std::vector<explain_match> explain_input(std::string_view input);

[[nodiscard]] line_facts facts_of(std::string_view line);

/// The categories whose failures a network probe can reproduce (connect_host, auth_failed,
/// sender_verify, data_not_accepted, smtp_connect_failed).
[[nodiscard]] bool probe_can_see(failure_category c);

/// The `smtp-probe check` command that tests the settings behind these matches, with the values
/// the line revealed and the WHMCS field names as placeholders (SMTP_HOST, SMTP_PORT, SSL_TYPE,
/// SMTP_USERNAME, and --password-env SMTP_PASSWORD). nullopt when no match is visible to a probe.
[[nodiscard]] std::optional<std::string> suggested_check(const std::vector<explain_match>& matches,
                                                         const line_facts& facts);

/// Bounds for a pasted log excerpt.
struct log_limits {
    std::size_t max_lines = 200;
    std::size_t max_bytes = 64 * 1024;
};

struct explained_line {
    std::size_t line_number = 0;  ///< 1-based, of the first line with this meaning
    std::size_t repeats = 1;      ///< lines with the same meaning (itself included)
    std::string text;             ///< the line as pasted (at most max_explained_line bytes)
    std::vector<explain_match> matches;
    line_facts facts;
};

struct log_explanation {
    std::vector<explained_line> lines;  ///< lines that matched, one per distinct meaning
    std::size_t lines_read = 0;
    bool truncated = false;  ///< the excerpt exceeded the limits; the rest was not read
    log_limits limits;       ///< the limits applied
};

/// Explains each line of an excerpt (LF or CRLF separated); lines with the same matches, cause
/// and quoted reply are reported once, with a repeat count.
[[nodiscard]] log_explanation explain_log(std::string_view text, const log_limits& limits = {});

}  // namespace smtp_probe
