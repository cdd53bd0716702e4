# Shared helpers of the benchmark scripts.
# shellcheck shell=bash

set -euo pipefail

BENCH_PIDS=()
BENCH_DIR=$(mktemp -d /tmp/conv-bench.XXXXXX)

bench_cleanup() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${BENCH_PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$BENCH_DIR"
}
trap bench_cleanup EXIT

# Installs Debian packages that are missing, without starting their services.
bench_install() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  echo "installing ${missing[*]}" >&2
  local policy=/usr/sbin/policy-rc.d created=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  ((created)) && rm -f "$policy"
  return 0
}

# free_port: an unused loopback TCP port.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# alive PID: whether the process runs (a zombie, exited but not yet waited for, does not).
alive() {
  local state
  state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [[ -n $state && $state != Z && $state != X ]]
}

# stop PID: TERM, wait, and forget it (bench_cleanup stops what is still running on exit, and
# must not signal a PID the system has since given to another process).
stop() {
  kill -TERM "$1" 2>/dev/null || true
  reap "$1"
}

# reap PID: waits for a process that ends by itself, and forgets it.
reap() {
  local i
  wait "$1" 2>/dev/null || true
  for i in "${!BENCH_PIDS[@]}"; do
    [[ ${BENCH_PIDS[i]} != "$1" ]] || unset 'BENCH_PIDS[i]'
  done
  BENCH_PIDS=("${BENCH_PIDS[@]}")
}

