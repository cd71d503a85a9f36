#!/bin/sh
# Creates the throwaway certificates the CLI demo and integration tests use,
# all for "localhost" (mbedTLS 2.28 does not match IP addresses), EC P-256:
#   ca.pem                 the test CA the client trusts (--ca)
#   good.{pem,key}         localhost, signed by the CA
#   wronghost.{pem,key}    "wrong.example", signed by the CA (host name mismatch)
#   untrusted.{pem,key}    localhost, signed by a second CA the client does not trust
#   expired.{pem,key}      localhost, signed by the CA, valid only in 2020
#   selfsigned.{pem,key}   localhost, self-signed
# Usage: tests/integration/make_cli_certs.sh DIR [good-only]
set -eu
dir=$1; mode=${2:-all}
mkdir -p "$dir"; cd "$dir"
[ -f ca.pem ] && [ -f good.pem ] && { [ "$mode" = good-only ] || [ -f selfsigned.pem ]; } && exit 0
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
ca() { # name subject
    key "$1.key"
    openssl req -x509 -new -key "$1.key" -out "$1.pem" -days 3650 -subj "/CN=$2" \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
}
leaf() { # name host ca [startdate enddate]
    key "$1.key"
    openssl req -new -key "$1.key" -out "$1.csr" -subj "/CN=$2" 2>/dev/null
    printf 'subjectAltName=DNS:%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$2" > "$1.ext"
    if [ $# -gt 3 ]; then
        # An expired certificate needs explicit dates: `openssl ca` takes them.
        mkdir -p "$1.db"; : > "$1.db/index.txt"; echo 01 > "$1.db/serial"
        cat > "$1.cnf" <<CNF
[ca]
default_ca = tca
[tca]
database = $1.db/index.txt
serial = $1.db/serial
new_certs_dir = $1.db
default_md = sha256
policy = any
copy_extensions = none
[any]
commonName = supplied
CNF
        openssl ca -batch -config "$1.cnf" -cert "$3.pem" -keyfile "$3.key" -in "$1.csr" -out "$1.pem" \
            -startdate "$4" -enddate "$5" -extfile "$1.ext" -notext 2>/dev/null
    else
        openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial -out "$1.pem" \
            -days 825 -extfile "$1.ext" 2>/dev/null
    fi
}
ca ca "apconn test CA"
leaf good localhost ca
[ "$mode" = good-only ] && exit 0
leaf wronghost wrong.example ca
ca otherca "apconn untrusted CA"
leaf untrusted localhost otherca
leaf expired localhost ca 20200101000000Z 20200102000000Z
key selfsigned.key
openssl req -x509 -new -key selfsigned.key -out selfsigned.pem -days 825 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost 2>/dev/null
