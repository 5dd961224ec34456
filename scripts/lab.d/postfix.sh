# shellcheck shell=bash
# A private Postfix instance: its own config directory, queue, data directory and log under the
# lab's state directory (postfix -c DIR), one smtpd service per listener in master.cf. Every
# transport is discard: whatever is accepted is thrown away, nothing can leave the machine.

# lab_postfix_config STATE BASE_PORT LOCAL_NAME
lab_postfix_config() {
  local state=$1 base=$2 local_name=$3
  local conf=$state/postfix queue=$state/postfix-queue data=$state/postfix-data
  mkdir -p "$conf" "$queue" "$data"
  chown postfix "$data"

  printf '%s %s\n' "$LAB_USER" "$LAB_USER" >"$conf/sender_logins"

  cat >"$conf/main.cf" <<EOF
# smtp-probe lab: written by scripts/lab at every start.
compatibility_level = 3.6
queue_directory = $queue
data_directory = $data
mail_owner = postfix
setgid_group = postdrop
maillog_file = $state/postfix.log
maillog_file_prefixes = $state
syslog_name = smtp-probe-lab

# Loopback only. Services without an address listen on these two; provider hosts name theirs.
inet_interfaces = $LAB_IPV4, [$LAB_IPV6]
inet_protocols = all
myhostname = $LAB_HOST
mydomain = $LAB_DOMAIN
myorigin = \$mydomain
mydestination = \$mydomain
mynetworks = 127.0.0.0/8 [::1]/128
smtpd_banner = \$myhostname ESMTP smtp-probe lab
# No reverse lookup of the client: it would ask the system's resolver, off the machine.
smtpd_peername_lookup = no

# Accept any local recipient and discard every message, whatever its destination: the lab
# never delivers, relays or bounces anything to anyone.
local_recipient_maps =
alias_maps =
alias_database =
relayhost =
default_transport = discard:smtp-probe lab discards everything
local_transport = discard:smtp-probe lab discards everything
relay_transport = discard:smtp-probe lab discards everything
virtual_transport = discard:smtp-probe lab discards everything
notify_classes =
biff = no

# Relaying needs a login (there is no permit_mynetworks): unauthenticated mail for another
# domain is refused with "Relay access denied".
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_sender_login_maps = texthash:$conf/sender_logins
smtpd_sasl_type = dovecot
smtpd_sasl_path = private/auth
smtpd_sasl_auth_enable = no
smtpd_tls_security_level = none
smtpd_tls_loglevel = 1
smtpd_tls_received_header = no
EOF

  # The daemons Postfix needs to accept and discard mail; no smtp/lmtp client exists at all.
  cat >"$conf/master.cf" <<'EOF'
# smtp-probe lab: written by scripts/lab at every start. chroot is off everywhere.
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
discard   unix  -       -       n       -       -       discard
postlog   unix-dgram n  -       n       -       1       postlogd
EOF

  local name
  for name in "${LAB_LISTENERS[@]}"; do
    lab_postfix_service "$name" "$base" "$state/certs" "$local_name" >>"$conf/master.cf"
  done
}

