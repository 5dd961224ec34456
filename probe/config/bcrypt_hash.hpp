// What [serve.basic_auth_users] holds for each user: a bcrypt hash as htpasswd -B and
// exporter-toolkit write it, never a password.
#pragma once

#include <string_view>

namespace smtp_probe {

/// Whether `hash` is a bcrypt hash crypt(3) can check ($2a$, $2b$ or $2y$, 60 characters).
[[nodiscard]] inline bool is_bcrypt_hash(std::string_view hash) {
    return hash.size() == 60 &&
           (hash.starts_with("$2a$") || hash.starts_with("$2b$") || hash.starts_with("$2y$"));
}

}  // namespace smtp_probe
