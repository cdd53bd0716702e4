#!/usr/bin/env bash
# Makes the certificates the TLS tests use, fresh on every run, with the openssl CLI:
#   make_test_certs.sh DIR
# DIR gets (every key ECDSA P-256 unless named rsa; *.pem a certificate, *.key its key):
#   ca.pem ca.key            a test CA
#   server.pem server.key    signed by ca, SANs localhost, a.test, 127.0.0.1, ::1 (1 year)
#   other.pem other.key      signed by ca, SAN b.test (the second certificate, for SNI)
#   rsa.pem rsa.key          RSA-2048, signed by ca, SAN localhost, 127.0.0.1
#   expired.pem expired.key  signed by ca, valid 2020-01-01..2020-01-02 only
#   wrong.key                a key that matches none of the certificates
#   client.pem client.key    a client certificate signed by ca (mTLS)
#   rogue-ca.pem rogue-client.pem rogue-client.key   a client certificate from another CA
#   selfsigned.pem selfsigned.key   self-signed, SAN localhost (an upstream nobody trusts)
set -euo pipefail
dir=${1:?usage: make_test_certs.sh DIR}
mkdir -p "$dir"
cd "$dir"

ec_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# make_ca NAME: a self-signed CA certificate NAME.pem with key NAME.key
make_ca() {
  ec_key "$1.key"
  openssl req -x509 -new -key "$1.key" -out "$1.pem" -days 3650 -subj "/CN=conv test $1" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
    2>/dev/null
}

# sign NAME CA SAN [EXTRA x509 options...]: NAME.pem for key NAME.key, signed by CA
sign() {
  local name=$1 ca=$2 san=$3
  shift 3
  openssl req -new -key "$name.key" -subj "/CN=$name" -out "$name.csr" 2>/dev/null
  printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth,clientAuth\n' \
    "$san" >"$name.ext"
  openssl x509 -req -in "$name.csr" -CA "$ca.pem" -CAkey "$ca.key" -CAcreateserial \
    -extfile "$name.ext" -out "$name.pem" "$@" 2>/dev/null
  rm -f "$name.csr" "$name.ext"
}

make_ca ca
make_ca rogue-ca
ec_key server.key
sign server ca 'DNS:localhost,DNS:a.test,IP:127.0.0.1,IP:::1' -days 365
ec_key other.key
sign other ca 'DNS:b.test' -days 365
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.key 2>/dev/null
sign rsa ca 'DNS:localhost,IP:127.0.0.1' -days 365
ec_key client.key
sign client ca 'DNS:client.test' -days 365
ec_key rogue-client.key
sign rogue-client rogue-ca 'DNS:client.test' -days 365
ec_key wrong.key
ec_key selfsigned.key
openssl req -x509 -new -key selfsigned.key -out selfsigned.pem -days 365 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null

# An expired certificate: `openssl ca` is the CLI that takes explicit start and end dates.
ec_key expired.key
openssl req -new -key expired.key -subj /CN=expired -out expired.csr 2>/dev/null
mkdir -p ca-db
: >ca-db/index.txt
cat >ca-db/openssl.cnf <<CNF
[ca]
default_ca = test
[test]
database = ca-db/index.txt
new_certs_dir = ca-db
serial = ca-db/serial
default_md = sha256
policy = any
copy_extensions = none
x509_extensions = ext
[any]
commonName = supplied
[ext]
subjectAltName = DNS:localhost,IP:127.0.0.1
CNF
echo 01 >ca-db/serial
openssl ca -batch -config ca-db/openssl.cnf -cert ca.pem -keyfile ca.key -in expired.csr \
  -out expired.pem -startdate 20200101000000Z -enddate 20200102000000Z -notext 2>/dev/null
rm -rf ca-db expired.csr ca.srl rogue-ca.srl
