// What the user asked the probe to do, after the command line and environment were read.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/address_family.hpp"
#include "net/secret.hpp"

namespace smtp_probe {

/// none: plaintext only, never STARTTLS; automatic: STARTTLS when offered, else plaintext;
/// starttls: STARTTLS required; tls: implicit TLS (RFC 8314 section 3.3).
enum class security_mode { none, automatic, starttls, tls };

[[nodiscard]] std::string_view security_name(security_mode m);  // none|auto|starttls|tls
[[nodiscard]] std::optional<security_mode> security_from_name(std::string_view name);

enum class auth_mechanism { plain, login, cram_md5, xoauth2, oauthbearer };

[[nodiscard]] std::string_view mechanism_name(auth_mechanism m);  // PLAIN, LOGIN, CRAM-MD5, ...
[[nodiscard]] std::optional<auth_mechanism> mechanism_from_name(std::string_view name);

struct phase_timeouts {
    std::chrono::milliseconds connect{10'000};
    std::chrono::milliseconds reply{30'000};
    /// On ports other than 25: how long to wait for the first greeting byte before a second
    /// connection tries a TLS handshake to tell port_mode_mismatch from a slow server.
    std::chrono::milliseconds greeting_tls_sniff{3'000};
    std::chrono::milliseconds dns{10'000};

    [[nodiscard]] bool operator==(const phase_timeouts&) const = default;
};

/// Where to connect and in which mode: what differs from one target to the next.
struct target_settings {
    std::string host;  ///< name or IP literal, without brackets
    std::uint16_t port = 587;
    security_mode security = security_mode::starttls;
    /// The mode came in WHMCS's words (--ssl-type): judge the settings as WHMCS's PHPMailer
    /// does, not as a plain SMTP client would (an IPv6 literal host is then a failure).
    bool whmcs_settings = false;

    [[nodiscard]] bool operator==(const target_settings&) const = default;
};

/// Who logs in, and how. Not copyable by accident: the secrets are copied only by clone().
struct credentials {
    std::optional<std::string> user;
    secret password;     ///< empty unless a password source was given
    secret oauth_token;  ///< empty unless an OAuth token source was given
    std::optional<auth_mechanism> forced_mechanism;

    [[nodiscard]] credentials clone() const;
};

/// What the envelope says, and whether a message is sent.
struct envelope {
    std::optional<std::string> from;  ///< MAIL FROM; defaults to user
    std::optional<std::string> rcpt;  ///< RCPT TO; defaults to from
    bool skip_rcpt = false;
    /// Only `diagnose --send-to`: send one real, labelled test message (DATA) to this address.
    /// `check` never sets it and never sends mail.
    std::optional<std::string> send_to;

    [[nodiscard]] bool operator==(const envelope&) const = default;
};

/// How the probe goes about it: time limits, addresses, trust, names, what it keeps.
struct probe_policy {
    phase_timeouts timeouts;
    std::chrono::milliseconds deadline{120'000};

    address_family family = address_family::any;
    bool all_addresses = false;

    std::optional<std::string> ca_file;
    std::optional<std::string> ca_path;
    bool insecure = false;
    int cert_warn_days = 14;
    std::string helo_name;  ///< empty: this machine's host name

    std::optional<std::string> dns_server;  ///< "IP" or "IP:PORT" / "[V6]:PORT"
    bool keep_transcript = false;

    [[nodiscard]] bool operator==(const probe_policy&) const = default;
};

/// One probe: a target with the credentials, envelope and policy it is probed with (a config's
/// module gives the last three to many targets). The parts are bases, so that a request reads
/// as one (request.host, request.user) and is built from its parts.
struct probe_request : target_settings, credentials, envelope, probe_policy {
    /// Names that are this machine (host name, FQDN), for the redirect rule. Filled by the app.
    std::vector<std::string> local_names;

    /// MAIL FROM: --from, else the login when it is an address (a bare cPanel login such as
    /// "billing" is no address).
    [[nodiscard]] std::optional<std::string> effective_from() const {
        if (from) {
            return from;
        }
        if (user && user->find('@') != std::string::npos) {
            return user;
        }
        return std::nullopt;
    }
    [[nodiscard]] std::optional<std::string> effective_rcpt() const {
        if (send_to) {
            return send_to;
        }
        if (skip_rcpt) {
            return std::nullopt;
        }
        return rcpt ? rcpt : effective_from();
    }

    /// A full copy, secrets included (they are not copyable by accident, only on purpose).
    [[nodiscard]] probe_request clone() const;
};

}  // namespace smtp_probe
