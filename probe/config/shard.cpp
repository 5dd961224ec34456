#include "probe/config/shard.hpp"

#include <openssl/evp.h>

#include <array>

namespace smtp_probe {

std::uint64_t hashmod(std::string_view value, std::uint64_t count) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    EVP_Digest(value.data(), value.size(), digest.data(), &size, EVP_md5(), nullptr);
    std::uint64_t tail = 0;
    for (unsigned int i = 8; i < 16; ++i) {
        tail = (tail << 8U) | digest[i];
    }
    return tail % (count == 0 ? 1 : count);
}

}  // namespace smtp_probe
