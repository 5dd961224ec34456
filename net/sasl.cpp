#include "net/sasl.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <initializer_list>

#include "net/base64.hpp"

namespace smtp_probe {

namespace {

constexpr std::string_view kvsep = "\x01";  // RFC 7628 section 3.1; XOAUTH2 uses it the same way

/// Concatenates the parts into one buffer sized up front (no reallocation leaves a copy of a
/// credential behind), base64-encodes it and wipes the clear text.
secret encode_parts(std::initializer_list<std::string_view> parts) {
    std::size_t size = 0;
    for (auto p : parts) {
        size += p.size();
    }
    std::string clear;
    clear.reserve(size);
    for (auto p : parts) {
        clear.append(p);
    }
    secret out(base64_encode(clear));
    wipe(clear);
    return out;
}

/// saslname escaping of RFC 5801 section 4 (used by the gs2 header of RFC 7628).
std::string escape_saslname(std::string_view user) {
    std::string out;
    out.reserve(user.size());
    for (char c : user) {
        if (c == ',') {
            out += "=2C";
        } else if (c == '=') {
            out += "=3D";
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace

secret plain_initial_response(std::string_view user, const secret& password) {
    using namespace std::string_view_literals;
    return encode_parts({"\0"sv, user, "\0"sv, password.reveal()});
}

std::string login_username(std::string_view user) {
    return base64_encode(user);
}

secret login_password(const secret& password) {
    return secret(base64_encode(password.reveal()));
}

std::optional<secret> cram_md5_response(std::string_view challenge_b64, std::string_view user,
                                        const secret& password) {
    auto challenge = decode_challenge(challenge_b64);
    if (!challenge) {
        return std::nullopt;
    }
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    std::size_t mac_len = 0;
    const std::string_view key = password.reveal();
    static const unsigned char no_key = 0;  // EVP_Q_mac wants a pointer even for an empty key
    const void* key_ptr = key.empty() ? static_cast<const void*>(&no_key) : key.data();
    // NOLINTNEXTLINE(clang-analyzer-cplusplus.InnerPointer): `password` is const and outlives this
    if (EVP_Q_mac(nullptr, "HMAC", nullptr, "MD5", nullptr, key_ptr, key.size(),
                  reinterpret_cast<const unsigned char*>(challenge->data()), challenge->size(),
                  mac.data(), mac.size(), &mac_len) == nullptr ||
        mac_len != 16) {
        return std::nullopt;
    }
    constexpr char hex[] = "0123456789abcdef";
    std::array<char, 32> digest{};
    for (std::size_t i = 0; i < 16; ++i) {
        digest[2 * i] = hex[mac[i] >> 4];
        digest[2 * i + 1] = hex[mac[i] & 0x0F];
    }
    secret out = encode_parts({user, " ", std::string_view(digest.data(), digest.size())});
    OPENSSL_cleanse(mac.data(), mac.size());
    OPENSSL_cleanse(digest.data(), digest.size());
    return out;
}

secret xoauth2_initial_response(std::string_view user, const secret& token) {
    return encode_parts({"user=", user, kvsep, "auth=Bearer ", token.reveal(), kvsep, kvsep});
}

secret oauthbearer_initial_response(std::string_view user, std::string_view host,
                                    std::uint16_t port, const secret& token) {
    // gs2-header "n,a=user," then key=value pairs, each closed by ^A, and a final ^A.
    const std::string name = escape_saslname(user);
    const std::string port_text = std::to_string(port);
    return encode_parts({"n,a=", name, ",", kvsep, "host=", host, kvsep, "port=", port_text, kvsep,
                         "auth=Bearer ", token.reveal(), kvsep, kvsep});
}

std::optional<std::string> decode_challenge(std::string_view b64_text) {
    while (!b64_text.empty() && (b64_text.front() == ' ' || b64_text.front() == '\t')) {
        b64_text.remove_prefix(1);
    }
    while (!b64_text.empty() && (b64_text.back() == ' ' || b64_text.back() == '\t')) {
        b64_text.remove_suffix(1);
    }
    return base64_decode(b64_text);
}

}  // namespace smtp_probe
