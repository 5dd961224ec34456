#include <doctest/doctest.h>

#include "checks/recommend.hpp"

using namespace smtp_probe;

namespace {

/// A result whose phases up to `failed` passed; `failed` (when given) failed with `cause`.
probe_result result(std::optional<phase> failed = std::nullopt,
                    std::optional<probe_errc> cause = std::nullopt, bool starttls_ran = false) {
    probe_result r;
    for (const auto p : all_phases) {
        phase_record rec;
        rec.name = p;
        rec.status = phase_status::pass;
        if (p == phase::starttls && !starttls_ran) {
            rec.status = phase_status::skip;
        }
        if (failed && p == *failed) {
            rec.status = phase_status::fail;
            rec.cause = cause;
        }
        r.checks.push_back(rec);
    }
    if (failed) {
        r.outcome.category = failure_category::connect_host;
        r.outcome.cause = cause;
        r.outcome.failed_phase = failed;
    }
    return r;
}

combination_result combo(std::uint16_t port, security_mode mode, probe_result r) {
    combination_result c;
    c.combo = port_mode{port, mode};
    c.result = std::move(r);
    return c;
}

combination_result closed(std::uint16_t port, security_mode mode) {
    return combo(port, mode, result(phase::tcp, probe_errc::tcp_refused));
}

}  // namespace

TEST_CASE("the preferred working combination is chosen, in WHMCS terms") {
    struct row {
        const char* name;
        std::vector<combination_result> results;
        std::uint16_t port;
        security_mode security;
        std::string_view ssl_type;
    };
    std::vector<row> rows;
    rows.push_back({"only 587 works",
                    {closed(25, security_mode::automatic), closed(26, security_mode::automatic),
                     closed(465, security_mode::tls),
                     combo(587, security_mode::starttls, result(std::nullopt, {}, true))},
                    587,
                    security_mode::starttls,
                    "TLS"});
    rows.push_back(
        {"only 465 works",
         {closed(25, security_mode::automatic), closed(26, security_mode::automatic),
          combo(465, security_mode::tls, result()), closed(587, security_mode::starttls)},
         465,
         security_mode::tls,
         "SSL"});
    rows.push_back({"all work: 465 first",
                    {combo(25, security_mode::automatic, result(std::nullopt, {}, true)),
                     combo(587, security_mode::starttls, result(std::nullopt, {}, true)),
                     combo(465, security_mode::tls, result())},
                    465,
                    security_mode::tls,
                    "SSL"});
    rows.push_back({"25 with STARTTLS beats 26 in plaintext",
                    {combo(26, security_mode::automatic, result()),
                     combo(25, security_mode::automatic, result(std::nullopt, {}, true))},
                    25,
                    security_mode::starttls,
                    "TLS"});
    rows.push_back(
        {"plaintext only",
         {combo(25, security_mode::automatic, result()), closed(465, security_mode::tls)},
         25,
         security_mode::none,
         "None"});
    for (const auto& r : rows) {
        CAPTURE(r.name);
        const auto rec = recommend(r.results);
        REQUIRE(rec.chosen.has_value());
        CHECK(rec.port == r.port);
        CHECK(rec.security == r.security);
        CHECK(rec.ssl_type == r.ssl_type);
        CHECK_FALSE(rec.deciding.has_value());
        CHECK(rec.outcome.category == failure_category::ok);
    }
}

TEST_CASE("every other working combination is listed after the recommendation, best first") {
    const std::vector<combination_result> results = {
        combo(25, security_mode::automatic, result()),                        // 0: plaintext
        combo(26, security_mode::automatic, result(std::nullopt, {}, true)),  // 1: STARTTLS
        closed(465, security_mode::tls),                                      // 2
        combo(587, security_mode::starttls, result(std::nullopt, {}, true)),  // 3
        combo(2465, security_mode::tls, result()),                            // 4
    };
    const auto rec = recommend(results);
    REQUIRE(rec.chosen == std::optional<std::size_t>(3));
    // 26 with STARTTLS, then the other implicit-TLS port, plaintext last; never the chosen one.
    CHECK(rec.also_works == std::vector<std::size_t>{1, 4, 0});

    const auto alone =
        recommend({combo(465, security_mode::tls, result()), closed(587, security_mode::starttls)});
    CHECK(alone.also_works.empty());
    CHECK(recommend({closed(25, security_mode::automatic)}).also_works.empty());
}

