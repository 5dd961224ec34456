#include "net/transport/tls_client.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <ctime>

#include "net/sanitize.hpp"

namespace smtp_probe {

namespace ssl = boost::asio::ssl;

namespace {

// Bounds on what a hostile server can make us process, set where PHP sets them so that they
// never change a verdict: a certificate list over OpenSSL's default of 100 KiB (which PHP keeps)
// fails the handshake in PHP too, and PHP's verify callback refuses a certificate deeper than
// 9 (OPENSSL_DEFAULT_STREAM_VERIFY_DEPTH in ext/openssl), that is more than 8 intermediates
// between the leaf and the trust anchor: OpenSSL's depth counts the intermediates.
constexpr long max_cert_list_bytes = 100L * 1024;
constexpr int max_verify_depth = 8;

std::string name_to_string(const X509_NAME* name) {
    if (name == nullptr) {
        return {};
    }
    BIO* bio = BIO_new(BIO_s_mem());
    if (bio == nullptr) {
        return {};
    }
    X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<std::size_t>(std::max(len, 0L)));
    BIO_free(bio);
    return sanitize_for_display(out, 512);
}

std::string common_name_of(const X509_NAME* name) {
    if (name == nullptr) {
        return {};
    }
    const int idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (idx < 0) {
        return {};
    }
    const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
    unsigned char* utf8 = nullptr;
    const int len = ASN1_STRING_to_UTF8(&utf8, data);
    if (len < 0) {
        return {};
    }
    std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
    OPENSSL_free(utf8);
    return sanitize_for_display(out, 256);
}

std::int64_t to_epoch(const ASN1_TIME* t) {
    std::tm tm{};
    if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) {
        return 0;
    }
    return static_cast<std::int64_t>(timegm(&tm));
}

std::string ip_to_string(const ASN1_OCTET_STRING* ip) {
    const auto* bytes = ASN1_STRING_get0_data(ip);
    const int len = ASN1_STRING_length(ip);
    char buf[64] = {};
    if (len == 4) {
        std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", bytes[0], bytes[1], bytes[2], bytes[3]);
        return buf;
    }
    if (len == 16) {
        std::string out;
        for (int i = 0; i < 16; i += 2) {
            std::snprintf(buf, sizeof buf, "%s%x", i == 0 ? "" : ":",
                          (bytes[i] << 8) | bytes[i + 1]);
            out += buf;
        }
        return out;
    }
    return {};
}

void read_subject_alt_names(X509* cert, certificate_facts& facts) {
    auto* names =
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
    if (names == nullptr) {
        return;
    }
    const int count = sk_GENERAL_NAME_num(names);
    // All of them: a cap here would turn the 300th name into a false name mismatch. The
    // certificate list limit (max_cert_list_bytes) is what bounds their number.
    for (int i = 0; i < count; ++i) {
        const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names, i);
        if (gn->type == GEN_DNS) {
            const auto* data = ASN1_STRING_get0_data(gn->d.dNSName);
            const int len = ASN1_STRING_length(gn->d.dNSName);
            facts.dns_names.push_back(
                sanitize_for_display(std::string_view(reinterpret_cast<const char*>(data),
                                                      static_cast<std::size_t>(len)),
                                     256));
        } else if (gn->type == GEN_IPADD) {
            facts.ip_addresses.push_back(ip_to_string(gn->d.iPAddress));
        }
    }
    GENERAL_NAMES_free(names);
}

chain_certificate chain_entry(X509* cert) {
    chain_certificate c;
    c.name = common_name_of(X509_get_subject_name(cert));
    if (c.name.empty()) {
        c.name = name_to_string(X509_get_subject_name(cert));
    }
    c.not_before = to_epoch(X509_get0_notBefore(cert));
    c.not_after = to_epoch(X509_get0_notAfter(cert));
    return c;
}

void read_chain(STACK_OF(X509) * certs, certificate_facts& facts) {
    facts.chain.clear();
    const int n = certs == nullptr ? 0 : sk_X509_num(certs);
    // What the report shows of a longer chain: one more than a chain PHP accepts.
    for (int i = 0; i < n && i <= max_verify_depth + 2; ++i) {
        facts.chain.push_back(chain_entry(sk_X509_value(certs, i)));
    }
}

