#include "checks/classify.hpp"

#include "net/ascii.hpp"
#include "net/io_error.hpp"

#include <ares.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <cstring>
#include <initializer_list>
#include <span>
#include <string_view>

#include "checks/greeting_rules.hpp"
#include "net/dns_error.hpp"
#include "net/ip_literal.hpp"
#include "net/reply_parser.hpp"

namespace smtp_probe {
namespace {

using pe = probe_errc;
using fc = failure_category;
using needles = std::span<const std::string_view>;

// The parser bounds a reply already; this bounds what of it is searched for texts.
constexpr std::size_t max_scanned_text = std::size_t{8} * 1024;

// ---- Well-known server texts, lower-case. Each list names one meaning. ----

// "Come back later", without naming why: a rate only after a 421 or with an X.7.x policy code.
constexpr std::string_view retry_later_texts[] = {
    "try again later", "try later", "try again after", "retry later", "come back later",
};

// A rate, a quota or a limit on sending.
constexpr std::string_view rate_texts[] = {
    "rate limit",
    "ratelimit",
    "rate-limit",
    "rate exceeded",
    "sending rate",
    "unusual rate",
    "too many messages",
    "too much mail",
    "too many recipients",
    "too many connections",
    "too many concurrent",
    "too many new",
    "max emails per hour",
    "max defers and failures",
    "sending quota",
    "sending limit",
    "message quota",
    "daily message",
    "quotaexceeded",
    "throttl",
    "limit exceed",
    "frequency limited",
    "server busy",
    // NetEase (163/126) rejection tags for per-connection, per-day and per-IP limits.
    "mi:dmc",
    "mi:sfq",
    "mi:stc",
    "rp:qrc",
    "rp:trc",
    "rp:drc",
    "hl:ifc",
    "hl:icc",
};

constexpr std::string_view greylist_texts[] = {"greylist"};

constexpr std::string_view size_texts[] = {
    "size exceeds", "exceeds size", "size limit", "message too large", "message too big",
    "too large",    "too big",      "mailsize",   "length exceeds",    "maximum message size",
};

// The From (envelope sender) must be the login or an address it may send as.
constexpr std::string_view sender_not_owned_texts[] = {
    "not owned by",                        // Postfix reject_sender_login_mismatch, Yandex
    "sendasdenied",                        // Microsoft 365 (STOREDRV)
    "permissions to send as",              // Microsoft 365 5.7.60
    "not allowed to send as",              // Microsoft 365 5.2.252
    "must be same as authorization user",  // QQ / Tencent Exmail
    "must equal authorized user",          // NetEase 163/126/yeah
    "conform with authentication",         // Aliyun enterprise mail
    "relaying disallowed as",              // Zoho
    "not same as smtp authenticate",       // iRedMail (iRedAPD)
    "local user only",                     // NetEase: only local senders on SMTP hosts
};

constexpr std::string_view sender_unverified_texts[] = {"address is not verified"};  // SES

constexpr std::string_view auth_required_texts[] = {
    "authentication required", "authentication is required", "auth required",
    "not logged in",           "need ehlo and auth",         "auth first",
    "authenticate first",      "not authenticated",          "must authenticate",
    "requires authentication",
};

constexpr std::string_view tls_required_texts[] = {
    "must issue a starttls",
    "starttls is required",
    "starttls required",
    "encryption required",
    "plaintext authentication disallowed",
    "cleartext authentication disallowed",
    "tls required",
};

constexpr std::string_view relay_texts[] = {
    "relay access denied",
    "relay not permitted",
    "relaying denied",
    "relay denied",
    "not permitted to relay",
    "relaying disallowed",
    "unable to relay",
    "relay prohibited",
    "relaying is prohibited",
    "relaying not allowed",
    "relay not allowed",
    "not allowed to relay",
    "no relaying",
    "rp:frl",
};

// Trouble on the server's side; nothing about the sender or recipient.
constexpr std::string_view server_trouble_texts[] = {
    "configuration error", "configuration problem",     "temporary lookup failure",
    "lookup failure",      "local error in processing", "local problem",
};

// The sender address is unknown, unroutable or fails verification (any transaction phase).
constexpr std::string_view sender_unknown_texts[] = {
    "sender verify failed",
    "verification failed for",
    "sender address rejected",
    "sender domain",
    "bad sender",
    "invalid sender",
    "unknown sender",
    "sender unknown",
    "mi:imf",
};
// At MAIL FROM, a bare "unknown user" or "domain not found" can only be about the sender.
constexpr std::string_view mail_from_unknown_texts[] = {
    "domain not found",    "user unknown", "unknown user",
    "unrouteable address", "no such user", "does not exist",
};

constexpr std::string_view content_texts[] = {
    "spam",   "content", "virus", "malware", "infected", "phishing",    "dt:spm",
    "policy", "blocked", "dmarc", "spf",     "dkim",     "unsolicited",
};

constexpr std::string_view no_valid_recipient_texts[] = {"no valid recipients"};

// AUTH.
constexpr std::string_view auth_throttle_texts[] = {
    "too many login",          "too many auth", "too many failed",
    "too many invalid",        "too many bad",  "login attempts",
    "authentication attempts", "too much fail", "auth error limit",
};
constexpr std::string_view app_password_texts[] = {
    "application-specific password",
    "app password",
    "application password",
    "authorization code",                    // QQ: "Please enter your authorization code to login"
    "\xe6\x8e\x88\xe6\x9d\x83\xe7\xa0\x81",  // QQ/163: "授权码" (authorization code)
    "access rights to this service",         // Yandex: app passwords / mail clients not enabled
};
constexpr std::string_view web_login_texts[] = {
    "web browser",
    "log in via your web",
    "accept eula",
};
constexpr std::string_view auth_disabled_texts[] = {
    "smtpclientauthentication is disabled",  // Microsoft 365 tenant or mailbox
    "basic authentication is disabled",      // Microsoft 365
    "did not meet the criteria",             // Microsoft 365 conditional access
    "security defaults policy",              // Microsoft 365 security defaults
    "user has no permission",                // NetEase: SMTP not enabled for the mailbox
};
constexpr std::string_view mechanism_texts[] = {
    "unrecognized authentication type",     "unrecognised authentication type",
    "unsupported authentication mechanism", "mechanism not supported",
    "invalid authentication mechanism",     "mechanism is not supported",
};
constexpr std::string_view weak_mechanism_texts[] = {"too weak"};
constexpr std::string_view auth_not_offered_texts[] = {
    "authentication not enabled",   "auth not enabled",   "used when not advertised",
    "authentication not available", "auth not available",
};
constexpr std::string_view credential_texts[] = {
    "incorrect authentication data",
    "authentication failed",
    "authentication failure",
    "authentication unsuccessful",
    "credentials invalid",
    "invalid credentials",
    "not accepted",
    "invalid user",
    "password",
    "login fail",
    "bad username",
    "auth failed",
    "invalid login",
    "login incorrect",
};
constexpr std::string_view credentials_incorrect_texts[] = {"credentials were incorrect"};

// cPanel's stock Exim greeting ends with this notice (the "local Exim boilerplate").
constexpr std::string_view cpanel_boilerplate =
    "we do not authorize the use of this system to transport unsolicited";

// ---- Helpers ----

std::string lowered(std::string_view s) {
    std::string out(s.substr(0, std::min(s.size(), max_scanned_text)));
    std::transform(out.begin(), out.end(), out.begin(), ascii_lower);
    return out;
}

/// The enhanced code a reply carries: the parser's, or one after a qmail-style '#' ("#5.7.0").
std::optional<enhanced_status> enhanced_of(const smtp_reply& reply) {
    if (reply.enhanced || reply.lines.empty()) {
        return reply.enhanced;
    }
    std::string_view first = reply.lines.front();
    if (!first.empty() && first.front() == '#') {
        first.remove_prefix(1);
    }
    return parse_enhanced_status(first);
}

/// A reply reduced to what the rules read.
class reply_view {
public:
    explicit reply_view(const smtp_reply& reply)
        : code_(reply.code), enhanced_(enhanced_of(reply)), text_(lowered(reply.text())) {}

