// HTTP basic authentication of the exporter's clients (RFC 7617), with the users and bcrypt
// hashes of [serve.basic_auth_users], as Prometheus's exporter-toolkit web config keeps them.
// bcrypt is slow on purpose (tens of milliseconds): it runs on a thread of its own so that
// probes and scrapes never wait for it, and a password once verified is remembered by its
// SHA-256 only.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "probe/config/bcrypt_hash.hpp"

namespace smtp_probe {

struct basic_credentials {
    std::string user;
    std::string password;
};

/// "Basic dXNlcjpwYXNz" as user and password; nothing for another scheme or a malformed value.
[[nodiscard]] std::optional<basic_credentials> parse_basic_authorization(std::string_view header);

/// Whether `password` matches the bcrypt `hash` (slow: bcrypt's own cost).
[[nodiscard]] bool bcrypt_matches(const std::string& password, const std::string& hash);

class basic_auth_gate {
public:
    basic_auth_gate();
    basic_auth_gate(const basic_auth_gate&) = delete;
    basic_auth_gate& operator=(const basic_auth_gate&) = delete;
    ~basic_auth_gate();

    /// Whether the Authorization header names one of `users` with its password. An unknown
    /// user costs a bcrypt like a known one, so that timing does not tell which users exist.
    [[nodiscard]] boost::asio::awaitable<bool> allows(
        const std::optional<std::string>& authorization,
        const std::map<std::string, std::string>& users);

private:
    boost::asio::thread_pool pool_{1};
    std::set<std::string> verified_;  ///< SHA-256 of user, password and hash
};

}  // namespace smtp_probe
