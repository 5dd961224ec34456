#include <doctest/doctest.h>

#include "checks/test_message.hpp"
#include "net/reply_parser.hpp"

using namespace smtp_probe;

namespace {

smtp_reply reply_of(const char* text) {
    auto r = parse_reply(text);
    REQUIRE(r.has_value());
    return *r;
}

}  // namespace

TEST_CASE("dot-stuffing doubles a leading dot on every line and nothing else") {
    CHECK(dot_stuff("a\r\n.b\r\n..c\r\nd.e\r\n") == "a\r\n..b\r\n...c\r\nd.e\r\n");
    CHECK(dot_stuff(".") == "..");
    CHECK(dot_stuff("") == "");
}

TEST_CASE("the test message: labelled, CRLF lines, terminated once, nothing unstuffed") {
    test_message_fields f{"billing@example.com", "admin@example.net", "whmcs.example.com",
                          1'795'600'800, "a1b2c3"};
    const auto m = build_test_message(f);
    CHECK(m.find("From: <billing@example.com>\r\n") != std::string::npos);
    CHECK(m.find("To: <admin@example.net>\r\n") != std::string::npos);
    CHECK(m.find("Subject: smtp-probe test message\r\n") != std::string::npos);
    CHECK(m.find("Auto-Submitted: auto-generated\r\n") != std::string::npos);
    CHECK(m.find("Message-ID: <smtp-probe.a1b2c3@whmcs.example.com>\r\n") != std::string::npos);
    CHECK(m.find("Date: Wed, 25 Nov 2026 10:00:00 +0000\r\n") != std::string::npos);
    CHECK(m.find("\r\n\r\n") != std::string::npos);  // header/body separator
    REQUIRE(m.size() > 5);
    CHECK(m.substr(m.size() - 5) == "\r\n.\r\n");
    CHECK(m.find("\r\n.\r\n") == m.size() - 5);  // the terminator appears once, at the end
    for (std::size_t i = 0; i < m.size(); ++i) {
        if (m[i] == '\n') {
            CHECK(i > 0);
            CHECK(m[i - 1] == '\r');
        }
    }
}

TEST_CASE("RFC 5322 dates") {
    CHECK(rfc5322_date(0) == "Thu, 01 Jan 1970 00:00:00 +0000");
    CHECK(rfc5322_date(1'795'600'800) == "Wed, 25 Nov 2026 10:00:00 +0000");
    CHECK(rfc5322_date(951'782'400) == "Tue, 29 Feb 2000 00:00:00 +0000");
}

TEST_CASE("the queue id in real final replies") {
    struct row {
        const char* reply;
        const char* id;
    };
    for (const auto& r : {
             row{"250 2.0.0 Ok: queued as 4XyZ1k2LmNz8\r\n", "4XyZ1k2LmNz8"},
             row{"250 OK id=1rAbCd-000Xyz-Q7\r\n", "1rAbCd-000Xyz-Q7"},
             row{"250 2.0.0 OK  1700000000 a1-20020a17090a.123 - gsmtp\r\n", "a1-20020a17090a.123"},
             row{"250 2.0.0 OK <DM6PR1.1234@DM6PR1.namprd.prod.outlook.com> [Hostname=DM6]\r\n",
                 "DM6PR1.1234@DM6PR1.namprd.prod.outlook.com"},
             row{"250 Ok 0100018c1a2b3c4d-5e6f-7a8b-9c0d-ef1234567890-000000\r\n", nullptr},
             row{"250 Mail OK queued as smtp11,D8CowAD3kX1lZ2FlA0==.32106S2 1700000000\r\n",
                 "smtp11"},
         }) {
        CAPTURE(r.reply);
        const auto id = queue_id_from(reply_of(r.reply));
        if (r.id == nullptr) {
            CHECK_FALSE(id.has_value());
        } else {
            REQUIRE(id.has_value());
            CHECK(*id == r.id);
        }
    }
}
