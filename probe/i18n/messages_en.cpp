// The English catalogue. Setting names follow the WHMCS 8 admin area in English.
#include "probe/i18n/messages.hpp"

namespace smtp_probe::messages {
namespace {

using fc = failure_category;
using pe = probe_errc;
using wk = warning_kind;

// Literal concatenation keeps the path identical in every step that names it.
#define SP_MAIL "Configuration > System Settings > General Settings > Mail"
#define SP_PROVIDER SP_MAIL " > Configure Mail Provider"

}  // namespace

const cause_text& cause_en(probe_errc e) {
    switch (e) {
        case pe::dns_not_found: {
            static const cause_text t{
                "The SMTP host name does not exist in DNS",
                "The resolver answered that the name has no address (NXDOMAIN, or no A/AAAA "
                "record). PHPMailer cannot connect to a name that does not resolve, so WHMCS logs "
                "\"SMTP connect() failed\".",
                {"Compare the Hostname in " SP_PROVIDER
                 " with the name your mail provider documents (for example smtp.gmail.com, "
                 "smtp.office365.com, or mail.yourdomain.com); fix any typo.",
                 "On the WHMCS server run \"dig +short A <host>\" and \"dig +short AAAA <host>\"; "
                 "if the name is in your own zone, add the missing A/AAAA record at your DNS host.",
                 "If the name resolves elsewhere but not here, check /etc/hosts and the resolvers "
                 "in /etc/resolv.conf on the WHMCS server."},
                std::nullopt};
            return t;
        }
        case pe::dns_server_failure: {
            static const cause_text t{
                "The DNS servers could not answer for the SMTP host",
                "The name servers returned SERVFAIL or REFUSED, sent a malformed answer, or none "
                "could be reached. The name itself may be fine, but this server cannot learn its "
                "address, so no connection is attempted.",
                {"Test the resolvers listed in /etc/resolv.conf with \"dig <host> @<resolver>\" "
                 "and replace any that fail.",
                 "If the domain is yours, check its delegation and DNSSEC (a broken signature "
                 "shows up as SERVFAIL) with your DNS host.",
                 "Allow outbound DNS (UDP and TCP port 53) in CSF (TCP_OUT/UDP_OUT in "
                 "/etc/csf/csf.conf) or iptables if a firewall blocks it."},
                std::nullopt};
            return t;
        }
        case pe::dns_timeout: {
            static const cause_text t{
                "DNS lookups for the SMTP host timed out",
                "No DNS answer arrived in time. Usually the resolver configured on this server is "
                "down or unreachable, or outbound port 53 is filtered.",
                {"Check that the resolvers in /etc/resolv.conf answer: \"dig example.com "
                 "@<resolver>\".",
                 "Allow outbound UDP and TCP port 53 in CSF (UDP_OUT/TCP_OUT) or iptables, then "
                 "reload the firewall (csf -r).",
                 "If a local caching resolver (named, systemd-resolved) is configured, restart it "
                 "and check its logs."},
                std::nullopt};
            return t;
        }
        case pe::tcp_timeout: {
            static const cause_text t{
                "The connection attempt timed out: packets are being dropped",
                "The mail server never answered the connection request. That is what a firewall "
                "that silently drops packets looks like: on this server (CSF/iptables outbound "
                "rules), at your hosting provider (many block outbound port 25, some also 465 and "
                "587), or in front of the mail server.",
                {"Allow the port outbound on the WHMCS server: in CSF add it to TCP_OUT in "
                 "/etc/csf/csf.conf and run \"csf -r\"; with firewalld or iptables add an OUTPUT "
                 "accept rule.",
                 "Ask your hosting provider whether outbound SMTP is blocked; if port 25 is, set "
                 "\"SMTP Port\" in " SP_PROVIDER
                 " to 587 with \"SMTP SSL Type\" TLS, or 465 with SSL.",
                 "Confirm from the server itself with \"nc -vz <host> <port>\" and compare with a "
                 "machine on another network."},
                std::nullopt};
            return t;
        }
        case pe::tcp_refused: {
            static const cause_text t{
                "The mail server refused the connection on this port",
                "The host answered, but nothing listens on that port or a firewall rejects the "
                "connection outright. Most often the SMTP Port configured in WHMCS is not one "
                "this provider offers.",
                {"Set \"SMTP Port\" in " SP_PROVIDER
                 " to a port the provider supports: 587 with \"SMTP SSL Type\" TLS, or 465 with "
                 "SSL.",
                 "Check that the Hostname is the provider's SMTP server, not your website or an "
                 "incoming-only MX host.",
                 "If you run the mail server, make sure the submission ports are enabled (WHM "
                 "Service Manager: Exim on another port; Postfix: submission/smtps in master.cf) "
                 "and open in its firewall."},
                std::nullopt};
            return t;
        }
        case pe::outbound_blocked: {
            static const cause_text t{
                "This server's own security policy blocked the outgoing connection",
                "The operating system refused to open the connection (EACCES/EPERM) before any "
                "packet left. On cPanel servers this is SMTP Restrictions or CSF SMTP_BLOCK, which "
                "let only the mail server and root make SMTP connections; on RHEL-family systems "
                "SELinux stops the web server from opening network connections.",
                {"In WHM go to Home > Security Center > SMTP Restrictions and disable it; with CSF "
                 "set SMTP_BLOCK = \"0\" (or add the WHMCS account's user to SMTP_ALLOWUSER) in "
                 "/etc/csf/csf.conf and run \"csf -r\".",
                 "With SELinux enforcing, allow PHP to connect out: \"setsebool -P "
                 "httpd_can_network_connect 1\".",
                 "Look for iptables OUTPUT rules with \"--uid-owner\" that reject the user PHP "
                 "runs as (\"iptables -S OUTPUT\")."},
                fc::auth_failed};
            return t;
        }
        case pe::no_route: {
            static const cause_text t{
                "There is no network route to the SMTP host",
                "The kernel reported the host or its network unreachable. Typically the name "
                "resolves to an IPv6 address while this server has no working IPv6, or a router "
                "on the way answers that the destination cannot be reached.",
                {"If the failing address is IPv6, fix the server's IPv6 connectivity or use a host "
                 "name with only IPv4 addresses in the Hostname of " SP_PROVIDER ".",
                 "Check the path with \"ip route get <address>\" and \"traceroute <address>\".",
                 "If the route is missing on the provider side, open a ticket with your hosting "
                 "provider and include the address tried."},
                std::nullopt};
            return t;
        }
        case pe::server_refused_session: {
            static const cause_text t{
                "The mail server refused the session in its greeting",
                "Instead of the usual 220 greeting the server answered 421 or 554. Servers do "
                "this when one address opens too many connections, when the client IP is on a "
                "block list, or during maintenance.",
                {"Read the server's reply: it usually names the reason (a block list, a "
                 "connection limit, maintenance).",
                 "If the WHMCS server's IP is listed, request delisting or ask the mail provider "
                 "to allow it; for a connection limit, wait and retry.",
                 "If you run the mail server, search its log for this client address "
                 "(/var/log/exim_mainlog, /var/log/maillog) and check cPHulk in WHM > Security "
                 "Center."},
                std::nullopt};
            return t;
        }
        case pe::port_mode_mismatch: {
            static const cause_text t{
                "The port expects the other encryption mode (SSL vs TLS)",
                "Port 465 expects TLS from the very first byte (\"SSL\" in WHMCS), while 587 and "
                "25 start in plain text and switch to TLS with STARTTLS (\"TLS\" in WHMCS). With "
                "the wrong combination each side waits for the other, or a TLS handshake meets a "
                "plain-text greeting.",
                {"In " SP_PROVIDER
                 ", use \"SMTP Port\" 465 with \"SMTP SSL Type\" SSL, or \"SMTP Port\" 587 with "
                 "\"SMTP SSL Type\" TLS.",
                 "Do not combine 465 with TLS, or 587/25 with SSL.",
                 "Save, then use \"Send Test Email\" or run this probe again."},
                std::nullopt};
            return t;
        }
        case pe::not_smtp: {
            static const cause_text t{
                "Something other than a mail server answers on this port",
                "The service on this port sent a banner that is not SMTP (for example SSH or "
                "HTTP). The Hostname or the SMTP Port in WHMCS points at the wrong service.",
                {"Set \"SMTP Port\" in " SP_PROVIDER
                 " to the provider's submission port: 587 (SMTP SSL Type TLS) or 465 (SSL).",
                 "Check that the Hostname is the mail server, not the web or control-panel host."},
                std::nullopt};
            return t;
        }
        case pe::greeting_timeout: {
            static const cause_text t{
                "The server accepted the connection but never sent its greeting",
                "The TCP connection opened, but no 220 greeting arrived in time and a TLS "
                "handshake did not work either. The server may be overloaded or stuck on slow "
                "reverse-DNS lookups of clients, or a proxy or antivirus scanner on the path holds "
                "the connection.",
                {"Retry in a few minutes; if it persists, send the result to the mail provider.",
                 "If you run the mail server, check its load and make its client lookups fast "
                 "(working reverse DNS; Exim: rfc1413_query_timeout = 0s).",
                 "If your hosting provider intercepts port 25, use 587 (TLS) or 465 (SSL) "
                 "in " SP_PROVIDER "."},
                std::nullopt};
            return t;
        }
        case pe::ipv6_literal_host: {
            static const cause_text t{
                "WHMCS cannot use an IPv6 address as the SMTP host",
                "PHPMailer, which WHMCS sends mail with, splits the Hostname at its colons: "
                "\"::1\" "
                "becomes the host \":\" and port 1, so it fails without connecting. In brackets "
                "(\"[2001:db8::25]\") it connects, but then checks the certificate against the "
                "literal \"[2001:db8::25]\", which no certificate names.",
                {"Enter the mail server's host name in " SP_PROVIDER
                 " (give it an AAAA record if mail must go over IPv6).",
                 "To test the server itself over IPv6, run this probe with --security instead of "
                 "--ssl-type."},
                std::nullopt};
            return t;
        }
        case pe::starttls_unavailable: {
            static const cause_text t{
                "The server does not offer STARTTLS",
                "With \"SMTP SSL Type\" TLS, WHMCS sends STARTTLS after EHLO to switch to "
                "encryption. This server did not advertise it or refused the command, so no "
                "encrypted session can start on this port.",
                {"If the provider supports implicit TLS, set \"SMTP Port\" 465 and \"SMTP SSL "
                 "Type\" SSL in " SP_PROVIDER ".",
                 "If you run the mail server, enable STARTTLS with a valid certificate (Exim: "
                 "tls_advertise_hosts; Postfix: smtpd_tls_security_level = may).",
                 "Only for a mail server on a trusted local network: \"SMTP SSL Type\" None, "
                 "knowing the password then travels unencrypted."},
                std::nullopt};
            return t;
        }
        case pe::tls_handshake_failed: {
            static const cause_text t{
                "The TLS handshake failed",
                "The TLS negotiation broke off before a secure channel existed: no protocol "
                "version or cipher in common, an alert from the server, or a reset. Servers that "
                "only speak TLS 1.0/1.1 fail against current OpenSSL defaults.",
                {"Read the TLS error: \"unsupported protocol\" or \"no shared cipher\" means the "
                 "mail server needs TLS 1.2 or newer; ask its operator.",
                 "Check that \"SMTP SSL Type\" matches the port in " SP_PROVIDER
                 ": 465 with SSL, 587 with TLS.",
                 "Keep OpenSSL and ca-certificates on the WHMCS server up to date."},
                std::nullopt};
            return t;
        }
        case pe::cert_expired: {
            static const cause_text t{
                "The mail server's certificate has expired (or is not valid yet)",
                "PHP checks the certificate before it sends the password and refuses one outside "
                "its validity dates. WHMCS then logs \"SMTP connect() failed\" for every email.",
                {"Renew the certificate on the mail server: in cPanel/WHM run AutoSSL (WHM > "
                 "SSL/TLS "
                 "> Manage AutoSSL) and check WHM > Service Configuration > Manage Service SSL "
                 "Certificates for Exim. If it is your provider's server, report the expiry date "
                 "to them.",
                 "If the certificate line names an expired certificate \"in the chain\", the "
                 "server still sends an old intermediate: install the chain that came with the "
                 "renewed certificate; if it names the root, update the WHMCS server's CA "
                 "certificates (Debian/Ubuntu: apt install --only-upgrade ca-certificates).",
                 "If the dates look right, check the WHMCS server's clock (\"timedatectl\")."},
                std::nullopt};
            return t;
        }
        case pe::cert_untrusted: {
            static const cause_text t{
                "The mail server's certificate is not trusted",
                "The certificate is self-signed, or its chain does not lead to a certificate "
                "authority this server trusts (often an intermediate certificate is missing). PHP "
                "refuses the connection before it logs in.",
                {"Install a certificate from a public CA, with its full chain, on the mail server "
                 "(AutoSSL / Let's Encrypt; WHM > Service Configuration > Manage Service SSL "
                 "Certificates for Exim).",
                 "Update the CA bundle on the WHMCS server (\"update-ca-trust\" or "
                 "\"update-ca-certificates\").",
                 "Use the host name the certificate was issued for as the Hostname in " SP_PROVIDER
                 "."},
                std::nullopt};
            return t;
        }
        case pe::cert_name_mismatch: {
            static const cause_text t{
                "The certificate does not match the SMTP host name",
                "The certificate names other hosts than the one WHMCS connects to. On shared "
                "hosting the mail server usually presents the certificate of its own server name "
                "(server123.example-host.com) rather than mail.yourdomain.com.",
                {"Set the Hostname in " SP_PROVIDER
                 " to one of the names the certificate lists, usually the server's host name.",
                 "Or have a certificate issued for the name you use (AutoSSL covers "
                 "mail.<domain> when that name points to the server).",
                 "If the names listed are this WHMCS server's own, outbound SMTP is redirected to "
                 "the local server: disable WHM > Security Center > SMTP Restrictions."},
                fc::auth_failed};
            return t;
        }
        case pe::ehlo_rejected: {
            static const cause_text t{
                "The server rejected both EHLO and HELO",
                "The server refused the client's introduction. Some servers reject a HELO name "
                "that is not a fully qualified domain name or does not resolve, and some reject "
                "the client address at this point.",
                {"Give the WHMCS server a fully qualified host name that resolves (hostnamectl "
                 "set-hostname server.example.com) with matching reverse DNS.",
                 "Read the server's reply and ask the mail provider about the policy it "
                 "names."},
                std::nullopt};
            return t;
        }
        case pe::auth_requires_tls: {
            static const cause_text t{
                "The server only allows login over an encrypted connection",
                "The server offers authentication only after STARTTLS (or answered 530 5.7.0 "
                "\"Must issue a STARTTLS command first\"). With \"SMTP SSL Type\" None, WHMCS "
                "tries to log in over plain text and is turned away.",
                {"Set \"SMTP SSL Type\" TLS with \"SMTP Port\" 587, or SSL with port 465, "
                 "in " SP_PROVIDER ".",
                 "Save and send a test email; the same username and password stay valid."},
                fc::connect_host};
            return t;
        }
        case pe::auth_not_offered: {
            static const cause_text t{
                "The server does not offer SMTP authentication",
                "The EHLO reply lists no AUTH mechanism and there is no STARTTLS that could "
                "unlock one. Often the port is 25 on a server meant for incoming mail, or the "
                "connection was redirected to a local server that does not expect logins.",
                {"Use the provider's submission port in " SP_PROVIDER
                 ": 587 with \"SMTP SSL Type\" TLS, or 465 with SSL.",
                 "If the server accepts mail from this IP without a login (a relay), leave "
                 "\"SMTP Username\" and \"SMTP Password\" empty.",
                 "On cPanel, check WHM > Security Center > SMTP Restrictions is not sending the "
                 "connection to the local Exim."},
                std::nullopt};
            return t;
        }
        case pe::no_common_mechanism: {
            static const cause_text t{
                "There is no login method in common with the server",
                "The server offers only authentication mechanisms a password client cannot use "
                "(for example only XOAUTH2, or only GSSAPI/NTLM). PHPMailer speaks CRAM-MD5, "
                "LOGIN, PLAIN and XOAUTH2.",
                {"If the server offers only XOAUTH2 (Google, Microsoft), choose Mail Provider "
                 "Google or Microsoft with OAuth in " SP_PROVIDER " instead of SMTP.",
                 "If you run the server, enable PLAIN and LOGIN over TLS (Dovecot: auth_mechanisms "
                 "= plain login)."},
                std::nullopt};
            return t;
        }
        case pe::bad_credentials: {
            static const cause_text t{
                "The username or password was rejected",
                "The server answered 535: the login failed. Either \"SMTP Username\" or \"SMTP "
                "Password\" is wrong, or the username has the wrong form (most servers want the "
                "full email address).",
                {"Re-enter \"SMTP Username\" (usually the full address, user@domain) and type "
                 "\"SMTP Password\" again in " SP_PROVIDER ".",
                 "Log in to webmail with the same pair to confirm it; reset the mailbox password "
                 "in cPanel > Email Accounts if needed.",
                 "Gmail with 2-Step Verification needs an app password; Microsoft 365 needs "
                 "Authenticated SMTP enabled for the mailbox."},
                std::nullopt};
            return t;
        }
        case pe::auth_premature_success: {
            static const cause_text t{
                "The server said the login succeeded before it had checked any password",
                "The server answered 235 (authenticated) in the middle of the login, before the "
                "password was sent, so nothing was checked. This breaks the AUTH exchange (RFC "
                "4954): PHPMailer waits for the server's 334 prompt at that step, so " SP_PROVIDER
                " reports that it could not authenticate, and other mail clients "
                "may send mail they never logged in for.",
                {"If you run the server, fix its SMTP AUTH setup (a proxy or a filter in front of "
                 "it answering for it, or a broken authentication plugin) and test the login "
                 "again.",
                 "Otherwise report it to the mail provider with the transcript (--transcript: "
                 "the password is never shown).",
                 "Meanwhile, try another mechanism (--auth-mech PLAIN or LOGIN)."},
                std::nullopt};
            return t;
        }
        case pe::app_password_required: {
            static const cause_text t{
                "Gmail requires an app password for this account",
                "The Google account uses 2-Step Verification, so Google refuses the normal "
                "password over SMTP (534 5.7.9).",
                {"Create one under Google Account > Security > 2-Step Verification > App "
                 "passwords.",
                 "Put the 16-character app password, without spaces, into \"SMTP Password\" "
                 "in " SP_PROVIDER ".",
                 "Or switch the Mail Provider to Google, which signs in with OAuth."},
                std::nullopt};
            return t;
        }
        case pe::web_login_required: {
            static const cause_text t{
                "Google blocked the sign-in as suspicious",
                "Google answered 534 5.7.14: it wants an interactive sign-in from a browser "
                "before it accepts this login, usually because it comes from a new place (the "
                "WHMCS server).",
                {"Sign in to the account in a browser and confirm the attempt under Google "
                 "Account > Security > Recent security activity.",
                 "Then use an app password in \"SMTP Password\", or set the Mail Provider to "
                 "Google (OAuth) in " SP_PROVIDER "."},
                std::nullopt};
            return t;
        }
        case pe::auth_throttled: {
            static const cause_text t{
                "Too many login attempts: the server is throttling",
                "The server temporarily refuses authentication (454 4.7.0 or 450 4.7.1) after too "
                "many attempts or failures from this address. WHMCS cron jobs retrying with a "
                "wrong password keep the block alive.",
                {"Fix the credentials first, then wait (often 15 to 60 minutes) before testing "
                 "again.",
                 "If it is your own server, unblock the WHMCS server's IP in WHM > Security Center "
                 "> cPHulk Brute Force Protection (or fail2ban) and add it to the allow list."},
                std::nullopt};
            return t;
        }
        case pe::smtp_auth_disabled: {
            static const cause_text t{
                "SMTP AUTH is disabled for this Microsoft 365 mailbox or tenant",
                "Microsoft 365 answered 535 5.7.139: authenticated SMTP is switched off for the "
                "tenant or for this mailbox, so even the right password is refused.",
                {"In the Microsoft 365 admin center open Users > Active users > (the mailbox) > "
                 "Mail > Manage email apps and tick \"Authenticated SMTP\".",
                 "If Security defaults are on for the tenant they block SMTP AUTH: set the Mail "
                 "Provider to Microsoft (OAuth) in " SP_PROVIDER " instead.",
                 "Or in Exchange Online PowerShell: Set-CASMailbox -Identity <mailbox> "
                 "-SmtpClientAuthenticationDisabled $false."},
                std::nullopt};
            return t;
        }
        case pe::auth_required: {
            static const cause_text t{
                "The server requires a login before it accepts mail",
                "MAIL FROM was answered 530 5.7.0: the server relays only for authenticated "
                "users, and no login took place.",
                {"Fill in \"SMTP Username\" and \"SMTP Password\" in " SP_PROVIDER ".",
                 "If they are filled in, check that the server offered AUTH (see the EHLO step); "
                 "it may need \"SMTP SSL Type\" TLS first."},
                std::nullopt};
            return t;
        }
        case pe::sender_not_owned: {
            static const cause_text t{
                "The From address does not belong to the login",
                "The server lets an account send only as its own addresses (553 5.7.1 \"not owned "
                "by user\", 550 5.7.60 send-as denied). WHMCS sends as \"System Emails From "
                "Email\", which differs from \"SMTP Username\".",
                {"Set \"System Emails From Email\" in " SP_MAIL
                 " to the same address as \"SMTP Username\".",
                 "Or give the login permission to send as that address (Microsoft 365: Send As; "
                 "cPanel: use the mailbox of that address as the login).",
                 "Check the addresses in Configuration > System Settings > Support Departments too "
                 "if only ticket emails fail."},
                fc::sender_verify};
            return t;
        }
        case pe::sender_unknown: {
            static const cause_text t{
                "The mail server does not know the sender address",
                "The From address does not exist on the server, or its domain could not be "
                "verified (5.1.7 / 5.1.8, \"Sender verify failed\"). Exim on cPanel checks that "
                "the "
                "sending mailbox exists.",
                {"In cPanel > Email > Email Accounts, check that the mailbox exists (create it, or "
                 "a forwarder, if not).",
                 "Set \"System Emails From Email\" in " SP_MAIL
                 " (and the support department addresses) to an existing mailbox.",
                 "Check that the sender's domain resolves (MX or A record)."},
                std::nullopt};
            return t;
        }
        case pe::rate_limited: {
            static const cause_text t{
                "The server is limiting how fast you send",
                "The server refused for now (4xx naming a rate or a limit, 421 \"try again "
                "later\", Amazon SES \"Maximum sending rate exceeded\"). Failures that come and go "
                "after mass mailings or invoice runs are the typical sign.",
                {"Wait and try again later; mail that failed is listed in the client's Emails tab "
                 "and can be resent.",
                 "Ask the provider for a higher limit; on your own cPanel server raise \"Max "
                 "hourly "
                 "emails per domain\" in WHM > Tweak Settings > Mail.",
                 "Spread mass mailings over time."},
                std::nullopt};
            return t;
        }
        case pe::message_too_large: {
            static const cause_text t{
                "The message is larger than the server accepts",
                "The server rejected the size (552 5.3.4). WHMCS attachments such as PDF invoices, "
                "and above all the daily database backup email, easily pass provider limits.",
                {"Remove large attachments from the template in Configuration > System Settings > "
                 "Email Templates.",
                 "If only the database backup email fails, switch off the email backup in the "
                 "WHMCS backup settings (under Configuration > System Settings) and back up by "
                 "FTP or cPanel instead.",
                 "On your own server raise the limit (WHM > Exim Configuration Manager: "
                 "message_size_limit)."},
                std::nullopt};
            return t;
        }
        case pe::relay_denied: {
            static const cause_text t{
                "The server will not relay mail to this recipient",
                "The server accepts mail for outside domains only from authenticated users (554 "
                "5.7.1 \"Relay access denied\"). Either no login took place or the host is a "
                "server for incoming mail only.",
                {"Fill in \"SMTP Username\" and \"SMTP Password\" and use \"SMTP SSL Type\" TLS "
                 "(587) or SSL (465) in " SP_PROVIDER ".",
                 "Check that the Hostname is the provider's outgoing (submission) server, not an "
                 "MX host."},
                fc::auth_failed};
            return t;
        }
        case pe::recipient_rejected: {
            static const cause_text t{
                "The recipient address was rejected",
                "The server refused the recipient (550 5.1.1 user unknown, or the address or its "
                "domain is on a block list). Mail to this address fails while other mail gets "
                "through.",
                {"Check the client's email address for typos in the client's Profile tab.",
                 "On your own server, check the spam and block-list settings (cPanel > Spam "
                 "Filters, Email Filters; WHM > Exim Configuration Manager)."},
                std::nullopt};
            return t;
        }
        case pe::content_rejected: {
            static const cause_text t{
                "The message content was refused",
                "After DATA the server refused the message under its content policy (554): a high "
                "spam score, a blocked attachment type, or a link on a block list.",
                {"Read the server's reply for the rule that matched.",
                 "Review the template in Configuration > System Settings > Email Templates for "
                 "suspicious links or attachments.",
                 "Publish SPF and DKIM for the From domain (cPanel > Email Deliverability)."},
                std::nullopt};
            return t;
        }
        case pe::sender_unverified: {
            static const cause_text t{
                "The sender address is not verified with the provider",
                "Amazon SES and similar services accept only From addresses or domains verified "
                "in their console (\"Email address is not verified\").",
                {"Verify the address or its domain under Verified identities in the SES console, "
                 "in the same region as the SMTP endpoint.",
                 "Set \"System Emails From Email\" in " SP_MAIL " to the verified address.",
                 "While the SES account is in the sandbox, recipients must be verified too: "
                 "request production access."},
                std::nullopt};
            return t;
        }
        case pe::reply_timeout: {
            static const cause_text t{
                "The server stopped answering in the middle of the conversation",
                "A reply did not arrive within the time limit after a command. The server may be "
                "overloaded or running slow checks (DNS, anti-spam), or something in between is "
                "stalling the connection.",
                {"Note which step timed out, then retry.",
                 "If you run the server, check its load and its mail log for this connection.",
                 "If it stalls during TLS, look for a proxy or a path MTU problem between the "
                 "servers."},
                std::nullopt};
            return t;
        }
        case pe::deadline_exceeded: {
            static const cause_text t{
                "The whole test took too long",
                "The overall time limit ran out before all steps finished. The server is alive "
                "but slow; WHMCS would give up in the same way.",
                {"Compare the durations of the steps to find the slow one.",
                 "Retry with a longer overall deadline to see whether it would complete, and "
                 "report the slow step to the mail provider."},
                std::nullopt};
            return t;
        }
        case pe::protocol_violation: {
            static const cause_text t{
                "The server broke the SMTP protocol",
                "The server sent something no SMTP client can accept: an invalid reply code, an "
                "endless reply, or data right after the STARTTLS 220 (a possible injection "
                "attack). A broken proxy or antivirus scanner on the path is the usual culprit.",
                {"Look for a transparent proxy or antivirus mail scanner between the servers "
                 "(hosting provider, local security software).",
                 "Try the other submission port (587 with TLS, or 465 with SSL) in " SP_PROVIDER
                 ".",
                 "Send the transcript to the mail provider."},
                std::nullopt};
            return t;
        }
        case pe::connection_lost: {
            static const cause_text t{
                "The connection was closed unexpectedly",
                "The server, or something in between, closed or reset the connection in the middle "
                "of a step. Servers drop clients they do not like (block lists, too many "
                "connections), and firewalls cut inspected or idle connections.",
                {"Read the last server reply in the transcript, if any, and retry.",
                 "If it is your own server, check cPHulk (WHM > Security Center), fail2ban and the "
                 "mail log for this client IP.",
                 "Ask the mail provider whether the WHMCS server's IP is blocked."},
                std::nullopt};
            return t;
        }
        case pe::unexpected_reply: {
            static const cause_text t{
                "The server answered with an unexpected error",
                "The server gave a negative reply this tool has no more precise explanation for. "
                "The text of the reply is the best clue.",
                {"Read the server reply and its enhanced status code (such as 5.7.1).",
                 "Search the mail provider's documentation for that code, or send them the reply."},
                std::nullopt};
            return t;
        }
        case pe::sendmail_missing: {
            static const cause_text t{
                "The sendmail program that PHP mail() needs is missing",
                "With Mail Provider \"PHP Mail\", PHP hands each message to the program named in "
                "sendmail_path (php.ini). That program does not exist, so mail() fails and WHMCS "
                "logs \"Could not instantiate mail function\".",
                {"Switch the Mail Provider to SMTP in " SP_PROVIDER
                 ": it is more reliable and reports clear errors.",
                 "Or install a local mail server (Postfix or Exim) that provides "
                 "/usr/sbin/sendmail, and set sendmail_path = \"/usr/sbin/sendmail -t -i\".",
                 "Edit the php.ini of the PHP version that runs WHMCS (WHM > MultiPHP INI Editor, "
                 "or the PHP-FPM pool), which may differ from the command-line one."},
                std::nullopt};
            return t;
        }
        case pe::sendmail_not_executable: {
            static const cause_text t{
                "The sendmail program exists but PHP cannot run it",
                "The file in sendmail_path is not executable for the user PHP runs as: file "
                "permissions, a noexec mount, SELinux, or a CageFS/open_basedir jail.",
                {"Check \"ls -l\" on the file and make it executable (chmod 755).",
                 "With SELinux enforcing: \"setsebool -P httpd_can_sendmail 1\"; on CloudLinux "
                 "make sure sendmail is available inside CageFS.",
                 "Or switch the Mail Provider to SMTP in " SP_PROVIDER "."},
                std::nullopt};
            return t;
        }
        case pe::sendmail_failed: {
            static const cause_text t{
                "sendmail ran but reported an error",
                "The sendmail program started and exited with an error, so PHP's mail() returned "
                "false. The local mail server may be stopped, its queue full, or the sender "
                "refused.",
                {"Check that the local mail server runs (\"systemctl status exim\" or \"postfix\") "
                 "and read its log.",
                 "Or switch the Mail Provider to SMTP in " SP_PROVIDER "."},
                std::nullopt};
            return t;
        }
        case pe::mail_disabled: {
            static const cause_text t{
                "PHP's mail() function is disabled",
                "\"mail\" is listed in disable_functions in php.ini, so Mail Provider \"PHP Mail\" "
                "cannot send anything.",
                {"Switch the Mail Provider to SMTP in " SP_PROVIDER " (recommended).",
                 "Or remove mail from disable_functions (WHM > MultiPHP INI Editor) if your "
                 "security policy allows it."},
                std::nullopt};
            return t;
        }
        case pe::smtp_restrictions_redirect: {
            static const cause_text t{
                "Outbound SMTP is redirected to this server itself",
                "The server that answered identifies itself as this machine, although WHMCS asked "
                "for another host. cPanel's SMTP Restrictions (or CSF SMTP_BLOCK) send outbound "
                "SMTP from ordinary users to the local Exim, which presents its own certificate "
                "and does not know your provider's password.",
                {"In WHM go to Home > Security Center > SMTP Restrictions and disable it.",
                 "With CSF, set SMTP_BLOCK = \"0\" in /etc/csf/csf.conf (or add the WHMCS "
                 "account's user to SMTP_ALLOWUSER) and run \"csf -r\".",
                 "Test again: the greeting and the certificate should now name the provider's "
                 "server."},
                fc::auth_failed};
            return t;
        }
    }
    static const cause_text unknown{
        "Unknown cause",
        "The probe reported a cause this version cannot describe.",
        {"Run the probe with --format json and report the cause id to the smtp-probe maintainers."},
        std::nullopt};
    return unknown;
}

const cause_text& warning_en(warning_kind w) {
    switch (w) {
        case wk::cert_expiring: {
            static const cause_text t{
                "The mail server's certificate expires soon",
                "Once it expires PHP will refuse the connection and every WHMCS email will fail "
                "with \"SMTP connect() failed\".",
                {"Renew it now (AutoSSL: WHM > SSL/TLS > Manage AutoSSL) or check that automatic "
                 "renewal works.",
                 "If it is your provider's server, tell them the expiry date shown."},
                fc::smtp_connect_failed};
            return t;
        }
        case wk::sender_differs_from_login: {
            static const cause_text t{
                "The From address differs from the SMTP username",
                "Many providers (Microsoft 365, Gmail, cPanel/Exim with sender checks) reject or "
                "rewrite mail whose sender is not the login. This test may pass while real WHMCS "
                "mail is refused with \"data not accepted\".",
                {"Set \"System Emails From Email\" in " SP_MAIL
                 " to the \"SMTP Username\" address.",
                 "Or give the login permission to send as the From address."},
                fc::data_not_accepted};
            return t;
        }
        case wk::credentials_in_clear: {
            static const cause_text t{
                "The password was sent without encryption",
                "Authentication happened on a connection without TLS, so the username and "
                "password crossed the network readable by anyone on the path.",
                {"Set \"SMTP SSL Type\" TLS with port 587, or SSL with port 465, in " SP_PROVIDER
                 ".",
                 "Change the mailbox password if this connection crossed the internet."},
                fc::connect_host};
            return t;
        }
        case wk::size_limit_below_message: {
            static const cause_text t{
                "Messages of the planned size will be refused",
                "The server announced a SIZE limit below the message size planned. Emails with "
                "large attachments (PDF invoices, database backups) will fail with \"data not "
                "accepted\".",
                {"Keep attachments small in Configuration > System Settings > Email Templates.",
                 "Send database backups by FTP or cPanel instead of email (the WHMCS backup "
                 "settings under Configuration > System Settings)."},
                fc::data_not_accepted};
            return t;
        }
        case wk::some_addresses_failed: {
            static const cause_text t{
                "Some of the server's addresses do not work",
                "The host name has several addresses and at least one failed while another "
                "worked. WHMCS may then fail only now and then, typically when an IPv6 address is "
                "tried without working IPv6 on this server.",
                {"Look at the list of addresses tried and fix the failing path (IPv6 connectivity, "
                 "a "
                 "firewall rule for that address).",
                 "Or use a Hostname in " SP_PROVIDER " that resolves only to working addresses."},
                fc::smtp_connect_failed};
            return t;
        }
        case wk::smtp_restrictions_redirect: {
            static const cause_text t{
                "Outbound SMTP lands on this server itself",
                "The server that answered identifies itself as this machine, not the host asked "
                "for. cPanel's SMTP Restrictions (or CSF SMTP_BLOCK) redirect outbound SMTP to the "
                "local Exim; mail may work now but does not leave through your provider.",
                {"In WHM go to Home > Security Center > SMTP Restrictions and disable it.",
                 "With CSF, set SMTP_BLOCK = \"0\" (or add the WHMCS user to SMTP_ALLOWUSER) and "
                 "run \"csf -r\"."},
                fc::auth_failed};
            return t;
        }
        case wk::insecure_certificate: {
            static const cause_text t{
                "The certificate failed verification (ignored on request)",
                "The certificate check failed but the test was told to carry on. WHMCS verifies "
                "certificates, so real mail will still fail with \"SMTP connect() failed\".",
                {"Fix the certificate as described for the certificate failure (renew it, install "
                 "the full chain, or use the name it was issued for).",
                 "Test again without ignoring certificate errors."},
                fc::smtp_connect_failed};
            return t;
        }
        case wk::ipv6_literal_host: {
            static const cause_text t{
                "This IPv6 address would not work as the Hostname in WHMCS",
                "The server answered on the IPv6 address, but WHMCS's mailer (PHPMailer) cannot "
                "use an IPv6 literal as the SMTP host: without brackets it reads the colons as a "
                "port, with brackets the certificate check fails.",
                {"Enter the mail server's host name in " SP_PROVIDER
                 ", with an AAAA record for IPv6.",
                 "If the name has no AAAA record yet, add one at its DNS provider before relying "
                 "on "
                 "IPv6."},
                fc::connect_host};
            return t;
        }
        case wk::tls_not_used: {
            static const cause_text t{
                "The connection was not encrypted",
                "The server offered no STARTTLS, so the whole session ran in plain text. Mail and "
                "any login are readable on the way.",
                {"Use port 465 with \"SMTP SSL Type\" SSL if the provider supports it, "
                 "in " SP_PROVIDER ".",
                 "Otherwise ask the provider to enable STARTTLS."},
                fc::connect_host};
            return t;
        }
    }
    static const cause_text unknown{"Unknown warning",
                                    "The probe reported a warning this version cannot describe.",
                                    {"Run the probe with --format json to see its id."},
                                    std::nullopt};
    return unknown;
}

const category_text& category_en(failure_category c) {
    switch (c) {
        case fc::ok: {
            static const category_text t{
                "No error", "Every step the probe ran passed.", {"Nothing to fix."}};
            return t;
        }
        case fc::instantiate_mail: {
            static const category_text t{
                "Could not instantiate mail function",
                "The Mail Provider is \"PHP Mail\" and PHP's mail() could not hand the message to "
                "the local sendmail program. mail() gives no useful detail, which is why this "
                "message says so little.",
                {"Best fix: switch the Mail Provider to SMTP in " SP_PROVIDER
                 ", then test it with this probe.",
                 "If PHP Mail must stay: check sendmail_path and disable_functions in the php.ini "
                 "that WHMCS uses (WHM > MultiPHP INI Editor) and that /usr/sbin/sendmail exists.",
                 "Check that the local mail server (Exim, Postfix) is running."}};
            return t;
        }
        case fc::connect_host: {
            static const category_text t{
                "Could not connect to SMTP host",
                "PHPMailer could not set up a working SMTP session: the settings are wrong, the "
                "port and SSL type do not fit together, or one side blocks the connection.",
                {"Check Hostname, \"SMTP Port\", \"SMTP Username\", \"SMTP Password\" and \"SMTP "
                 "SSL Type\" in " SP_PROVIDER ".",
                 "Port and SSL type must match: 465 with SSL, 587 with TLS, 25 with None or TLS.",
                 "Run this probe against the same host and port to see which step fails."}};
            return t;
        }
        case fc::auth_failed: {
            static const category_text t{
                "Authentication failed",
                "The mail server rejected the SMTP login WHMCS sent.",
                {"Check \"SMTP Username\" (the full address) and \"SMTP Password\" in " SP_PROVIDER
                 ".",
                 "On cPanel servers, disable WHM > Security Center > SMTP Restrictions, which "
                 "sends outbound SMTP to the local server.",
                 "Gmail needs an app password (or OAuth); Microsoft 365 needs Authenticated SMTP "
                 "for the mailbox (or OAuth)."}};
            return t;
        }
        case fc::sender_verify: {
            static const category_text t{
                "Sender verify failed",
                "The From address WHMCS used does not exist on the SMTP server.",
                {"In cPanel > Email > Email Accounts, note the mailboxes that exist.",
                 "Make \"System Emails From Email\" in " SP_MAIL
                 " one of them (and the support department addresses too)."}};
            return t;
        }
        case fc::template_syntax: {
            static const category_text t{
                "Syntax error (email template)",
                "An email template contains invalid Smarty code, so WHMCS cannot build the "
                "message. No mail server is involved.",
                {"The log entry names the template, the line and the code around the error.",
                 "Open Configuration > System Settings > Email Templates, edit that template and "
                 "fix the code (an unclosed {if} is typical), then Save Changes.",
                 "Send the email again to confirm."}};
            return t;
        }
        case fc::smarty_policy: {
            static const category_text t{
                "Smarty error: security policy",
                "An email template uses code (a PHP function, a tag) that the Smarty security "
                "policy of WHMCS forbids in templates. No mail server is involved.",
                {"Open Configuration > System Settings > Email Templates and find what the "
                 "template tries to run (the log names the function).",
                 "Remove that code, or allow it in the Smarty security policy in configuration.php "
                 "($smarty_security_policy) if you trust it."}};
            return t;
        }
        case fc::data_not_accepted: {
            static const category_text t{
                "Data not accepted",
                "The mail server accepted the login but refused the message: the sender, a "
                "recipient, the size, or the sending rate.",
                {"Make \"System Emails From Email\" in " SP_MAIL
                 " the same as \"SMTP Username\", or confirm the provider allows a different one.",
                 "Remove large attachments (Configuration > System Settings > Email Templates); if "
                 "only the database backup email fails, back up by FTP instead.",
                 "If it comes and goes, it is a rate limit: wait, or ask the provider to raise it; "
                 "check also whether the recipient is on a block list."}};
            return t;
        }
        case fc::sending_disabled: {
            static const category_text t{
                "Email sending aborted by configuration",
                "\"Disable Email Sending\" is switched on in " SP_MAIL
                " (WHMCS 8.1 and later). WHMCS logs this each time the setting is changed and "
                "for every email it then holds back.",
                {"Open " SP_MAIL " and untick \"Disable Email Sending\".",
                 "Keep it on only on test or development copies of WHMCS."}};
            return t;
        }
        case fc::smtp_connect_failed: {
            static const category_text t{
                "SMTP connect() failed",
                "PHPMailer could not connect at all: the host name did not resolve, a firewall "
                "blocked the connection, this server forbids external SMTP, or the server's "
                "certificate is invalid.",
                {"Run this probe against the same host and port: it tells DNS, firewall, SMTP "
                 "Restrictions and certificate failures apart.",
                 "On cPanel servers, check WHM > Security Center > SMTP Restrictions and CSF "
                 "SMTP_BLOCK; with SELinux, httpd_can_network_connect.",
                 "Check the expiry date and names of the mail server's certificate."}};
            return t;
        }
        case fc::no_recipients: {
            static const category_text t{
                "No recipients provided for message",
                "WHMCS found nobody to send the email to: the client and contacts have opted "
                "out of this kind of email in their email preferences. No mail server is "
                "involved.",
                {"Open the client's Profile tab (and each contact's Contacts tab) and tick the "
                 "email type under Email Notifications / Email Preferences.",
                 "Example: if a Product Welcome email fails, the \"Product Emails\" box must be "
                 "ticked."}};
            return t;
        }
    }
    static const category_text unknown{"Unknown category", "", {}};
    return unknown;
}

std::string_view phase_en(phase p) {
    switch (p) {
        case phase::dns:
            return "DNS lookup";
        case phase::tcp:
            return "TCP connect";
        case phase::greeting:
            return "Greeting";
        case phase::ehlo:
            return "EHLO";
        case phase::starttls:
            return "STARTTLS";
        case phase::tls:
            return "TLS handshake";
        case phase::certificate:
            return "Certificate";
        case phase::auth:
            return "Login (AUTH)";
        case phase::mail_from:
            return "Sender (MAIL FROM)";
        case phase::rcpt:
            return "Recipient (RCPT TO)";
        case phase::data:
            return "Message (DATA)";
        case phase::quit:
            return "Close (QUIT)";
    }
    return "?";
}

std::string_view status_en(phase_status s) {
    switch (s) {
        case phase_status::pass:
            return "passed";
        case phase_status::fail:
            return "failed";
        case phase_status::warn:
            return "warning";
        case phase_status::skip:
            return "skipped";
    }
    return "?";
}

std::string_view ui_en(ui_string s) {
    using u = ui_string;
    switch (s) {
        case u::target:
            return "Target";
        case u::verdict_ok:
            return "OK: every step passed";
        case u::nagios_all_passed:
            return "every step passed";
        case u::monitoring_threshold:
            return "Monitoring threshold: ";
        case u::verdict_warnings:
            return "OK, with warnings";
        case u::verdict_failed:
            return "FAILED";
        case u::category:
            return "WHMCS error";
        case u::whmcs_english:
            return "English log text";
        case u::cause:
            return "Cause";
        case u::underlying_cause:
            return "Seen as";
        case u::failed_phase:
            return "Failed step";
        case u::server_reply:
            return "Server reply";
        case u::error:
            return "Error";
        case u::errno_label:
            return "errno";
        case u::certificate:
            return "Certificate";
        case u::cert_valid:
            return "valid from";
        case u::cert_to:
            return "to";
        case u::days_left:
            return "days left";
        case u::cert_names:
            return "names";
        case u::cert_issuer:
            return "issuer";
        case u::cert_verify:
            return "verification";
        case u::why:
            return "Why";
        case u::remedy:
            return "What to do";
        case u::see_also:
            return "See also";
        case u::warnings:
            return "Warnings";
        case u::transcript:
            return "Transcript";
        case u::addresses_tried:
            return "Addresses tried";
        case u::skipped_not_asked:
            return "not asked";
        case u::skipped_after_failure:
            return "after a failure";
        case u::round_trips:
            return "round trips";
        case u::total_time:
            return "total";
        case u::capabilities:
            return "capabilities";
        case u::auth_mechanisms:
            return "AUTH mechanisms";
        case u::tls_session:
            return "TLS";
        case u::resolved_addresses:
            return "addresses";
        case u::connected_to:
            return "connected to";
        case u::used_helo:
            return "fell back to HELO";
        case u::diag_heading:
            return "Diagnosis of {host}";
        case u::diag_port:
            return "Port";
        case u::diag_mode:
            return "Mode";
        case u::diag_ssl_type:
            return "SSL Type";
        case u::diag_result:
            return "Result";
        case u::diag_time:
            return "Time";
        case u::diag_cert_days:
            return "Cert days";
        case u::diag_size:
            return "SIZE";
        case u::diag_works:
            return "works";
        case u::diag_not_tried:
            return "not tried: the password was refused on port {port}";
        case u::diag_details:
            return "Failures";
        case u::diag_recommend:
            return "Recommendation";
        case u::diag_sent_ok:
            return "Test message to {to} accepted for delivery";
        case u::diag_sent_failed:
            return "Test message to {to} refused";
        case u::diag_enter:
            return "SMTP Port {port}, SMTP SSL Type {ssl_type}";
        case u::diag_where:
            return "Enter it in WHMCS under Configuration > System Settings > General Settings > "
                   "Mail.";
        case u::diag_none_works:
            return "No combination works. The most telling failure decides:";
        case u::diag_why_others:
            return "Why the others fail";
        case u::diag_hint_speaks_tls_first:
            return "{port} speaks TLS first: choose SSL, not TLS or None";
        case u::diag_hint_expects_starttls:
            return "{port} greets in plain text: choose TLS (STARTTLS), not SSL";
        case u::diag_hint_port_closed:
            return "{port} is closed or filtered: the connection does not get through";
        case u::diag_hint_no_starttls:
            return "{port} offers no STARTTLS: TLS cannot work there";
        case u::diag_hint_certificate:
            return "{port}: the server's certificate fails verification";
        case u::diag_hint_password_refused:
            return "{port}: the server refused the password";
        case u::diag_hint_redirected:
            return "{port}: the answer came from this machine, not from the host asked for (see "
                   "below)";
        case u::diag_redirect:
            return "Outbound SMTP from this machine is redirected to its own mail server (cPanel "
                   "\"SMTP Restrictions\" or CSF): the answers above may come from this server, "
                   "not from the host asked for.";
        case u::diag_redirect_fix:
            return "Switch it off in WHM » Home » Security Center » SMTP Restrictions; with CSF, "
                   "set SMTP_BLOCK and SMTP_REDIRECT to \"0\" in /etc/csf/csf.conf and restart "
                   "csf. root is exempt from the redirect, so a probe run as root may not see what "
                   "the web server user sees.";
        case u::diag_ran_as:
            return "Connections made as {user} (uid {uid}), switched from root by --as-user.";
        case u::diag_offer_as_user:
            return "This probe ran as root. cPanel's SMTP Restrictions and CSF's SMTP_REDIRECT "
                   "exempt root, so what root reaches may not be what WHMCS reaches: it runs as "
                   "its account user. To see WHMCS's view, run it again with --as-user and the "
                   "user that owns the WHMCS files (its cPanel account).";
        case u::diag_size_note:
            return "A planned mail of {planned} bytes grows by about 4/3 in base64 plus headers, "
                   "to about {encoded} bytes; the recommended server accepts at most {limit} bytes "
                   "(SIZE).";
        case u::diag_no_login:
            return "No --user given: the login was not tested, so the recommendation rests on the "
                   "connection, TLS and certificate only.";
        case u::diag_dns_failed:
            return "The host name does not resolve, so no port was tried.";
        case u::diag_also_works:
            return "Also works: {list}";
        case u::run_target:
            return "Target";
        case u::run_server:
            return "Server";
        case u::run_not_run:
            return "could not run: {error}";
        case u::run_summary:
            return "{total} targets: {ok} ok, {warnings} with warnings, {failed} failed";
        case u::run_threshold_note:
            return "a monitoring threshold of its module; WHMCS itself would send";
        case u::run_progress:
            return "{done}/{total} done, {failing} failing";
        case u::run_failures:
            return "What fails";
        case u::auto_tls_works_upgraded:
            return "With SSL Type None this works only because WHMCS's mailer (PHPMailer) switches "
                   "to TLS by itself when the server offers STARTTLS. Choose SSL Type TLS to make "
                   "that explicit.";
        case u::auto_tls_upgrade_failed:
            return "SSL Type None does not mean plain text here: the server offers STARTTLS, so "
                   "WHMCS's mailer (PHPMailer) switches to TLS by itself, with full certificate "
                   "checks and no fallback. That automatic upgrade is the step that fails.";
        case u::whmcs_log:
            return "WHMCS will log (by PHPMailer version)";
        case u::whmcs_log_heading:
            return "These words are the guide's heading \"{title}\", but the cause is listed "
                   "under \"{category}\": look there.";
        case u::auto_tls_upgraded_failed_later:
            return "With SSL Type None, WHMCS's mailer (PHPMailer) switched to TLS by itself "
                   "because the server offers STARTTLS; the upgrade worked, a later step failed.";
    }
    return "?";
}

#undef SP_PROVIDER
#undef SP_MAIL

std::string_view php_mail_en(php_mail_text t) {
    using p = php_mail_text;
    switch (t) {
        case p::none:
            return "";
        case p::verbatim:
            return "{0}";
        case p::mail_disabled:
            return "mail is listed in disable_functions = {0}";
        case p::nothing_disabled:
            return "nothing disabled";
        case p::mail_not_disabled:
            return "mail is not among {0}";
        case p::sendmail_path_empty:
            return "sendmail_path is empty, so mail() has no program to run";
        case p::sendmail_path_default:
            return "{0} (PHP's default)";
        case p::too_complex:
            return "{0}: too complex to judge, check it by hand";
        case p::split_tilde:
            return "it starts with ~, which the shell expands";
        case p::split_single_quote:
            return "a single quote is not closed";
        case p::split_expansion_in_quotes:
            return "it uses {0} inside double quotes";
        case p::split_double_quote:
            return "a double quote is not closed";
        case p::split_trailing_backslash:
            return "it ends in a backslash";
        case p::split_shell_syntax:
            return "it uses the shell syntax '{0}'";
        case p::split_assignment:
            return "it starts with a variable assignment";
        case p::path_error:
            return "{0}: {1}";
        case p::not_regular_file:
            return "{0} is not a regular file";
        case p::permissions:
            return "mode {0}, owner {1}, group {2}; checked as {3}";
        case p::not_executable:
            return "not executable: mode {0}, owner {1}, group {2}; checked as {3}";
        case p::mta_unknown:
            return "the program behind sendmail_path is not Exim, Postfix, msmtp or ssmtp; its "
                   "service was not checked";
        case p::postfix_running:
            return "running";
        case p::postfix_needs_root:
            return "needs root; run smtp-probe php-mail as root to check the service";
        case p::postfix_not_running:
            return "Postfix is stopped: mail() still succeeds and WHMCS logs no error, but the "
                   "mail waits in the maildrop queue until Postfix is started (systemctl start "
                   "postfix)";
        case p::postdrop_ok:
        case p::maildrop_ok:
            return "{0} mode {1}, group {2}";
        case p::postdrop_bad:
            return "{0} mode {1}, group {2}; needs setgid, group {3}, executable by all";
        case p::maildrop_bad:
            return "{0} mode {1}, group {2}; needs to be group-writable by {3}";
        case p::config_ok:
            return "{0} is readable";
        case p::config_missing:
            return "no readable {0} configuration: {1}";
        case p::process_not_started:
            return "could not start: {0}";
        case p::process_timed_out:
            return "no result after {0} ms; killed";
        case p::process_exit:
            return "exit {0}";
        case p::process_exit_output:
            return "exit {0}: {1}";
        case p::process_signal:
            return "killed by signal {0}";
        case p::process_signal_output:
            return "killed by signal {0}: {1}";
        case p::send_sent_php:
            return "mail() returned true: the test message to {0} was handed to the sendmail "
                   "program";
        case p::send_sent_sendmail:
            return "{1} took the test message to {0} and exited 0";
        case p::send_not_sent:
            return "not sent, because the check {0} failed and mail() would fail the same way";
        case p::send_php_false:
            return "mail() returned false";
        case p::send_php_disabled:
            return "PHP has no mail() function: it is disabled";
        case p::send_php_error:
            return "PHP stopped with an error before mail() returned";
        case p::send_sendmail_failed:
            return "{0} did not take the test message";
        case p::verdict_sent:
            return "PHP mail() works: the sendmail program accepted the test message to {0}; check "
                   "that it arrives (spam folder included)";
    }
    return "?";
}

}  // namespace smtp_probe::messages
