// What waiting for one SMTP reply ended with: the reply, or why there is none. Shared by the
// stream (net/transport/smtp_stream.hpp) and anything else that hands replies to the session.
#pragma once

#include <boost/system/error_code.hpp>
#include <string>

#include "net/reply.hpp"
#include "net/reply_parser.hpp"

namespace smtp_probe {

/// The result of waiting for one reply. On failure `error` says why (an io_errc such as
/// timeout or protocol_violation, or the foreign code of the socket/TLS layer) and
/// `violation` / `offending` describe a protocol violation.
struct reply_outcome {
    boost::system::error_code error;
    smtp_reply reply;
    reply_violation violation = reply_violation::none;
    std::string offending;
};

}  // namespace smtp_probe
