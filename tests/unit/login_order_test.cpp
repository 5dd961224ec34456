// Diagnose's login rule: which combinations it logs in on, in which order, and which answers
// stop it from trying the password anywhere else.
#include <doctest/doctest.h>

#include <optional>
#include <vector>

#include "checks/login_order.hpp"

using namespace smtp_probe;

namespace {

probe_result passed(bool starttls_ran) {
    probe_result r;
    for (const auto p : all_phases) {
        phase_record rec;
        rec.name = p;
        rec.status =
            (p == phase::starttls && !starttls_ran) ? phase_status::skip : phase_status::pass;
        r.checks.push_back(rec);
    }
    return r;
}

probe_result failed(phase at, probe_errc cause,
                    failure_category category = failure_category::connect_host) {
    auto r = passed(false);
    for (auto& rec : r.checks) {
        if (rec.name == at) {
            rec.status = phase_status::fail;
            rec.cause = cause;
        }
    }
    r.outcome.category = category;
    r.outcome.cause = cause;
    r.outcome.failed_phase = at;
    return r;
}

combination_result combo(std::uint16_t port, security_mode mode, probe_result r) {
    combination_result c;
    c.combo = port_mode{port, mode};
    c.result = std::move(r);
    return c;
}

}  // namespace

TEST_CASE("logins go to the combinations that connected, best first") {
    std::vector<combination_result> all;
    all.push_back(combo(25, security_mode::automatic, failed(phase::tcp, probe_errc::tcp_refused)));
    all.push_back(combo(26, security_mode::automatic, passed(false)));  // plaintext: last
    all.push_back(combo(465, security_mode::tls, passed(false)));
    all.push_back(combo(587, security_mode::starttls, passed(true)));
    all.push_back(combo(2525, security_mode::automatic, passed(true)));  // STARTTLS on another port
    CHECK(login_order(all) == std::vector<std::size_t>{2, 3, 4, 1});
}

TEST_CASE("logins: ties keep the order given, and nothing connected means no login") {
    std::vector<combination_result> ties;
    ties.push_back(combo(2526, security_mode::automatic, passed(true)));
    ties.push_back(combo(2525, security_mode::automatic, passed(true)));
    CHECK(login_order(ties) == std::vector<std::size_t>{0, 1});

    std::vector<combination_result> none;
    none.push_back(combo(465, security_mode::tls, failed(phase::tls, probe_errc::tcp_refused)));
    CHECK(login_order(none).empty());
    CHECK(login_order({}).empty());
}

TEST_CASE("a refused password or throttling ends the logins; other failures do not") {
    struct row {
        const char* name;
        probe_result login;
        bool ends;
    };
    auto redirect_over = [](probe_errc under) {
        auto r = failed(phase::auth, probe_errc::smtp_restrictions_redirect);
        r.outcome.underlying_cause = under;
        return r;
    };
    const std::vector<row> rows{
        {"535 refused",
         failed(phase::auth, probe_errc::bad_credentials, failure_category::auth_failed), true},
        {"454 throttled",
         failed(phase::auth, probe_errc::auth_throttled, failure_category::auth_failed), true},
        {"redirect over a refusal", redirect_over(probe_errc::bad_credentials), true},
        {"redirect over throttling", redirect_over(probe_errc::auth_throttled), true},
        {"redirect over a closed port", redirect_over(probe_errc::tcp_refused), false},
        {"AUTH needs TLS first", failed(phase::auth, probe_errc::auth_requires_tls), false},
        {"SMTP AUTH disabled for the tenant", failed(phase::auth, probe_errc::smtp_auth_disabled),
         false},
        {"the login timed out", failed(phase::auth, probe_errc::deadline_exceeded), false},
        {"the sender was refused after a good login",
         failed(phase::mail_from, probe_errc::sender_not_owned), false},
        {"it worked", passed(true), false},
    };
    for (const auto& r : rows) {
        CAPTURE(r.name);
        CHECK(ends_login_attempts(r.login) == r.ends);
    }
}
