// The facts of a finished TLS handshake as the transport reads them: the protocol, and the
// server's certificate with the verification's own result. No verdicts: checks/ judges them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace smtp_probe {

struct tls_facts {
    std::string version;  ///< "TLSv1.3"
    std::string cipher;   ///< "TLS_AES_256_GCM_SHA384"
    std::string alpn;     ///< usually empty for SMTP
};

/// One certificate of the chain: what is needed to say which one expired.
struct chain_certificate {
    std::string name;  ///< its common name, else its subject (sanitised)
    std::int64_t not_before = 0;
    std::int64_t not_after = 0;
    bool operator==(const chain_certificate&) const = default;
};

/// What the server's leaf certificate says, and what verification concluded. Times are UTC
/// seconds since the epoch.
struct certificate_facts {
    std::string subject;  ///< one-line RFC 2253 form
    std::string issuer;
    std::string common_name;
    /// Every subjectAltName dNSName and iPAddress entry (the certificate list's size bounds
    /// them): matching reads them all, reports show the first ones.
    std::vector<std::string> dns_names;
    std::vector<std::string> ip_addresses;
    std::int64_t not_before = 0;
    std::int64_t not_after = 0;
    /// Derived, not read off the certificate: the certificate phase fills it from
    /// checks/certificate_rules.hpp's judgement (whole days until not_after, negative once
    /// expired). The transport leaves it 0.
    std::int64_t days_left = 0;
    int chain_length = 0;
    bool self_signed = false;
    bool chain_trusted = false;  ///< OpenSSL verification of the chain (dates apart)
    int verify_error = 0;        ///< X509_V_* code, 0 when the chain verified
    std::string verify_error_text;
    /// Derived like days_left: the RFC 6125 match against the host asked for.
    bool name_matches = false;
    /// The leaf first, then its issuers: the chain verification built up to the trust anchor,
    /// or when it built none, the certificates as the server sent them. Every one's dates
    /// count (RFC 5280 section 6.1.3 (a)(2)), as OpenSSL and so PHP check them.
    std::vector<chain_certificate> chain;
};

}  // namespace smtp_probe
