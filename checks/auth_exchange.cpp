#include "checks/auth_exchange.hpp"

namespace smtp_probe {

auth_next next_auth_step(auth_mechanism mech, auth_sent last, int reply_code) {
    const bool oauth = mech == auth_mechanism::xoauth2 || mech == auth_mechanism::oauthbearer;
    if (reply_code == 235) {
        switch (last) {
            case auth_sent::command_with_credential:
            case auth_sent::credential:
                return auth_next::succeeded;
            case auth_sent::command:
            case auth_sent::username:
                return auth_next::premature_success;
            case auth_sent::error_ack:
                return auth_next::success_after_error;
        }
    }
    if (reply_code != 334) {
        return auth_next::refused;
    }
    switch (last) {
        case auth_sent::command:
            if (mech == auth_mechanism::login) {
                return auth_next::send_username;
            }
            if (mech == auth_mechanism::cram_md5) {
                return auth_next::send_credential;
            }
            // PLAIN, XOAUTH2 and OAUTHBEARER are sent with their initial response.
            return auth_next::unexpected_challenge;
        case auth_sent::command_with_credential:
            if (oauth) {
                return auth_next::send_error_ack;
            }
            // A server that ignores the initial response asks for it (RFC 4954 section 4).
            return mech == auth_mechanism::plain ? auth_next::send_credential
                                                 : auth_next::unexpected_challenge;
        case auth_sent::username:
            return mech == auth_mechanism::login ? auth_next::send_credential
                                                 : auth_next::unexpected_challenge;
        case auth_sent::credential:
        case auth_sent::error_ack:
            return auth_next::unexpected_challenge;
    }
    return auth_next::unexpected_challenge;
}

}  // namespace smtp_probe
