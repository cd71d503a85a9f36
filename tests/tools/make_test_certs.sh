#!/bin/sh
# Makes the throwaway certificates the TLS tests need (EC P-256, fast) into
# DIR (default build/platform/certs). Nothing here is secret or reused: the
# keys are generated on every run and live only under build/.
#   ca.pem / ca.der          test CA (the trust anchor the client is given)
#   server.{pem,key}         localhost (SAN DNS:localhost), signed by the CA
#   wronghost.{pem,key}      SAN DNS:wrong.invalid, signed by the CA
#   expired.{pem,key}        localhost, signed by the CA, valid 2020-01-01..2021-01-01
#   selfsigned.{pem,key}     localhost, self-signed
#   untrusted.{pem,key}      localhost, signed by another CA the client does not know
# Past validity dates without faketime: `openssl ca -startdate/-enddate`
# (OpenSSL 3.0's `x509` has no -not_before/-not_after; those came in 3.4).
set -eu
out=${1:-build/platform/certs}
mkdir -p "$out"
cd "$out"
rm -rf db && mkdir db

cat >openssl.cnf <<'EOF'
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = placeholder
[ ca ]
default_ca = test_ca
[ test_ca ]
database = db/index.txt
new_certs_dir = db
serial = db/serial
default_md = sha256
policy = any
unique_subject = no
[ any ]
commonName = supplied
[ v3_ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ server_localhost ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ server_wrong ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:wrong.invalid
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# CA name, key: a self-signed CA certificate valid for 10 years.
make_ca() {
    key "$2.key"
    openssl req -config openssl.cnf -new -x509 -key "$2.key" -subj "/CN=$1" -days 3650 \
        -extensions v3_ca -out "$2.pem"
}

# signer, name, extensions section, CN, dates...: a CSR signed with `openssl ca`.
sign() {
    signer=$1 name=$2 ext=$3 cn=$4; shift 4
    : >db/index.txt
    [ -f db/serial ] || echo 1000 >db/serial
    key "$name.key"
    openssl req -config openssl.cnf -new -key "$name.key" -subj "/CN=$cn" -out "$name.csr"
    openssl ca -config openssl.cnf -batch -notext -cert "$signer.pem" -keyfile "$signer.key" \
        -extensions "$ext" -in "$name.csr" -out "$name.pem" "$@" 2>/dev/null
    rm -f "$name.csr"
}

make_ca "apconn test CA" ca
openssl x509 -in ca.pem -outform DER -out ca.der
make_ca "apconn untrusted CA" other_ca

# Valid from yesterday: a client clock a little behind must not see "future".
since=$(date -u -d '1 day ago' +%Y%m%d%H%M%SZ)
sign ca server server_localhost localhost -startdate "$since" -days 3650
sign ca wronghost server_wrong wrong.invalid -startdate "$since" -days 3650
sign ca expired server_localhost localhost -startdate 20200101000000Z -enddate 20210101000000Z
sign other_ca untrusted server_localhost localhost -startdate "$since" -days 3650

key selfsigned.key
openssl req -config openssl.cnf -new -x509 -key selfsigned.key -subj "/CN=localhost" -days 3650 \
    -extensions server_localhost -out selfsigned.pem 2>/dev/null || {
    # server_localhost has authorityKeyIdentifier=keyid, fine for self-signed too on 3.0;
    # fall back without it for older OpenSSL.
    openssl req -new -x509 -key selfsigned.key -subj "/CN=localhost" -days 3650 \
        -addext "subjectAltName=DNS:localhost" -out selfsigned.pem
}
rm -rf db other_ca.key
echo "make_test_certs: certificates in $out"
