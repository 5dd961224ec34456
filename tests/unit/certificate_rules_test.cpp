#include <doctest/doctest.h>

#include <openssl/x509_vfy.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "checks/certificate_rules.hpp"

using namespace smtp_probe;
using ds = cert_date_state;

namespace {

constexpr std::int64_t day = 86'400;
// UTC midnights, from Python's calendar.timegm.
constexpr std::int64_t t_2000_02_29 = 951'782'400;
constexpr std::int64_t t_2024_02_29 = 1'709'164'800;
constexpr std::int64_t t_2024_03_01 = 1'709'251'200;
constexpr std::int64_t t_2023_03_01 = 1'677'628'800;
constexpr std::int64_t t_2100_03_01 = 4'107'542'400;
constexpr std::int64_t t_1900_03_01 = -2'203'891'200;
constexpr std::int64_t t_2026_11_25 = 1'795'564'800;
constexpr std::int64_t t_2027_01_02 = 1'798'848'000;
constexpr std::int64_t t_9999_12_31 = 253'402'214'400;

const std::vector<std::string> no_names;

certificate_facts good_cert() {
    certificate_facts f;
    f.subject = "CN=mail.example.com";
    f.issuer = "CN=Example CA";
    f.common_name = "mail.example.com";
    f.dns_names = {"mail.example.com", "smtp.example.com"};
    f.not_before = t_2026_11_25 - 60 * day;
    f.not_after = t_2027_01_02;
    f.chain_length = 2;
    f.chain_trusted = true;
    return f;
}

}  // namespace

TEST_CASE("days_left rounds down") {
    struct row {
        std::int64_t not_after, now, expected;
    };
    const row rows[] = {
        {t_2027_01_02, t_2026_11_25, 38},
        {t_2027_01_02, t_2027_01_02, 0},
        {t_2027_01_02, t_2027_01_02 - 1, 0},
        {t_2027_01_02, t_2027_01_02 - day, 1},
        {t_2027_01_02, t_2027_01_02 - day + 1, 0},
        {t_2027_01_02, t_2027_01_02 + 1, -1},
        {t_2027_01_02, t_2027_01_02 + day, -1},
        {t_2027_01_02, t_2027_01_02 + day + 1, -2},
        {t_2024_03_01, t_2024_02_29, 1},  // leap day
        {t_2024_03_01, t_2023_03_01, 366},
        {0, -1, 0},
        {-day, 0, -1},
        {t_9999_12_31, 0, 2'932'896},
    };
    for (const auto& r : rows) {
        CAPTURE(r.not_after);
        CAPTURE(r.now);
        CHECK(days_left(r.not_after, r.now) == r.expected);
    }
}

TEST_CASE("days_left does not overflow on absurd dates") {
    constexpr auto max = std::numeric_limits<std::int64_t>::max();
    constexpr auto min = std::numeric_limits<std::int64_t>::min();
    CHECK(days_left(max, min) == max / day);
    CHECK(days_left(min, max) < 0);
    CHECK(days_left(min, max) == min / day - 1);
}

TEST_CASE("date_state: inclusive validity and the warning window") {
    const std::int64_t nb = t_2024_02_29;
    const std::int64_t na = t_2024_02_29 + 90 * day;
    struct row {
        std::int64_t now;
        int warn;
        ds expected;
    };
    const row rows[] = {
        {nb - 1, 14, ds::not_yet_valid},
        {nb, 14, ds::valid},
        {nb + 1, 14, ds::valid},
        {na - 14 * day, 14, ds::valid},         // exactly 14 days left
        {na - 14 * day + 1, 14, ds::expiring},  // 13 days and a bit
        {na - 1, 14, ds::expiring},
        {na, 14, ds::expiring},  // notAfter itself is still valid
        {na + 1, 14, ds::expired},
        {na + 1000 * day, 14, ds::expired},
        {na - 1, 0, ds::valid},  // no window
        {na, 0, ds::valid},
        {na - 89 * day, -5, ds::valid},
        {nb, 90, ds::valid},  // 90 days left, window 90
        {nb + 1, 90, ds::expiring},
        {nb, 1000, ds::expiring},
    };
    for (const auto& r : rows) {
        CAPTURE(r.now - nb);
        CAPTURE(r.warn);
        CHECK(date_state(nb, na, r.now, r.warn) == r.expected);
    }
}

