#include <doctest/doctest.h>

#include <string>

#include "net/mailbox.hpp"

using namespace smtp_probe;

TEST_CASE("mailboxes as RFC 5321 (and RFC 6531) write them") {
    const std::string long_label(63, 'a');
    const std::string local64(64, 'l');
    struct row {
        std::string address;
        bool ok;
    };
    for (const auto& r : std::initializer_list<row>{
             {"billing@example.com", true},
             {"first.last+tag@mail.example.co.uk", true},
             {"o'brien@example.ie", true},
             {"a!#$%&'*+-/=?^_`{|}~z@example.com", true},
             {"\"john doe\"@example.com", true},
             {"\"at@inside\"@example.com", true},
             {"\"esc\\\"aped\"@example.com", true},
             {"user@[192.0.2.1]", true},
             {"user@[IPv6:2001:db8::1]", true},
             {"用户@例子.广告", true},
             {"postmaster@localhost", true},
             // valid atext, however shell-like: safety comes from never handing it to a shell
             {"`id`@x.test", true},
             {local64 + "@example.com", true},
             {"u@" + long_label + ".example", true},
             // refused
             {"", false},
             {"@example.com", false},
             {"user@", false},
             {"user", false},
             {"two@@example.com", false},
             {"a@b@example.com", false},
             {".lead@example.com", false},
             {"trail.@example.com", false},
             {"dou..ble@example.com", false},
             {"sp ace@example.com", false},
             {"user@exa mple.com", false},
             {"<user@example.com>", false},
             {"$(id)@x.test", false},
             {"a;touch /tmp/x@example.com", false},
             {"user@-example.com", false},
             {"user@example-.com", false},
             {"user@example..com", false},
             {"user@example.com.", false},
             {"user@[192.0.2]", false},
             {"user@[2001:db8::1]", false},
             {"user@[IPv6:nonsense]", false},
             {"tab\tuser@example.com", false},
             {"\"unterminated@example.com", false},
             // found by the mailbox fuzz target: quoted '>' would end the SMTP path early
             {"\"john d>o\\j\"@e", false},
             {"\"a<b\"@example.com", false},
             {"\"bad\x01\"@example.com", false},
             {local64 + "l@example.com", false},
             {"u@" + long_label + "a.example", false},
             {std::string("nul\0l@example.com", 17), false},
         }) {
        CAPTURE(r.address);
        CHECK(is_mailbox(r.address) == r.ok);
    }
    CHECK_FALSE(is_mailbox(std::string(250, 'a') + "@b.cd"));
}
