#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checks/greeting_rules.hpp"

using namespace smtp_probe;
using namespace std::string_view_literals;

namespace {

smtp_reply reply(int code, std::vector<std::string> lines) {
    smtp_reply r;
    r.code = code;
    r.lines = std::move(lines);
    return r;
}

}  // namespace

TEST_CASE("non_smtp_banner: recognised protocols") {
    struct row {
        std::string_view bytes;
        std::optional<std::string_view> expected;
    };
    const row rows[] = {
        {"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n", "SSH"},
        {"HTTP/1.1 400 Bad Request\r\n", "HTTP"},
        {"HTTP/1.0 200 OK\r\n", "HTTP"},
        {"<!DOCTYPE html>", "HTTP"},
        {"<html><body>", "HTTP"},
        {"+OK Dovecot ready.\r\n", "POP3"},
        {"* OK [CAPABILITY IMAP4rev1] Dovecot ready.\r\n", "IMAP"},
        {"* PREAUTH IMAP4rev1 server logged in\r\n", "IMAP"},
        {"* BYE Too many connections\r\n", "IMAP"},
        {"220 ProFTPD Server (Debian) [::ffff:192.0.2.1]\r\n", "FTP"},
        {"220---------- Welcome to Pure-FTPd [privsep] [TLS] ----------\r\n", "FTP"},
        {"220 (vsFTPd 3.0.3)\r\n", "FTP"},
        {"220-FileZilla Server 1.7.0\r\n220 Please visit https://filezilla-project.org/\r\n",
         "FTP"},
        {"220 Microsoft FTP Service\r\n", "FTP"},
        {"\x16\x03\x03\x00\x5a\x02"sv, "TLS"},
        {"\x15\x03\x01\x00\x02\x02\x46"sv, "TLS"},
        {"J\0\0\0\x0a"
         "8.0.36-0ubuntu0.22.04.1\0"sv,
         "MySQL"},
        {"\x45\0\0\0\xff\x6a\x04Host '192.0.2.7' is not allowed to connect to this MariaDB server"sv,
         "MySQL"},
        {"\xff\xfd\x18\xff\xfd\x20"sv, "Telnet"},
        {"\xff\xfb\x01"sv, "Telnet"},
        {"RFB 003.008\n", "VNC"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.bytes);
        CHECK(non_smtp_banner(r.bytes) == r.expected);
    }
}

TEST_CASE("non_smtp_banner: SMTP and unknown bytes are not named") {
    const std::string_view rows[] = {
        "220 mail.example.com ESMTP Postfix (Debian/GNU)\r\n",
        "220-mail.example.com ESMTP Exim 4.96 #2 Tue, 05 Mar 2024 10:00:00 +0000\r\n",
        "220 ftp.example.com ESMTP Postfix\r\n",  // a mail host named ftp
        "220 smtp.gmail.com ESMTP x1-20020a.0 - gsmtp\r\n",
        "421 4.7.0 Too many connections\r\n",
        "554 5.7.1 Client host rejected\r\n",
        "",
        "S",
        "SSH",
        "+O",
        "*",
        "220",
        "\x16"sv,
        "\x16\x01"sv,
        "\xff"sv,
        "\xff\xf0"sv,
        "\x05\0\0\0\x0a"sv,  // too short for a MySQL handshake
        "\x05\0\0\0\x0a"
        "x"sv,  // no version digits
        "\0\0\0\0\x0a"
        "8"sv,  // zero length
        "\x05\0\0\0\xff\x15\x04"
        "Denied"sv,  // an error packet without MySQL/MariaDB
        "-ERR unknown command\r\n",
    };
    for (const auto bytes : rows) {
        CAPTURE(bytes);
        CHECK_FALSE(non_smtp_banner(bytes).has_value());
    }
}

TEST_CASE("greeting_host: the first word, or nothing when it is not a host name") {
    struct row {
        smtp_reply greeting;
        std::string expected;
    };
    const std::vector<row> rows = {
        {reply(220, {"mail.example.com ESMTP Postfix"}), "mail.example.com"},
        {reply(220, {"mail.example.com"}), "mail.example.com"},
        {reply(220, {"Mail-1.Example.COM ESMTP"}), "Mail-1.Example.COM"},
        {reply(220, {"server1.host_name.test ESMTP"}), "server1.host_name.test"},
        {reply(220, {"mx.example.com. ESMTP"}), "mx.example.com."},
        {reply(220, {"  padded.example.com ESMTP"}), "padded.example.com"},
        {reply(220, {"host.example.com\tESMTP"}), "host.example.com"},
        {reply(220, {"first.example.com ESMTP", "second.example.com"}), "first.example.com"},
        {reply(220, {"[192.0.2.1] ESMTP"}), ""},
        {reply(220, {"ESMTP"}), "ESMTP"},
        {reply(220, {"*** ESMTP"}), ""},
        {reply(220, {"evil\x1b[31m.example.com ESMTP"}), ""},
        {reply(220, {"host<script>.example ESMTP"}), ""},
        {reply(220, {"..."}), ""},
        {reply(220, {"-"}), ""},
        {reply(220, {""}), ""},
        {reply(220, {"   "}), ""},
        {reply(220, {}), ""},
        {reply(220, {std::string(253, 'a') + " ESMTP"}), std::string(253, 'a')},
        {reply(220, {std::string(254, 'a') + " ESMTP"}), ""},
    };
    for (const auto& r : rows) {
        CAPTURE(r.greeting.summary());
        CHECK(greeting_host(r.greeting) == r.expected);
    }
}

TEST_CASE("judge_greeting") {
    struct row {
        int code;
        phase_status status;
        std::optional<probe_errc> cause;
    };
    const row rows[] = {
        {220, phase_status::pass, std::nullopt},
        {421, phase_status::fail, probe_errc::server_refused_session},
        {554, phase_status::fail, probe_errc::server_refused_session},
        {250, phase_status::fail, probe_errc::protocol_violation},
        {221, phase_status::fail, probe_errc::protocol_violation},
        {450, phase_status::fail, probe_errc::server_refused_session},
        {521, phase_status::fail, probe_errc::server_refused_session},
        {550, phase_status::fail, probe_errc::server_refused_session},
        {500, phase_status::fail, probe_errc::server_refused_session},
        {354, phase_status::fail, probe_errc::protocol_violation},
        {0, phase_status::fail, probe_errc::protocol_violation},
        {999, phase_status::fail, probe_errc::protocol_violation},
    };
    for (const auto& r : rows) {
        CAPTURE(r.code);
        const auto j = judge_greeting(reply(r.code, {"text"}));
        CHECK(j.status == r.status);
        CHECK(j.cause == r.cause);
    }
    // a rate-limit text does not change the cause before any command
    smtp_reply busy = reply(421, {"4.7.0 mx.example.com Error: too many connections from you"});
    busy.enhanced = enhanced_status{4, 7, 0};
    CHECK(judge_greeting(busy).cause == probe_errc::server_refused_session);
}
