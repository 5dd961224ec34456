// --as-user: the pure decision, and the account lookup against this machine's /etc/passwd
// (root and nobody exist on every Debian system).
#include <doctest/doctest.h>

#include <string>
#include <variant>

#include "probe/runtime/run_as.hpp"

using namespace smtp_probe;

TEST_CASE("who may switch to whom") {
    struct row {
        std::uint32_t euid;
        std::uint32_t target;
        run_as_plan plan;
    };
    for (const auto& r :
         {row{0, 0, run_as_plan::stay}, row{0, 65534, run_as_plan::switch_user},
          row{1001, 1001, run_as_plan::stay}, row{1001, 0, run_as_plan::refuse_not_root},
          row{1001, 1002, run_as_plan::refuse_not_root}}) {
        CAPTURE(r.euid);
        CAPTURE(r.target);
        CHECK(plan_run_as(r.euid, r.target) == r.plan);
    }
}

TEST_CASE("accounts are found by name or by uid, and a missing one is named") {
    const auto root = find_account("root");
    REQUIRE(std::holds_alternative<account>(root));
    CHECK(std::get<account>(root).uid == 0);
    CHECK(std::get<account>(root).gid == 0);

    const auto by_uid = find_account("0");
    REQUIRE(std::holds_alternative<account>(by_uid));
    CHECK(std::get<account>(by_uid).name == "root");

    const auto nobody = find_account("nobody");
    REQUIRE(std::holds_alternative<account>(nobody));
    CHECK(std::get<account>(nobody).uid != 0);

    const auto missing = find_account("no-such-user-sp");
    REQUIRE(std::holds_alternative<std::string>(missing));
    CHECK(std::get<std::string>(missing).find("there is no user 'no-such-user-sp'") !=
          std::string::npos);

    const auto no_uid = find_account("4000000000");
    REQUIRE(std::holds_alternative<std::string>(no_uid));
    CHECK(std::get<std::string>(no_uid).find("no account has uid 4000000000") != std::string::npos);

    CHECK(std::holds_alternative<std::string>(find_account("")));
    CHECK(std::holds_alternative<std::string>(find_account(std::string_view("ro\0ot", 5))));
}

TEST_CASE("the --as-user offer: only root, not switched, with cPanel or CSF") {
    CHECK(offer_as_user(run_identity{"root", 0, false, true}));
    CHECK_FALSE(offer_as_user(run_identity{"root", 0, false, false}));
    CHECK_FALSE(offer_as_user(run_identity{"whmcs", 1001, true, true}));
    CHECK_FALSE(offer_as_user(run_identity{"whmcs", 1001, false, true}));
}
