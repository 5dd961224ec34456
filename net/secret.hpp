// A password or token. It cannot be streamed or formatted (no operator<<, no fmt formatter), its
// copies are explicit, and its bytes are wiped when it is destroyed.
#pragma once

#include <string>
#include <string_view>

namespace smtp_probe {

class secret {
public:
    secret() = default;
    explicit secret(std::string value) : value_(std::move(value)) {}
    secret(const secret&) = delete;
    secret& operator=(const secret&) = delete;
    secret(secret&& other) noexcept;
    secret& operator=(secret&& other) noexcept;
    ~secret();

    [[nodiscard]] bool empty() const { return value_.empty(); }
    /// The only way to the bytes: for building an AUTH payload, never for printing.
    [[nodiscard]] std::string_view reveal() const { return value_; }
    [[nodiscard]] secret clone() const { return secret(value_); }
    void clear();

private:
    std::string value_;
};

/// Wipes a string's bytes (for temporary AUTH payloads built from a secret).
void wipe(std::string& s) noexcept;

}  // namespace smtp_probe
