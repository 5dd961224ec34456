#include <algorithm>

#include "probe/commands/command.hpp"

namespace smtp_probe {
namespace {

// A function-local static: registrations run during static initialisation, in any order.
std::vector<command_spec>& registry() {
    static std::vector<command_spec> specs;
    return specs;
}

}  // namespace

bool register_command(const command_spec& spec) {
    registry().push_back(spec);
    return true;
}

std::vector<command_spec> registered_commands() {
    auto specs = registry();
    std::stable_sort(specs.begin(), specs.end(),
                     [](const command_spec& a, const command_spec& b) { return a.rank < b.rank; });
    return specs;
}

}  // namespace smtp_probe