TEST_CASE("when nothing works the most telling failure decides") {
    struct row {
        const char* name;
        std::vector<combination_result> results;
        std::size_t deciding;
        probe_errc cause;
    };
    std::vector<row> rows;
    rows.push_back(
        {"a server answer at AUTH beats a certificate and a closed port",
         {closed(25, security_mode::automatic),
          combo(465, security_mode::tls, result(phase::certificate, probe_errc::cert_expired)),
          combo(587, security_mode::starttls, result(phase::auth, probe_errc::bad_credentials))},
         2,
         probe_errc::bad_credentials});
    rows.push_back(
        {"certificate beats port/mode mismatch",
         {combo(465, security_mode::tls, result(phase::tls, probe_errc::port_mode_mismatch)),
          combo(587, security_mode::starttls,
                result(phase::certificate, probe_errc::cert_untrusted))},
         1,
         probe_errc::cert_untrusted});
    rows.push_back(
        {"port/mode mismatch beats a TLS failure",
         {combo(587, security_mode::starttls, result(phase::tls, probe_errc::tls_handshake_failed)),
          combo(465, security_mode::tls, result(phase::greeting, probe_errc::port_mode_mismatch))},
         1,
         probe_errc::port_mode_mismatch});
    rows.push_back(
        {"TLS beats greeting",
         {combo(25, security_mode::automatic,
                result(phase::greeting, probe_errc::greeting_timeout)),
          combo(465, security_mode::tls, result(phase::tls, probe_errc::tls_handshake_failed))},
         1,
         probe_errc::tls_handshake_failed});
    rows.push_back({"greeting beats tcp",
                    {closed(465, security_mode::tls),
                     combo(25, security_mode::automatic,
                           result(phase::greeting, probe_errc::server_refused_session))},
                    1,
                    probe_errc::server_refused_session});
    rows.push_back({"equal weight: the preferred combination",
                    {closed(25, security_mode::automatic), closed(587, security_mode::starttls),
                     closed(465, security_mode::tls)},
                    2,
                    probe_errc::tcp_refused});
    for (const auto& r : rows) {
        CAPTURE(r.name);
        const auto rec = recommend(r.results);
        CHECK_FALSE(rec.chosen.has_value());
        REQUIRE(rec.deciding.has_value());
        CHECK(*rec.deciding == r.deciding);
        CHECK(rec.outcome.cause == r.cause);
    }
}

TEST_CASE("a combination not tried after a refused password neither works nor decides") {
    auto refused = combo(465, security_mode::tls, result(phase::auth, probe_errc::bad_credentials));
    auto not_tried = combo(587, security_mode::starttls, result(std::nullopt, {}, true));
    not_tried.password_refused_on = 465;
    const auto rec = recommend({refused, not_tried, closed(25, security_mode::automatic)});
    CHECK_FALSE(rec.chosen.has_value());
    REQUIRE(rec.deciding.has_value());
    CHECK(*rec.deciding == 0);
    CHECK(rec.password_refused_on == std::uint16_t{465});
    REQUIRE(rec.hints.size() == 3);
    CHECK(rec.hints[0] == combination_hint::password_refused);
    CHECK(rec.hints[1] == combination_hint::not_tried);
    CHECK(rec.hints[2] == combination_hint::port_closed);
}

TEST_CASE("hints say which WHMCS SSL type the port wants") {
    const auto rec = recommend(
        {combo(465, security_mode::tls, result(phase::tls, probe_errc::port_mode_mismatch)),
         combo(2465, security_mode::automatic,
               result(phase::greeting, probe_errc::port_mode_mismatch)),
         combo(587, security_mode::starttls,
               result(phase::starttls, probe_errc::starttls_unavailable)),
         combo(26, security_mode::automatic, result(phase::greeting, probe_errc::not_smtp))});
    REQUIRE(rec.hints.size() == 4);
    CHECK(rec.hints[0] == combination_hint::expects_starttls);
    CHECK(rec.hints[1] == combination_hint::speaks_tls_first);
    CHECK(rec.hints[2] == combination_hint::no_starttls);
    CHECK(rec.hints[3] == combination_hint::other);
    CHECK(hint_id(rec.hints[1]) == "speaks_tls_first");
}