TEST_CASE("host_matches: exact names") {
    const std::vector<std::string> names = {"mail.example.com", "SMTP.Example.COM."};
    struct row {
        const char* host;
        bool expected;
    };
    const row rows[] = {
        {"mail.example.com", true},
        {"MAIL.EXAMPLE.COM", true},
        {"mail.example.com.", true},
        {"smtp.example.com", true},
        {"Smtp.example.com.", true},
        {"example.com", false},
        {"mail.example.co", false},
        {"xmail.example.com", false},
        {"mail.example.com.evil.test", false},
        {"", false},
        {".", false},
        {"mail..example.com", false},
    };
    for (const auto& r : rows) {
        CAPTURE(r.host);
        CHECK(host_matches(r.host, names, no_names, "") == r.expected);
    }
}

TEST_CASE("host_matches: wildcards only as the whole left-most label") {
    struct row {
        const char* pattern;
        const char* host;
        bool expected;
    };
    const row rows[] = {
        {"*.example.com", "a.example.com", true},
        {"*.example.com", "MAIL.Example.Com", true},
        {"*.example.com", "mail.example.com.", true},
        {"*.Example.COM.", "mail.example.com", true},
        {"*.example.com", "example.com", false},
        {"*.example.com", "a.b.example.com", false},
        {"*.example.com", ".example.com", false},
        {"*.example.com", "a.example.org", false},
        {"f*.example.com", "foo.example.com", false},
        {"*o.example.com", "foo.example.com", false},
        {"f*o.example.com", "foo.example.com", false},
        {"a.*.example.com", "a.b.example.com", false},
        {"*.*.example.com", "a.b.example.com", false},
        {"*", "localhost", false},
        {"*.", "localhost", false},
        {"*.com", "example.com", false},
        {"*.local", "mail.local", false},
        {"*.co.uk", "example.co.uk", true},  // no public suffix list: two labels are enough
        {"**.example.com", "a.example.com", false},
        {"*.example..com", "a.example..com", false},
        {"*.example.com", "*.example.com", false},
        {"*.example.com", "192.0.2.1", false},
    };
    for (const auto& r : rows) {
        CAPTURE(r.pattern);
        CAPTURE(r.host);
        CHECK(host_matches(r.host, {r.pattern}, no_names, "") == r.expected);
    }
}

TEST_CASE("host_matches: the CN counts only without dNSName entries") {
    CHECK(host_matches("mail.example.com", {}, {}, "mail.example.com"));
    CHECK(host_matches("Mail.Example.com.", {}, {}, "mail.example.com"));
    CHECK(host_matches("a.example.com", {}, {}, "*.example.com"));
    CHECK_FALSE(host_matches("example.com", {}, {}, "*.example.com"));
    CHECK_FALSE(host_matches("mail.example.com", {"other.example.com"}, {}, "mail.example.com"));
    CHECK_FALSE(host_matches("mail.example.com", {}, {}, ""));
    // iPAddress entries alone do not hide the CN for a DNS host
    CHECK(host_matches("mail.example.com", {}, {"192.0.2.1"}, "mail.example.com"));
}

TEST_CASE("host_matches: IP literals match only iPAddress entries") {
    const std::vector<std::string> ips = {"192.0.2.25", "2001:DB8:0:0:0:0:0:1", "::ffff:10.0.0.1",
                                          "fe80::1"};
    struct row {
        const char* host;
        bool expected;
    };
    const row rows[] = {
        {"192.0.2.25", true},
        {"192.0.2.26", false},
        {"192.0.2.2", false},
        {"2001:db8::1", true},
        {"2001:DB8::1", true},
        {"2001:0db8:0000:0000:0000:0000:0000:0001", true},
        {"[2001:db8::1]", true},
        {"2001:db8::2", false},
        {"::ffff:10.0.0.1", true},
        {"::ffff:a00:1", true},
        {"10.0.0.1", false},  // a v4-mapped entry is a different address family
        {"fe80::1%eth0", true},
        {"fe80::0:1", true},
        {"::1", false},
        {"192.0.2.025", false},  // not an address: a DNS name that matches nothing
    };
    for (const auto& r : rows) {
        CAPTURE(r.host);
        CHECK(host_matches(r.host, {}, ips, "") == r.expected);
    }
    // never by dNSName or CN, even when they spell the address
    CHECK_FALSE(host_matches("192.0.2.25", {"192.0.2.25"}, {}, "192.0.2.25"));
    CHECK_FALSE(host_matches("2001:db8::1", {"2001:db8::1"}, {}, "2001:db8::1"));
    // and IP entries never match a DNS host
    CHECK_FALSE(host_matches("mail.example.com", {}, {"192.0.2.25"}, ""));
    // unparsable entries are ignored
    CHECK_FALSE(host_matches("192.0.2.25", {}, {"IP Address:192.0.2.25", ""}, ""));
}