    [[nodiscard]] int code() const { return code_; }
    [[nodiscard]] bool negative() const { return code_ >= 400 && code_ < 600; }
    [[nodiscard]] bool permanent() const { return code_ >= 500 && code_ < 600; }

    /// X.subject.detail, whatever the class.
    [[nodiscard]] bool enhanced(int subject, int detail) const {
        return enhanced_ && enhanced_->subject == subject && enhanced_->detail == detail;
    }
    /// X.7.* (RFC 3463 section 3.8, security or policy status).
    [[nodiscard]] bool policy() const { return enhanced_ && enhanced_->subject == 7; }

    [[nodiscard]] bool says(needles list) const {
        return std::any_of(list.begin(), list.end(),
                           [&](std::string_view n) { return text_.find(n) != std::string::npos; });
    }
    [[nodiscard]] bool says(std::string_view needle) const {
        return text_.find(needle) != std::string::npos;
    }

private:
    int code_;
    std::optional<enhanced_status> enhanced_;
    std::string text_;
};

bool names_rate(const reply_view& r) {
    return r.says(rate_texts) || r.says(greylist_texts) ||
           ((r.code() == 421 || r.policy()) && r.says(retry_later_texts));
}

pe greeting_cause(const reply_view& r) {
    if (r.negative()) {
        // RFC 5321 section 3.1: 554 (or 421, or RFC 7504's 521) instead of 220 refuses the
        // session; before any command even a rate text is a refusal of the session.
        return pe::server_refused_session;
    }
    return r.code() == 220 ? pe::unexpected_reply : pe::protocol_violation;
}

/// RFC 5321 section 3.8: 421 closes the session at any point.
std::optional<pe> session_closed(const reply_view& r, phase p) {
    if (r.code() != 421) {
        return std::nullopt;
    }
    if (p == phase::auth) {
        return r.says(auth_throttle_texts) || names_rate(r) ? pe::auth_throttled
                                                            : pe::server_refused_session;
    }
    return names_rate(r) ? pe::rate_limited : pe::server_refused_session;
}

pe auth_cause(const reply_view& r, const reply_context& ctx) {
    if (auto closed = session_closed(r, phase::auth)) {
        return *closed;
    }
    if (!r.negative()) {
        return pe::unexpected_reply;
    }
    // AUTH refused in plaintext while STARTTLS is on offer: TLS would unlock it (RFC 3207 §4).
    const bool tls_would_help = !ctx.tls_active && ctx.starttls_offered;

    // Enhanced codes (RFC 4954 section 6, RFC 5248, and the providers' own).
    if (r.enhanced(7, 139)) {  // Microsoft 365 uses 5.7.139 for the whole family
        return r.says(credentials_incorrect_texts) ? pe::bad_credentials : pe::smtp_auth_disabled;
    }
    if (r.enhanced(7, 9)) {  // RFC 4954: mechanism too weak; Gmail: app password required
        return r.says(weak_mechanism_texts) ? pe::no_common_mechanism : pe::app_password_required;
    }
    if (r.enhanced(7, 14)) {
        return pe::web_login_required;
    }
    if (r.enhanced(7, 10) || r.enhanced(7, 11)) {
        return pe::auth_requires_tls;
    }
    if (r.enhanced(7, 12)) {  // RFC 4954: a password transition is needed
        return pe::web_login_required;
    }
    if (r.enhanced(7, 13)) {  // RFC 5248: user account disabled
        return pe::smtp_auth_disabled;
    }
    if (r.enhanced(7, 8) || r.enhanced(7, 3)) {
        if (r.says(tls_required_texts)) {
            return pe::auth_requires_tls;
        }
        if (r.says(app_password_texts)) {
            return pe::app_password_required;
        }
        if (r.says(web_login_texts)) {
            return pe::web_login_required;
        }
        return pe::bad_credentials;
    }

    // Texts.
    if (r.says(tls_required_texts)) {
        return pe::auth_requires_tls;
    }
    if (r.says(auth_throttle_texts) || r.says(rate_texts)) {
        return pe::auth_throttled;
    }
    if (r.says(app_password_texts)) {
        return pe::app_password_required;
    }
    if (r.says(web_login_texts)) {
        return pe::web_login_required;
    }
    if (r.says(auth_disabled_texts)) {
        return pe::smtp_auth_disabled;
    }
    if (r.says(mechanism_texts)) {
        return tls_would_help ? pe::auth_requires_tls : pe::no_common_mechanism;
    }
    if (r.says(auth_not_offered_texts)) {
        return tls_would_help ? pe::auth_requires_tls : pe::auth_not_offered;
    }
    // A transient failure ("454 4.7.0 Temporary authentication failure") says nothing about the
    // credentials.
    if (r.permanent() && r.says(credential_texts)) {
        return pe::bad_credentials;
    }

    // Bare codes.
    switch (r.code()) {
        case 535:
            return pe::bad_credentials;  // RFC 4954 section 6
        case 534:
            return pe::no_common_mechanism;  // RFC 4954: mechanism too weak
        case 538:
            return pe::auth_requires_tls;  // RFC 4954: encryption required
        case 530:                          // RFC 3207 section 4
            return ctx.tls_active ? pe::unexpected_reply : pe::auth_requires_tls;
        case 504:  // RFC 4954 section 4: mechanism invalid
            return tls_would_help ? pe::auth_requires_tls : pe::no_common_mechanism;
        case 500:
        case 502:  // AUTH is not a command here
            return tls_would_help ? pe::auth_requires_tls : pe::auth_not_offered;
        default:
            return pe::unexpected_reply;
    }
}

pe transaction_cause(phase p, const reply_view& r) {
    if (auto closed = session_closed(r, p)) {
        return *closed;
    }
    if (!r.negative()) {
        return pe::unexpected_reply;
    }

    // Enhanced codes that name one cause.
    if (r.enhanced(7, 60)) {  // Microsoft 365 SendAsDenied
        return pe::sender_not_owned;
    }
    if (r.enhanced(7, 57)) {  // Microsoft 365: client not authenticated
        return pe::auth_required;
    }
    // RFC 3463 X.1.7 bad sender mailbox syntax, X.1.8 bad sender system address; RFC 7505 X.7.27
    // sender domain has a null MX.
    if (r.enhanced(1, 7) || r.enhanced(1, 8) || r.enhanced(7, 27)) {
        return pe::sender_unknown;
    }
    // RFC 3463 X.3.4 message too big for system, X.2.3 message length exceeds limit.
    if (r.enhanced(3, 4) || r.enhanced(2, 3)) {
        return pe::message_too_large;
    }
    if (p == phase::rcpt &&
        (r.enhanced(1, 1) || r.enhanced(1, 2) || r.enhanced(1, 3) || r.enhanced(1, 6) ||
         r.enhanced(1, 10) || r.enhanced(2, 1) || r.enhanced(2, 2))) {
        return pe::recipient_rejected;  // bad/moved/null-MX mailbox, disabled, full
    }

    // Texts, most specific first.
    if (r.says("helo command rejected")) {  // Postfix reports HELO restrictions at RCPT
        return pe::ehlo_rejected;
    }
    if (r.says(tls_required_texts)) {
        return pe::auth_requires_tls;
    }
    if (r.says(sender_unverified_texts)) {
        return pe::sender_unverified;
    }
    if (r.says(sender_not_owned_texts)) {
        return pe::sender_not_owned;
    }
    if (r.says(auth_disabled_texts)) {
        return pe::smtp_auth_disabled;
    }
    if (r.says(relay_texts)) {  // before auth_required: cPanel's text mentions logging in
        return pe::relay_denied;
    }
    if (r.says(auth_required_texts)) {
        return pe::auth_required;
    }
    if (r.says(greylist_texts)) {
        return pe::rate_limited;
    }
    if (r.says(server_trouble_texts)) {
        return pe::unexpected_reply;
    }
    if (r.says(size_texts)) {
        return pe::message_too_large;
    }
    if (names_rate(r)) {
        return pe::rate_limited;
    }
    if (r.says(sender_unknown_texts) ||
        (p == phase::mail_from && r.says(mail_from_unknown_texts))) {
        return pe::sender_unknown;
    }
    if (p == phase::data) {
        if (r.says(no_valid_recipient_texts)) {
            return pe::recipient_rejected;
        }
        if (r.says(content_texts)) {
            return pe::content_rejected;
        }
    }

    // Bare codes (RFC 5321 section 4.2.2, RFC 4954 section 6, RFC 1870 section 6.1).
    if (r.code() == 530) {
        return pe::auth_required;
    }
    switch (p) {
        case phase::mail_from:
            return r.code() == 552 ? pe::message_too_large : pe::unexpected_reply;
        case phase::rcpt:
            return r.permanent() ? pe::recipient_rejected : pe::unexpected_reply;
        case phase::data:
            if (r.code() == 552) {
                return pe::message_too_large;
            }
            return r.permanent() ? pe::content_rejected : pe::unexpected_reply;
        default:
            return pe::unexpected_reply;
    }
}

// ---- Names and addresses ----

/// Lower-case, without surrounding blanks, brackets, an IPv6 zone or trailing dots.
std::string normalized_name(std::string_view name) {
    while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) {
        name.remove_prefix(1);
    }
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) {
        name.remove_suffix(1);
    }
    if (name.size() >= 2 && name.front() == '[' && name.back() == ']') {
        name = name.substr(1, name.size() - 2);
    }
    while (!name.empty() && name.back() == '.') {
        name.remove_suffix(1);
    }
    constexpr std::size_t max_name = 253;  // RFC 1035 section 2.3.4
    return lowered(name.substr(0, std::min(name.size(), max_name + 1)));
}

