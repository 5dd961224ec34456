#include "net/secret.hpp"

#include <openssl/crypto.h>

namespace smtp_probe {

void wipe(std::string& s) noexcept {
    if (!s.empty()) {
        // OPENSSL_cleanse cannot be optimised away like a plain memset before free.
        OPENSSL_cleanse(s.data(), s.size());
    }
    s.clear();
}

secret::secret(secret&& other) noexcept : value_(std::move(other.value_)) {
    other.clear();
}

secret& secret::operator=(secret&& other) noexcept {
    if (this != &other) {
        clear();
        value_ = std::move(other.value_);
        other.clear();
    }
    return *this;
}

secret::~secret() {
    clear();
}

void secret::clear() {
    // Wipe the whole capacity: a shorter value may have replaced a longer one in the same buffer.
    value_.resize(value_.capacity());
    wipe(value_);
}

}  // namespace smtp_probe
