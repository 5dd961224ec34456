#include "probe/runtime/local_names.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <sstream>

#include "net/ascii.hpp"

namespace smtp_probe {
namespace {

void add_unique(std::vector<std::string>& names, std::string name) {
    while (!name.empty() && name.back() == '.') {
        name.pop_back();
    }
    if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end()) {
        names.push_back(std::move(name));
    }
}

}  // namespace

std::vector<std::string> names_from_hosts(std::string_view host_name, std::string_view hosts_text) {
    std::vector<std::string> names;
    const auto host = ascii_lowered(host_name);
    add_unique(names, host);
    if (host.empty()) {
        return names;
    }
    std::istringstream in{std::string(hosts_text)};
    std::string line;
    while (std::getline(in, line)) {
        if (const auto hash = line.find('#'); hash != std::string::npos) {
            line.resize(hash);
        }
        std::istringstream fields(line);
        std::string address;
        if (!(fields >> address)) {
            continue;
        }
        std::vector<std::string> aliases;
        std::string name;
        while (fields >> name) {
            aliases.push_back(ascii_lowered(name));
        }
        const bool lists_host = std::find(aliases.begin(), aliases.end(), host) != aliases.end();
        if (!lists_host) {
            continue;
        }
        for (auto& alias : aliases) {
            // "localhost" names on a loopback line are not this machine's public names.
            if (alias.rfind("localhost", 0) != 0 && alias.rfind("ip6-", 0) != 0) {
                add_unique(names, std::move(alias));
            }
        }
    }
    return names;
}

std::string helo_name_from(const std::vector<std::string>& names) {
    for (const auto& name : names) {
        const bool address = name.find(':') != std::string::npos ||
                             name.find_first_not_of("0123456789.") == std::string::npos;
        if (!address && name.find('.') != std::string::npos) {
            return name;
        }
    }
    for (const auto& name : names) {
        if (name.find(':') == std::string::npos &&
            name.find_first_not_of("0123456789.") != std::string::npos) {
            return name;
        }
    }
    return "localhost";
}

std::vector<std::string> local_host_names() {
    std::array<char, 256> buffer{};
    std::vector<std::string> names;
    if (gethostname(buffer.data(), buffer.size() - 1) == 0) {
        std::ifstream hosts("/etc/hosts");
        std::stringstream text;
        text << hosts.rdbuf();
        names = names_from_hosts(buffer.data(), text.str());
    }
    // This machine's own (non-loopback) addresses: a mail host name that resolves to one of
    // them is this machine, asked for on purpose, not a redirect.
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0) {
        return names;
    }
    for (const ifaddrs* ifa = list; ifa != nullptr; ifa = ifa->ifa_next) {
        if (ifa->ifa_addr == nullptr) {
            continue;
        }
        std::array<char, INET6_ADDRSTRLEN> text{};
        const int family = ifa->ifa_addr->sa_family;
        const void* raw = nullptr;
        if (family == AF_INET) {
            const auto* in = reinterpret_cast<const sockaddr_in*>(ifa->ifa_addr);
            if ((ntohl(in->sin_addr.s_addr) >> 24) == 127) {
                continue;
            }
            raw = &in->sin_addr;
        } else if (family == AF_INET6) {
            const auto* in6 = reinterpret_cast<const sockaddr_in6*>(ifa->ifa_addr);
            if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr) || IN6_IS_ADDR_LINKLOCAL(&in6->sin6_addr)) {
                continue;
            }
            raw = &in6->sin6_addr;
        } else {
            continue;
        }
        if (inet_ntop(family, raw, text.data(), text.size()) != nullptr) {
            add_unique(names, text.data());
        }
    }
    freeifaddrs(list);
    return names;
}

void add_local_names(probe_request& request) {
    request.local_names = local_host_names();
    if (request.helo_name.empty()) {
        request.helo_name = helo_name_from(request.local_names);
    }
}

}  // namespace smtp_probe
