# shellcheck shell=bash
# Shared by scripts/lab and its parts: where the lab keeps its state, messages, process records.

LAB_DOMAIN=smtp-lab.test
LAB_HOST=mail.$LAB_DOMAIN
LAB_USER=lab@$LAB_DOMAIN
LAB_IPV4=127.0.0.1
LAB_IPV6=::1
LAB_NXDOMAIN=missing.$LAB_DOMAIN

# The one running lab is found through this file, which holds its state directory's path.
LAB_POINTER=${SMTP_PROBE_LAB_POINTER:-/tmp/smtp-probe-lab.current}
LAB_LOCK=${LAB_POINTER%.current}.lock
# Logs of the last lab that stopped, for a look after a failed run.
LAB_LAST_LOGS=${LAB_POINTER%.current}.last-logs

lab_say() { printf 'lab: %s\n' "$*" >&2; }
lab_fail() {
  printf 'lab: error: %s\n' "$*" >&2
  return 1
}

# The state directory of the running lab, or nothing.
lab_current_state() {
  local dir
  [ -f "$LAB_POINTER" ] || return 0
  dir=$(head -n 1 "$LAB_POINTER")
  case "$dir" in
    /tmp/smtp-probe-lab.* | "${TMPDIR:-/tmp}"/smtp-probe-lab.*) ;;
    *) return 0 ;;  # not ours: never act on an arbitrary path
  esac
  if [ -d "$dir" ]; then
    printf '%s\n' "$dir"
  fi
}

# ---- Processes ------------------------------------------------------------------------------
# Every daemon the lab starts is recorded in $STATE/pids as "NAME PID START SID": START is the
# process's start time (so a recycled PID is never signalled) and SID the session the daemon
# made for itself (its helpers live in it; the lab's own session is never touched).

proc_start() {  # PID -> start time in clock ticks since boot, or nothing
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  stat=${stat##*) }  # the command name may hold spaces and parentheses
  # shellcheck disable=SC2086
  set -- $stat
  printf '%s\n' "${20}"
}

proc_sid() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  stat=${stat##*) }
  # shellcheck disable=SC2086
  set -- $stat
  printf '%s\n' "${4}"
}

lab_record_pid() {  # STATE NAME PID
  local start sid
  start=$(proc_start "$3")
  sid=$(proc_sid "$3")
  [ -n "$start" ] || lab_fail "$2 (pid $3) is not running" || return 1
  echo "$2 $3 $start $sid" >>"$1/pids"
}

proc_alive() {  # PID START -> true while that very process runs (zombies count as gone)
  local now state
  now=$(proc_start "$1")
  [ -n "$now" ] && [ "$now" = "$2" ] || return 1
  state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
  [ "$state" != Z ]
}

# Members of session SID, one PID a line; nothing for our own session or a kernel one.
session_members() {
  local sid=$1 own
  own=$(proc_sid $$)
  [ -n "$sid" ] && [ "$sid" -gt 1 ] && [ "$sid" != "$own" ] || return 0
  ps -e -o pid=,sid=,stat= | awk -v s="$sid" '$2 == s && $3 !~ /^Z/ { print $1 }'
}

# ---- Ports ----------------------------------------------------------------------------------

# Every listening TCP/UDP socket as "ADDRESS PORT" (ADDRESS without brackets; * for any).
listening_sockets() {
  ss -Hlntu 2>/dev/null | awk '{
    local = $5
    port = local; sub(/.*:/, "", port)
    addr = local; sub(/:[^:]*$/, "", addr); gsub(/[\[\]]/, "", addr); sub(/%.*/, "", addr)
    print addr, port
  }'
}

# ADDRESS PORT SOCKETS_TEXT -> true when a socket in SOCKETS_TEXT holds that address and port
# (a wildcard listener holds it on every address of its family, and [::] often on IPv4 too).
port_taken() {
  local address=$1 port=$2 sockets=$3
  awk -v a="$address" -v p="$port" '
    $2 == p && ($1 == a || $1 == "*" || $1 == "0.0.0.0" || $1 == "::") { found = 1 }
    END { exit !found }' <<<"$sockets"
}

# Who holds ADDRESS:PORT, for the error message.
port_holder() {
  ss -Hlntup 2>/dev/null | awk -v p=":$2" '$5 ~ p"$" { print $5, $7 }' | head -n 3
}

lab_log_tail() {  # TITLE FILE
  [ -s "$2" ] || return 0
  printf -- '---- %s (last lines of %s) ----\n' "$1" "$2" >&2
  tail -n "${LAB_LOG_LINES:-25}" "$2" | sed 's/\r$//' >&2
}
