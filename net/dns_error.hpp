// c-ares status codes (ARES_*) as an error category, so a resolver failure is an error_code like
// any other and maps to a failure_category through equivalent().
#pragma once

#include <boost/system/error_code.hpp>

namespace smtp_probe {

[[nodiscard]] const boost::system::error_category& dns_error_category() noexcept;

/// An error_code for a c-ares status (ARES_ENOTFOUND, ARES_ETIMEOUT, ...).
[[nodiscard]] boost::system::error_code make_dns_error(int ares_status) noexcept;

}  // namespace smtp_probe
