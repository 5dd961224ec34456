#include "net/io_error.hpp"

#include <string>

namespace smtp_probe {

namespace {

class io_category_impl final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "smtp-probe-io"; }
    std::string message(int ev) const override {
        switch (static_cast<io_errc>(ev)) {
            case io_errc::timeout:
                return "timed out";
            case io_errc::connection_lost:
                return "connection lost";
            case io_errc::protocol_violation:
                return "protocol violation";
        }
        return "unknown I/O error " + std::to_string(ev);
    }
};

}  // namespace

const boost::system::error_category& io_error_category() noexcept {
    static const io_category_impl instance;
    return instance;
}

boost::system::error_code make_error_code(io_errc e) noexcept {
    return {static_cast<int>(e), io_error_category()};
}

}  // namespace smtp_probe