TEST_CASE("judge_certificate: a good certificate passes") {
    const auto j =
        judge_certificate(good_cert(), "mail.example.com", t_2026_11_25 - 30 * day, 14, false);
    CHECK(j.status == phase_status::pass);
    CHECK_FALSE(j.cause.has_value());
    CHECK_FALSE(j.warning.has_value());
    CHECK(j.detail == "CN=mail.example.com, expires 2027-01-02 (68 days)");
}

TEST_CASE("judge_certificate: expiring inside the window") {
    const auto j = judge_certificate(good_cert(), "mail.example.com", t_2026_11_25, 60, false);
    CHECK(j.status == phase_status::warn);
    CHECK_FALSE(j.cause.has_value());
    CHECK(j.warning == warning_kind::cert_expiring);
    CHECK(j.detail == "CN=mail.example.com, expires 2027-01-02 (38 days)");

    const auto one =
        judge_certificate(good_cert(), "mail.example.com", t_2027_01_02 - day, 14, false);
    CHECK(one.detail == "CN=mail.example.com, expires 2027-01-02 (1 day)");
    const auto outside =
        judge_certificate(good_cert(), "mail.example.com", t_2026_11_25, 38, false);
    CHECK(outside.status == phase_status::pass);
}

TEST_CASE("judge_certificate: the facts' own verdict fields are not trusted") {
    auto f = good_cert();
    f.name_matches = true;
    f.days_left = 1000;
    const auto j = judge_certificate(f, "other.example.net", t_2026_11_25, 14, false);
    CHECK(j.cause == probe_errc::cert_name_mismatch);

    auto g = good_cert();
    g.name_matches = false;
    g.days_left = -5;
    const auto k = judge_certificate(g, "mail.example.com", t_2026_11_25, 14, false);
    CHECK(k.status == phase_status::pass);
}

TEST_CASE("judge_certificate: precedence of causes") {
    struct row {
        const char* name;
        bool expired;
        bool trusted;
        bool self_signed;
        const char* host;
        phase_status status;
        std::optional<probe_errc> cause;
    };
    const row rows[] = {
        // Renewing a self-signed certificate leaves it untrusted; the one a CA issues instead
        // comes with fresh dates and the right names (the notes still list all three).
        {"everything wrong", true, false, true, "other.test", phase_status::fail,
         probe_errc::cert_untrusted},
        {"untrusted and expired", true, false, false, "mail.example.com", phase_status::fail,
         probe_errc::cert_untrusted},
        {"expired and wrong name", true, true, false, "other.test", phase_status::fail,
         probe_errc::cert_expired},
        {"untrusted and wrong name", false, false, false, "other.test", phase_status::fail,
         probe_errc::cert_untrusted},
        {"self-signed and wrong name", false, false, true, "other.test", phase_status::fail,
         probe_errc::cert_untrusted},
        {"wrong name only", false, true, false, "other.test", phase_status::fail,
         probe_errc::cert_name_mismatch},
        {"expired only", true, true, false, "mail.example.com", phase_status::fail,
         probe_errc::cert_expired},
        {"self-signed but anchored by the CA file", false, true, true, "mail.example.com",
         phase_status::pass, std::nullopt},
    };
    for (const auto& r : rows) {
        CAPTURE(r.name);
        auto f = good_cert();
        f.chain_trusted = r.trusted;
        f.self_signed = r.self_signed;
        const std::int64_t now = r.expired ? t_2027_01_02 + 1 : t_2026_11_25 - 30 * day;
        const auto j = judge_certificate(f, r.host, now, 14, false);
        CHECK(j.status == r.status);
        CHECK(j.cause == r.cause);
        CHECK_FALSE(j.warning.has_value());
    }
}

TEST_CASE("judge_certificate: not yet valid is cert_expired") {
    auto f = good_cert();
    const auto j = judge_certificate(f, "mail.example.com", f.not_before - 1, 14, false);
    CHECK(j.status == phase_status::fail);
    CHECK(j.cause == probe_errc::cert_expired);
    CHECK(j.detail == "CN=mail.example.com, valid from 2026-09-26");
}

TEST_CASE("judge_certificate: expired detail counts the days since") {
    auto f = good_cert();
    CHECK(judge_certificate(f, "mail.example.com", t_2027_01_02 + 1, 14, false).detail ==
          "CN=mail.example.com, expired 2027-01-02 (0 days ago)");
    CHECK(judge_certificate(f, "mail.example.com", t_2027_01_02 + 3 * day + 5, 14, false).detail ==
          "CN=mail.example.com, expired 2027-01-02 (3 days ago)");
}

