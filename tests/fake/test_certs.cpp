#include "tests/fake/test_certs.hpp"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string_view>

namespace smtp_probe::fake {
namespace {

struct pkey_free {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct x509_free {
    void operator()(X509* p) const { X509_free(p); }
};
struct bio_free {
    void operator()(BIO* p) const { BIO_free(p); }
};
struct bn_free {
    void operator()(BIGNUM* p) const { BN_free(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;
using x509_ptr = std::unique_ptr<X509, x509_free>;
using bio_ptr = std::unique_ptr<BIO, bio_free>;
using bn_ptr = std::unique_ptr<BIGNUM, bn_free>;

constexpr long seconds_per_day = 86'400;

std::string openssl_reason(std::string_view what) {
    std::string out(what);
    unsigned long e = 0;
    while ((e = ERR_get_error()) != 0) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        out += ": ";
        out += buf;
    }
    return out;
}

[[noreturn]] void fail(std::string_view what) {
    throw std::runtime_error(openssl_reason(what));
}

pkey_ptr make_key() {
    pkey_ptr key(EVP_EC_gen("P-256"));
    if (!key) {
        fail("EVP_EC_gen");
    }
    return key;
}

std::string to_pem(X509* cert) {
    bio_ptr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) {
        fail("PEM_write_bio_X509");
    }
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}

std::string to_pem(EVP_PKEY* key) {
    bio_ptr bio(BIO_new(BIO_s_mem()));
    if (!bio ||
        PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
        fail("PEM_write_bio_PrivateKey");
    }
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
}

x509_ptr cert_from_pem(const std::string& pem) {
    bio_ptr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    x509_ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!cert) {
        fail("PEM_read_bio_X509");
    }
    return cert;
}

pkey_ptr key_from_pem(const std::string& pem) {
    bio_ptr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    pkey_ptr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!key) {
        fail("PEM_read_bio_PrivateKey");
    }
    return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (ext == nullptr) {
        fail("X509V3_EXT_conf_nid");
    }
    const int ok = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    if (ok != 1) {
        fail("X509_add_ext");
    }
}

struct validity {
    long not_before_seconds;  ///< relative to now
    long not_after_seconds;
};

/// A certificate for `key` named `common_name`. `issuer`/`issuer_key` null: self-signed.
/// `comment` non-empty: a Netscape comment extension carrying it (padding).
x509_ptr make_cert(EVP_PKEY* key, const char* common_name, validity v, bool is_ca,
                   const char* subject_alt_names, X509* issuer, EVP_PKEY* issuer_key,
                   const std::string& comment = {}) {
    x509_ptr cert(X509_new());
    if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1) {
        fail("X509_new");
    }
    bn_ptr serial(BN_new());
    if (!serial || BN_rand(serial.get(), 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
        BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) == nullptr) {
        fail("serial");
    }
    if (X509_time_adj_ex(X509_getm_notBefore(cert.get()), 0, v.not_before_seconds, nullptr) ==
            nullptr ||
        X509_time_adj_ex(X509_getm_notAfter(cert.get()), 0, v.not_after_seconds, nullptr) ==
            nullptr) {
        fail("validity");
    }
    X509_NAME* name = X509_get_subject_name(cert.get());
    if (X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>("smtp-probe tests"), -1,
                                   -1, 0) != 1 ||
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>(common_name), -1, -1,
                                   0) != 1) {
        fail("subject");
    }
    X509* signer = issuer != nullptr ? issuer : cert.get();
    EVP_PKEY* signer_key = issuer_key != nullptr ? issuer_key : key;
    if (X509_set_issuer_name(cert.get(), X509_get_subject_name(signer)) != 1 ||
        X509_set_pubkey(cert.get(), key) != 1) {
        fail("issuer/pubkey");
    }
    add_extension(cert.get(), signer, NID_subject_key_identifier, "hash");
    add_extension(cert.get(), signer, NID_authority_key_identifier, "keyid:always");
    if (is_ca) {
        add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
        add_extension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
        add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
        add_extension(cert.get(), signer, NID_key_usage, "critical,digitalSignature");
        add_extension(cert.get(), signer, NID_ext_key_usage, "serverAuth");
        add_extension(cert.get(), signer, NID_subject_alt_name, subject_alt_names);
    }
    if (!comment.empty()) {
        add_extension(cert.get(), signer, NID_netscape_comment, comment.c_str());
    }
    if (X509_sign(cert.get(), signer_key, EVP_sha256()) <= 0) {
        fail("X509_sign");
    }
    return cert;
}

constexpr const char* localhost_names = "DNS:localhost,IP:127.0.0.1";

}  // namespace

test_pki::test_pki(ca_kind kind) {
    const pkey_ptr ca_key = make_key();
    const validity ca_dates = kind == ca_kind::expired
                                  ? validity{-400 * seconds_per_day, -seconds_per_day}
                                  : validity{-seconds_per_day, 2L * 365 * seconds_per_day};
    const x509_ptr ca =
        make_cert(ca_key.get(), "smtp-probe test CA", ca_dates, true, nullptr, nullptr, nullptr);
    ca_pem_ = to_pem(ca.get());
    ca_key_pem_ = to_pem(ca_key.get());

    const char* tmp = std::getenv("TMPDIR");
    std::string path =
        std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/smtp-probe-test-ca-XXXXXX";
    const int fd = ::mkstemp(path.data());
    if (fd < 0) {
        throw std::runtime_error("mkstemp failed for the test CA file");
    }
    std::size_t written = 0;
    while (written < ca_pem_.size()) {
        const ssize_t n = ::write(fd, ca_pem_.data() + written, ca_pem_.size() - written);
        if (n <= 0) {
            ::close(fd);
            ::unlink(path.c_str());
            throw std::runtime_error("cannot write the test CA file");
        }
        written += static_cast<std::size_t>(n);
    }
    ::close(fd);
    ca_file_ = std::move(path);
}

