#include "checks/credential_scrubber.hpp"

#include "net/sasl.hpp"

namespace smtp_probe {

secret_scrubber credential_scrubber(const probe_request& request) {
    secret_scrubber s;
    s.add_secret(request.password.reveal());
    s.add_secret(request.oauth_token.reveal());
    const std::string_view user = request.user ? std::string_view(*request.user) : "";
    // The payloads as the probe sends them (already base64), so an echo of one is replaced
    // whole, and an echo of one encoded once more is found too.
    if (!request.password.empty()) {
        const auto plain = plain_initial_response(user, request.password);
        s.add_secret(plain.reveal());
    }
    if (!request.oauth_token.empty()) {
        s.add_secret(xoauth2_initial_response(user, request.oauth_token).reveal());
        s.add_secret(
            oauthbearer_initial_response(user, request.host, request.port, request.oauth_token)
                .reveal());
    }
    return s;
}

}  // namespace smtp_probe
