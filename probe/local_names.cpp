#include "probe/local_names.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <sstream>

namespace smtp_probe {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

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
    const auto host = lower(host_name);
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
            aliases.push_back(lower(name));
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

std::vector<std::string> local_host_names() {
    std::array<char, 256> buffer{};
    if (gethostname(buffer.data(), buffer.size() - 1) != 0) {
        return {};
    }
    std::ifstream hosts("/etc/hosts");
    std::stringstream text;
    text << hosts.rdbuf();
    return names_from_hosts(buffer.data(), text.str());
}

}  // namespace smtp_probe