// Verifies the chain the server sent against the trust store, with dates ignored: the dates of
// every certificate of the chain are judged separately (certificate_rules) so that "expired"
// and "untrusted" are told apart.
void verify_chain(SSL* ssl, X509* leaf, certificate_facts& facts) {
    X509_STORE* store = SSL_CTX_get_cert_store(SSL_get_SSL_CTX(ssl));
    STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl);
    X509_STORE_CTX* ctx = X509_STORE_CTX_new();
    if (ctx == nullptr || X509_STORE_CTX_init(ctx, store, leaf, chain) != 1) {
        X509_STORE_CTX_free(ctx);
        facts.verify_error = X509_V_ERR_UNSPECIFIED;
        facts.verify_error_text = "cannot set up verification";
        return;
    }
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx);
    X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_NO_CHECK_TIME);
    X509_VERIFY_PARAM_set_depth(param, max_verify_depth);
    X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
    const int ok = X509_verify_cert(ctx);
    facts.chain_trusted = ok == 1;
    facts.verify_error = ok == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx);
    if (!facts.chain_trusted) {
        facts.verify_error_text = X509_verify_cert_error_string(facts.verify_error);
    }
    // The chain verification built (leaf to anchor); a failed one may have built only the leaf,
    // and then the certificates the server sent are the best account of the chain.
    STACK_OF(X509)* built = X509_STORE_CTX_get1_chain(ctx);
    if (built != nullptr && (facts.chain_trusted || sk_X509_num(built) > 1 || chain == nullptr)) {
        read_chain(built, facts);
    } else {
        read_chain(chain, facts);
    }
    if (built != nullptr) {
        sk_X509_pop_free(built, X509_free);
    }
    X509_STORE_CTX_free(ctx);
    ERR_clear_error();
}

}  // namespace

tls_context_result make_tls_client_context(const tls_client_options& options) {
    tls_context_result result;
    auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
    boost::system::error_code ec;
    if (options.ca_file || options.ca_path) {
        if (options.ca_file) {
            ctx->load_verify_file(*options.ca_file, ec);
            if (ec) {
                result.error = "cannot load CA file " + *options.ca_file + ": " + ec.message();
                return result;
            }
        }
        if (options.ca_path) {
            ctx->add_verify_path(*options.ca_path, ec);
            if (ec) {
                result.error = "cannot use CA directory " + *options.ca_path + ": " + ec.message();
                return result;
            }
        }
    } else {
        ctx->set_default_verify_paths(ec);
        if (ec) {
            result.error = "cannot load the system trust store: " + ec.message();
            return result;
        }
    }
    ctx->set_verify_mode(ssl::verify_none);
    SSL_CTX_set_max_cert_list(ctx->native_handle(), max_cert_list_bytes);
    result.context = std::move(ctx);
    return result;
}

tls_facts read_tls_facts(SSL* ssl) {
    tls_facts facts;
    if (ssl == nullptr) {
        return facts;
    }
    facts.version = SSL_get_version(ssl);
    if (const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl)) {
        facts.cipher = SSL_CIPHER_get_name(cipher);
    }
    const unsigned char* alpn = nullptr;
    unsigned int alpn_len = 0;
    SSL_get0_alpn_selected(ssl, &alpn, &alpn_len);
    if (alpn != nullptr) {
        facts.alpn = sanitize_for_display(
            std::string_view(reinterpret_cast<const char*>(alpn), alpn_len), 64);
    }
    return facts;
}

std::optional<certificate_facts> read_certificate_facts(SSL* ssl) {
    if (ssl == nullptr) {
        return std::nullopt;
    }
    X509* leaf = SSL_get1_peer_certificate(ssl);
    if (leaf == nullptr) {
        return std::nullopt;
    }
    certificate_facts facts;
    facts.subject = name_to_string(X509_get_subject_name(leaf));
    facts.issuer = name_to_string(X509_get_issuer_name(leaf));
    facts.common_name = common_name_of(X509_get_subject_name(leaf));
    read_subject_alt_names(leaf, facts);
    facts.not_before = to_epoch(X509_get0_notBefore(leaf));
    facts.not_after = to_epoch(X509_get0_notAfter(leaf));
    if (STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl)) {
        facts.chain_length = sk_X509_num(chain);
    }
    facts.self_signed = X509_self_signed(leaf, 0) == 1;
    verify_chain(ssl, leaf, facts);
    if (facts.chain.empty()) {
        facts.chain.push_back(chain_entry(leaf));
    }
    X509_free(leaf);
    return facts;
}

}  // namespace smtp_probe
