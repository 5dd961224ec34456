# shellcheck shell=bash
# What the lab tells its users: $STATE/lab.env (shell), $STATE/lab.json (the tests read it) and
# the summary printed at start.

# A listener's name as a shell variable suffix: cert-self-signed -> CERT_SELF_SIGNED.
lab_var() {
  local v=${1//-/_}
  printf '%s\n' "${v^^}"
}

lab_listener_port() {  # NAME BASE
  local where=${LAB_WHERE[$1]}
  case "$where" in
    +*) echo $(($2 + ${where#+})) ;;
    *) echo "${where##*:}" ;;
  esac
}

lab_listener_host() {  # NAME -> the name a client asks for
  local where=${LAB_WHERE[$1]} p
  case "$where" in
    +*) echo "$LAB_HOST" ;;
    *)
      for p in "${LAB_PROVIDERS[@]}"; do
        if [ "${LAB_PROVIDER_ADDRESS[$p]}" = "${where%:*}" ]; then
          echo "${LAB_PROVIDER_HOST[$p]}"
          return 0
        fi
      done
      ;;
  esac
}

lab_listener_addresses() {  # NAME -> JSON array of addresses
  local where=${LAB_WHERE[$1]}
  case "$where" in
    +*) printf '["%s", "%s"]' "$LAB_IPV4" "$LAB_IPV6" ;;
    *) printf '["%s"]' "${where%:*}" ;;
  esac
}

json_str() {  # a JSON string; the lab's own values have no quotes or backslashes to escape
  local s=${1//\\/\\\\}
  s=${s//\"/\\\"}
  printf '"%s"' "$s"
}

# lab_write_env STATE BASE DNS_PORT CLOSED_PORT PASSWORD LOCAL_NAME
lab_write_env() {
  local state=$1 base=$2 dns_port=$3 closed_port=$4 password=$5 local_name=$6
  local name p sep
  {
    echo "# smtp-probe lab: source this file, or read lab.json beside it."
    echo "LAB_STATE_DIR=$state"
    echo "LAB_DOMAIN=$LAB_DOMAIN"
    echo "LAB_HOST=$LAB_HOST"
    echo "LAB_IPV4=$LAB_IPV4"
    echo "LAB_IPV6=$LAB_IPV6"
    echo "LAB_DNS=$LAB_IPV4:$dns_port"
    echo "LAB_CA_FILE=$state/certs/ca.crt"
    echo "LAB_USER=$LAB_USER"
    echo "LAB_PASSWORD=$password"
    echo "LAB_NXDOMAIN=$LAB_NXDOMAIN"
    echo "LAB_BASE_PORT=$base"
    echo "LAB_CLOSED_PORT=$closed_port"
    echo "LAB_LOCAL_NAME=$local_name"
    for name in "${LAB_LISTENERS[@]}"; do
      echo "LAB_PORT_$(lab_var "$name")=$(lab_listener_port "$name" "$base")"
    done
    for p in "${LAB_PROVIDERS[@]}"; do
      echo "LAB_PROVIDER_$(lab_var "$p")=${LAB_PROVIDER_HOST[$p]}"
    done
  } >"$state/lab.env"

  {
    echo "{"
    echo "  \"state_dir\": $(json_str "$state"),"
    echo "  \"domain\": $(json_str "$LAB_DOMAIN"),"
    echo "  \"host\": $(json_str "$LAB_HOST"),"
    echo "  \"ipv4\": $(json_str "$LAB_IPV4"),"
    echo "  \"ipv6\": $(json_str "$LAB_IPV6"),"
    echo "  \"dns\": $(json_str "$LAB_IPV4:$dns_port"),"
    echo "  \"ca_file\": $(json_str "$state/certs/ca.crt"),"
    echo "  \"user\": $(json_str "$LAB_USER"),"
    echo "  \"password\": $(json_str "$password"),"
    echo "  \"nxdomain\": $(json_str "$LAB_NXDOMAIN"),"
    echo "  \"base_port\": $base,"
    echo "  \"closed_port\": $closed_port,"
    echo "  \"local_name\": $(json_str "$local_name"),"
    echo "  \"listeners\": {"
    sep=""
    for name in "${LAB_LISTENERS[@]}"; do
      printf '%s    %s: {"host": %s, "addresses": %s, "port": %s, "security": %s, "summary": %s}' \
        "$sep" "$(json_str "$name")" "$(json_str "$(lab_listener_host "$name")")" \
        "$(lab_listener_addresses "$name")" "$(lab_listener_port "$name" "$base")" \
        "$(json_str "${LAB_SECURITY[$name]}")" "$(json_str "${LAB_SUMMARY[$name]}")"
      sep=$',\n'
    done
    printf '\n  },\n  "providers": {\n'
    sep=""
    for p in "${LAB_PROVIDERS[@]}"; do
      printf '%s    %s: {"host": %s, "address": %s, "summary": %s}' "$sep" "$(json_str "$p")" \
        "$(json_str "${LAB_PROVIDER_HOST[$p]}")" "$(json_str "${LAB_PROVIDER_ADDRESS[$p]}")" \
        "$(json_str "${LAB_PROVIDER_SUMMARY[$p]}")"
      sep=$',\n'
    done
    printf '\n  }\n}\n'
  } >"$state/lab.json"
}

lab_print_summary() {  # STATE
  local state=$1 name
  # shellcheck source=/dev/null
  source "$state/lab.env"
  echo "smtp-probe mail lab in $state"
  echo "  $LAB_HOST = $LAB_IPV4 and $LAB_IPV6; $LAB_NXDOMAIN does not exist;" \
    "port $LAB_CLOSED_PORT is closed"
  echo "  names: --dns-server $LAB_DNS   trust: --ca-file $LAB_CA_FILE"
  echo "  user: $LAB_USER (password: LAB_PASSWORD in $state/lab.env)"
  for name in "${LAB_LISTENERS[@]}"; do
    printf '  %-19s %-35s %-8s %s\n' "$name" \
      "$(lab_listener_host "$name"):$(lab_listener_port "$name" "$LAB_BASE_PORT")" \
      "${LAB_SECURITY[$name]}" "${LAB_SUMMARY[$name]}"
  done
  echo "  try: source $state/lab.env && export LAB_PASSWORD &&" \
    "smtp-probe check $LAB_HOST --port $LAB_PORT_SUBMISSION --dns-server $LAB_DNS" \
    "--ca-file $LAB_CA_FILE --user $LAB_USER --password-env LAB_PASSWORD"
}
