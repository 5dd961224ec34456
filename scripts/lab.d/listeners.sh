# shellcheck shell=bash
# The lab's SMTP listeners: one Postfix smtpd service each. This table is the lab's public face:
# the integration tests and the demo refer to listeners by these names.
#
# lab_listener NAME WHERE SECURITY SUMMARY [KEY=VALUE...]
#   WHERE     +N: the lab's base port plus N, on 127.0.0.1 and ::1 (host mail.smtp-lab.test);
#             ADDRESS:PORT: a "provider" host on a standard port (25, 26, 465, 587)
#   SECURITY  how a client should connect: none, auto (STARTTLS when offered), starttls, tls
#   SUMMARY   one line for people
#   keys      tls=none|may|encrypt|wrapper   STARTTLS never/offered/required, or implicit TLS
#             cert=NAME                      the certificate (scripts/lab.d/certs.sh)
#             auth=no|tls|clear              SASL off, only after TLS, or also in plaintext
#             own=rcpt|mail                  From must be the login: refused at RCPT (Postfix's
#                                            default smtpd_delay_reject=yes) or at MAIL FROM
#             msg_rate=N  conn_rate=N        anvil limits per client and minute
#             size=BYTES                     message_size_limit
#             name=HOST                      myhostname and banner (default mail.smtp-lab.test);
#                                            @local is this machine's own host name

LAB_LISTENERS=()
declare -A LAB_WHERE=() LAB_SECURITY=() LAB_SUMMARY=() LAB_KEYS=()

lab_listener() {
  local name=$1 where=$2 security=$3 summary=$4
  shift 4
  LAB_LISTENERS+=("$name")
  LAB_WHERE[$name]=$where
  LAB_SECURITY[$name]=$security
  LAB_SUMMARY[$name]=$summary
  LAB_KEYS[$name]="$*"
}

# Value of KEY for listener NAME, or DEFAULT.
lab_key() {
  local name=$1 key=$2 default=${3-} kv
  for kv in ${LAB_KEYS[$name]}; do
    if [ "${kv%%=*}" = "$key" ]; then
      printf '%s\n' "${kv#*=}"
      return 0
    fi
  done
  printf '%s\n' "$default"
}

# ---- On mail.smtp-lab.test (127.0.0.1 and ::1), high ports ----------------------------------
lab_listener smtp +0 auto "port-25 style: STARTTLS offered, no AUTH" \
  tls=may cert=valid auth=no
lab_listener submission +1 starttls \
  "587 style: STARTTLS required before AUTH; a From other than the login refused at RCPT" \
  tls=encrypt cert=valid auth=tls own=rcpt
lab_listener smtps +2 tls "465 style: implicit TLS, AUTH; From must be the login" \
  tls=wrapper cert=valid auth=tls own=rcpt
lab_listener plain +3 none "plaintext only, no STARTTLS, AUTH in clear" \
  tls=none auth=clear
lab_listener sender-at-mail +4 starttls \
  "like submission, but a From other than the login is refused at MAIL FROM (smtpd_delay_reject=no)" \
  tls=encrypt cert=valid auth=tls own=mail
lab_listener rate-limited +5 auto "at most 2 messages a minute from one client" \
  tls=may cert=valid auth=no msg_rate=2
lab_listener conn-limited +6 auto "at most 1 connection a minute from one client" \
  tls=may cert=valid auth=no conn_rate=1
lab_listener small-size +7 auto "message_size_limit of 10240 bytes" \
  tls=may cert=valid auth=no size=10240
lab_listener cert-expired +8 starttls "STARTTLS with an expired certificate" \
  tls=may cert=expired auth=no
lab_listener cert-expiring +9 starttls "STARTTLS with a certificate that expires in 5 days" \
  tls=may cert=expiring auth=no
lab_listener cert-self-signed +10 tls "implicit TLS with a self-signed certificate" \
  tls=wrapper cert=self-signed auth=no
lab_listener cert-wrong-name +11 starttls "STARTTLS with a certificate for another host name" \
  tls=may cert=wrong-name auth=no
lab_listener cert-not-yet-valid +12 tls "implicit TLS with a certificate valid from next year" \
  tls=wrapper cert=not-yet-valid auth=no
lab_listener cert-unknown-ca +13 starttls "STARTTLS with a certificate from a CA nobody trusts" \
  tls=may cert=unknown-ca auth=no

# Offsets of the base port that no listener uses: a closed port, and the DNS server.
LAB_CLOSED_OFFSET=18
LAB_DNS_OFFSET=19
LAB_PORT_BLOCK=20

# ---- "Provider" hosts on the standard ports -------------------------------------------------
LAB_PROVIDERS=(submission-only smtps-only all-ports redirect)
declare -A LAB_PROVIDER_HOST=(
  [submission-only]=submission-only.$LAB_DOMAIN
  [smtps-only]=smtps-only.$LAB_DOMAIN
  [all-ports]=all-ports.$LAB_DOMAIN
  [redirect]=smtp.hosting-provider.test
)
declare -A LAB_PROVIDER_ADDRESS=(
  [submission-only]=127.0.0.2
  [smtps-only]=127.0.0.3
  [all-ports]=127.0.0.4
  [redirect]=127.0.0.5
)
declare -A LAB_PROVIDER_SUMMARY=(
  [submission-only]="only 587 with STARTTLS answers; 25, 26 and 465 are closed"
  [smtps-only]="only 465 with implicit TLS answers; 25, 26 and 587 are closed"
  [all-ports]="25 and 26 (STARTTLS offered, no AUTH), 465 (implicit TLS) and 587 (STARTTLS)"
  [redirect]="a remote-looking name whose server greets with this machine's host name and \
certificate, as when outbound SMTP is redirected to the local server"
)
LAB_STANDARD_PORTS=(25 26 465 587)

lab_listener submission-only-587 127.0.0.2:587 starttls "submission-only.$LAB_DOMAIN:587" \
  tls=encrypt cert=valid auth=tls own=rcpt name=submission-only.$LAB_DOMAIN
lab_listener smtps-only-465 127.0.0.3:465 tls "smtps-only.$LAB_DOMAIN:465" \
  tls=wrapper cert=valid auth=tls own=rcpt name=smtps-only.$LAB_DOMAIN
lab_listener all-ports-25 127.0.0.4:25 auto "all-ports.$LAB_DOMAIN:25" \
  tls=may cert=valid auth=no name=all-ports.$LAB_DOMAIN
lab_listener all-ports-26 127.0.0.4:26 auto "all-ports.$LAB_DOMAIN:26" \
  tls=may cert=valid auth=no name=all-ports.$LAB_DOMAIN
lab_listener all-ports-465 127.0.0.4:465 tls "all-ports.$LAB_DOMAIN:465" \
  tls=wrapper cert=valid auth=tls own=rcpt name=all-ports.$LAB_DOMAIN
lab_listener all-ports-587 127.0.0.4:587 starttls "all-ports.$LAB_DOMAIN:587" \
  tls=encrypt cert=valid auth=tls own=rcpt name=all-ports.$LAB_DOMAIN
lab_listener redirect-25 127.0.0.5:25 auto "smtp.hosting-provider.test:25 (local redirect)" \
  tls=may cert=local auth=no name=@local
lab_listener redirect-587 127.0.0.5:587 starttls "smtp.hosting-provider.test:587 (local redirect)" \
  tls=encrypt cert=local auth=tls name=@local
