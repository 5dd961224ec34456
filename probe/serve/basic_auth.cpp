#include "probe/serve/basic_auth.hpp"

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstring>
#include <memory>

#include "net/ascii.hpp"
#include "net/base64.hpp"

namespace smtp_probe {
namespace asio = boost::asio;

namespace {

// A hash of a password nobody has, checked when the user is unknown.
constexpr const char* decoy_hash = "$2b$10$M/e9plCtNSCbFrgigQKAUe75b0nS0hv/Z2Gq0p23TgCjBS8g.9yqa";

std::string digest_of(const std::string& user, const std::string& password,
                      const std::string& hash) {
    std::string all = user + '\0' + password + '\0' + hash;
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int size = 0;
    EVP_Digest(all.data(), all.size(), out.data(), &size, EVP_sha256(), nullptr);
    OPENSSL_cleanse(all.data(), all.size());
    return std::string(reinterpret_cast<const char*>(out.data()), size);
}

/// bcrypt_matches on the pool's thread. A plain function (not a lambda temporary in the
/// co_await expression, which GCC 12 destroys twice).
asio::awaitable<bool> matches_on_pool(std::string password, std::string hash) {
    const bool same = bcrypt_matches(password, hash);
    OPENSSL_cleanse(password.data(), password.size());
    co_return same;
}

}  // namespace

std::optional<basic_credentials> parse_basic_authorization(std::string_view header) {
    const auto space = header.find(' ');
    if (space == std::string_view::npos || ascii_lowered(header.substr(0, space)) != "basic") {
        return std::nullopt;
    }
    auto token = header.substr(space + 1);
    while (!token.empty() && token.front() == ' ') {
        token.remove_prefix(1);
    }
    if (token.size() > 1024) {
        return std::nullopt;
    }
    auto decoded = base64_decode(token);
    if (!decoded) {
        return std::nullopt;
    }
    std::string text = std::move(*decoded);
    const auto colon = text.find(':');
    std::optional<basic_credentials> out;
    if (colon != std::string::npos) {
        out = basic_credentials{text.substr(0, colon), text.substr(colon + 1)};
    }
    OPENSSL_cleanse(text.data(), text.size());
    return out;
}

bool bcrypt_matches(const std::string& password, const std::string& hash) {
    if (!is_bcrypt_hash(hash)) {
        return false;
    }
    auto data = std::make_unique<crypt_data>();
    std::memset(data.get(), 0, sizeof(crypt_data));
    const char* computed = crypt_r(password.c_str(), hash.c_str(), data.get());
    const bool same = computed != nullptr && std::strlen(computed) == hash.size() &&
                      CRYPTO_memcmp(computed, hash.data(), hash.size()) == 0;
    OPENSSL_cleanse(data.get(), sizeof(crypt_data));
    return same;
}

basic_auth_gate::basic_auth_gate() = default;

basic_auth_gate::~basic_auth_gate() {
    pool_.join();
}

asio::awaitable<bool> basic_auth_gate::allows(const std::optional<std::string>& authorization,
                                              const std::map<std::string, std::string>& users) {
    if (!authorization) {
        co_return false;
    }
    auto given = parse_basic_authorization(*authorization);
    if (!given) {
        co_return false;
    }
    const auto user = users.find(given->user);
    const std::string hash = user != users.end() ? user->second : decoy_hash;
    const auto digest = digest_of(given->user, given->password, hash);
    bool ok = false;
    if (user != users.end() && verified_.contains(digest)) {
        ok = true;
    } else {
        ok = co_await asio::co_spawn(pool_, matches_on_pool(given->password, hash),
                                     asio::use_awaitable);
        ok = ok && user != users.end();
        if (ok && verified_.size() < 10'000) {
            verified_.insert(digest);
        }
    }
    OPENSSL_cleanse(given->password.data(), given->password.size());
    co_return ok;
}

}  // namespace smtp_probe
