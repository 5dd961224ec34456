// dns_budget_for / dns_timeout_finding_for: which limit a lookup runs under, and how it is named.
#include <doctest/doctest.h>

#include "checks/dns_budget.hpp"

using namespace smtp_probe;
using namespace std::chrono_literals;

TEST_CASE("dns_budget_for: the smaller limit wins; a tie is the DNS timeout") {
    struct row {
        std::chrono::milliseconds dns, left, timeout;
        dns_limit limit;
    };
    const row rows[] = {
        {10s, 120s, 10s, dns_limit::dns_timeout}, {10s, 4s, 4s, dns_limit::deadline},
        {10s, 10s, 10s, dns_limit::dns_timeout},  {10s, -5ms, 0ms, dns_limit::deadline},
        {300ms, 0ms, 0ms, dns_limit::deadline},
    };
    for (const auto& r : rows) {
        CAPTURE(r.dns.count());
        CAPTURE(r.left.count());
        const auto b = dns_budget_for(r.dns, r.left);
        CHECK(b.timeout == r.timeout);
        CHECK(b.limit == r.limit);
    }
}

TEST_CASE("dns_timeout_finding_for: the cause and the sentence name the limit") {
    const auto own = dns_timeout_finding_for({1500ms, dns_limit::dns_timeout});
    CHECK(own.cause == probe_errc::dns_timeout);
    CHECK(render_detail_en({own.note}) == "no answer within 1500 ms (--dns-timeout)");
    const auto cut = dns_timeout_finding_for({700ms, dns_limit::deadline});
    CHECK(cut.cause == probe_errc::deadline_exceeded);
    CHECK(render_detail_en({cut.note}) ==
          "the --deadline left 700 ms for the lookup, and it ran out");
}
