#include "probe/runtime/async_slots.hpp"

#include <boost/asio/use_awaitable.hpp>

namespace smtp_probe {

async_slots::async_slots(const boost::asio::any_io_executor& ex, std::size_t count)
    : tokens_(ex, count) {}

boost::asio::awaitable<async_slots::held> async_slots::acquire() {
    co_await tokens_.async_send(boost::system::error_code{}, boost::asio::use_awaitable);
    co_return held(this);
}

void async_slots::release() {
    [[maybe_unused]] const bool taken = tokens_.try_receive([](boost::system::error_code) {});
}

}  // namespace smtp_probe
