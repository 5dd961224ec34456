#include <doctest/doctest.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include "probe/report/report_json.hpp"
#include "report_fixtures.hpp"

using namespace smtp_probe;
namespace fx = smtp_probe::fixtures;
namespace json = boost::json;

namespace {

/// Render, then parse back: the tests read what a consumer would read.
json::object round_trip(const probe_result& r, bool transcript) {
    const auto text = render_json(r, transcript);
    REQUIRE(fx::valid_utf8(text));
    return json::parse(text).as_object();
}

std::set<std::string> keys(const json::object& o) {
    std::set<std::string> out;
    for (const auto& kv : o) {
        out.emplace(kv.key());
    }
    return out;
}

const json::object& check_named(const json::object& doc, std::string_view name) {
    for (const auto& c : doc.at("checks").as_array()) {
        if (c.as_object().at("name").as_string() == name) {
            return c.as_object();
        }
    }
    FAIL("no check named " << name);
    static const json::object none;
    return none;
}

const json::object& evidence(const json::object& doc, std::string_view name) {
    return check_named(doc, name).at("evidence").as_object();
}

}  // namespace

TEST_CASE("a passing probe: the schema's top-level fields and their types") {
    const auto doc = round_trip(fx::passing(), false);
    CHECK(keys(doc) == std::set<std::string>{"target", "ok", "category", "cause",
                                             "underlying_cause", "checks", "addresses", "warnings",
                                             "round_trips", "duration_ms", "auto_starttls",
                                             "whmcs_log"});
    CHECK(doc.at("auto_starttls").is_null());
    CHECK(doc.at("whmcs_log").as_array().empty());
    const auto& target = doc.at("target").as_object();
    CHECK(keys(target) == std::set<std::string>{"host", "port", "security", "ssl_type"});
    CHECK(target.at("ssl_type").is_null());
    CHECK(target.at("host").as_string() == "mail.example.com");
    CHECK(target.at("port").as_int64() == 587);
    CHECK(target.at("security").as_string() == "starttls");
    CHECK(doc.at("ok").as_bool() == true);
    CHECK(doc.at("category").as_string() == "ok");
    CHECK(doc.at("cause").is_null());
    CHECK(doc.at("underlying_cause").is_null());
    CHECK(doc.at("round_trips").as_int64() == 9);
    CHECK(doc.at("duration_ms").as_double() == doctest::Approx(152.4));
    CHECK(doc.at("warnings").as_array().empty());
    CHECK_FALSE(doc.contains("transcript"));
}

TEST_CASE("checks: every phase in order, each with exactly the five fields") {
    const auto doc = round_trip(fx::passing(), false);
    const auto& checks = doc.at("checks").as_array();
    REQUIRE(checks.size() == std::size(all_phases));
    for (std::size_t i = 0; i < checks.size(); ++i) {
        const auto& c = checks[i].as_object();
        CAPTURE(i);
        CHECK(keys(c) ==
              std::set<std::string>{"name", "status", "duration_ms", "detail", "evidence"});
        CHECK(c.at("name").as_string() == phase_name(all_phases[i]));
        CHECK(c.at("duration_ms").is_number());
        CHECK(c.at("detail").is_string());
        CHECK(c.at("evidence").is_object());
    }
    CHECK(check_named(doc, "dns").at("status").as_string() == "pass");
    CHECK(check_named(doc, "dns").at("duration_ms").as_double() == doctest::Approx(3.24));
    CHECK(check_named(doc, "data").at("status").as_string() == "skip");
}

