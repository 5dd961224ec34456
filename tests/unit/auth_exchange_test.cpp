// next_auth_step: every mechanism's exchange, step by step, against 235, 334 and a refusal.
#include <doctest/doctest.h>

#include "checks/auth_exchange.hpp"

using namespace smtp_probe;
using m = auth_mechanism;
using s = auth_sent;
using n = auth_next;

namespace {

struct row {
    m mech;
    s last;
    int code;
    n expected;
};

// RFC 4954 section 4; draft-murchison-sasl-login section 2; RFC 2195 section 2; RFC 4616
// section 2; RFC 7628 sections 3.2.2-3.2.3.
const row table[] = {
    // LOGIN: 334 "Username:", 334 "Password:", then the outcome.
    {m::login, s::command, 334, n::send_username},
    {m::login, s::command, 235, n::premature_success},
    {m::login, s::command, 504, n::refused},
    {m::login, s::username, 334, n::send_credential},
    {m::login, s::username, 235, n::premature_success},
    {m::login, s::username, 535, n::refused},
    {m::login, s::credential, 235, n::succeeded},
    {m::login, s::credential, 334, n::unexpected_challenge},
    {m::login, s::credential, 535, n::refused},
    // CRAM-MD5: one challenge.
    {m::cram_md5, s::command, 334, n::send_credential},
    {m::cram_md5, s::command, 235, n::premature_success},
    {m::cram_md5, s::credential, 235, n::succeeded},
    {m::cram_md5, s::credential, 334, n::unexpected_challenge},
    {m::cram_md5, s::credential, 535, n::refused},
    // PLAIN with its initial response; a 334 asks for it again, once.
    {m::plain, s::command_with_credential, 235, n::succeeded},
    {m::plain, s::command_with_credential, 334, n::send_credential},
    {m::plain, s::command_with_credential, 535, n::refused},
    {m::plain, s::credential, 235, n::succeeded},
    {m::plain, s::credential, 334, n::unexpected_challenge},
    {m::plain, s::command, 334, n::unexpected_challenge},
    // OAuth: a 334 is an error report to acknowledge; the refusal follows.
    {m::xoauth2, s::command_with_credential, 235, n::succeeded},
    {m::xoauth2, s::command_with_credential, 334, n::send_error_ack},
    {m::xoauth2, s::error_ack, 535, n::refused},
    {m::xoauth2, s::error_ack, 235, n::success_after_error},
    {m::xoauth2, s::error_ack, 334, n::unexpected_challenge},
    {m::oauthbearer, s::command_with_credential, 334, n::send_error_ack},
    {m::oauthbearer, s::error_ack, 235, n::success_after_error},
    {m::oauthbearer, s::command_with_credential, 454, n::refused},
    // Codes that are neither: a refusal for classify to name.
    {m::login, s::credential, 250, n::refused},
    {m::plain, s::command_with_credential, 0, n::refused},
};

}  // namespace

TEST_CASE("next_auth_step: the table") {
    for (const auto& r : table) {
        CAPTURE(static_cast<int>(r.mech));
        CAPTURE(static_cast<int>(r.last));
        CAPTURE(r.code);
        CHECK(next_auth_step(r.mech, r.last, r.code) == r.expected);
    }
}

TEST_CASE("next_auth_step: success never comes before a credential was sent") {
    for (const auto mech : {m::plain, m::login, m::cram_md5, m::xoauth2, m::oauthbearer}) {
        for (const auto last : {s::command, s::username}) {
            CHECK(next_auth_step(mech, last, 235) == n::premature_success);
        }
    }
}
