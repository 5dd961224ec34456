# shellcheck shell=bash
# A throwaway CA and the lab's server certificates, made fresh at every start with openssl.
# The probe trusts the lab through --ca-file $DIR/ca.crt; every certificate but one defect apart
# is the same as "valid", so each listener shows exactly one problem.

lab_cert_date() {  # "N days" offset from now -> ASN.1 time for openssl ca
  date -u -d "$1" +%Y%m%d%H%M%SZ
}

lab_new_key() {  # FILE
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
  chmod 600 "$1"
}

lab_make_ca() {  # DIR NAME "SUBJECT"
  local dir=$1 name=$2 subject=$3
  lab_new_key "$dir/$name.key"
  openssl req -x509 -new -key "$dir/$name.key" -out "$dir/$name.crt" -days 30 -subj "$subject" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  mkdir -p "$dir/$name.db/new"
  : >"$dir/$name.db/index.txt"
  openssl rand -hex 8 >"$dir/$name.db/serial"
}

# lab_issue DIR CA NAME CN SAN FROM UNTIL: a server certificate signed by CA.
lab_issue() {
  local dir=$1 ca=$2 name=$3 cn=$4 san=$5 from=$6 until=$7
  lab_new_key "$dir/$name.key"
  openssl req -new -key "$dir/$name.key" -out "$dir/$name.csr" -subj "/O=smtp-probe lab/CN=$cn" \
    2>/dev/null
  LAB_SAN=$san openssl ca -batch -notext -config "$dir/openssl-ca.cnf" -name lab_ca \
    -cert "$dir/$ca.crt" -keyfile "$dir/$ca.key" -outdir "$dir/$ca.db/new" \
    -startdate "$(lab_cert_date "$from")" -enddate "$(lab_cert_date "$until")" \
    -extensions leaf -in "$dir/$name.csr" -out "$dir/$name.crt" >/dev/null 2>"$dir/$name.err" ||
    {
      cat "$dir/$name.err" >&2
      lab_fail "openssl could not issue the $name certificate"
      return 1
    }
}

# lab_make_certs DIR LOCAL_NAME...: LOCAL_NAME is this machine's host name (and its FQDN), used
# only by the certificate of the local-redirect look-alike.
lab_make_certs() {
  local dir=$1
  shift
  local local_names=("$@")
  mkdir -p "$dir"
  local valid_san="DNS:$LAB_HOST"
  local p
  for p in "${LAB_PROVIDERS[@]}"; do
    [ "$p" = redirect ] || valid_san+=",DNS:${LAB_PROVIDER_HOST[$p]},IP:${LAB_PROVIDER_ADDRESS[$p]}"
  done
  valid_san+=",IP:$LAB_IPV4,IP:$LAB_IPV6"
  local local_san="" n
  for n in "${local_names[@]}"; do
    local_san+="${local_san:+,}DNS:$n"
  done

  lab_make_ca "$dir" ca "/O=smtp-probe lab/CN=smtp-probe lab CA"
  lab_make_ca "$dir" rogue-ca "/O=nobody trusts this/CN=unknown CA"

  # The database path differs per CA: each issue call rewrites the config from this template.
  cat >"$dir/openssl-ca.cnf.in" <<'EOF'
[ lab_ca ]
database = @DB@/index.txt
serial = @DB@/serial
new_certs_dir = @DB@/new
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none

[ policy_any ]
organizationName = optional
commonName = supplied

[ leaf ]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = ${ENV::LAB_SAN}
EOF
  issue() {  # CA NAME CN SAN FROM UNTIL
    sed "s|@DB@|$dir/$1.db|" "$dir/openssl-ca.cnf.in" >"$dir/openssl-ca.cnf"
    lab_issue "$dir" "$@"
  }
  issue ca valid "$LAB_HOST" "$valid_san" "-1 day" "+90 days"
  issue ca expired "$LAB_HOST" "$valid_san" "-90 days" "-2 days"
  issue ca expiring "$LAB_HOST" "$valid_san" "-60 days" "+5 days"
  issue ca not-yet-valid "$LAB_HOST" "$valid_san" "+365 days" "+730 days"
  issue ca wrong-name www.elsewhere.example "DNS:www.elsewhere.example" "-1 day" "+90 days"
  issue rogue-ca unknown-ca "$LAB_HOST" "$valid_san" "-1 day" "+90 days"
  issue ca local "${local_names[0]}" "$local_san" "-1 day" "+90 days"
  unset -f issue

  lab_new_key "$dir/self-signed.key"
  openssl req -x509 -new -key "$dir/self-signed.key" -out "$dir/self-signed.crt" -days 90 \
    -subj "/O=smtp-probe lab/CN=$LAB_HOST" -addext "subjectAltName=$valid_san" \
    -addext "basicConstraints=critical,CA:FALSE" -addext "extendedKeyUsage=serverAuth" 2>/dev/null

  rm -f "$dir"/*.csr "$dir"/*.err
  chmod 644 "$dir"/*.crt
}