/// The address of "v4:port" or "[v6]:port"; a bare literal as it is.
std::string_view without_port(std::string_view peer) {
    if (!peer.empty() && peer.front() == '[') {
        const auto close = peer.find(']');
        return close == std::string_view::npos ? peer : peer.substr(1, close - 1);
    }
    const auto colon = peer.find(':');
    if (colon != std::string_view::npos && peer.find(':', colon + 1) == std::string_view::npos) {
        return peer.substr(0, colon);
    }
    return peer;
}

/// 127.0.0.0/8, ::1, ::ffff:127.0.0.0/104, and the unspecified 0.0.0.0 and :: (which Linux
/// connects to this machine).
bool loopback_literal(std::string_view host) {
    const auto literal = without_zone(host);
    if (const auto v4 = parse_ipv4(literal)) {
        return v4->to_bytes()[0] == 127 || v4->is_unspecified();
    }
    if (const auto v6 = parse_ipv6(literal)) {
        if (v6->is_loopback() || v6->is_unspecified()) {
            return true;
        }
        return v6->is_v4_mapped() && v6->to_bytes()[12] == 127;
    }
    return false;
}

bool among(const std::string& name, const std::vector<std::string>& normalized_locals) {
    return !name.empty() && std::find(normalized_locals.begin(), normalized_locals.end(), name) !=
                                normalized_locals.end();
}

