// cause_for_reply() and category_for() (checks/classify.hpp) for every phase and every session
// context over whatever reply the parser accepts: always a named cause of the contract and a
// named category, never a crash.
#include <cstddef>
#include <cstdint>

#include "checks/classify.hpp"
#include "net/reply_parser.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using namespace smtp_probe;

void check_cause(phase p, const smtp_reply& reply, const reply_context& ctx) {
    const auto cause = cause_for_reply(p, reply, ctx);
    const auto id = cause_id(cause);
    SP_FUZZ_CHECK(id != "unknown");
    SP_FUZZ_CHECK(cause_from_id(id) == cause);

    const auto category = category_for(p, cause);
    SP_FUZZ_CHECK(category_id(category) != "unknown");
    SP_FUZZ_CHECK(category != failure_category::ok);
    if (const auto fixed = fixed_category(cause)) {
        SP_FUZZ_CHECK(category == *fixed);
    }

    // The frame the header promises, whatever the text says.
    if (p == phase::tls) {
        SP_FUZZ_CHECK(cause == probe_errc::port_mode_mismatch);
    } else if (ctx.after_greeting && (p == phase::quit || p == phase::dns || p == phase::tcp ||
                                      p == phase::certificate)) {
        SP_FUZZ_CHECK(cause == probe_errc::unexpected_reply);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto reply = parse_reply(smtp_probe::fuzz::as_text(data, size));
    if (!reply) {
        return 0;
    }
    for (const auto p : all_phases) {
        for (int bits = 0; bits < 8; ++bits) {
            reply_context ctx;
            ctx.tls_active = (bits & 1) != 0;
            ctx.starttls_offered = (bits & 2) != 0;
            ctx.after_greeting = (bits & 4) != 0;
            check_cause(p, *reply, ctx);
        }
    }
    return 0;
}
