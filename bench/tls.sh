#!/usr/bin/env bash
# TLS termination, in one run and on loopback: conv balancer, nginx and HAProxy (Debian's
# packages), each with 1 thread/worker, the same certificate, TLS 1.2 and 1.3, Mozilla's
# intermediate ciphers, session tickets and a session cache, plain HTTP with keep-alive to the
# same two `conv converter` upstreams. Per contender and round (the order rotates each round):
#   1. keep-alive requests over TLS: wrk https://, 50 connections, req/s, p50, p99, and the
#      server's CPU time per request (/proc/PID/stat);
#   2. full handshakes with an ECDSA P-256 and with an RSA-2048 certificate: HS_CLIENTS
#      parallel `openssl s_time -new -www PATH` (a new connection and a full handshake per
#      request, no session offered);
#   3. resumed handshakes: the same with `openssl s_time -reuse` (s_time prints an r for each
#      resumed connection, a * for a full handshake: a run needs 99% r, a -new run no r);
#   4. RSS per idle TLS connection: bench/tls_idle_clients.py opens IDLE_CONNS connections,
#      each with a handshake and one request, and keeps them idle; RSS after minus before,
#      per connection (nginx: its worker alone and master + worker).
# Prints medians of ROUNDS, as a markdown table with conv's ratios to nginx and HAProxy. A
# measurement that failed is shown as "missing", not dropped.
#
# Handshakes: the client does as much public-key work per handshake as the server (ECDHE
# both sides; the client verifies the server's signature), so on this 2-CPU machine the
# clients can saturate before a 1-worker server does and handshakes/s then measures them,
# alike for every contender. The server's CPU time per handshake (user + system, from
# /proc/PID/stat, over the same run) does not depend on the client: "per server CPU-second"
# rows are 1 / that time, the handshakes one core of the server can do.
# (wrk is no full-handshake client: on reconnecting it resumes its previous session.)
#
# Usage: bench/tls.sh [duration=10s]
#   ROUNDS=3 HS_SECONDS=5 HS_CLIENTS=4 IDLE_CONNS=5000 CONTENDERS="conv nginx haproxy"
#   CONV=path/to/conv. CONV_BASELINE=path/to/older/conv adds that binary as one more contender
#   (a column and a conv/baseline ratio): the before/after figures of a change.
#   ROWS="keepalive ecdsa resumed idle rsa" (the default, all) runs only the rows named.
#   CONV_ROLE=converter makes conv's contenders `conv converter` serving TLS itself (no proxy
#   hop: not comparable to the peers; for before/after figures of the TLS stream alone).
# Nothing is pinned: servers, upstreams and clients share the machine's CPUs alike for every
# contender, so compare the ratios within one run.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
source "$here/lib.sh"

DURATION=${1:-10s}
ROUNDS=${ROUNDS:-3}
HS_SECONDS=${HS_SECONDS:-5}
HS_CLIENTS=${HS_CLIENTS:-4}
IDLE_CONNS=${IDLE_CONNS:-5000}
CONTENDERS=${CONTENDERS:-conv nginx haproxy}
CONV_ROLE=${CONV_ROLE:-balancer}
ROWS=" ${ROWS:-keepalive ecdsa resumed idle rsa} "
CONV=${CONV:-$here/../build/conv}
CONNECTIONS=50
WRK_THREADS=2
URL_PATH=/convertepradolareuro/15.0
BODY='{"conversao":{"dolar":2.9411764705882355,"euro":2.678571428571429,"real":15.0}}'
CLK_TCK=$(getconf CLK_TCK)

bench_install nginx haproxy wrk curl python3 openssl
[[ -x $CONV ]] || { echo "build conv first: $CONV" >&2; exit 1; }
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
(($(ulimit -n) > IDLE_CONNS + 1000)) || { echo "ulimit -n $(ulimit -n): too low for $IDLE_CONNS" >&2; exit 1; }

make_certs
export CURL_CA_BUNDLE=$CERTS/ca.pem  # wait_http's curl trusts the test CA