bool target_is_this_machine(const redirect_evidence& e, const std::vector<std::string>& locals) {
    const auto target = normalized_name(e.target_host);
    if (target == "localhost" || target.ends_with(".localhost") || loopback_literal(target) ||
        among(target, locals)) {
        return true;
    }
    // A name that resolves to one of this machine's own addresses asks for this machine. A name
    // that resolves to loopback does not: nothing outside /etc/hosts or a lab does that, and a
    // hosts entry sending the mail server's name to 127.0.0.1 is a redirect to this machine too.
    return std::any_of(e.target_addresses.begin(), e.target_addresses.end(),
                       [&](const std::string& address) {
                           return among(normalized_name(without_port(address)), locals);
                       });
}

// ---- Verdicts ----

bool is_certificate_cause(std::optional<pe> c) {
    return c == pe::cert_expired || c == pe::cert_untrusted || c == pe::cert_name_mismatch;
}

bool one_of(std::optional<pe> c, std::initializer_list<pe> set) {
    return c && std::find(set.begin(), set.end(), *c) != set.end();
}

reply_context context_before(const probe_result& result, const phase_record& failed) {
    reply_context ctx;
    for (const auto& rec : result.checks) {
        if (&rec == &failed) {
            break;
        }
        if (rec.name == phase::tls &&
            (rec.status == phase_status::pass || rec.status == phase_status::warn)) {
            ctx.tls_active = true;
        }
        if (rec.name == phase::ehlo) {
            ctx.starttls_offered =
                std::any_of(rec.capabilities.begin(), rec.capabilities.end(),
                            [](const std::string& k) { return iequals(k, "STARTTLS"); });
        }
    }
    return ctx;
}

