// Throwaway certificates made at test time (OpenSSL 3, EC P-256): a CA, and leaves that are valid,
// expired, not yet valid, about to expire, self-signed, or for another host. Nothing is read from
// or written to a fixed path; the CA goes to a temporary file the probe can trust (ca_file).
#pragma once

#include <openssl/ssl.h>

#include <cstddef>
#include <string>

namespace smtp_probe::fake {

/// What a TLS server presents: its leaf, the leaf's key, and the certificates sent after the leaf.
struct tls_identity {
    std::string cert_pem;
    std::string key_pem;
    std::string chain_pem;  ///< may be empty
};

enum class leaf_kind {
    valid,          ///< "localhost" + IP 127.0.0.1, signed by the CA, valid for a year
    expired,        ///< as valid, but not_after was yesterday
    not_yet_valid,  ///< as valid, but not_before is in ten days
    expiring_soon,  ///< as valid, but not_after is 3 days (and an hour) from now
    self_signed,    ///< "localhost" + IP 127.0.0.1, signed by its own key
    other_host,     ///< only "other.example", signed by the CA
    /// valid "localhost", signed by an intermediate (sent in the chain) that expired yesterday
    expired_intermediate,
    /// valid "localhost", signed by an intermediate (sent) that expires in 3 days and an hour
    intermediate_expiring_soon,
    /// 299 other names, then "localhost" as the 300th subjectAltName, signed by the CA
    name_past_300,
    /// "other.example" only, self-signed, expired yesterday: three faults at once
    expired_self_signed_other_host,
};

/// The test CA's own dates.
enum class ca_kind {
    valid,    ///< from yesterday for two years
    expired,  ///< expired yesterday (its leaves are valid)
};

/// A CA and its leaves. The CA's PEM is written to a temporary file removed by the destructor.
/// Throws std::runtime_error when OpenSSL fails.
class test_pki {
public:
    explicit test_pki(ca_kind ca = ca_kind::valid);
    ~test_pki();
    test_pki(const test_pki&) = delete;
    test_pki& operator=(const test_pki&) = delete;

    [[nodiscard]] const std::string& ca_pem() const { return ca_pem_; }
    /// Path of a file holding ca_pem(), for probe_request::ca_file.
    [[nodiscard]] const std::string& ca_file() const { return ca_file_; }
    /// A fresh key and certificate of the given kind.
    [[nodiscard]] tls_identity leaf(leaf_kind kind) const;
    /// A valid "localhost" leaf at the bottom of a chain of `intermediates` CAs under the test
    /// CA: the leaf is signed by intermediate N, N by N-1, ..., 1 by the CA. chain_pem holds the
    /// intermediates, N first, so a server sends the whole chain. `padding_bytes` > 0 puts a
    /// comment extension of that many bytes into every certificate, to make the chain large.
    [[nodiscard]] tls_identity long_chain(int intermediates, std::size_t padding_bytes = 0) const;

private:
    std::string ca_pem_;
    std::string ca_key_pem_;
    std::string ca_file_;
};

/// Loads an identity into a server context (certificate, chain, key, and a check that they match).
/// Returns an empty string on success, else OpenSSL's reason.
[[nodiscard]] std::string use_identity(SSL_CTX* ctx, const tls_identity& identity);

}  // namespace smtp_probe::fake
