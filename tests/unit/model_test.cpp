#include <doctest/doctest.h>

#include <boost/asio/error.hpp>

#include "checks/errors.hpp"
#include "checks/phase.hpp"
#include "checks/request.hpp"
#include "net/dns_error.hpp"
#include "net/secret.hpp"

#include <ares.h>

using namespace smtp_probe;

TEST_CASE("category ids are the contract's spelling and round-trip") {
    const char* ids[] = {"ok",
                         "instantiate_mail",
                         "connect_host",
                         "auth_failed",
                         "sender_verify",
                         "template_syntax",
                         "smarty_policy",
                         "data_not_accepted",
                         "sending_disabled",
                         "smtp_connect_failed",
                         "no_recipients"};
    for (const char* id : ids) {
        auto c = category_from_id(id);
        REQUIRE(c.has_value());
        CHECK(category_id(*c) == id);
    }
    CHECK_FALSE(category_from_id("connect-host").has_value());
}

TEST_CASE("every cause has an id that round-trips") {
    for (int v = static_cast<int>(probe_errc::dns_not_found);
         v <= static_cast<int>(probe_errc::smtp_restrictions_redirect); ++v) {
        auto e = static_cast<probe_errc>(v);
        CAPTURE(v);
        REQUIRE(cause_id(e) != "unknown");
        CHECK(cause_from_id(cause_id(e)) == e);
    }
}

TEST_CASE("probe error codes compare equal to their category condition") {
    CHECK(make_error_code(probe_errc::tcp_refused) == failure_category::connect_host);
    CHECK(make_error_code(probe_errc::tcp_timeout) == failure_category::smtp_connect_failed);
    CHECK(make_error_code(probe_errc::bad_credentials) == failure_category::auth_failed);
    CHECK(make_error_code(probe_errc::sender_unknown) == failure_category::sender_verify);
    CHECK(make_error_code(probe_errc::sender_not_owned) == failure_category::data_not_accepted);
    CHECK(make_error_code(probe_errc::reply_timeout) != failure_category::connect_host);
}

TEST_CASE("foreign codes map to categories by equivalent()") {
    using boost::asio::error::basic_errors;
    boost::system::error_code refused = boost::asio::error::connection_refused;
    boost::system::error_code unreachable = boost::asio::error::host_unreachable;
    boost::system::error_code denied = boost::asio::error::access_denied;
    CHECK(refused == failure_category::connect_host);
    CHECK(unreachable == failure_category::smtp_connect_failed);
    CHECK(denied == failure_category::smtp_connect_failed);
    CHECK(cause_from_error(denied) == probe_errc::outbound_blocked);
    CHECK(make_dns_error(ARES_ENOTFOUND) == failure_category::smtp_connect_failed);
    CHECK(cause_from_error(make_dns_error(ARES_ENOTFOUND)) == probe_errc::dns_not_found);
    CHECK(cause_from_error(make_dns_error(ARES_ESERVFAIL)) == probe_errc::dns_server_failure);
    CHECK(cause_from_error(make_dns_error(ARES_ETIMEOUT)) == probe_errc::dns_timeout);
    CHECK(cause_from_error(boost::asio::error::eof) == probe_errc::connection_lost);
}

TEST_CASE("phase and security names round-trip") {
    for (auto p : all_phases) {
        CHECK(phase_from_name(phase_name(p)) == p);
    }
    CHECK(security_from_name("auto") == security_mode::automatic);
    CHECK(security_from_name("STARTTLS") == security_mode::starttls);
    CHECK_FALSE(security_from_name("ssl").has_value());
    CHECK(mechanism_from_name("cram-md5") == auth_mechanism::cram_md5);
}

TEST_CASE("a secret moves, clears and never copies implicitly") {
    secret s("hunter2");
    CHECK(s.reveal() == "hunter2");
    secret t = std::move(s);
    CHECK(s.empty());  // NOLINT(bugprone-use-after-move): the moved-from state is what is tested
    CHECK(t.reveal() == "hunter2");
    auto u = t.clone();
    t.clear();
    CHECK(t.empty());
    CHECK(u.reveal() == "hunter2");
    static_assert(!std::is_copy_constructible_v<secret>);
}

