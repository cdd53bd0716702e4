#!/usr/bin/env bash
# shellcheck disable=SC2154  # PORT_<name>, PID_<name> are set by start_conv (printf -v)
# TLS on the real binary, both roles:
#   1. certificates that cannot be used are refused at start and by --check, with exit 2 and
#      a message naming the file: expired, a key that does not match, a missing file; TLS
#      flags without a certificate are a usage error;
#   2. the converter serves HTTPS on its port, and plain HTTP to that port is not answered;
#   3. the balancer serves HTTPS on --tls-port beside its plain port (byte-identical answers),
#      redirects http to https from --tls-redirect-port (308), and sends HSTS;
#   4. SIGHUP reloads the certificate files: new connections get the new certificate; a bad
#      file keeps the old one and the log says why; the process keeps serving throughout.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/smoke/lib.sh
source "$here/../smoke/lib.sh"
command -v openssl >/dev/null || fail "openssl is needed (scripts/install-deps.sh installs it)"
bash "$here/../support/make_test_certs.sh" "$WORK/certs"
C=$WORK/certs

# refused WHAT TEXT COMMAND...: COMMAND exits 2 and says TEXT on stderr.
refused() {
  local what=$1 text=$2 rc=0
  shift 2
  "$@" >"$WORK/out" 2>"$WORK/err" || rc=$?
  ((rc == 2)) || fail "$what: exit $rc, expected 2: $(cat "$WORK/err")"
  grep -qF -- "$text" "$WORK/err" || fail "$what: no '$text' in: $(cat "$WORK/err")"
  pass "$what: exit 2, '$text'"
}

# subject PORT [NAME]: the subject of the certificate served to SNI NAME (default localhost).
subject() {
  openssl s_client -connect "127.0.0.1:$1" -servername "${2:-localhost}" </dev/null 2>/dev/null |
    sed -n 's/^subject=//p'
}

# --- 1. refused at start and by --check
refused "expired certificate" "expired on 2020-01-02T00:00:00Z" \
  "$CONV" converter --port 0 --tls-cert "$C/expired.pem" --tls-key "$C/expired.key"
refused "key of another certificate" "does not match certificate" \
  "$CONV" converter --port 0 --tls-cert "$C/server.pem" --tls-key "$C/wrong.key"
refused "missing certificate file" "$C/absent.pem: cannot read" \
  "$CONV" converter --port 0 --tls-cert "$C/absent.pem" --tls-key "$C/server.key"
refused "TLS flags without a certificate" "without a certificate" \
  "$CONV" converter --port 0 --tls-port 8443
refused "a key missing for a certificate" "one key for each certificate" \
  "$CONV" balancer --check -u 127.0.0.1:1 --tls-cert "$C/server.pem"
cat >"$WORK/bad.json" <<JSON
{"upstreams": ["127.0.0.1:1"], "tls": {"certificates": [{"cert": "$C/expired.pem", "key": "$C/expired.key"}]}}
JSON
refused "balancer --check, expired" "expired on" "$CONV" balancer --check --config "$WORK/bad.json"
cat >"$WORK/good.json" <<JSON
{"upstreams": ["127.0.0.1:1"], "tls": {"certificates": [
  {"cert": "$C/server.pem", "key": "$C/server.key"},
  {"cert": "$C/other.pem", "key": "$C/other.key", "server_names": ["b.test"]}]}}
JSON
"$CONV" balancer --check --config "$WORK/good.json" >"$WORK/out" 2>&1 ||
  fail "balancer --check refused a good tls section: $(cat "$WORK/out")"
grep -qF "tls 2 certificate(s)" "$WORK/out" || fail "--check summary: $(cat "$WORK/out")"
pass "balancer --check loads a good tls section"

# --- 2. the converter over TLS
start_conv c1 converter --name c1 --threads 1 --access-log off \
  --tls-cert "$C/server.pem" --tls-key "$C/server.key"
body=$(curl -sS --cacert "$C/ca.pem" "https://localhost:$PORT_c1/convertepradolareuro/15.0")
[[ $body == '{"conversao":{"dolar":2.9411764705882355,"euro":2.678571428571429,"real":15.0}}' ]] ||
  fail "converter over TLS: $body"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT_c1/healthz" || true)
[[ $code == 000 ]] || fail "plain HTTP to the TLS port got $code"
pass "converter: HTTPS on its port; plain HTTP there is not answered"

# --- 3. the balancer: plain and HTTPS side by side, redirect, HSTS
tls_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redirect_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cp "$C/server.pem" "$WORK/live.pem"
cp "$C/server.key" "$WORK/live.key"
cat >"$WORK/lb.json" <<JSON
{"threads": 1, "name": "lb", "admin": "off", "access_log": "off", "health_check": null,
 "upstreams": ["127.0.0.1:1"],
 "tls": {"certificates": [{"cert": "$WORK/live.pem", "key": "$WORK/live.key"}],
         "port": $tls_port, "redirect_port": $redirect_port, "hsts_max_age": 600}}
JSON
start_conv u1 converter --name u1 --threads 1 --access-log off
sed -i "s/127.0.0.1:1\"/127.0.0.1:$PORT_u1\"/" "$WORK/lb.json"
start_conv lb balancer --config "$WORK/lb.json"
poll_until 5 grep -q "HTTPS on" "$WORK/lb.err" || fail "no HTTPS line"
plain=$(curl -sS "http://127.0.0.1:$PORT_lb/convertepradolareuro/15.0")
secure=$(curl -sS --cacert "$C/ca.pem" -D "$WORK/h" "https://localhost:$tls_port/convertepradolareuro/15.0")
[[ $plain == "$secure" && -n $plain ]] || fail "plain and https answers differ: $plain / $secure"
grep -qi "^Strict-Transport-Security: max-age=600" "$WORK/h" || fail "no HSTS: $(cat "$WORK/h")"
loc=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "http://localhost:$redirect_port/v1/rates?x=1")
[[ $loc == "308 https://localhost:$tls_port/v1/rates?x=1" ]] || fail "redirect: $loc"
pass "balancer: HTTPS on --tls-port beside plain, 308 redirect, HSTS"

# --- 4. SIGHUP reloads certificates
[[ $(subject "$tls_port") == *"CN = server"* ]] || fail "before reload: $(subject "$tls_port")"
cp "$C/other.pem" "$WORK/live.pem"
cp "$C/other.key" "$WORK/live.key"
kill -HUP "$PID_lb"
poll_until 5 grep -q "TLS certificates reloaded" "$WORK/lb.err" || fail "no reload line"
poll_until 5 bash -c "[[ \$(openssl s_client -connect 127.0.0.1:$tls_port </dev/null 2>/dev/null | sed -n 's/^subject=//p') == *'CN = other'* ]]" ||
  fail "after reload: $(subject "$tls_port")"
cp "$C/wrong.key" "$WORK/live.key"
kill -HUP "$PID_lb"
poll_until 5 grep -q "TLS certificates do not load, keeping the old configuration" "$WORK/lb.err" ||
  fail "a bad key file was not reported"
[[ $(subject "$tls_port" b.test) == *"CN = other"* ]] || fail "the old certificate was not kept"
kill -0 "$PID_lb" || fail "the balancer died"
pass "SIGHUP: new certificate taken; a bad key keeps the old one and says why"
