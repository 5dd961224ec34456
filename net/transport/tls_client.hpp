// The TLS client side: one context per process (trust store loaded once), and the facts read off
// a finished handshake (version, cipher, the server's certificate).
#pragma once

#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "net/transport/tls_facts.hpp"

namespace smtp_probe {

struct tls_client_options {
    std::optional<std::string> ca_file;  ///< replaces the system store, like curl --cacert
    std::optional<std::string> ca_path;
};

struct tls_context_result {
    std::unique_ptr<boost::asio::ssl::context> context;
    std::string error;  ///< set when the trust store could not be loaded
};

/// Builds the client context. The handshake itself does not verify (SSL_VERIFY_NONE): the probe
/// completes it, then judges the certificate itself so that an expired or untrusted certificate
/// is reported with its facts instead of as an opaque handshake failure.
[[nodiscard]] tls_context_result make_tls_client_context(const tls_client_options& options);

[[nodiscard]] tls_facts read_tls_facts(SSL* ssl);

/// Reads the peer's leaf certificate and its chain, and verifies the chain against the context's
/// trust store ignoring dates and names (checks/certificate_rules.hpp judges both). Returns
/// nullopt when the peer sent no certificate.
[[nodiscard]] std::optional<certificate_facts> read_certificate_facts(SSL* ssl);

}  // namespace smtp_probe
