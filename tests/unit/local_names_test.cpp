#include <doctest/doctest.h>

#include "probe/runtime/local_names.hpp"

using smtp_probe::helo_name_from;
using smtp_probe::names_from_hosts;

TEST_CASE("this machine's names come from the host name and the hosts file lines that list it") {
    const char* hosts =
        "127.0.0.1 localhost\n"
        "::1 localhost ip6-localhost ip6-loopback\n"
        "203.0.113.5 Server1.HostingCo.example server1 # the public address\n"
        "198.51.100.9 other.example\n";
    const auto names = names_from_hosts("server1", hosts);
    REQUIRE(names.size() == 2);
    CHECK(names[0] == "server1");
    CHECK(names[1] == "server1.hostingco.example");
    CHECK(names_from_hosts("", hosts).empty());
    CHECK(names_from_hosts("vm.", "127.0.0.1 vm\n") == std::vector<std::string>{"vm"});
}

TEST_CASE("the EHLO name is the FQDN when there is one, never an address") {
    CHECK(helo_name_from({"server1", "server1.hostingco.example", "203.0.113.5"}) ==
          "server1.hostingco.example");
    CHECK(helo_name_from({"vm", "10.0.0.4", "2001:db8::4"}) == "vm");
    CHECK(helo_name_from({"10.0.0.4", "2001:db8::4"}) == "localhost");
    CHECK(helo_name_from({}) == "localhost");
}