redirect_evidence evidence_of(const probe_result& result,
                              const std::vector<std::string>& local_names) {
    redirect_evidence e;
    e.target_host = result.target.host;
    e.local_names = local_names;
    if (const auto* greeting = result.find(phase::greeting); greeting && greeting->reply) {
        e.greeting = greeting->reply;
    }
    if (const auto* cert = result.find(phase::certificate); cert && cert->certificate) {
        if (!cert->certificate->common_name.empty()) {
            e.certificate_names.push_back(cert->certificate->common_name);
        }
        e.certificate_names.insert(e.certificate_names.end(), cert->certificate->dns_names.begin(),
                                   cert->certificate->dns_names.end());
    }
    if (const auto* tcp = result.find(phase::tcp); tcp && tcp->peer) {
        e.target_addresses.push_back(*tcp->peer);
    }
    for (const auto& attempt : result.addresses) {
        if (attempt.status == phase_status::pass) {
            e.target_addresses.push_back(attempt.address);
        }
    }
    return e;
}

}  // namespace

probe_errc cause_for_reply(phase p, const smtp_reply& reply, const reply_context& ctx) {
    const reply_view r(reply);
    if (p == phase::tls) {
        // An SMTP reply where a TLS record was expected: the port speaks plaintext first
        // (RFC 8314 section 3.3).
        return pe::port_mode_mismatch;
    }
    if (p == phase::greeting || !ctx.after_greeting) {
        return greeting_cause(r);
    }
    switch (p) {
        case phase::ehlo:
            if (auto closed = session_closed(r, p)) {
                return *closed;
            }
            return r.negative() ? pe::ehlo_rejected : pe::unexpected_reply;
        case phase::starttls:
            if (auto closed = session_closed(r, p)) {
                return *closed;
            }
            // RFC 3207 section 4: 454 (TLS not available) or 5xx; the phase decides, not the text.
            return r.negative() ? pe::starttls_unavailable : pe::unexpected_reply;
        case phase::auth:
            return auth_cause(r, ctx);
        case phase::mail_from:
        case phase::rcpt:
        case phase::data:
            return transaction_cause(p, r);
        default:
            return pe::unexpected_reply;  // quit; dns, tcp, certificate read no replies
    }
}

