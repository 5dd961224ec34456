#include "net/dns_error.hpp"

#include <ares.h>

#include <string>

namespace smtp_probe {
namespace {

class dns_category_impl final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "c-ares"; }
    std::string message(int ev) const override { return ares_strerror(ev); }
};

}  // namespace

const boost::system::error_category& dns_error_category() noexcept {
    static const dns_category_impl instance;
    return instance;
}

boost::system::error_code make_dns_error(int ares_status) noexcept {
    return {ares_status, dns_error_category()};
}

}  // namespace smtp_probe
