#!/usr/bin/env bash
# Instructions a TLS-terminating proxy executes per new connection (a full handshake, one
# proxied request, the close), counted by callgrind: exact and independent of the machine's
# load, where bench/tls.sh's handshakes/s on this shared 2-CPU machine move by 10% and more.
#
#   bench/tls_instructions.sh [CONV_BINARY ...]   (default: build/conv)
#
# Each contender (every binary given as `conv balancer --threads 1`, then PEERS, default
# "nginx haproxy", one worker/thread each, with bench/tls.sh's TLS settings) terminates TLS in
# front of two plain `conv converter`s under callgrind. One curl makes N (default 200)
# connections, each a full handshake (--no-sessionid: no resumption) and one request with
# "Connection: close"; the dump after a first connection is subtracted, so start-up is not
# counted. KEYS="ecdsa rsa" (the default) names the certificates: ECDSA P-256 and RSA-2048.
# The signature dominates (RSA-2048: about 8 of 9 million instructions): compare the
# difference, which is the servers' own work.
#
# KEEPALIVE=1 counts instead per request on one kept-alive TLS connection (N requests; the
# row tls.sh loads with wrk): the record layer's work and the proxy's own.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
source "$here/lib.sh"
bench_install valgrind curl openssl nginx haproxy

N=${N:-200}
KEEPALIVE=${KEEPALIVE:-0}
if ((KEEPALIVE)); then CURL_ARGS=(); else CURL_ARGS=(--no-sessionid -H "Connection: close"); fi
KEYS=${KEYS:-ecdsa rsa}
PEERS=${PEERS-nginx haproxy}
BINARIES=("$@")
((${#BINARIES[@]})) || BINARIES=("$here/../build/conv")
make_certs
start_converters "${BINARIES[0]}" 2
c1=${UPSTREAMS[0]} c2=${UPSTREAMS[1]}

# cert KEY: the certificate's name in $CERTS for a KEYS word.
cert() { if [[ $1 == ecdsa ]]; then echo server; else echo "$1"; fi; }

# start_* KEY PORT: the contender's command line, run under callgrind by measure().
cmd_conv() {
  echo "$BIN balancer --host 127.0.0.1 --port $2 --threads 1 --access-log off --admin off" \
    "-u 127.0.0.1:$c1 -u 127.0.0.1:$c2 --tls-cert $CERTS/$(cert "$1").pem" \
    "--tls-key $CERTS/$(cert "$1").key"
}
cmd_nginx() {
  local dir=$BENCH_DIR/nginx t
  mkdir -p "$dir"
  {
    echo "daemon off; master_process off; worker_processes 1; pid $dir/nginx.pid;"
    echo "error_log $dir/error.log warn; events { worker_connections 1000; }"
    echo "http { access_log off;"
    for t in client_body proxy fastcgi uwsgi scgi; do echo "${t}_temp_path $dir;"; done
    echo "upstream backend { server 127.0.0.1:$c1; server 127.0.0.1:$c2; keepalive 128; }"
    echo "server { listen 127.0.0.1:$2 ssl;"
    nginx_tls_lines "$(cert "$1")"
    echo "  location / { proxy_pass http://backend; proxy_http_version 1.1;"
    echo "    proxy_set_header Connection \"\"; } } }"
  } >"$dir/nginx.conf"
  echo "nginx -c $dir/nginx.conf"
}
cmd_haproxy() {
  {
    echo "global"
    echo "  nbthread 1"
    haproxy_tls_globals
    echo "defaults"
    echo "  mode http"
    echo "  timeout connect 1s"
    echo "  timeout client 30s"
    echo "  timeout server 30s"
    echo "frontend fe"
    echo "  bind 127.0.0.1:$2 ssl crt $CERTS/$(cert "$1").both.pem alpn http/1.1"
    echo "  default_backend be"
    echo "backend be"
    echo "  balance roundrobin"
    echo "  http-reuse always"
    echo "  server s1 127.0.0.1:$c1"
    echo "  server s2 127.0.0.1:$c2"
  } >"$BENCH_DIR/haproxy.cfg"
  echo "haproxy -f $BENCH_DIR/haproxy.cfg -db"
}

# measure NAME KEY: prints the contender's instructions per new connection (per request with
# KEEPALIVE=1).
measure() {
  local name=$1 key=$2 port pid i url cmd first second
  port=$(free_port)
  cmd=$("cmd_${name%%:*}" "$key" "$port")
  rm -f "$BENCH_DIR"/cg.out*
  # shellcheck disable=SC2086
  valgrind --tool=callgrind --callgrind-out-file="$BENCH_DIR/cg.out" $cmd 2>"$BENCH_DIR/vg.err" &
  pid=$!
  BENCH_PIDS+=("$pid")
  url="https://127.0.0.1:$port/convertepradolareuro/15.0"
  for ((i = 0; i < 600; i++)); do
    curl -skf -o /dev/null "$url" && break
    sleep 0.1
  done
  callgrind_control --dump=warm "$pid" >/dev/null 2>&1
  for ((i = 1; i <= N; i++)); do printf 'url = "%s"\noutput = "/dev/null"\n' "$url"; done \
    >"$BENCH_DIR/urls"
  curl -sk --http1.1 "${CURL_ARGS[@]}" --config "$BENCH_DIR/urls" \
    -w '%{http_code}\n' >"$BENCH_DIR/codes"
  callgrind_control --dump=measured "$pid" >/dev/null 2>&1
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null || true
  first=$(grep -c '^200$' "$BENCH_DIR/codes")
  second=$(grep -l 'measured' "$BENCH_DIR"/cg.out* | head -1)
  if [[ $first != "$N" || -z $second ]]; then
    echo "missing ($first of $N answered)"
    return
  fi
  echo "$(($(total_ir "$second") / N))"
}

contenders=()
for bin in "${BINARIES[@]}"; do contenders+=("conv:$bin"); done
for peer in $PEERS; do contenders+=("$peer"); done
printf '%-6s %-50s %14s\n' "key" "contender" "Ir/$( ((KEEPALIVE)) && echo request || echo connection)"
for key in $KEYS; do
  for c in "${contenders[@]}"; do
    BIN=${c#conv:}
    printf '%-6s %-50s %14s\n' "$key" "$c" "$(measure "$c" "$key")"
  done
done