TEST_CASE("judge_certificate: insecure turns a failure into a warning and keeps the cause") {
    auto f = good_cert();
    f.chain_trusted = false;
    f.self_signed = true;
    const auto j = judge_certificate(f, "mail.example.com", t_2026_11_25 - 30 * day, 14, true);
    CHECK(j.status == phase_status::warn);
    CHECK(j.cause == probe_errc::cert_untrusted);
    CHECK(j.warning == warning_kind::insecure_certificate);
    CHECK(j.detail == "CN=mail.example.com, expires 2027-01-02 (68 days), self-signed");

    const auto mismatch = judge_certificate(good_cert(), "x.test", t_2026_11_25, 14, true);
    CHECK(mismatch.status == phase_status::warn);
    CHECK(mismatch.cause == probe_errc::cert_name_mismatch);
    CHECK(mismatch.warning == warning_kind::insecure_certificate);

    // nothing wrong: insecure changes nothing
    const auto fine =
        judge_certificate(good_cert(), "mail.example.com", t_2026_11_25 - 30 * day, 14, true);
    CHECK(fine.status == phase_status::pass);
    CHECK_FALSE(fine.warning.has_value());
    // expiring only: still the expiry warning
    const auto soon = judge_certificate(good_cert(), "mail.example.com", t_2026_11_25, 60, true);
    CHECK(soon.warning == warning_kind::cert_expiring);
    CHECK_FALSE(soon.cause.has_value());
}

TEST_CASE("judge_certificate: verify_error of a date or a name does not mean untrusted") {
    const std::int64_t now = t_2026_11_25 - 30 * day;
    auto name_err = good_cert();
    name_err.chain_trusted = false;
    name_err.verify_error = X509_V_ERR_HOSTNAME_MISMATCH;
    CHECK(judge_certificate(name_err, "mail.example.com", now, 14, false).status ==
          phase_status::pass);
    CHECK(judge_certificate(name_err, "x.test", now, 14, false).cause ==
          probe_errc::cert_name_mismatch);

    auto unknown_issuer = good_cert();
    unknown_issuer.chain_trusted = false;
    unknown_issuer.verify_error = X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY;
    unknown_issuer.verify_error_text = "unable to get local issuer certificate";
    const auto u = judge_certificate(unknown_issuer, "mail.example.com", now, 14, false);
    CHECK(u.cause == probe_errc::cert_untrusted);
    CHECK(u.detail ==
          "CN=mail.example.com, expires 2027-01-02 (68 days), chain: unable to get "
          "local issuer certificate");

    unknown_issuer.verify_error_text.clear();
    CHECK(judge_certificate(unknown_issuer, "mail.example.com", now, 14, false).detail ==
          "CN=mail.example.com, expires 2027-01-02 (68 days), chain error 20");
}

TEST_CASE("judge_certificate: dates print in UTC across leap years") {
    struct row {
        std::int64_t not_after;
        const char* date;
    };
    const row rows[] = {
        {t_2024_02_29, "2024-02-29"},
        {t_2024_03_01 - 1, "2024-02-29"},
        {t_2024_03_01, "2024-03-01"},
        {t_2000_02_29, "2000-02-29"},
        {t_2100_03_01 - 1, "2100-02-28"},
        {t_1900_03_01 - 1, "1900-02-28"},
        {0, "1970-01-01"},
        {-1, "1969-12-31"},
        {t_9999_12_31, "9999-12-31"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.date);
        certificate_facts f = good_cert();
        f.not_before = std::numeric_limits<std::int64_t>::min();
        f.not_after = r.not_after;
        const auto j = judge_certificate(f, "mail.example.com", r.not_after - 100 * day, 14, false);
        CHECK(j.detail == std::string("CN=mail.example.com, expires ") + r.date + " (100 days)");
    }
}

TEST_CASE("judge_certificate: names are listed on a mismatch, bounded and sanitised") {
    auto f = good_cert();
    f.common_name = "evil\r\nX-Injected: 1";
    f.dns_names = {"a.test", "b.test", "c.test", "d.test", "e.test", "f.test"};
    f.ip_addresses = {"192.0.2.1"};
    const auto j = judge_certificate(f, "mail.example.com", t_2026_11_25 - 30 * day, 14, false);
    CHECK(j.cause == probe_errc::cert_name_mismatch);
    CHECK(j.detail ==
          "CN=evil??X-Injected: 1, names a.test,b.test,c.test,d.test,e.test,+2, "
          "expires 2027-01-02 (68 days)");

    f.common_name = std::string(500, 'x');
    f.dns_names.clear();
    f.ip_addresses.clear();
    const auto k = judge_certificate(f, "mail.example.com", t_2026_11_25 - 30 * day, 14, false);
    CHECK(k.detail ==
          "CN=" + std::string(96, 'x') + "..., names none, expires 2027-01-02 (68 days)");

    auto no_cn = good_cert();
    no_cn.common_name.clear();
    no_cn.subject = "O=Example";
    CHECK(judge_certificate(no_cn, "mail.example.com", t_2026_11_25 - 30 * day, 14, false).detail ==
          "O=Example, expires 2027-01-02 (68 days)");
}

