#include "probe/commands/explain/category_causes.hpp"

namespace smtp_probe {

std::vector<probe_errc> causes_of(failure_category c) {
    // probe_errc numbers its causes 1..smtp_restrictions_redirect without gaps (errors.hpp).
    constexpr int first = static_cast<int>(probe_errc::dns_not_found);
    constexpr int last = static_cast<int>(probe_errc::smtp_restrictions_redirect);
    std::vector<probe_errc> out;
    for (int v = first; v <= last; ++v) {
        const auto cause = static_cast<probe_errc>(v);
        if (fixed_category(cause) == c) {
            out.push_back(cause);
        }
    }
    return out;
}

}  // namespace smtp_probe