failure_category category_for(phase p, probe_errc cause) {
    if (const auto fixed = fixed_category(cause)) {
        return *fixed;
    }
    switch (p) {
        case phase::greeting:
        case phase::ehlo:
        case phase::starttls:
        case phase::tls:
            return fc::connect_host;
        case phase::dns:
        case phase::tcp:
        case phase::certificate:
            return fc::smtp_connect_failed;
        case phase::auth:
            return fc::auth_failed;
        case phase::mail_from:
        case phase::rcpt:
        case phase::data:
        case phase::quit:
            return fc::data_not_accepted;
    }
    return fc::data_not_accepted;
}

probe_errc cause_for_error(phase p, const boost::system::error_code& ec) {
    const auto base = cause_from_error(ec);
    if (base == pe::deadline_exceeded) {
        return *base;
    }
    const bool ares_cancelled = ec.category() == dns_error_category() &&
                                (ec.value() == ARES_ECANCELLED || ec.value() == ARES_EDESTRUCTION);
    // Our own timers end an operation with operation_aborted or reply_timeout.
    const bool own_timeout =
        base == pe::reply_timeout || ec == boost::asio::error::operation_aborted || ares_cancelled;

    switch (p) {
        case phase::dns:
            if (one_of(base, {pe::dns_not_found, pe::dns_server_failure, pe::dns_timeout})) {
                return *base;
            }
            return own_timeout || base == pe::tcp_timeout ? pe::dns_timeout
                                                          : pe::dns_server_failure;
        case phase::tcp:
            if (own_timeout) {
                return pe::tcp_timeout;
            }
            if (one_of(base,
                       {pe::tcp_timeout, pe::tcp_refused, pe::outbound_blocked, pe::no_route})) {
                return *base;
            }
            return pe::connection_lost;
        case phase::greeting:
            if (own_timeout) {
                return pe::greeting_timeout;
            }
            if (one_of(base, {pe::server_refused_session, pe::port_mode_mismatch, pe::not_smtp,
                              pe::greeting_timeout, pe::protocol_violation})) {
                return *base;
            }
            return pe::connection_lost;
        case phase::tls:
            if (own_timeout) {
                return pe::reply_timeout;
            }
            if (ec.category() == boost::asio::error::get_ssl_category() &&
                ERR_GET_REASON(static_cast<unsigned long>(ec.value())) ==
                    SSL_R_CERTIFICATE_VERIFY_FAILED) {
                // Verification inside the handshake failed; the certificate phase names the
                // precise reason from the verify result when it has one.
                return pe::cert_untrusted;
            }
            if (one_of(base, {pe::port_mode_mismatch, pe::tls_handshake_failed,
                              pe::protocol_violation}) ||
                is_certificate_cause(base)) {
                return *base;
            }
            return pe::tls_handshake_failed;  // EOF, reset or truncation during the handshake
        case phase::certificate:
            return is_certificate_cause(base) ? *base : pe::cert_untrusted;
        default:
            if (own_timeout) {
                return pe::reply_timeout;
            }
            if (base &&
                (ec.category() == probe_error_category() || ec.category() == io_error_category())) {
                return *base;  // our own cause, named by the caller, or the transport's
            }
            return pe::connection_lost;  // EOF, reset, kernel timeout, a broken TLS record
    }
}