test_pki::~test_pki() {
    if (!ca_file_.empty()) {
        ::unlink(ca_file_.c_str());
    }
}

tls_identity test_pki::leaf(leaf_kind kind) const {
    const pkey_ptr key = make_key();
    const x509_ptr ca = cert_from_pem(ca_pem_);
    const pkey_ptr ca_key = key_from_pem(ca_key_pem_);
    const long day = seconds_per_day;
    validity v{-day, 365 * day};
    const char* cn = "localhost";
    const char* names = localhost_names;
    X509* issuer = ca.get();
    EVP_PKEY* issuer_key = ca_key.get();
    std::string chain;
    x509_ptr intermediate;
    pkey_ptr intermediate_key;
    std::string many_names;
    const auto under_intermediate = [&](validity dates) {
        intermediate_key = make_key();
        intermediate = make_cert(intermediate_key.get(), "smtp-probe test intermediate", dates,
                                 true, nullptr, ca.get(), ca_key.get());
        chain = to_pem(intermediate.get());
        issuer = intermediate.get();
        issuer_key = intermediate_key.get();
    };
    switch (kind) {
        case leaf_kind::valid:
            break;
        case leaf_kind::expired:
            v = {-30 * day, -day};
            break;
        case leaf_kind::not_yet_valid:
            v = {10 * day, 40 * day};
            break;
        case leaf_kind::expiring_soon:
            v = {-30 * day, 3 * day + 3600};
            break;
        case leaf_kind::self_signed:
            issuer = nullptr;
            issuer_key = nullptr;
            break;
        case leaf_kind::other_host:
            cn = "other.example";
            names = "DNS:other.example";
            break;
        case leaf_kind::expired_intermediate:
            under_intermediate({-400 * day, -day});
            break;
        case leaf_kind::intermediate_expiring_soon:
            under_intermediate({-30 * day, 3 * day + 3600});
            break;
        case leaf_kind::name_past_300:
            for (int i = 1; i < 300; ++i) {
                many_names += "DNS:host" + std::to_string(i) + ".other.example,";
            }
            many_names += "DNS:localhost";
            names = many_names.c_str();
            cn = "host1.other.example";
            break;
        case leaf_kind::expired_self_signed_other_host:
            v = {-30 * day, -day};
            cn = "other.example";
            names = "DNS:other.example";
            issuer = nullptr;
            issuer_key = nullptr;
            break;
    }
    const x509_ptr cert = make_cert(key.get(), cn, v, false, names, issuer, issuer_key);
    return tls_identity{to_pem(cert.get()), to_pem(key.get()), std::move(chain)};
}

tls_identity test_pki::long_chain(int intermediates, std::size_t padding_bytes) const {
    const std::string comment(padding_bytes, 'p');
    const long day = seconds_per_day;
    x509_ptr issuer = cert_from_pem(ca_pem_);
    pkey_ptr issuer_key = key_from_pem(ca_key_pem_);
    std::string chain;  // built top-down, sent bottom-up
    for (int i = 1; i <= intermediates; ++i) {
        pkey_ptr key = make_key();
        const std::string name = "smtp-probe test intermediate " + std::to_string(i);
        x509_ptr cert = make_cert(key.get(), name.c_str(), {-day, 365 * day}, true, nullptr,
                                  issuer.get(), issuer_key.get(), comment);
        chain.insert(0, to_pem(cert.get()));
        issuer = std::move(cert);
        issuer_key = std::move(key);
    }
    const pkey_ptr key = make_key();
    const x509_ptr leaf = make_cert(key.get(), "localhost", {-day, 365 * day}, false,
                                    localhost_names, issuer.get(), issuer_key.get(), comment);
    return tls_identity{to_pem(leaf.get()), to_pem(key.get()), std::move(chain)};
}

std::string use_identity(SSL_CTX* ctx, const tls_identity& identity) {
    ERR_clear_error();
    try {
        const x509_ptr cert = cert_from_pem(identity.cert_pem);
        if (SSL_CTX_use_certificate(ctx, cert.get()) != 1) {
            return openssl_reason("SSL_CTX_use_certificate");
        }
        if (!identity.chain_pem.empty()) {
            bio_ptr bio(BIO_new_mem_buf(identity.chain_pem.data(),
                                        static_cast<int>(identity.chain_pem.size())));
            while (bio) {
                x509_ptr extra(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
                if (!extra) {
                    ERR_clear_error();  // end of the PEM sequence
                    break;
                }
                if (SSL_CTX_add1_chain_cert(ctx, extra.get()) != 1) {
                    return openssl_reason("SSL_CTX_add1_chain_cert");
                }
            }
        }
        const pkey_ptr key = key_from_pem(identity.key_pem);
        if (SSL_CTX_use_PrivateKey(ctx, key.get()) != 1) {
            return openssl_reason("SSL_CTX_use_PrivateKey");
        }
        if (SSL_CTX_check_private_key(ctx) != 1) {
            return openssl_reason("SSL_CTX_check_private_key");
        }
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return {};
}

}  // namespace smtp_probe::fake
