# shellcheck shell=bash
# A tiny DNS server (dnsmasq) on a loopback port for the lab's names; the probe asks it through
# --dns-server. It knows only the lab's zones and forwards nothing: other names are REFUSED.

lab_dns_config() {  # STATE PORT
  local state=$1 port=$2 conf=$1/dnsmasq.conf p
  {
    echo "# smtp-probe lab: written by scripts/lab at every start."
    echo "port=$port"
    echo "listen-address=$LAB_IPV4"
    echo "bind-interfaces"
    echo "no-resolv"
    echo "no-hosts"
    echo "no-poll"
    echo "log-queries"
    echo "log-facility=$state/dnsmasq.log"
    echo "pid-file=$state/dnsmasq.pid"
    echo "user=nobody"
    # Authoritative for these zones: a name not listed is NXDOMAIN ($LAB_NXDOMAIN), a name
    # without an address record answers NODATA ($LAB_DOMAIN itself has only an MX).
    echo "local=/$LAB_DOMAIN/"
    echo "local=/hosting-provider.test/"
    echo "host-record=$LAB_HOST,$LAB_IPV4,$LAB_IPV6"
    echo "mx-host=$LAB_DOMAIN,$LAB_HOST,10"
    for p in "${LAB_PROVIDERS[@]}"; do
      echo "host-record=${LAB_PROVIDER_HOST[$p]},${LAB_PROVIDER_ADDRESS[$p]}"
    done
  } >"$conf"
}

lab_dns_start() {  # STATE
  local state=$1 pid
  if ! setsid dnsmasq --conf-file="$state/dnsmasq.conf" </dev/null >"$state/dnsmasq-start.out" 2>&1 9>&-
  then
    cat "$state/dnsmasq-start.out" >&2
    lab_log_tail "dnsmasq log" "$state/dnsmasq.log"
    lab_fail "dnsmasq did not start"
    return 1
  fi
  pid=$(cat "$state/dnsmasq.pid" 2>/dev/null | tr -dc '0-9' || true)
  [ -n "$pid" ] || {
    lab_fail "dnsmasq wrote no pid file"
    return 1
  }
  lab_record_pid "$state" dnsmasq "$pid"
}