# The master.cf entry of one listener.
lab_postfix_service() {
  local name=$1 base=$2 certs=$3 local_name=$4
  local where=${LAB_WHERE[$name]} service
  case "$where" in
    +*) service=$((base + ${where#+})) ;;
    *) service=$where ;;
  esac
  local tls cert auth own msg_rate conn_rate size host
  tls=$(lab_key "$name" tls none)
  cert=$(lab_key "$name" cert valid)
  auth=$(lab_key "$name" auth no)
  own=$(lab_key "$name" own)
  msg_rate=$(lab_key "$name" msg_rate)
  conn_rate=$(lab_key "$name" conn_rate)
  size=$(lab_key "$name" size)
  host=$(lab_key "$name" name "$LAB_HOST")
  [ "$host" = @local ] && host=$local_name

  printf '# %s: %s\n' "$name" "${LAB_SUMMARY[$name]}"
  printf '%s inet n - n - - smtpd\n' "$service"
  printf '  -o syslog_name=smtp-probe-lab/%s\n' "$name"
  if [[ $host == *.* ]]; then
    printf '  -o myhostname=%s\n' "$host"
  else
    # Postfix insists on a dotted myhostname; a bare machine name goes into the banner only.
    printf '  -o { smtpd_banner = %s ESMTP }\n' "$host"
  fi
  case "$tls" in
    none) printf '  -o smtpd_tls_security_level=none\n' ;;
    may | encrypt)
      printf '  -o smtpd_tls_security_level=%s\n' "$tls"
      printf '  -o smtpd_tls_cert_file=%s/%s.crt\n  -o smtpd_tls_key_file=%s/%s.key\n' \
        "$certs" "$cert" "$certs" "$cert"
      ;;
    wrapper)
      printf '  -o smtpd_tls_wrappermode=yes\n  -o smtpd_tls_security_level=encrypt\n'
      printf '  -o smtpd_tls_cert_file=%s/%s.crt\n  -o smtpd_tls_key_file=%s/%s.key\n' \
        "$certs" "$cert" "$certs" "$cert"
      ;;
  esac
  case "$auth" in
    no) printf '  -o smtpd_sasl_auth_enable=no\n' ;;
    tls) printf '  -o smtpd_sasl_auth_enable=yes\n  -o smtpd_tls_auth_only=yes\n' ;;
    clear) printf '  -o smtpd_sasl_auth_enable=yes\n  -o smtpd_tls_auth_only=no\n' ;;
  esac
  case "$own" in
    rcpt) printf '  -o smtpd_sender_restrictions=reject_sender_login_mismatch\n' ;;
    mail)
      printf '  -o smtpd_sender_restrictions=reject_sender_login_mismatch\n'
      printf '  -o smtpd_delay_reject=no\n'
      ;;
  esac
  # anvil exempts $mynetworks (all of loopback) from its limits unless told otherwise.
  if [ -n "$msg_rate" ]; then
    printf '  -o smtpd_client_message_rate_limit=%s\n' "$msg_rate"
    printf '  -o smtpd_client_event_limit_exceptions=\n'
  fi
  if [ -n "$conn_rate" ]; then
    printf '  -o smtpd_client_connection_rate_limit=%s\n' "$conn_rate"
    printf '  -o smtpd_client_event_limit_exceptions=\n'
  fi
  if [ -n "$size" ]; then
    printf '  -o message_size_limit=%s\n' "$size"
  fi
  return 0
}

# The postfix command tells why it refuses to start only on a terminal (else to syslog, which
# a container may not have): give it one with script(1) when that exists.
lab_postfix_cmd() {  # STATE ACTION
  local conf=$1/postfix
  if command -v script >/dev/null; then
    script -qec "postfix -c '$conf' $2" /dev/null </dev/null 9>&- | tr -d '\r'
    return "${PIPESTATUS[0]}"
  fi
  postfix -c "$conf" "$2" </dev/null 9>&-
}

# Postfix's master logs why it could not bind a port only to syslog, which a container may not
# have: try every address and port of master.cf the way it binds them, and name the ones that fail.
lab_postfix_bind_check() {  # STATE
  command -v python3 >/dev/null || return 0
  awk '$2 == "inet" { print $1 }' "$1/postfix/master.cf" | python3 -c '
import socket, sys
for service in sys.stdin.read().split():
    host, _, port = service.rpartition(":")
    for address in ([host] if host else ["127.0.0.1", "::1"]):
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        s = socket.socket(family, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((address, int(port)))
        except OSError as e:
            print(f"lab: cannot bind {address} port {port}: {e.strerror}", file=sys.stderr)
        finally:
            s.close()
'
}

lab_postfix_start() {  # STATE
  local state=$1 pid
  if ! lab_postfix_cmd "$state" start >"$state/postfix-start.out" 2>&1; then
    cat "$state/postfix-start.out" >&2
    lab_log_tail "Postfix log" "$state/postfix.log"
    lab_postfix_bind_check "$state"
    lab_fail "Postfix did not start"
    return 1
  fi
  pid=$(cat "$state/postfix-queue/pid/master.pid" 2>/dev/null | tr -dc '0-9' || true)
  [ -n "$pid" ] || {
    lab_log_tail "Postfix log" "$state/postfix.log"
    lab_fail "Postfix started but wrote no master.pid"
    return 1
  }
  lab_record_pid "$state" postfix "$pid"
}