bool looks_like_local_redirect(const redirect_evidence& e) {
    std::vector<std::string> locals;
    for (const auto& name : e.local_names) {
        if (auto n = normalized_name(name); !n.empty()) {
            locals.push_back(std::move(n));
        }
    }
    if (target_is_this_machine(e, locals)) {
        return false;
    }
    const auto target = normalized_name(e.target_host);
    for (const auto& name : e.certificate_names) {
        if (among(normalized_name(name), locals)) {
            return true;
        }
    }
    if (!e.greeting || !e.greeting->positive_completion()) {
        return false;
    }
    const auto greeted_as = normalized_name(greeting_host(*e.greeting));
    if (among(greeted_as, locals)) {
        return true;
    }
    // The boilerplate alone counts only when the server does not claim to be the host asked for
    // (a cPanel server probed by its own name greets with the same notice).
    const bool claims_target = !greeted_as.empty() && greeted_as == target;
    return !claims_target &&
           lowered(e.greeting->text()).find(cpanel_boilerplate) != std::string::npos;
}

decision decide(const probe_result& result, const std::vector<std::string>& local_names) {
    decision d;
    const bool redirected = looks_like_local_redirect(evidence_of(result, local_names));
    const auto failed =
        std::find_if(result.checks.begin(), result.checks.end(),
                     [](const phase_record& r) { return r.status == phase_status::fail; });
    if (failed == result.checks.end()) {
        d.redirect_warning = redirected;
        return d;
    }
    probe_errc cause = pe::unexpected_reply;
    if (failed->cause) {
        cause = *failed->cause;
    } else if (failed->reply) {
        cause = cause_for_reply(failed->name, *failed->reply, context_before(result, *failed));
    }
    d.outcome.failed_phase = failed->name;
    d.outcome.category = category_for(failed->name, cause);
    if (redirected) {
        d.outcome.cause = pe::smtp_restrictions_redirect;
        d.outcome.underlying_cause = cause;
    } else {
        d.outcome.cause = cause;
    }
    return d;
}

}  // namespace smtp_probe
