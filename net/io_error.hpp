// The transport's own error vocabulary: what went wrong moving bytes, never what it means for
// the mail (that is checks/classify.hpp's job). Like Boost.Redis's error.hpp and Beast's
// error::timeout, these are error_codes of their own category.
#pragma once

#include <boost/system/error_code.hpp>
#include <type_traits>

namespace smtp_probe {

enum class io_errc {
    timeout = 1,         ///< the operation's timer ran out (reply, write or TLS handshake)
    connection_lost,     ///< the peer closed (EOF, or TLS ended without close_notify)
    protocol_violation,  ///< the bytes break the reply grammar (net/reply_parser.hpp says how)
};

[[nodiscard]] const boost::system::error_category& io_error_category() noexcept;
[[nodiscard]] boost::system::error_code make_error_code(io_errc e) noexcept;

}  // namespace smtp_probe

template <>
struct boost::system::is_error_code_enum<smtp_probe::io_errc> : std::true_type {};