# The two upstreams every contender shares: conv converters, 1 thread each, plain HTTP.
start_converters "$CONV" 2

# start_CONTENDER CERT PORT: starts it in front of the upstreams with CERT (server or rsa),
# sets PID. Each answers over TLS on PORT, keeps idle connections 300 s and allows 9,000 (HAProxy
# wants 2 descriptors a connection, and the hard limit of open files may be 20,000).
start_conv() { conv_contender conv "$CONV" "$@"; }
start_baseline() { conv_contender baseline "$CONV_BASELINE" "$@"; }
conv_contender() {
  local name=$1 bin=$2 cert=$3 port=$4 up=()
  if [[ $CONV_ROLE == converter ]]; then
    "$bin" converter --host 127.0.0.1 --port "$port" --threads 1 --access-log off \
      --max-connections 9000 --idle-timeout 300 --name conv \
      --tls-cert "$CERTS/$cert.pem" --tls-key "$CERTS/$cert.key" 2>"$BENCH_DIR/$name.err" &
  else
    for p in "${UPSTREAMS[@]}"; do up+=(-u "127.0.0.1:$p"); done
    "$bin" balancer --host 127.0.0.1 --port "$port" --threads 1 --access-log off --admin off \
      --max-connections 9000 --idle-timeout 300 "${up[@]}" \
      --tls-cert "$CERTS/$cert.pem" --tls-key "$CERTS/$cert.key" 2>"$BENCH_DIR/$name.err" &
  fi
  PID=$!
  BENCH_PIDS+=("$PID")
}

start_nginx() {
  local cert=$1 port=$2 dir=$BENCH_DIR/nginx-$1 t p
  mkdir -p "$dir"
  {
    echo "worker_processes 1; daemon off; pid $dir/nginx.pid; error_log $dir/error.log warn;"
    echo "worker_rlimit_nofile $(ulimit -n);"
    echo "events { worker_connections 9000; }"
    echo "http { access_log off; keepalive_requests 1000000000; keepalive_timeout 300s;"
    for t in client_body proxy fastcgi uwsgi scgi; do echo "${t}_temp_path $dir;"; done
    echo "upstream backend {"
    for p in "${UPSTREAMS[@]}"; do echo "  server 127.0.0.1:$p;"; done
    echo "  keepalive 128; keepalive_requests 1000000000; }"
    echo "server { listen 127.0.0.1:$port ssl;"
    nginx_tls_lines "$cert"
    echo "  location / { proxy_pass http://backend;"
    echo "    proxy_http_version 1.1; proxy_set_header Connection \"\"; } } }"
  } >"$dir/nginx.conf"
  nginx -c "$dir/nginx.conf" -e "$dir/error.log" </dev/null >/dev/null 2>"$BENCH_DIR/nginx.err" &
  PID=$!
  BENCH_PIDS+=("$PID")
}

start_haproxy() {
  local cert=$1 port=$2 file=$BENCH_DIR/haproxy-$1.cfg i=0 p
  {
    echo "global"
    echo "  nbthread 1"
    echo "  maxconn 9000"
    haproxy_tls_globals
    echo "defaults"
    echo "  mode http"
    echo "  timeout connect 1s"
    echo "  timeout client 300s"
    echo "  timeout server 30s"
    echo "  timeout http-keep-alive 300s"
    echo "  option http-keep-alive"
    echo "frontend fe"
    echo "  bind 127.0.0.1:$port ssl crt $CERTS/$cert.both.pem alpn http/1.1"
    echo "  maxconn 9000"
    echo "  default_backend be"
    echo "backend be"
    echo "  balance roundrobin"
    echo "  http-reuse always"
    for p in "${UPSTREAMS[@]}"; do
      i=$((i + 1))
      echo "  server s$i 127.0.0.1:$p maxconn 10000"
    done
  } >"$file"
  haproxy -f "$file" -db 2>"$BENCH_DIR/haproxy.err" &
  PID=$!
  BENCH_PIDS+=("$PID")
}

