#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "net/reply_parser.hpp"

using namespace smtp_probe;
using status = parse_result::status;

namespace {

/// Feeds the input in pieces of `step` bytes, collecting every result that is not need_more.
std::vector<parse_result> run(std::string_view input, std::size_t step, reply_limits limits = {}) {
    reply_parser p(limits);
    std::vector<parse_result> out;
    for (std::size_t i = 0; i < input.size(); i += step) {
        p.feed(input.substr(i, step));
        for (;;) {
            auto r = p.next();
            if (r.state == status::need_more) {
                break;
            }
            const bool error = r.state == status::error;
            out.push_back(std::move(r));
            if (error) {
                return out;
            }
        }
    }
    return out;
}

}  // namespace

TEST_CASE("a multi-line reply keeps every line's text") {
    reply_parser p;
    p.feed("250-mail.example.com Hello\r\n250-SIZE 10240000\r\n250 STARTTLS\r\n");
    auto r = p.next();
    REQUIRE(r.state == status::reply);
    CHECK(r.reply.code == 250);
    CHECK(r.reply.lines ==
          std::vector<std::string>{"mail.example.com Hello", "SIZE 10240000", "STARTTLS"});
    CHECK_FALSE(r.reply.enhanced.has_value());
    CHECK(r.violation == reply_violation::none);
    CHECK(p.buffered() == 0);
    CHECK(p.next().state == status::need_more);
}

TEST_CASE("bare code, empty text and a bare LF are accepted") {
    SUBCASE("bare 250") {
        auto r = parse_reply("250\r\n");
        REQUIRE(r.has_value());
        CHECK(r->code == 250);
        CHECK(r->lines == std::vector<std::string>{""});
    }
    SUBCASE("250 with a space and nothing else") {
        auto r = parse_reply("250 \r\n");
        REQUIRE(r.has_value());
        CHECK(r->lines == std::vector<std::string>{""});
    }
    SUBCASE("LF-only line ends") {
        auto r = parse_reply("220-first\n220 second\n");
        REQUIRE(r.has_value());
        CHECK(r->code == 220);
        CHECK(r->lines == std::vector<std::string>{"first", "second"});
    }
    SUBCASE("a continuation with empty text") {
        auto r = parse_reply("250-\r\n250 done\r\n");
        REQUIRE(r.has_value());
        CHECK(r->lines == std::vector<std::string>{"", "done"});
    }
}

TEST_CASE("feeding one byte at a time gives the same replies as one chunk") {
    const std::string input =
        "220 mx.example.org ESMTP ready\r\n"
        "250-mx.example.org\r\n250-PIPELINING\r\n250-SIZE 52428800\r\n250 8BITMIME\r\n"
        "535 5.7.8 Error: authentication failed: UGFzc3dvcmQ6\r\n";
    auto whole = run(input, input.size());
    REQUIRE(whole.size() == 3);
    for (std::size_t step = 1; step <= 7; ++step) {
        CAPTURE(step);
        auto pieces = run(input, step);
        REQUIRE(pieces.size() == whole.size());
        for (std::size_t i = 0; i < whole.size(); ++i) {
            CHECK(pieces[i].state == status::reply);
            CHECK(pieces[i].reply.code == whole[i].reply.code);
            CHECK(pieces[i].reply.lines == whole[i].reply.lines);
            CHECK(pieces[i].reply.enhanced == whole[i].reply.enhanced);
        }
    }
    CHECK(whole[0].reply.code == 220);
    CHECK(whole[1].reply.lines.size() == 4);
    CHECK(whole[2].reply.code == 535);
    REQUIRE(whole[2].reply.enhanced.has_value());
    CHECK(whole[2].reply.enhanced->to_string() == "5.7.8");
}

TEST_CASE("a split at every byte position gives the same reply") {
    const std::string input = "250-a.example\r\n250-AUTH PLAIN LOGIN\r\n250 HELP\r\n";
    for (std::size_t cut = 0; cut <= input.size(); ++cut) {
        CAPTURE(cut);
        reply_parser p;
        p.feed(std::string_view(input).substr(0, cut));
        auto first = p.next();
        if (cut < input.size()) {
            CHECK(first.state == status::need_more);
            CHECK(p.buffered() == cut);
            p.feed(std::string_view(input).substr(cut));
            first = p.next();
        }
        REQUIRE(first.state == status::reply);
        CHECK(first.reply.lines ==
              std::vector<std::string>{"a.example", "AUTH PLAIN LOGIN", "HELP"});
        CHECK(p.buffered() == 0);
    }
}

TEST_CASE("two replies in one chunk come out one by one") {
    reply_parser p;
    p.feed("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n");
    auto a = p.next();
    REQUIRE(a.state == status::reply);
    CHECK(a.reply.enhanced == enhanced_status{2, 1, 0});
    CHECK(p.buffered() == 14);
    auto b = p.next();
    REQUIRE(b.state == status::reply);
    CHECK(b.reply.enhanced == enhanced_status{2, 1, 5});
    CHECK(p.buffered() == 0);
    CHECK(p.next().state == status::need_more);
}

