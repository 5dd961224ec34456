#include "probe/runtime/run_as.hpp"

#include <grp.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <vector>

#include "probe/report/quote_value.hpp"

namespace smtp_probe {
namespace {

std::optional<std::uint32_t> as_number(std::string_view text) {
    std::uint32_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || ptr != end) {
        return std::nullopt;
    }
    return value;
}

bool exists(const char* path) {
    struct stat st {};
    return ::stat(path, &st) == 0;
}

}  // namespace

run_as_plan plan_run_as(std::uint32_t current_euid, std::uint32_t target_uid) {
    if (current_euid == target_uid) {
        return run_as_plan::stay;
    }
    return current_euid == 0 ? run_as_plan::switch_user : run_as_plan::refuse_not_root;
}

std::variant<account, std::string> find_account(std::string_view name_or_uid) {
    if (name_or_uid.empty() || name_or_uid.find('\0') != std::string_view::npos ||
        name_or_uid.size() > 256) {
        return std::string(
            "--as-user needs a user name such as nobody or the cPanel account that runs WHMCS");
    }
    std::vector<char> buffer(16384);
    struct passwd entry {};
    struct passwd* found = nullptr;
    const std::string name(name_or_uid);
    int rc = ::getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found);
    if (found == nullptr) {
        if (const auto uid = as_number(name_or_uid)) {
            rc = ::getpwuid_r(*uid, &entry, buffer.data(), buffer.size(), &found);
            if (found == nullptr && rc == 0) {
                // A bare uid without an account is still a uid the kernel can switch to, but it
                // has no group: refuse rather than guess one.
                return fmt::format(
                    "--as-user: no account has uid {}; give a user name from "
                    "/etc/passwd",
                    *uid);
            }
        }
    }
    if (found == nullptr) {
        if (rc != 0) {
            return fmt::format("--as-user: could not look up {}: {}", quote_value(name_or_uid),
                               std::strerror(rc));
        }
        return fmt::format(
            "--as-user: there is no user {} on this machine; give a user name "
            "from /etc/passwd, such as the account that runs WHMCS",
            quote_value(name_or_uid));
    }
    return account{found->pw_name, static_cast<std::uint32_t>(found->pw_uid),
                   static_cast<std::uint32_t>(found->pw_gid)};
}

std::optional<std::string> become(const account& who) {
    const auto failed = [&](const char* step) {
        return fmt::format("--as-user {}: {} failed: {}", quote_value(who.name), step,
                           std::strerror(errno));
    };
    // Order matters: groups and gid need root, so they go before the uid.
    if (::initgroups(who.name.c_str(), static_cast<gid_t>(who.gid)) != 0) {
        return failed("initgroups");
    }
    if (::setresgid(who.gid, who.gid, who.gid) != 0) {
        return failed("setresgid");
    }
    if (::setresuid(who.uid, who.uid, who.uid) != 0) {
        return failed("setresuid");
    }
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        return failed("prctl(PR_SET_NO_NEW_PRIVS)");
    }
    if (who.uid != 0 && (::setuid(0) == 0 || ::seteuid(0) == 0)) {
        return fmt::format("--as-user {}: root could be regained after the switch; stopping",
                           quote_value(who.name));
    }
    if (::geteuid() != who.uid || ::getegid() != who.gid) {
        return fmt::format("--as-user {}: the switch did not take effect", quote_value(who.name));
    }
    return std::nullopt;
}

run_identity current_identity() {
    run_identity id;
    id.uid = static_cast<std::uint32_t>(::geteuid());
    std::vector<char> buffer(16384);
    struct passwd entry {};
    struct passwd* found = nullptr;
    ::getpwuid_r(id.uid, &entry, buffer.data(), buffer.size(), &found);
    id.user = found != nullptr ? std::string(found->pw_name) : std::to_string(id.uid);
    // cPanel's "SMTP Restrictions" and CSF's SMTP_REDIRECT are the redirects that exempt root.
    id.redirect_tools_present = exists("/usr/local/cpanel/cpanel") || exists("/etc/csf/csf.conf");
    return id;
}

std::variant<run_identity, std::string> run_as_user(std::string_view name_or_uid) {
    auto found = find_account(name_or_uid);
    if (auto* problem = std::get_if<std::string>(&found)) {
        return std::move(*problem);
    }
    const auto& who = std::get<account>(found);
    const auto euid = static_cast<std::uint32_t>(::geteuid());
    switch (plan_run_as(euid, who.uid)) {
        case run_as_plan::stay:
            break;
        case run_as_plan::refuse_not_root:
            return fmt::format(
                "--as-user {} needs root: this probe runs as uid {}; run it as "
                "root, or leave --as-user out",
                quote_value(who.name), euid);
        case run_as_plan::switch_user:
            if (auto problem = become(who)) {
                return std::move(*problem);
            }
            auto id = current_identity();
            id.switched = true;
            return id;
    }
    return current_identity();
}

}  // namespace smtp_probe
