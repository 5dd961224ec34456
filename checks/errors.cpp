#include "checks/errors.hpp"

#include <ares.h>

#include <array>
#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <cerrno>
#include <string>
#include <utility>

#include "net/dns_error.hpp"
#include "net/io_error.hpp"

namespace smtp_probe {
namespace {

constexpr std::pair<failure_category, std::string_view> category_ids[] = {
    {failure_category::ok, "ok"},
    {failure_category::instantiate_mail, "instantiate_mail"},
    {failure_category::connect_host, "connect_host"},
    {failure_category::auth_failed, "auth_failed"},
    {failure_category::sender_verify, "sender_verify"},
    {failure_category::template_syntax, "template_syntax"},
    {failure_category::smarty_policy, "smarty_policy"},
    {failure_category::data_not_accepted, "data_not_accepted"},
    {failure_category::sending_disabled, "sending_disabled"},
    {failure_category::smtp_connect_failed, "smtp_connect_failed"},
    {failure_category::no_recipients, "no_recipients"},
};

struct cause_row {
    probe_errc cause;
    std::string_view id;
    std::optional<failure_category> category;  // nullopt: the category of the phase
};

using fc = failure_category;
using pe = probe_errc;

constexpr cause_row cause_rows[] = {
    {pe::dns_not_found, "dns_not_found", fc::smtp_connect_failed},
    {pe::dns_server_failure, "dns_server_failure", fc::smtp_connect_failed},
    {pe::dns_timeout, "dns_timeout", fc::smtp_connect_failed},
    {pe::tcp_timeout, "tcp_timeout", fc::smtp_connect_failed},
    {pe::tcp_refused, "tcp_refused", fc::connect_host},
    {pe::outbound_blocked, "outbound_blocked", fc::smtp_connect_failed},
    {pe::no_route, "no_route", fc::smtp_connect_failed},
    {pe::server_refused_session, "server_refused_session", fc::connect_host},
    {pe::port_mode_mismatch, "port_mode_mismatch", fc::connect_host},
    {pe::not_smtp, "not_smtp", fc::connect_host},
    {pe::greeting_timeout, "greeting_timeout", fc::connect_host},
    {pe::ipv6_literal_host, "ipv6_literal_host", fc::connect_host},
    {pe::starttls_unavailable, "starttls_unavailable", fc::connect_host},
    {pe::tls_handshake_failed, "tls_handshake_failed", fc::connect_host},
    {pe::cert_expired, "cert_expired", fc::smtp_connect_failed},
    {pe::cert_untrusted, "cert_untrusted", fc::smtp_connect_failed},
    {pe::cert_name_mismatch, "cert_name_mismatch", fc::smtp_connect_failed},
    {pe::ehlo_rejected, "ehlo_rejected", fc::connect_host},
    {pe::auth_requires_tls, "auth_requires_tls", fc::auth_failed},
    {pe::auth_not_offered, "auth_not_offered", fc::auth_failed},
    {pe::no_common_mechanism, "no_common_mechanism", fc::auth_failed},
    {pe::bad_credentials, "bad_credentials", fc::auth_failed},
    {pe::auth_premature_success, "auth_premature_success", fc::auth_failed},
    {pe::app_password_required, "app_password_required", fc::auth_failed},
    {pe::web_login_required, "web_login_required", fc::auth_failed},
    {pe::auth_throttled, "auth_throttled", fc::auth_failed},
    {pe::smtp_auth_disabled, "smtp_auth_disabled", fc::auth_failed},
    {pe::auth_required, "auth_required", fc::auth_failed},
    {pe::sender_not_owned, "sender_not_owned", fc::data_not_accepted},
    {pe::sender_unknown, "sender_unknown", fc::sender_verify},
    {pe::rate_limited, "rate_limited", fc::data_not_accepted},
    {pe::message_too_large, "message_too_large", fc::data_not_accepted},
    {pe::relay_denied, "relay_denied", fc::data_not_accepted},
    {pe::recipient_rejected, "recipient_rejected", fc::data_not_accepted},
    {pe::content_rejected, "content_rejected", fc::data_not_accepted},
    {pe::sender_unverified, "sender_unverified", fc::sender_verify},
    {pe::reply_timeout, "reply_timeout", std::nullopt},
    {pe::deadline_exceeded, "deadline_exceeded", std::nullopt},
    {pe::protocol_violation, "protocol_violation", std::nullopt},
    {pe::connection_lost, "connection_lost", std::nullopt},
    {pe::unexpected_reply, "unexpected_reply", std::nullopt},
    {pe::sendmail_missing, "sendmail_missing", fc::instantiate_mail},
    {pe::sendmail_not_executable, "sendmail_not_executable", fc::instantiate_mail},
    {pe::sendmail_failed, "sendmail_failed", fc::instantiate_mail},
    {pe::mail_disabled, "mail_disabled", fc::instantiate_mail},
    {pe::smtp_restrictions_redirect, "smtp_restrictions_redirect", std::nullopt},
};

constexpr std::pair<warning_kind, std::string_view> warning_ids[] = {
    {warning_kind::cert_expiring, "cert_expiring"},
    {warning_kind::sender_differs_from_login, "sender_differs_from_login"},
    {warning_kind::credentials_in_clear, "credentials_in_clear"},
    {warning_kind::size_limit_below_message, "size_limit_below_message"},
    {warning_kind::some_addresses_failed, "some_addresses_failed"},
    {warning_kind::smtp_restrictions_redirect, "smtp_restrictions_redirect"},
    {warning_kind::insecure_certificate, "insecure_certificate"},
    {warning_kind::ipv6_literal_host, "ipv6_literal_host"},
    {warning_kind::tls_not_used, "tls_not_used"},
};

const cause_row* find_row(probe_errc e) {
    for (const auto& row : cause_rows) {
        if (row.cause == e) {
            return &row;
        }
    }
    return nullptr;
}

class probe_category_impl final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "smtp-probe"; }
    std::string message(int ev) const override {
        const auto* row = find_row(static_cast<probe_errc>(ev));
        return row ? std::string(row->id) : "unknown probe error " + std::to_string(ev);
    }
    boost::system::error_condition default_error_condition(int ev) const noexcept override {
        if (const auto* row = find_row(static_cast<probe_errc>(ev)); row && row->category) {
            return make_error_condition(*row->category);
        }
        return {ev, *this};
    }
};

