// A counting semaphore for coroutines on one io_context: at most `count` holders at once, the
// others wait in the order they asked. Used to bound how many probes run, how many connections
// go to one server address, and to let one login run at a time.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/channel.hpp>
#include <cstddef>

namespace smtp_probe {

class async_slots {
public:
    async_slots(const boost::asio::any_io_executor& ex, std::size_t count);

    /// Held until destroyed; then the next waiter gets the slot.
    class held {
    public:
        explicit held(async_slots* owner) : owner_(owner) {}
        held(held&& other) noexcept : owner_(other.owner_) { other.owner_ = nullptr; }
        held& operator=(held&&) = delete;
        held(const held&) = delete;
        held& operator=(const held&) = delete;
        ~held() {
            if (owner_ != nullptr) {
                owner_->release();
            }
        }

    private:
        async_slots* owner_;
    };

    [[nodiscard]] boost::asio::awaitable<held> acquire();

private:
    void release();
    // Each holder has put one token in; a full channel makes the next send wait.
    boost::asio::experimental::channel<void(boost::system::error_code)> tokens_;
};

}  // namespace smtp_probe