TEST_CASE("MAIL FROM falls back to the login only when the login is an address") {
    probe_request r;
    CHECK_FALSE(r.effective_from().has_value());
    r.user = "billing";
    CHECK_FALSE(r.effective_from().has_value());
    CHECK_FALSE(r.effective_rcpt().has_value());
    r.user = "billing@example.com";
    CHECK(r.effective_from() == "billing@example.com");
    CHECK(r.effective_rcpt() == "billing@example.com");
    r.from = "noreply@example.com";
    CHECK(r.effective_from() == "noreply@example.com");
    r.rcpt = "x@example.net";
    CHECK(r.effective_rcpt() == "x@example.net");
    r.skip_rcpt = true;
    CHECK_FALSE(r.effective_rcpt().has_value());
}

TEST_CASE("a request's clone carries every field, the secrets included") {
    // Every field set away from its default, so that a field clone() dropped would show.
    probe_request r;
    r.host = "mail.example.com";
    r.port = 465;
    r.security = security_mode::tls;
    r.whmcs_settings = true;
    r.user = "billing@example.com";
    r.password = secret("pw");
    r.oauth_token = secret("tok");
    r.forced_mechanism = auth_mechanism::cram_md5;
    r.from = "from@example.com";
    r.rcpt = "to@example.com";
    r.skip_rcpt = true;
    r.send_to = "admin@example.com";
    r.timeouts.connect = std::chrono::milliseconds(11);
    r.timeouts.reply = std::chrono::milliseconds(12);
    r.timeouts.greeting_tls_sniff = std::chrono::milliseconds(13);
    r.timeouts.dns = std::chrono::milliseconds(14);
    r.deadline = std::chrono::milliseconds(1234);
    r.family = address_family::ipv6;
    r.all_addresses = true;
    r.ca_file = "/etc/ca.pem";
    r.ca_path = "/etc/ssl/certs";
    r.insecure = true;
    r.cert_warn_days = 30;
    r.helo_name = "client.example.com";
    r.dns_server = "192.0.2.53";
    r.keep_transcript = true;
    r.local_names = {"vm", "vm.example.com"};
    const auto c = r.clone();
    // target_settings
    CHECK(c.host == r.host);
    CHECK(c.port == 465);
    CHECK(c.security == security_mode::tls);
    CHECK(c.whmcs_settings);
    // credentials
    CHECK(c.user == r.user);
    CHECK(c.password.reveal() == "pw");
    CHECK(c.oauth_token.reveal() == "tok");
    CHECK(c.forced_mechanism == std::optional<auth_mechanism>(auth_mechanism::cram_md5));
    // envelope
    CHECK(c.from == r.from);
    CHECK(c.rcpt == r.rcpt);
    CHECK(c.skip_rcpt);
    CHECK(c.send_to == r.send_to);
    // probe_policy
    CHECK(c.timeouts.connect == std::chrono::milliseconds(11));
    CHECK(c.timeouts.reply == std::chrono::milliseconds(12));
    CHECK(c.timeouts.greeting_tls_sniff == std::chrono::milliseconds(13));
    CHECK(c.timeouts.dns == std::chrono::milliseconds(14));
    CHECK(c.deadline == r.deadline);
    CHECK(c.family == address_family::ipv6);
    CHECK(c.all_addresses);
    CHECK(c.ca_file == r.ca_file);
    CHECK(c.ca_path == r.ca_path);
    CHECK(c.insecure);
    CHECK(c.cert_warn_days == 30);
    CHECK(c.helo_name == r.helo_name);
    CHECK(c.dns_server == r.dns_server);
    CHECK(c.keep_transcript);
    // the app's facts
    CHECK(c.local_names == r.local_names);
    // The plain parts compare whole too (a field added to one is covered without a new line).
    CHECK(static_cast<const target_settings&>(c) == static_cast<const target_settings&>(r));
    CHECK(static_cast<const envelope&>(c) == static_cast<const envelope&>(r));
    CHECK(static_cast<const probe_policy&>(c) == static_cast<const probe_policy&>(r));
    // The copy is deep: clearing the original's secrets leaves the clone's.
    r.password.clear();
    CHECK(c.password.reveal() == "pw");
}