class failure_category_impl final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "whmcs-mail-category"; }
    std::string message(int ev) const override {
        return std::string(category_id(static_cast<failure_category>(ev)));
    }
    bool equivalent(const boost::system::error_code& code, int condition) const noexcept override {
        if (!code) {
            return condition == static_cast<int>(failure_category::ok);
        }
        const auto cause = cause_from_error(code);
        if (!cause) {
            return false;
        }
        const auto cat = fixed_category(*cause);
        return cat && static_cast<int>(*cat) == condition;
    }
};

std::optional<probe_errc> cause_from_system(int ev) {
    switch (ev) {
        case ECONNREFUSED:
            return probe_errc::tcp_refused;
        case ETIMEDOUT:
            return probe_errc::tcp_timeout;
        case EACCES:
        case EPERM:
            return probe_errc::outbound_blocked;
        case EHOSTUNREACH:
        case ENETUNREACH:
        case EHOSTDOWN:
        case ENETDOWN:
        case EADDRNOTAVAIL:
            return probe_errc::no_route;
        case ECONNRESET:
        case ECONNABORTED:
        case EPIPE:
        case ENOTCONN:
            return probe_errc::connection_lost;
        default:
            return std::nullopt;
    }
}

std::optional<probe_errc> cause_from_dns(int status) {
    switch (status) {
        case ARES_ENOTFOUND:
        case ARES_ENODATA:
        case ARES_ENONAME:
            return probe_errc::dns_not_found;
        case ARES_ETIMEOUT:
            return probe_errc::dns_timeout;
        case ARES_ESERVFAIL:
        case ARES_EREFUSED:
        case ARES_EFORMERR:
        case ARES_EBADRESP:
        case ARES_ECONNREFUSED:
        case ARES_ENOTIMP:
        case ARES_EBADNAME:
        case ARES_EBADQUERY:
            return probe_errc::dns_server_failure;
        default:
            return std::nullopt;
    }
}

}  // namespace