TEST_CASE("evidence holds only what the phase produced") {
    const auto doc = round_trip(fx::passing(), false);
    CHECK(keys(evidence(doc, "dns")) == std::set<std::string>{"addresses"});
    CHECK(evidence(doc, "dns").at("addresses").as_array().size() == 2);
    CHECK(keys(evidence(doc, "tcp")) == std::set<std::string>{"peer"});
    CHECK(evidence(doc, "tcp").at("peer").as_string() == "192.0.2.10:587");
    CHECK(keys(evidence(doc, "ehlo")) ==
          std::set<std::string>{"capabilities", "size_limit", "used_helo"});
    CHECK(evidence(doc, "ehlo").at("size_limit").to_number<std::uint64_t>() == 10'240'000U);
    CHECK(evidence(doc, "ehlo").at("used_helo").as_bool() == false);
    CHECK(evidence(doc, "data").empty());
    CHECK(evidence(doc, "starttls").empty());

    const auto& tls = evidence(doc, "tls").at("tls").as_object();
    CHECK(keys(tls) == std::set<std::string>{"version", "cipher"});
    CHECK(tls.at("version").as_string() == "TLSv1.3");

    const auto& auth = evidence(doc, "auth");
    CHECK(auth.at("mechanism").as_string() == "PLAIN");
    CHECK(auth.at("auth_mechanisms").as_array().size() == 2);
    CHECK(auth.at("reply").as_object().at("code").as_int64() == 235);

    const auto& greeting_reply = evidence(doc, "greeting").at("reply").as_object();
    CHECK(keys(greeting_reply) == std::set<std::string>{"code", "enhanced", "lines"});
    CHECK(greeting_reply.at("enhanced").is_null());
}

TEST_CASE("certificate evidence: names, ISO 8601 UTC dates, trust") {
    const auto doc = round_trip(fx::passing(), false);
    const auto& cert = evidence(doc, "certificate").at("certificate").as_object();
    CHECK(keys(cert) == std::set<std::string>{"subject", "issuer", "common_name", "dns_names",
                                              "ip_addresses", "not_before", "not_after",
                                              "days_left", "chain_length", "self_signed",
                                              "chain_trusted", "verify_error", "name_matches",
                                              "names_omitted", "chain", "earliest_not_after"});
    CHECK(cert.at("names_omitted").as_int64() == 0);
    CHECK(cert.at("earliest_not_after").as_string() == "2025-04-01T00:00:00Z");
    CHECK(cert.at("not_before").as_string() == "2025-01-01T00:00:00Z");
    CHECK(cert.at("not_after").as_string() == "2025-04-01T00:00:00Z");
    CHECK(cert.at("days_left").as_int64() == 60);
    CHECK(cert.at("chain_length").as_int64() == 2);
    CHECK(cert.at("self_signed").as_bool() == false);
    CHECK(cert.at("chain_trusted").as_bool() == true);
    CHECK(cert.at("verify_error").is_null());
    CHECK(cert.at("name_matches").as_bool() == true);
    CHECK(cert.at("dns_names").as_array().at(1).as_string() == "smtp.example.com");
    CHECK(cert.at("ip_addresses").as_array().empty());
}

