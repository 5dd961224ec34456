// The steps of one SMTP AUTH exchange (RFC 4954 section 4), mechanism by mechanism: given what the
// client sent last and the code the server answered, what comes next. Pure; the auth phase sends
// and reads.
#pragma once

#include "checks/request.hpp"

namespace smtp_probe {

/// What the client sent last.
enum class auth_sent {
    command,                  ///< AUTH <mech> without a credential (LOGIN, CRAM-MD5)
    command_with_credential,  ///< AUTH <mech> <initial response> (PLAIN, XOAUTH2, OAUTHBEARER)
    username,                 ///< LOGIN's answer to "Username:"
    credential,               ///< the line that carries the password or the response to it
    error_ack,                ///< the answer to an OAuth error challenge (RFC 7628 section 3.2.3)
};

enum class auth_next {
    send_username,         ///< LOGIN: the 334 asked for the username
    send_credential,       ///< the password, the CRAM-MD5 response, or PLAIN's payload again
    send_error_ack,        ///< OAuth: the 334 carried an error; answer it, then the refusal comes
    succeeded,             ///< 235 after the credential went out
    premature_success,     ///< 235 before any credential was sent: nothing was checked
    success_after_error,   ///< OAuth: 235 after the server said the token was refused
    unexpected_challenge,  ///< 334 where the mechanism has no more steps
    refused,               ///< any other reply: the login failed; classify says why
};

/// RFC 4954 section 4 with draft-murchison-sasl-login (LOGIN: 334 for the username, 334 for the
/// password), RFC 2195 (CRAM-MD5: one 334 challenge), RFC 4616 (PLAIN: a 334 after the command
/// asks for the initial response) and RFC 7628 section 3.2.2 (OAuth: a 334 is an error report).
[[nodiscard]] auth_next next_auth_step(auth_mechanism mech, auth_sent last, int reply_code);

}  // namespace smtp_probe