std::string_view category_id(failure_category c) {
    for (const auto& [cat, id] : category_ids) {
        if (cat == c) {
            return id;
        }
    }
    return "unknown";
}

std::optional<failure_category> category_from_id(std::string_view id) {
    for (const auto& [cat, name] : category_ids) {
        if (name == id) {
            return cat;
        }
    }
    return std::nullopt;
}

std::string_view cause_id(probe_errc e) {
    const auto* row = find_row(e);
    return row ? row->id : "unknown";
}

std::optional<probe_errc> cause_from_id(std::string_view id) {
    for (const auto& row : cause_rows) {
        if (row.id == id) {
            return row.cause;
        }
    }
    return std::nullopt;
}

std::string_view warning_id(warning_kind w) {
    for (const auto& [kind, id] : warning_ids) {
        if (kind == w) {
            return id;
        }
    }
    return "unknown";
}

std::optional<warning_kind> warning_from_id(std::string_view id) {
    for (const auto& [kind, name] : warning_ids) {
        if (name == id) {
            return kind;
        }
    }
    return std::nullopt;
}

std::optional<failure_category> fixed_category(probe_errc e) {
    const auto* row = find_row(e);
    return row ? row->category : std::nullopt;
}

std::optional<probe_errc> cause_from_error(const boost::system::error_code& ec) {
    if (!ec) {
        return std::nullopt;
    }
    const auto& cat = ec.category();
    if (cat == probe_error_category()) {
        return static_cast<probe_errc>(ec.value());
    }
    if (cat == dns_error_category()) {
        return cause_from_dns(ec.value());
    }
    if (cat == io_error_category()) {
        switch (static_cast<io_errc>(ec.value())) {
            case io_errc::timeout:
                return probe_errc::reply_timeout;
            case io_errc::connection_lost:
                return probe_errc::connection_lost;
            case io_errc::protocol_violation:
                return probe_errc::protocol_violation;
        }
        return std::nullopt;
    }
    if (cat == boost::system::system_category() || cat == boost::system::generic_category()) {
        return cause_from_system(ec.value());
    }
    if (ec == boost::asio::error::eof) {
        return probe_errc::connection_lost;
    }
    if (cat == boost::asio::error::get_netdb_category()) {
        return ec == boost::asio::error::host_not_found_try_again ? probe_errc::dns_server_failure
                                                                  : probe_errc::dns_not_found;
    }
    if (ec == boost::asio::ssl::error::stream_truncated) {
        return probe_errc::connection_lost;
    }
    if (cat == boost::asio::error::get_ssl_category()) {
        // A plaintext SMTP greeting read as a TLS record header (RFC 8314 section 3.3 mismatch).
        const auto reason = ERR_GET_REASON(static_cast<unsigned long>(ec.value()));
        if (reason == SSL_R_WRONG_VERSION_NUMBER || reason == SSL_R_PACKET_LENGTH_TOO_LONG ||
            reason == SSL_R_RECORD_LENGTH_MISMATCH) {
            return probe_errc::port_mode_mismatch;
        }
        return probe_errc::tls_handshake_failed;
    }
    return std::nullopt;
}

const boost::system::error_category& probe_error_category() noexcept {
    static const probe_category_impl instance;
    return instance;
}

const boost::system::error_category& failure_category_category() noexcept {
    static const failure_category_impl instance;
    return instance;
}

boost::system::error_code make_error_code(probe_errc e) noexcept {
    return {static_cast<int>(e), probe_error_category()};
}

boost::system::error_condition make_error_condition(failure_category c) noexcept {
    return {static_cast<int>(c), failure_category_category()};
}

}  // namespace smtp_probe