TEST_CASE("certificate evidence: the chain, its earliest expiry, names past the listed ones") {
    auto r = fx::passing();
    auto& cert = *std::find_if(r.checks.begin(), r.checks.end(), [](const phase_record& c) {
                      return c.name == phase::certificate;
                  })->certificate;
    cert.chain = {{"mail.example.com", cert.not_before, cert.not_after},
                  {"Intermediate", cert.not_before, cert.not_after - 86'400}};
    for (int i = 0; i < 300; ++i) {
        cert.dns_names.push_back("n" + std::to_string(i) + ".example");
    }
    const auto doc = round_trip(r, false);
    const auto& j = evidence(doc, "certificate").at("certificate").as_object();
    CHECK(j.at("dns_names").as_array().size() == 256);
    CHECK(j.at("names_omitted").as_int64() == 46);
    REQUIRE(j.at("chain").as_array().size() == 2);
    CHECK(j.at("chain").as_array().at(1).at("name").as_string() == "Intermediate");
    CHECK(j.at("earliest_not_after").as_string() == "2025-03-31T00:00:00Z");
}

TEST_CASE("a certificate failure") {
    const auto doc = round_trip(fx::certificate_failure(), false);
    CHECK(doc.at("ok").as_bool() == false);
    CHECK(doc.at("category").as_string() == "smtp_connect_failed");
    CHECK(doc.at("cause").as_string() == "cert_expired");
    const auto& cert = evidence(doc, "certificate").at("certificate").as_object();
    CHECK(cert.at("not_after").as_string() == "2024-01-01T00:00:00Z");
    CHECK(cert.at("days_left").as_int64() == -30);
    const auto& verify = cert.at("verify_error").as_object();
    CHECK(verify.at("code").as_int64() == 10);
    CHECK(verify.at("text").as_string() == "certificate has expired");
    CHECK(check_named(doc, "certificate").at("status").as_string() == "fail");
    CHECK(check_named(doc, "auth").at("status").as_string() == "skip");
}

TEST_CASE("an auth failure carries the 535 reply") {
    const auto doc = round_trip(fx::auth_failure(), false);
    CHECK(doc.at("ok").as_bool() == false);
    CHECK(doc.at("category").as_string() == "auth_failed");
    CHECK(doc.at("cause").as_string() == "bad_credentials");
    CHECK(doc.at("underlying_cause").is_null());
    CHECK(doc.at("target").as_object().at("security").as_string() == "tls");
    const auto& reply = evidence(doc, "auth").at("reply").as_object();
    CHECK(reply.at("code").as_int64() == 535);
    CHECK(reply.at("enhanced").as_string() == "5.7.8");
    CHECK(reply.at("lines").as_array().at(0).as_string() == "5.7.8 Error: authentication failed");
    CHECK(check_named(doc, "auth").at("status").as_string() == "fail");
}

TEST_CASE("a redirect keeps the underlying cause") {
    auto r = fx::certificate_failure();
    r.outcome = {failure_category::smtp_connect_failed, probe_errc::smtp_restrictions_redirect,
                 probe_errc::cert_name_mismatch, phase::certificate};
    const auto doc = round_trip(r, false);
    CHECK(doc.at("cause").as_string() == "smtp_restrictions_redirect");
    CHECK(doc.at("underlying_cause").as_string() == "cert_name_mismatch");
}

TEST_CASE("warnings keep ok true") {
    const auto doc = round_trip(fx::with_warnings(), false);
    CHECK(doc.at("ok").as_bool() == true);
    CHECK(doc.at("category").as_string() == "ok");
    CHECK(doc.at("cause").is_null());
    const auto& warnings = doc.at("warnings").as_array();
    REQUIRE(warnings.size() == 2);
    CHECK(keys(warnings[0].as_object()) == std::set<std::string>{"cause", "detail"});
    CHECK(warnings[0].as_object().at("cause").as_string() == "sender_differs_from_login");
    CHECK(warnings[1].as_object().at("cause").as_string() == "cert_expiring");
    CHECK(warnings[0].as_object().at("detail").as_string() ==
          "From billing@example.com, login admin@example.com");
}

TEST_CASE("addresses: address, family, status, error") {
    auto r = fx::passing();
    r.addresses = {
        {"2001:db8::10", 6, phase_status::fail, probe_errc::no_route, "Network is unreachable"},
        {"2001:db8::11", 6, phase_status::fail, probe_errc::tcp_timeout, ""},
        {"192.0.2.10", 4, phase_status::pass, std::nullopt, ""},
    };
    const auto doc = round_trip(r, false);
    const auto& a = doc.at("addresses").as_array();
    REQUIRE(a.size() == 3);
    CHECK(keys(a[0].as_object()) == std::set<std::string>{"address", "family", "status", "error"});
    CHECK(a[0].as_object().at("family").as_int64() == 6);
    CHECK(a[0].as_object().at("status").as_string() == "fail");
    CHECK(a[0].as_object().at("error").as_string() == "Network is unreachable");
    CHECK(a[1].as_object().at("error").as_string() == "tcp_timeout");
    CHECK(a[2].as_object().at("family").as_int64() == 4);
    CHECK(a[2].as_object().at("error").is_null());
}

TEST_CASE("the transcript only when asked") {
    CHECK_FALSE(round_trip(fx::passing(), false).contains("transcript"));
    const auto doc = round_trip(fx::passing(), true);
    const auto& t = doc.at("transcript").as_array();
    REQUIRE(t.size() == 5);
    for (const auto& e : t) {
        CHECK(keys(e.as_object()) == std::set<std::string>{"direction", "at_ms", "text"});
    }
    CHECK(t[0].as_object().at("direction").as_string() == "info");
    CHECK(t[1].as_object().at("direction").as_string() == "received");
    CHECK(t[2].as_object().at("direction").as_string() == "sent");
    CHECK(t[2].as_object().at("at_ms").as_double() == doctest::Approx(23.5));
    CHECK(t[2].as_object().at("text").as_string() == "EHLO probe.example.net");
}

TEST_CASE("server strings are sanitised: valid UTF-8, no control characters") {
    const auto text = render_json(fx::hostile(), true);
    CHECK(fx::valid_utf8(text));
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        CHECK_FALSE(c < 0x20);  // serialize() adds no newlines; controls must be gone
        CHECK_FALSE(c == 0x7F);
    }
    // Not even JSON escapes of control characters: the strings themselves are clean.
    CHECK(text.find("\\u001b") == std::string::npos);
    CHECK(text.find("\\u0007") == std::string::npos);
    CHECK(text.find("\\r") == std::string::npos);

    const auto doc = json::parse(text).as_object();
    const auto& line = evidence(doc, "auth").at("reply").as_object().at("lines").as_array().at(0);
    CHECK(line.as_string() == "5.7.8 \\x1B[31mred\\x1B[0m bad \\xFF\\xFE bytes\\x0D\\x0A\\x07");
    CHECK(evidence(doc, "auth").at("error").as_string() == "\\x1B]0;title\\x07");
    CHECK(check_named(doc, "auth").at("detail").as_string().find("\\x1B[31m") !=
          json::string::npos);
    CHECK(evidence(doc, "ehlo").at("capabilities").as_array().at(0).as_string() == "X-\\x1B[2J");
    CHECK(doc.at("warnings").as_array().at(0).as_object().at("detail").as_string() ==
          "\\x1B[1mbold\\xC0\\xAF");
    const auto& transcript = doc.at("transcript").as_array();
    CHECK(transcript.back().as_object().at("text").as_string().find("\\xFF\\xFE") !=
          json::string::npos);
}

TEST_CASE("summary over several addresses") {
    auto first = fx::passing();
    auto second = fx::auth_failure();
    auto third = fx::certificate_failure();
    const auto doc = summary_json({first, second, third});
    CHECK(keys(doc) == std::set<std::string>{"target", "ok", "category", "cause", "results"});
    CHECK(doc.at("ok").as_bool() == false);
    CHECK(doc.at("category").as_string() == "auth_failed");  // the first failure
    CHECK(doc.at("cause").as_string() == "bad_credentials");
    CHECK(doc.at("target").as_object().at("host").as_string() == "mail.example.com");
    const auto& results = doc.at("results").as_array();
    REQUIRE(results.size() == 3);
    CHECK(results[0].as_object().at("ok").as_bool() == true);
    CHECK(results[2].as_object().at("cause").as_string() == "cert_expired");
    CHECK_FALSE(results[0].as_object().contains("transcript"));

    const auto all_ok = summary_json({fx::passing(), fx::with_warnings()});
    CHECK(all_ok.at("ok").as_bool() == true);
    CHECK(all_ok.at("category").as_string() == "ok");
    CHECK(all_ok.at("cause").is_null());

    const auto with_transcript = summary_json({fx::passing()}, true);
    CHECK(with_transcript.at("results").as_array()[0].as_object().contains("transcript"));

    const auto empty = summary_json({});
    CHECK(empty.at("ok").as_bool() == false);
    CHECK(empty.at("results").as_array().empty());
}

TEST_CASE("to_json and render_json agree") {
    const auto r = fx::auth_failure();
    CHECK(json::value(to_json(r, true)) == json::parse(render_json(r, true)));
    CHECK(json::value(to_json(r, false)) == json::parse(render_json(r, false)));
}

TEST_CASE("numbers are written in plain decimal") {
    const auto text = render_json(fx::passing(), true);
    CHECK(text.find("\"duration_ms\":12.6,") != std::string::npos);
    CHECK(text.find("\"duration_ms\":11.0,") != std::string::npos);
    CHECK(text.find("\"duration_ms\":0.0,") != std::string::npos);  // the skipped DATA
    CHECK(text.find("\"size_limit\":10240000") != std::string::npos);
    CHECK(text.find("E1") == std::string::npos);  // Boost.JSON would write 1.26E1
    CHECK(text.find("E0") == std::string::npos);
}

TEST_CASE("serialize_json writes what boost::json::parse reads back") {
    const auto v = json::parse(R"({"a\"b":[1,-2,3.5,1e-7,1e300,true,false,null,"x\u0001\u00e9"],)"
                               R"("o":{},"e":[],"u":18446744073709551615})");
    const auto text = serialize_json(v);
    CHECK(json::parse(text) == v);
    CHECK(text.find(R"("a\"b")") != std::string::npos);
    CHECK(text.find("3.5") != std::string::npos);
    CHECK(text.find("18446744073709551615") != std::string::npos);
}

TEST_CASE("details stay English in JSON whatever notes the records carry") {
    for (const auto& r : {fx::passing_with_notes(), fx::starttls_missing(), fx::tcp_refused()}) {
        CHECK(render_json(r, false) == render_json(fx::without_notes(r), false));
    }
    const auto doc = round_trip(fx::passing_with_notes(), false);
    const auto& checks = doc.at("checks").as_array();
    CHECK(checks.at(0).at("detail").as_string() ==
          "192.0.2.10, 192.0.2.11, 192.0.2.12, 192.0.2.13 (+2 more)");
    CHECK(checks.at(6).at("detail").as_string() ==
          "CN=mail.example.com, expires 2025-04-01 (60 days)");
    CHECK(doc.at("warnings").as_array().at(0).at("detail").as_string() == "AUTH PLAIN, no TLS");
    CHECK(doc.at("addresses").as_array().at(0).at("error").as_string() == "Connection refused");

    const auto starttls = round_trip(fx::starttls_missing(), false);
    CHECK(starttls.at("checks").as_array().at(4).at("detail").as_string() ==
          "STARTTLS is not among the EHLO extensions");
    const auto tcp = round_trip(fx::tcp_refused(), false);
    CHECK(tcp.at("checks").as_array().at(1).at("detail").as_string() ==
          "192.0.2.10:587: Connection refused");
}

// docs/json-schema.md says details are language-neutral; a skipped phase used to carry the
// English sentence of the text report ("after a failure"). It carries the reason's id, and the
// schema lists every id the program can write.
TEST_CASE("a skipped phase's detail is its reason's id, and the schema lists every id") {
    std::ifstream schema_file(std::string(SP_DOCS_DIR) + "/json-schema.md");
    REQUIRE(schema_file.good());
    const std::string schema((std::istreambuf_iterator<char>(schema_file)),
                             std::istreambuf_iterator<char>());
    for (const auto why :
         {skip_reason::after_failure, skip_reason::not_requested, skip_reason::not_offered,
          skip_reason::plaintext_requested, skip_reason::implicit_tls, skip_reason::no_tls,
          skip_reason::no_user, skip_reason::no_secret, skip_reason::no_sender,
          skip_reason::no_recipient}) {
        const std::string id(skip_reason_id(why));
        CAPTURE(id);
        auto result = fx::passing();
        for (auto& rec : result.checks) {
            if (rec.name == phase::rcpt) {
                rec.status = phase_status::skip;
                rec.skipped = why;
                rec.detail.clear();
            }
        }
        const auto doc = round_trip(result, false);
        CHECK(check_named(doc, "rcpt").at("detail").as_string() == id);
        CHECK(schema.find("`" + id + "`") != std::string::npos);
    }
}