TEST_CASE("buffered() counts the bytes after a reply (the STARTTLS injection guard)") {
    reply_parser p;
    p.feed("220 2.0.0 Ready to start TLS\r\n250-injected\r");
    auto r = p.next();
    REQUIRE(r.state == status::reply);
    CHECK(r.reply.code == 220);
    CHECK(p.buffered() == std::string_view("250-injected\r").size());
    CHECK(p.next().state == status::need_more);
    CHECK(p.buffered() == 13);
    p.feed("\n250 x\r\n");
    auto injected = p.next();
    REQUIRE(injected.state == status::reply);
    CHECK(injected.reply.lines == std::vector<std::string>{"injected", "x"});
    CHECK(p.buffered() == 0);
    p.reset();
    CHECK(p.buffered() == 0);
}

TEST_CASE("a partial reply counts as buffered") {
    reply_parser p;
    p.feed("250-first\r\n250-sec");
    CHECK(p.next().state == status::need_more);
    CHECK(p.buffered() == 18);
}

TEST_CASE("an over-long line fails before its end arrives") {
    reply_limits limits;
    limits.max_line = 16;
    SUBCASE("exactly the limit passes, CR pending") {
        reply_parser p(limits);
        p.feed("250 " + std::string(12, 'a') + "\r");
        CHECK(p.next().state == status::need_more);
        p.feed("\n");
        auto r = p.next();
        REQUIRE(r.state == status::reply);
        CHECK(r.reply.lines.front().size() == 12);
    }
    SUBCASE("one byte more fails without any LF") {
        reply_parser p(limits);
        p.feed("250 " + std::string(13, 'a'));
        auto r = p.next();
        REQUIRE(r.state == status::error);
        CHECK(r.violation == reply_violation::line_too_long);
        CHECK(violation_name(r.violation) == "line_too_long");
    }
    SUBCASE("one byte more fails even when a CR is pending") {
        reply_parser p(limits);
        p.feed("250 " + std::string(13, 'a') + "\r");
        auto r = p.next();
        REQUIRE(r.state == status::error);
        CHECK(r.violation == reply_violation::line_too_long);
    }
    SUBCASE("an endless line fed in small pieces") {
        reply_parser p(limits);
        p.feed("250 ");
        CHECK(p.next().state == status::need_more);
        parse_result r;
        int pieces = 0;
        do {
            p.feed("xxxx");
            r = p.next();
            ++pieces;
        } while (r.state == status::need_more && pieces < 1000);
        CHECK(r.violation == reply_violation::line_too_long);
        CHECK(pieces == 4);
        CHECK(p.buffered() <= limits.max_line + 4);
        // Sticky: more input is ignored and the same error comes back.
        p.feed("\r\n250 ok\r\n");
        CHECK(p.next().violation == reply_violation::line_too_long);
    }
    SUBCASE("the default limit") {
        auto r = run("220 " + std::string(5000, 'z') + "\r\n", 100);
        REQUIRE(r.size() == 1);
        CHECK(r[0].violation == reply_violation::line_too_long);
        CHECK(r[0].offending.size() == 200);
        CHECK(r[0].offending.substr(0, 5) == "220 z");
    }
}

TEST_CASE("an endless multi-line reply fails at the line limit") {
    std::string endless;
    for (int i = 0; i < 2000; ++i) {
        endless += "250-more\r\n";
    }
    auto r = run(endless, 37);
    REQUIRE(r.size() == 1);
    CHECK(r[0].state == status::error);
    CHECK(r[0].violation == reply_violation::too_many_lines);
    CHECK(r[0].offending == "250-more");

    SUBCASE("a reply of exactly max_lines lines passes") {
        reply_limits limits;
        limits.max_lines = 3;
        auto ok = run("250-a\r\n250-b\r\n250 c\r\n", 1, limits);
        REQUIRE(ok.size() == 1);
        CHECK(ok[0].state == status::reply);
        auto bad = run("250-a\r\n250-b\r\n250-c\r\n", 1, limits);
        REQUIRE(bad.size() == 1);
        CHECK(bad[0].violation == reply_violation::too_many_lines);
    }
}

TEST_CASE("a reply larger than max_reply_bytes fails") {
    reply_limits limits;
    limits.max_reply_bytes = 30;
    auto ok = run("250-0123456789\r\n250 01234567\r\n", 1, limits);  // 30 bytes
    REQUIRE(ok.size() == 1);
    CHECK(ok[0].state == status::reply);
    auto big = run("250-0123456789\r\n250 012345678\r\n", 1, limits);  // 31 bytes
    REQUIRE(big.size() == 1);
    CHECK(big[0].violation == reply_violation::reply_too_large);
    // Detected before the last line ends.
    auto early = run("250-0123456789\r\n250 0123456789012345", 1, limits);
    REQUIRE(early.size() == 1);
    CHECK(early[0].violation == reply_violation::reply_too_large);
}