label() {
  case $1 in
    conv) if [[ $CONV_ROLE == converter ]]; then echo "conv converter (direct, no proxy hop)"
          else echo "conv balancer --threads 1"; fi ;;
    nginx) echo "nginx $(nginx -v 2>&1 | sed 's/.*\///'), 1 worker" ;;
    haproxy) echo "HAProxy $(haproxy -v | awk 'NR==1 {print $3}'), nbthread 1" ;;
    baseline) echo "baseline: $(label conv)" ;;
  esac
}

# results: "metric|contender|value" lines, one per measurement and round.
results=()
record() { results+=("$1|$2|$3"); }

# up NAME CERT: starts NAME with CERT on a new port and checks it answers the converter's body
# over TLS; sets PORT and PID. Fails (and stops it) if it does not.
up() {
  local name=$1 cert=$2 got
  PORT=$(free_port)
  "start_$name" "$cert" "$PORT"
  if ! wait_http "https://127.0.0.1:$PORT$URL_PATH"; then
    echo "$name did not start: $(tail -3 "$BENCH_DIR/$name.err" 2>/dev/null)" >&2
    stop "$PID"
    return 1
  fi
  got=$(curl -s "https://127.0.0.1:$PORT$URL_PATH")
  [[ $got == "$BODY" ]] || { echo "unexpected body from $name: $got" >&2; stop "$PID"; return 1; }
}

# keepalive NAME: wrk over TLS with keep-alive; req/s, p50, p99, errors, server µs/request.
keepalive() {
  local name=$1 out c0 c1 n rps errs non2xx
  echo "bench: $name, keep-alive" >&2
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d2s "https://127.0.0.1:$PORT$URL_PATH" >/dev/null 2>&1 || true
  c0=$(cpu_ticks "$PID")
  out=$(wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "https://127.0.0.1:$PORT$URL_PATH" 2>&1) || true
  c1=$(cpu_ticks "$PID")
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  n=$(awk '/requests in/ {print $1}' <<<"$out")
  [[ -n $rps && ${n:-0} -gt 0 ]] || { echo "wrk failed against $name: $out" >&2; return 0; }
  errs=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  record ka_rps "$name" "$rps"
  record ka_p50 "$name" "$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")"
  record ka_p99 "$name" "$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")"
  record ka_errors "$name" "$((${errs:-0} + ${non2xx:-0}))"
  record ka_cpu "$name" "$(awk -v t=$((c1 - c0)) -v k="$CLK_TCK" -v n="$n" 'BEGIN {print t / k * 1e6 / n}')"
}

