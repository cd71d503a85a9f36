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
#   ip.{pem,key}             SAN IP:127.0.0.1, IP:::1 (CN 127.0.0.1)
#   ipdns.{pem,key}          SAN DNS:127.0.0.1, DNS:::1: addresses spelled as DNS names
#   ipwrong.{pem,key}        SAN IP:127.0.0.2, IP:::ffff:127.0.0.1, IP:::2, DNS:localhost
#   nosan.{pem,key}          CN=localhost, no subjectAltName extension
#   nosanip.{pem,key}        CN=127.0.0.1, no subjectAltName extension
#   notyet.{pem,key}         localhost, valid 2040-01-01..2050-01-01
#   weakrsa.{pem,key}        localhost, RSA-1024 key
#   sha1.{pem,key}           localhost, signed with SHA-1
#   chain.{pem,key}          localhost, signed by intermediate CA inter; chain.pem = leaf + inter
#   chainmissing.{pem,key}   the same leaf without the intermediate
#   notca.{pem,key}          localhost, signed by a CA:FALSE certificate; leaf + that certificate
#   weakcurve.{pem,key}      localhost, signed by an intermediate with a P-224 key; leaf + it
#   nc.{pem,key}             localhost, signed by an intermediate with a CRITICAL nameConstraints
#                            extension that permits localhost and 127.0.0.0/8; leaf + it
#   ncsoft.{pem,key}         the same with a NON-critical nameConstraints extension
#   ncroot.pem               a root CA with a critical nameConstraints extension
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
[ v3_inter ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_notca ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyCertSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_inter_nc ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
nameConstraints = critical, permitted;DNS:localhost, permitted;IP:127.0.0.0/255.0.0.0
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_inter_ncsoft ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
nameConstraints = permitted;DNS:localhost, permitted;IP:127.0.0.0/255.0.0.0
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_ca_nc ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
nameConstraints = critical, permitted;DNS:localhost
subjectKeyIdentifier = hash
EOF
# The server (leaf) profiles differ only in their subjectAltName.
server_section() { # NAME [SUBJECT_ALT_NAME]
    printf '[ %s ]\nbasicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature\n' "$1"
    printf 'extendedKeyUsage = serverAuth\n'
    if [ $# -gt 1 ]; then printf 'subjectAltName = %s\n' "$2"; fi
    printf 'subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n'
}
{
    server_section server_localhost "DNS:localhost"
    server_section server_ip "IP:127.0.0.1, IP:::1"
    server_section server_ipdns "DNS:127.0.0.1, DNS:::1"
    server_section server_ipwrong "IP:127.0.0.2, IP:::ffff:127.0.0.1, IP:::2, DNS:localhost"
    server_section server_nosan
    server_section server_wrong "DNS:wrong.invalid"
} >>openssl.cnf

# KEYALG=rsa1024 or KEYCURVE=P-224 make a weak key for the certificates that need one.
key() {
    if [ "${KEYALG:-}" = rsa1024 ]; then
        openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$1" 2>/dev/null
    else
        openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:"${KEYCURVE:-P-256}" -out "$1" 2>/dev/null
    fi
}

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

# Host names: IP addresses, DNS names spelling them, no subjectAltName at all.
sign ca ip server_ip 127.0.0.1 -startdate "$since" -days 3650
sign ca ipdns server_ipdns 127.0.0.1 -startdate "$since" -days 3650
sign ca ipwrong server_ipwrong 127.0.0.1 -startdate "$since" -days 3650
sign ca nosan server_nosan localhost -startdate "$since" -days 3650
sign ca nosanip server_nosan 127.0.0.1 -startdate "$since" -days 3650

# What must stay refused.
sign ca notyet server_localhost localhost -startdate 20400101000000Z -enddate 20500101000000Z
KEYALG=rsa1024 sign ca weakrsa server_localhost localhost -startdate "$since" -days 3650
sign ca sha1 server_localhost localhost -startdate "$since" -days 3650 -md sha1

# Chains: root -> intermediate -> leaf; the served file is the leaf, then the intermediate.
# inter_name, extensions, leaf name[, KEYCURVE of the intermediate]
chain() {
    KEYCURVE=${4:-P-256} sign ca "$1" "$2" "apconn $1" -startdate "$since" -days 3650
    sign "$1" "$3" server_localhost localhost -startdate "$since" -days 3650
    cat "$1.pem" >>"$3.pem"
}
chain inter v3_inter chain
sign inter chainmissing server_localhost localhost -startdate "$since" -days 3650
chain notca_inter v3_notca notca
chain inter224 v3_inter weakcurve P-224
chain nc_inter v3_inter_nc nc
chain ncsoft_inter v3_inter_ncsoft ncsoft
key ncroot.key
openssl req -config openssl.cnf -new -x509 -key ncroot.key -subj "/CN=apconn name-constrained CA" -days 3650 \
    -extensions v3_ca_nc -out ncroot.pem

key selfsigned.key
openssl req -config openssl.cnf -new -x509 -key selfsigned.key -subj "/CN=localhost" -days 3650 \
    -extensions server_localhost -out selfsigned.pem 2>/dev/null || {
    # server_localhost has authorityKeyIdentifier=keyid, fine for self-signed too on 3.0;
    # fall back without it for older OpenSSL.
    openssl req -new -x509 -key selfsigned.key -subj "/CN=localhost" -days 3650 \
        -addext "subjectAltName=DNS:localhost" -out selfsigned.pem
}
rm -rf db other_ca.key ncroot.key ./*_inter.key inter.key inter224.key
echo "make_test_certs: certificates in $out"