TEST_CASE("codes, separators and bytes that break the protocol") {
    using namespace std::string_view_literals;
    struct row {
        std::string_view input;
        reply_violation expected;
        std::string_view offending;
    };
    const row rows[] = {
        {"250-first\r\n251 second\r\n"sv, reply_violation::code_mismatch, "251 second"sv},
        {"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"sv, reply_violation::bad_code,
         "SSH-2.0-OpenSSH_9.2p1 Debian-2"sv},
        {"HTTP/1.1 400 Bad Request\r\n"sv, reply_violation::bad_code, "HTTP/1.1 400 Bad Request"sv},
        {"\r\n"sv, reply_violation::bad_code, ""sv},
        {"25\r\n"sv, reply_violation::bad_code, "25"sv},
        {"150 ok\r\n"sv, reply_violation::bad_code, "150 ok"sv},
        {"650 ok\r\n"sv, reply_violation::bad_code, "650 ok"sv},
        {"260 ok\r\n"sv, reply_violation::bad_code, "260 ok"sv},
        {"2a0 ok\r\n"sv, reply_violation::bad_code, "2a0 ok"sv},
        {"2500 ok\r\n"sv, reply_violation::bad_separator, "2500 ok"sv},
        {"250:ok\r\n"sv, reply_violation::bad_separator, "250:ok"sv},
        {"250 o\0k\r\n"sv, reply_violation::invalid_byte, "250 o\0k"sv},
    };
    for (const auto& r : rows) {
        CAPTURE(r.input);
        auto out = run(r.input, r.input.size());
        REQUIRE(out.size() == 1);
        CHECK(out[0].state == status::error);
        CHECK(out[0].violation == r.expected);
        CHECK(out[0].offending == r.offending);
        CHECK_FALSE(parse_reply(r.input).has_value());
    }
}

TEST_CASE("the lowest and highest valid codes") {
    CHECK(parse_reply("200 ok")->code == 200);
    CHECK(parse_reply("559 no")->code == 559);
    CHECK(parse_reply("354 go ahead")->code == 354);
}

TEST_CASE("enhanced status codes from the first line") {
    struct row {
        const char* text;
        std::optional<enhanced_status> expected;
    };
    const row rows[] = {
        {"5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled",
         enhanced_status{5, 7, 139}},
        {"4.7.0 Too many login attempts, please try again later.", enhanced_status{4, 7, 0}},
        {"2.0.0 Ok", enhanced_status{2, 0, 0}},
        {"5.1.1", enhanced_status{5, 1, 1}},
        {"5.7.1000 too long", std::nullopt},
        {"3.0.0 bad class", std::nullopt},
        {"5.7 short", std::nullopt},
        {"5.7.1: colon", std::nullopt},
        {"5..1 empty subject", std::nullopt},
        {" 5.7.1 leading space", std::nullopt},
        {"Ok 5.7.1", std::nullopt},
        {"", std::nullopt},
    };
    for (const auto& r : rows) {
        CAPTURE(r.text);
        CHECK(parse_enhanced_status(r.text) == r.expected);
    }

    auto m365 = parse_reply(
        "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the "
        "Tenant.\r\n");
    REQUIRE(m365.has_value());
    REQUIRE(m365->enhanced.has_value());
    CHECK(m365->enhanced->to_string() == "5.7.139");
    // The code stays in the text.
    CHECK(m365->lines.front().substr(0, 8) == "5.7.139 ");

    auto gmail = parse_reply(
        "534-5.7.9 Application-specific password required. For more information, go to\r\n"
        "534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor\r\n");
    REQUIRE(gmail.has_value());
    CHECK(gmail->enhanced == enhanced_status{5, 7, 9});
    CHECK(gmail->lines.size() == 2);

    auto later = parse_reply("250-first line\r\n250 2.0.0 later\r\n");
    REQUIRE(later.has_value());
    CHECK_FALSE(later->enhanced.has_value());
}

TEST_CASE("parse_reply wants exactly one complete reply") {
    CHECK(parse_reply("250 ok").has_value());
    CHECK_FALSE(parse_reply("").has_value());
    CHECK_FALSE(parse_reply("250-more\r\n").has_value());
    CHECK_FALSE(parse_reply("250 a\r\n250 b\r\n").has_value());
}

TEST_CASE("violation names are stable") {
    CHECK(violation_name(reply_violation::none) == "none");
    CHECK(violation_name(reply_violation::too_many_lines) == "too_many_lines");
    CHECK(violation_name(reply_violation::reply_too_large) == "reply_too_large");
    CHECK(violation_name(reply_violation::bad_code) == "bad_code");
    CHECK(violation_name(reply_violation::code_mismatch) == "code_mismatch");
    CHECK(violation_name(reply_violation::bad_separator) == "bad_separator");
    CHECK(violation_name(reply_violation::invalid_byte) == "invalid_byte");
}
