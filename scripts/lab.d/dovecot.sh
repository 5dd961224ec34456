# shellcheck shell=bash
# A private Dovecot that does SASL authentication for the lab's Postfix and nothing else: no
# protocols, no listening port, one user in a passwd-file, its socket inside Postfix's queue.

lab_dovecot_config() {  # STATE PASSWORD
  local state=$1 password=$2 dir=$1/dovecot
  mkdir -p "$dir/run" "$dir/state"
  printf '%s:{PLAIN}%s\n' "$LAB_USER" "$password" >"$dir/users"
  chown root:dovecot "$dir/users"
  chmod 640 "$dir/users"
  cat >"$dir/dovecot.conf" <<CONF
# smtp-probe lab: written by scripts/lab at every start.
instance_name = smtp-probe-lab
base_dir = $dir/run
state_dir = $dir/state
log_path = $state/dovecot.log
protocols =
listen = $LAB_IPV4
ssl = no
# Postfix offers AUTH only where the listener allows it (after TLS, or in clear on "plain").
disable_plaintext_auth = no
auth_mechanisms = plain login
# A failed login answers at once (default 2 s), so the tests stay fast.
auth_failure_delay = 0
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $dir/users
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=/nonexistent
}
# No growing delay for an address after failed logins (auth penalty): the tests log in wrongly
# on purpose, and every probe comes from loopback.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service auth {
  unix_listener $state/postfix-queue/private/auth {
    mode = 0660
    user = postfix
    group = postfix
  }
}
CONF
}

lab_dovecot_start() {  # STATE
  local state=$1 dir=$1/dovecot pid i
  if ! setsid dovecot -c "$dir/dovecot.conf" </dev/null >"$state/dovecot-start.out" 2>&1 9>&-; then
    cat "$state/dovecot-start.out" >&2
    lab_log_tail "Dovecot log" "$state/dovecot.log"
    lab_fail "Dovecot did not start"
    return 1
  fi
  for i in $(seq 50); do
    pid=$(cat "$dir/run/master.pid" 2>/dev/null | tr -dc "0-9" || true)
    [ -n "$pid" ] && break
    sleep 0.1
  done
  [ -n "$pid" ] || {
    lab_log_tail "Dovecot log" "$state/dovecot.log"
    lab_fail "Dovecot wrote no master.pid"
    return 1
  }
  lab_record_pid "$state" dovecot "$pid"
}
