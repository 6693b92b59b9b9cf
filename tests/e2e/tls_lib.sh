# Sourced by the e2e tests that serve or reach TLS with basic auth (after lib.sh):
# certificates made by openssl, bcrypt hashes by the system's crypt.
# shellcheck shell=bash

# make_signed_cert DIR NAME: a test CA (DIR/ca.pem, DIR/ca.key) unless DIR has one, and
# NAME's key and certificate for 127.0.0.1 and localhost signed by it (DIR/NAME.key,
# DIR/NAME.pem). openssl's errors go to DIR/openssl.err.
make_signed_cert() {
  local dir=$1 name=$2
  if [ ! -s "$dir/ca.pem" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=dialsoak test CA" \
      -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>>"$dir/openssl.err" || fail "openssl: no CA"
  fi
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$dir/$name.key" -out "$dir/$name.csr" 2>>"$dir/openssl.err" || fail "openssl: no CSR for $name"
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$dir/san.ext"
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
    -days 2 -extfile "$dir/san.ext" -out "$dir/$name.pem" 2>>"$dir/openssl.err" ||
    fail "openssl: the certificate of $name was not signed"
}

# bcrypt_hash PASSWORD ROUNDS: a bcrypt hash of PASSWORD by the system's crypt (libxcrypt)
# through Python, with 2^ROUNDS rounds (6 is cheap for tests; Prometheus' tools use 10).
bcrypt_hash() {
  local hash
  hash=$(python3 -W ignore -c 'import crypt, sys
print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1 << int(sys.argv[2]))))' \
    "$1" "$2") || fail "python3 crypt could not make a bcrypt hash"
  [[ $hash == '$2'* ]] || fail "not a bcrypt hash: $hash"
  printf '%s\n' "$hash"
}