# handshakes NAME new|reuse METRIC: HS_CLIENTS parallel s_time loops for HS_SECONDS each;
# handshakes/s over the wall time, and per server CPU-second.
handshakes() {
  local name=$1 mode=$2 metric=$3 i pids=() c0 c1 t0 t1 n reused short
  echo "bench: $name, $metric" >&2
  c0=$(cpu_ticks "$PID")
  t0=$(date +%s.%N)
  for ((i = 0; i < HS_CLIENTS; i++)); do
    timeout $((HS_SECONDS + 60)) openssl s_time -connect "127.0.0.1:$PORT" "-$mode" \
      -time "$HS_SECONDS" -www "$URL_PATH" >"$BENCH_DIR/s_time.$i" 2>&1 &
    pids+=("$!")
    BENCH_PIDS+=("$!")
  done
  for i in "${pids[@]}"; do reap "$i"; done
  t1=$(date +%s.%N)
  c1=$(cpu_ticks "$PID")
  # s_time prints one character per connection: r if it resumed a session, * if not.
  n=$(cat "$BENCH_DIR"/s_time.* | awk '/^[r*]+$/ {s += length($0)} END {print s + 0}')
  # ... and how many bytes per connection it read: less than the body is no answer.
  short=$(cat "$BENCH_DIR"/s_time.* | awk -v min=${#BODY} '/bytes read per connection/ && $(NF - 4) < min {s++} END {print s + 0}')
  reused=$(cat "$BENCH_DIR"/s_time.* | awk '/^[r*]+$/ {s += gsub(/r/, "")} END {print s + 0}')
  rm -f "$BENCH_DIR"/s_time.*
  if ((n == 0 || short > 0)); then echo "no handshake or no answer from $name ($metric)" >&2; return 0; fi
  if [[ $mode == new ]] && ((reused > 0)); then
    echo "$name: $reused of $n connections resumed in a full-handshake run" >&2; return 0
  fi
  if [[ $mode == reuse ]] && ((reused * 100 < n * 99)); then
    echo "$name: only $reused of $n connections resumed" >&2; return 0
  fi
  record "$metric" "$name" "$(awk -v n="$n" -v a="$t0" -v b="$t1" 'BEGIN {print n / (b - a)}')"
  record "${metric}_core" "$name" "$(awk -v t=$((c1 - c0)) -v k="$CLK_TCK" -v n="$n" 'BEGIN {print (t > 0 ? n / (t / k) : 0)}')"
}

# idle NAME: RSS per idle TLS connection, IDLE_CONNS of them.
idle() {
  local name=$1 r0 w0 r1 w1 cpid i ok failed worker
  echo "bench: $name, $IDLE_CONNS idle connections" >&2
  worker=$(pgrep -P "$PID" | head -1 || true)  # nginx's worker (none for the others)
  r0=$(rss_kb "$PID")
  w0=$(rss_kb "${worker:-$PID}")
  rm -f "$BENCH_DIR/idle.out"  # not the last run's "ready"
  python3 "$here/tls_idle_clients.py" 127.0.0.1 "$PORT" "$URL_PATH" "$IDLE_CONNS" \
    >"$BENCH_DIR/idle.out" 2>"$BENCH_DIR/idle.err" &
  cpid=$!
  BENCH_PIDS+=("$cpid")
  for ((i = 0; i < 600; i++)); do  # 5 minutes at most
    grep -qs "^ready" "$BENCH_DIR/idle.out" && break
    kill -0 "$cpid" 2>/dev/null || break
    sleep 0.5
  done
  sleep 1
  r1=$(rss_kb "$PID")
  w1=$(rss_kb "${worker:-$PID}")
  read -r _ ok failed < <(grep '^ready' "$BENCH_DIR/idle.out" || echo "none 0 0")
  stop "$cpid"
  if ((ok == 0)); then echo "idle connections to $name failed: $(cat "$BENCH_DIR/idle.out") $(tail -3 "$BENCH_DIR/idle.err")" >&2; return 0; fi
  ((failed == 0)) || echo "warning: $failed of $IDLE_CONNS idle connections to $name failed" >&2
  record idle_kib "$name" "$(awk -v a="$w0" -v b="$w1" -v n="$ok" 'BEGIN {print (b - a) / n}')"
  record idle_kib_total "$name" "$(awk -v a="$r0" -v b="$r1" -v n="$ok" 'BEGIN {print (b - a) / n}')"
  record idle_mib "$name" "$(awk -v b="$r1" 'BEGIN {print b / 1024}')"
}

# alive NAME: says so if the contender has exited (and why, from its stderr); false then.
alive() {
  kill -0 "$PID" 2>/dev/null && return 0
  echo "$1 exited: $(tail -3 "$BENCH_DIR/$1.err" 2>/dev/null)" >&2
  return 1
}

read -ra names <<<"$CONTENDERS"
[[ -z ${CONV_BASELINE:-} ]] || names+=(baseline)
for ((round = 1; round <= ROUNDS; round++)); do
  for ((k = 0; k < ${#names[@]}; k++)); do
    name=${names[(k + round - 1) % ${#names[@]}]}
    echo "bench: round $round, $name" >&2
    if [[ $ROWS =~ \ (keepalive|ecdsa|resumed|idle)\  ]] && up "$name" server; then
      [[ $ROWS != *" keepalive "* ]] || keepalive "$name"
      [[ $ROWS != *" ecdsa "* ]] || { alive "$name" && handshakes "$name" new hs_ecdsa; }
      [[ $ROWS != *" resumed "* ]] || { alive "$name" && handshakes "$name" reuse hs_resumed; }
      [[ $ROWS != *" idle "* ]] || { alive "$name" && idle "$name"; }
      alive "$name" || true
      stop "$PID"
    fi
    if [[ $ROWS == *" rsa "* ]] && up "$name" rsa; then
      handshakes "$name" new hs_rsa
      alive "$name" || true
      stop "$PID"
    fi
  done
done

echo "# $(date -u +%FT%TZ) $(nproc) CPUs (shared, noisy), nothing pinned; $(openssl version | cut -d' ' -f1-2);" \
  "1 thread/worker each, TLS 1.3 negotiated (TLS_AES_256_GCM_SHA384, X25519); upstreams: 2 x conv" \
  "converter --threads 1; keep-alive: wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION --latency;" \
  "handshakes: $HS_CLIENTS x openssl s_time -new|-reuse -time $HS_SECONDS -www (one request per" \
  "connection); idle: $IDLE_CONNS connections; median of $ROUNDS round(s)"
# One row per metric: each contender's median over the rounds, then conv's ratios.
printf '%s\n' "${results[@]}" | awk -F'|' -v c1="$(label conv)" -v c2="$(label nginx)" -v c3="$(label haproxy)" \
  -v c4="$([[ -z ${CONV_BASELINE:-} ]] || label baseline)" '
  { v[$1, $2, ++cnt[$1, $2]] = $3 + 0 }
  function median(m, who,   n, a, b, t, x) {
    n = cnt[m, who]; if (n == 0) return ""
    for (a = 1; a <= n; a++) x[a] = v[m, who, a]
    for (a = 1; a <= n; a++) for (b = a + 1; b <= n; b++) if (x[b] < x[a]) { t = x[a]; x[a] = x[b]; x[b] = t }
    return n % 2 ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2
  }
  function cell(x, fmt) { return x == "" ? "missing" : sprintf(fmt, x) }
  function ratio(a, b) { return (a == "" || b == "" || b == 0) ? "missing" : sprintf("%.2fx", a / b) }
  function row(m, title, fmt,   c, n, h, b) {
    c = median(m, "conv"); n = median(m, "nginx"); h = median(m, "haproxy"); b = median(m, "baseline")
    printf "| %s | %s | %s | %s | %s | %s |", title, cell(c, fmt), cell(n, fmt), cell(h, fmt), ratio(c, n), ratio(c, h)
    if (c4 != "") printf " %s | %s |", cell(b, fmt), ratio(c, b)
    printf "\n"
  }
  END {
    printf "| | %s | %s | %s | conv/nginx | conv/HAProxy |", c1, c2, c3
    if (c4 != "") printf " %s | conv/baseline |", c4
    printf "\n|---|---:|---:|---:|---:|---:|"
    if (c4 != "") printf "---:|---:|"
    printf "\n"
    row("ka_rps", "keep-alive req/s (50 conns)", "%.0f")
    row("ka_p50", "keep-alive p50 ms (lower is better)", "%.2f")
    row("ka_p99", "keep-alive p99 ms (lower is better)", "%.2f")
    row("ka_errors", "keep-alive errors", "%d")
    row("ka_cpu", "keep-alive server CPU us/request (lower is better)", "%.1f")
    row("hs_ecdsa", "full handshakes/s, ECDSA P-256", "%.0f")
    row("hs_ecdsa_core", "full handshakes per server CPU-second, ECDSA P-256", "%.0f")
    row("hs_rsa", "full handshakes/s, RSA-2048", "%.0f")
    row("hs_rsa_core", "full handshakes per server CPU-second, RSA-2048", "%.0f")
    row("hs_resumed", "resumed handshakes/s (ECDSA)", "%.0f")
    row("hs_resumed_core", "resumed handshakes per server CPU-second", "%.0f")
    row("idle_kib", "RSS KiB per idle TLS connection (nginx: worker; lower is better)", "%.1f")
    row("idle_kib_total", "RSS KiB per idle TLS connection (nginx: master + worker)", "%.1f")
    row("idle_mib", "RSS MiB with the idle connections open", "%.1f")
  }'