TEST_CASE("the redirect is flagged from a verdict or from a warning") {
    auto failed = result(phase::auth, probe_errc::smtp_restrictions_redirect);
    failed.outcome.underlying_cause = probe_errc::bad_credentials;
    const auto by_verdict = recommend({combo(587, security_mode::starttls, failed)});
    CHECK(by_verdict.redirect);
    CHECK(by_verdict.hints[0] == combination_hint::redirected);
    CHECK(hint_id(by_verdict.hints[0]) == "redirected");

    auto warned = result(std::nullopt, {}, true);
    warned.warnings.push_back({warning_kind::smtp_restrictions_redirect, "host.local"});
    const auto by_warning = recommend({combo(587, security_mode::starttls, warned)});
    CHECK(by_warning.redirect);
    CHECK(by_warning.hints[0] == combination_hint::redirected);

    const auto none =
        recommend({combo(587, security_mode::starttls, result(std::nullopt, {}, true))});
    CHECK_FALSE(none.redirect);
}

TEST_CASE("a pass answered by this machine is never recommended") {
    auto redirected = result(std::nullopt, {}, false);
    redirected.warnings.push_back({warning_kind::smtp_restrictions_redirect, "192.0.2.10"});

    // Only the redirected port passed: no recommendation; the redirect decides, in the category
    // WHMCS's guide gives it (authentication failed).
    const auto only = recommend(
        {combo(25, security_mode::automatic, redirected), closed(465, security_mode::tls)});
    CHECK_FALSE(only.chosen.has_value());
    REQUIRE(only.deciding.has_value());
    CHECK(*only.deciding == 0);
    CHECK(only.outcome.category == failure_category::auth_failed);
    CHECK(only.outcome.cause == probe_errc::smtp_restrictions_redirect);
    CHECK(only.hints[0] == combination_hint::redirected);
    CHECK(only.hints[1] == combination_hint::port_closed);

    // A genuine pass elsewhere is still recommended.
    const auto mixed = recommend({combo(25, security_mode::automatic, redirected),
                                  combo(465, security_mode::tls, result())});
    REQUIRE(mixed.chosen.has_value());
    CHECK(*mixed.chosen == 1);
    CHECK(mixed.redirect);

    // A redirected failure outweighs a more telling-looking failure elsewhere.
    auto refused_here = result(phase::starttls, probe_errc::smtp_restrictions_redirect);
    refused_here.outcome.underlying_cause = probe_errc::starttls_unavailable;
    auto cert = result(phase::certificate, probe_errc::cert_expired);
    const auto both = recommend(
        {combo(465, security_mode::tls, cert), combo(587, security_mode::starttls, refused_here)});
    REQUIRE(both.deciding.has_value());
    CHECK(*both.deciding == 1);
    CHECK(both.outcome.cause == probe_errc::smtp_restrictions_redirect);
}

TEST_CASE("an empty list recommends nothing") {
    const auto rec = recommend({});
    CHECK_FALSE(rec.chosen.has_value());
    CHECK_FALSE(rec.deciding.has_value());
    CHECK(rec.hints.empty());
}

TEST_CASE("message size against SIZE: base64 grows by 4/3 plus headers") {
    CHECK(encoded_message_size(0) == 8192);
    // 3 bytes -> 4 characters, one line break.
    CHECK(encoded_message_size(3) == 4 + 2 + 8192);
    // 57 bytes -> one full line of 76 characters.
    CHECK(encoded_message_size(57) == 76 + 2 + 8192);
    CHECK(encoded_message_size(58) == 80 + 4 + 8192);
    CHECK(encoded_message_size(12'000'000) == 16'000'000 + 421'054 + 8192);

    CHECK_FALSE(message_size_warning(12'000'000, std::nullopt).has_value());
    CHECK_FALSE(message_size_warning(12'000'000, std::uint64_t{0}).has_value());
    CHECK_FALSE(message_size_warning(10'000'000, std::uint64_t{20'000'000}).has_value());
    // 12 MB fits 12.5 MB raw, but not once encoded.
    const auto w = message_size_warning(12'000'000, std::uint64_t{12'500'000});
    REQUIRE(w.has_value());
    CHECK(w->kind == warning_kind::size_limit_below_message);
    CHECK(w->detail.find("12500000") != std::string::npos);
}