namespace {

/// good_cert() with its chain: the leaf, an intermediate, the root, with the given dates.
certificate_facts with_chain(std::int64_t intermediate_after, std::int64_t root_after,
                             std::int64_t intermediate_before = t_2026_11_25 - 400 * day) {
    auto f = good_cert();
    f.chain = {{"mail.example.com", f.not_before, f.not_after},
               {"Example Intermediate R3", intermediate_before, intermediate_after},
               {"Example Root X1", t_2026_11_25 - 4000 * day, root_after}};
    f.chain_length = 2;
    return f;
}

}  // namespace

TEST_CASE("judge_certificate: every certificate of the chain is within its dates") {
    const std::int64_t now = t_2026_11_25 - 30 * day;
    const std::int64_t later = t_2026_11_25 + 3000 * day;
    SUBCASE("an expired intermediate under a valid leaf") {
        const auto f = with_chain(now - 2 * day, later);
        const auto j = judge_certificate(f, "mail.example.com", now, 14, false);
        CHECK(j.status == phase_status::fail);
        CHECK(j.cause == probe_errc::cert_expired);
        CHECK(j.detail ==
              "CN=mail.example.com, expires 2027-01-02 (68 days), chain: \"Example "
              "Intermediate R3\" expired 2026-10-24");
    }
    SUBCASE("an expired trust anchor") {
        const auto f = with_chain(later, now - 1);
        const auto j = judge_certificate(f, "mail.example.com", now, 14, false);
        CHECK(j.cause == probe_errc::cert_expired);
        CHECK(j.detail.find("\"Example Root X1\" expired") != std::string::npos);
    }
    SUBCASE("an intermediate not valid yet") {
        const auto f = with_chain(later, later, now + day);
        const auto j = judge_certificate(f, "mail.example.com", now, 14, false);
        CHECK(j.cause == probe_errc::cert_expired);
        CHECK(j.detail.find("\"Example Intermediate R3\" valid from") != std::string::npos);
    }
    SUBCASE("the first expiry of the chain inside the window is the warning") {
        const auto f = with_chain(now + 5 * day, later);
        const auto j = judge_certificate(f, "mail.example.com", now, 14, false);
        CHECK(j.status == phase_status::warn);
        CHECK(j.warning == std::optional<warning_kind>(warning_kind::cert_expiring));
        CHECK_FALSE(j.cause.has_value());
        CHECK(j.detail.find("chain: \"Example Intermediate R3\" expires 2026-10-31 (5 days)") !=
              std::string::npos);
        const auto dates = judge_chain_dates(f, now);
        CHECK(dates.earliest == 1);
        CHECK(dates.earliest_not_after == now + 5 * day);
        CHECK_FALSE(dates.out_of_range.has_value());
    }
    SUBCASE("issuers that outlive the leaf change nothing") {
        const auto f = with_chain(later, later);
        const auto j = judge_certificate(f, "mail.example.com", now, 14, false);
        CHECK(j.status == phase_status::pass);
        CHECK(j.detail == "CN=mail.example.com, expires 2027-01-02 (68 days)");
        CHECK(judge_chain_dates(f, now).earliest == 0);
        CHECK(judge_chain_dates(f, now).earliest_not_after == f.not_after);
    }
}

TEST_CASE("host_matches: the matching name may come after any number of others") {
    std::vector<std::string> names;
    for (int i = 1; i < 300; ++i) {
        names.push_back("host" + std::to_string(i) + ".other.example");
    }
    names.emplace_back("mail.example.com");
    CHECK(host_matches("mail.example.com", names, {}, ""));
    auto f = good_cert();
    f.dns_names = names;
    const auto j = judge_certificate(f, "mail.example.com", t_2026_11_25 - 30 * day, 14, false);
    CHECK(j.status == phase_status::pass);
    // Shown, the list stays short.
    const auto miss = judge_certificate(f, "x.test", t_2026_11_25 - 30 * day, 14, false);
    CHECK(miss.detail.find(",+295") != std::string::npos);
}