# wait_http URL [PID]: polls until URL answers (10 s at most); with PID, gives up as soon as
# that process (the server) has exited.
wait_http() {
  local i
  for ((i = 0; i < 200; i++)); do
    curl -sf -o /dev/null "$1" && return 0
    if [[ -n ${2:-} ]] && ! alive "$2"; then
      echo "exited before answering: $1" >&2
      break
    fi
    sleep 0.05
  done
  echo "not answering: $1" >&2
  curl -sS -D - "$1" >&2 || true
  tail -5 "$BENCH_DIR"/*.err >&2 2>/dev/null || true
  return 1
}

# tree_pids PID...: these processes and all their descendants, one a line.
tree_pids() {
  local pid kids
  for pid in "$@"; do
    echo "$pid"
    kids=$(pgrep -P "$pid" || true)
    # shellcheck disable=SC2086
    if [[ -n $kids ]]; then tree_pids $kids; fi
  done
}

# tree_sum FN PID...: the sum of `FN PID` (a number) over these processes and all their
# descendants; 0 for a process that has gone.
tree_sum() {
  local fn=$1 total=0 pid value
  shift
  for pid in $(tree_pids "$@"); do
    value=$("$fn" "$pid" 2>/dev/null || echo 0)
    total=$((total + ${value:-0}))
  done
  echo "$total"
}

rss_kb_of() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
# user + system time (fields 14 and 15 of /proc/PID/stat, counted after the command name).
cpu_ticks_of() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
# system time alone (field 15).
sys_ticks_of() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $13}'; }

# rss_kb PID...: resident memory of these processes and all their descendants, in KiB.
rss_kb() { tree_sum rss_kb_of "$@"; }
# cpu_ticks PID...: their user + system CPU time, descendants included, in clock ticks.
cpu_ticks() { tree_sum cpu_ticks_of "$@"; }
# sys_ticks PID...: their system CPU time alone, descendants included, in clock ticks.
sys_ticks() { tree_sum sys_ticks_of "$@"; }
# rss_workers_kb PID: the resident memory of what serves: the children of PID if it has any
# (nginx's workers under their master, gunicorn's under its arbiter), else PID itself (conv,
# HAProxy in the foreground: one process with its threads). Shared pages count once per
# process, as in any sum of RSS.
rss_workers_kb() {
  local kids
  kids=$(pgrep -P "$1" || true)
  # shellcheck disable=SC2086
  if [[ -n $kids ]]; then rss_kb $kids; else rss_kb "$1"; fi
}

# rotate N WORD...: the words, starting from the (N mod count)th (0-based), wrapping around:
# round r of a benchmark measures its contenders in the order `rotate $((r - 1)) ...`, so that
# none is always first (after a cold start) or always last.
rotate() {
  local n=$1
  shift
  (($# > 0)) || return 0
  local words=("$@") i
  for ((i = 0; i < $#; i++)); do
    printf '%s\n' "${words[(i + n) % $#]}"
  done | paste -sd' '
}

# wrk_summary OUTPUT: "req/s p50 p99 errors" of a `wrk --latency` run's output (latencies in
# ms; errors: socket errors + non-2xx answers), or nothing if the run completed no request.
wrk_summary() {
  local rps n p50 p99 errs non2xx
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$1")
  n=$(awk '/ requests in / {print $1}' <<<"$1")
  [[ -n $rps && ${n:-0} =~ ^[0-9]+$ ]] && ((n > 0)) || return 0
  p50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$1")")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$1")")
  errs=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' <<<"$1")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$1")
  echo "$rps $p50 $p99 $((${errs:-0} + ${non2xx:-0}))"
}

# run_wrk NAME URL: loads URL and prints "NAME req/s p50 p99" (latencies in ms).
run_wrk() {
  local name=$1 url=$2 out
  out=$(taskset -c "$CLIENT_CPU" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$url")
  local rps p50 p99
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  local non2xx
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  [[ -z $non2xx ]] || echo "warning: $name had $non2xx non-2xx responses" >&2
  echo "$name $rps $(to_ms "$p50") $(to_ms "$p99")"
}

# to_ms 1.23ms|456.00us|1.2s -> milliseconds
to_ms() {
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
    else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
    else print v }'
}

# start_converters BINARY N: N `BINARY converter`s on free loopback ports, 1 thread each, plain
# HTTP, no access log; waits until they answer. Their ports are in UPSTREAMS.
UPSTREAMS=()
start_converters() {
  local bin=$1 n=$2 i p
  for ((i = 1; i <= n; i++)); do
    p=$(free_port)
    "$bin" converter --host 127.0.0.1 --port "$p" --threads 1 --access-log off --name "up$i" \
      --max-connections 20000 2>"$BENCH_DIR/up$i.err" &
    BENCH_PIDS+=("$!")
    UPSTREAMS+=("$p")
  done
  for p in "${UPSTREAMS[@]}"; do wait_http "http://127.0.0.1:$p/healthz"; done
}

# The TLS settings every contender of the TLS benchmarks gets: Mozilla's intermediate profile
# (as conv's default, include/conv/tls/server_options.hpp), TLS 1.2 and 1.3.
TLS_CIPHERS=ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384
TLS_CIPHERS+=:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305
TLS_CIPHERS+=:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305
TLS_SUITES=TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256
TLS_GROUPS=X25519:P-256:P-384

# make_certs: certificates made now in $CERTS, from one CA (ca.pem): server.pem (ECDSA P-256)
# and rsa.pem (RSA-2048), each with its key (.key) and both in one file (.both.pem, HAProxy's).
make_certs() {
  local k
  CERTS=$BENCH_DIR/certs
  bash "$(dirname "${BASH_SOURCE[0]}")/../tests/support/make_test_certs.sh" "$CERTS" >/dev/null
  for k in server rsa; do cat "$CERTS/$k.pem" "$CERTS/$k.key" >"$CERTS/$k.both.pem"; done
}

# nginx_tls_lines CERT: the ssl_* directives of a server block, with $CERTS/CERT.{pem,key}.
nginx_tls_lines() {
  echo "  ssl_certificate $CERTS/$1.pem; ssl_certificate_key $CERTS/$1.key;"
  echo "  ssl_protocols TLSv1.2 TLSv1.3; ssl_ciphers $TLS_CIPHERS; ssl_prefer_server_ciphers off;"
  echo "  ssl_conf_command Ciphersuites $TLS_SUITES; ssl_ecdh_curve $TLS_GROUPS;"
  echo "  ssl_session_cache shared:SSL:10m; ssl_session_tickets on;"
}

# haproxy_tls_globals: the ssl-default-bind-* lines of a global section.
haproxy_tls_globals() {
  echo "  ssl-default-bind-ciphers $TLS_CIPHERS"
  echo "  ssl-default-bind-ciphersuites $TLS_SUITES"
  echo "  ssl-default-bind-curves $TLS_GROUPS"
  echo "  ssl-default-bind-options ssl-min-ver TLSv1.2"
}

# urls PORT TARGET N: a curl config of N GETs of TARGET on loopback, "{i}" in it replaced by
# the request's number (1..N), for the callgrind benchmarks.
urls() {
  local i
  for ((i = 1; i <= $3; i++)); do
    printf 'url = "http://127.0.0.1:%s%s"\noutput = "/dev/null"\n' "$1" "${2//\{i\}/$i}"
  done
}

total_ir() {  # total_ir FILE: the "totals:" line of a callgrind dump
  awk '/^totals:/ {print $2}' "$1"
}

# callgrind_ir_per_request PORT READY TARGET CMD...: runs CMD under callgrind, waits until a
# GET of READY on PORT answers, sends N1 GETs of TARGET over one kept-alive connection, then N2
# more, dumping the counts after each, and sets IR to the instructions per request of the N2
# (start-up and the first requests excluded). N1 and N2 are the caller's. Not in a $(...):
# the callgrind process goes into BENCH_PIDS, which the exit trap stops.
callgrind_ir_per_request() {
  local port=$1 ready=$2 target=$3 pid i second
  shift 3
  rm -f "$BENCH_DIR"/cg.out*
  valgrind --tool=callgrind --callgrind-out-file="$BENCH_DIR/cg.out" "$@" 2>"$BENCH_DIR/vg.err" &
  pid=$!
  BENCH_PIDS+=("$pid")
  for ((i = 0; i < 600; i++)); do
    curl -sf -o /dev/null "http://127.0.0.1:$port$ready" && break
    sleep 0.1
  done
  urls "$port" "$target" "$N1" >"$BENCH_DIR/u1"
  urls "$port" "$target" "$N2" >"$BENCH_DIR/u2"
  curl -s --config "$BENCH_DIR/u1" >/dev/null
  callgrind_control --dump=after-n1 "$pid" >/dev/null 2>&1
  curl -s --config "$BENCH_DIR/u2" >/dev/null
  callgrind_control --dump=after-n2 "$pid" >/dev/null 2>&1
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null || true
  # Each dump holds the counts since the previous one: the second is the N2 requests.
  second=$(grep -l 'after-n2' "$BENCH_DIR"/cg.out* | head -1)
  # shellcheck disable=SC2034  # IR is read by the caller
  IR=$(($(total_ir "$second") / N2))
}
