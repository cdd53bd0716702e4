#!/usr/bin/env bash
# Loads three balancers in one run, over the same two upstreams (nginx, one worker each,
# answering the converter's 80-byte body): conv balancer, nginx (upstream keepalive,
# proxy_http_version 1.1) and HAProxy (balance roundrobin, http-reuse always), each with 1
# and 2 threads/workers, at 50 and 1000 connections. Then the whole original stack (two
# gunicorn+Flask behind nginx) against the whole new one (two conv converters behind conv
# balancer). Prints req/s, p50, p99, errors and RSS side by side.
#
# Usage: bench/balancer.sh [duration=10s]
#   CONTENDERS="conv nginx haproxy" THREADS="1 2" CONNS="50 1000" STACKS=1 narrow a run;
#   BODY_BYTES=1048576 has the upstreams answer a body of that many bytes (a file, sent with
#   sendfile) instead of the converter's 80 bytes: what copying large bodies costs each
#   balancer. The two stacks, which serve the converter's body, are then left out.
#   ROUNDS=3 repeats the balancer matrix and reports each row's median run (this machine is
#   shared and noisy: single runs vary by 10% and more). The order of the contenders rotates
#   every round (round 1: conv, nginx, haproxy; round 2: nginx, haproxy, conv; ...), and the
#   two stacks alternate, so that none is always measured first or last; the output says the
#   order of each round.
#   CONV_BASELINE=path/to/older/conv adds that binary as one more contender, measured in the
#   same rounds (it rotates with the others, following conv in round 1): the before/after
#   figures of a change on the hot path.
#   MAX_CONNS=4096: the client connections each balancer accepts (see "Equal limits").
# Equal limits: the three balancers get the same ones, conv's defaults where conv has one.
#   - Client connections: MAX_CONNS (conv --max-connections, HAProxy maxconn; nginx's
#     worker_connections, per worker, counts a client's upstream connection too: 2 x MAX_CONNS).
#   - Idle upstream connections kept for reuse: conv keeps at most 1,024 per upstream and thread
#     (pool.max_idle_per_upstream), 30 s (pool.idle_timeout); nginx `keepalive` is per worker
#     over the whole upstream group (1,024 x the upstreams), HAProxy `pool-max-conn` per
#     server over all threads (1,024 x the threads), with `http-reuse always`; no cap on the
#     requests per connection, and no cap per upstream, in any of the three. HAProxy also stops
#     keeping idle server connections once a quarter of its descriptors (about 2 x maxconn) are
#     in use (tune.pool-high-fd-ratio 25, low 20), which 1,000 clients and their server
#     connections reach: it would close and reopen a server connection per request (9.8 system
#     calls per request instead of 4.4, half the req/s). Its ratios are raised to 90 and 80, so
#     that it keeps connections up to the same limits as the others.
# CPU us/req: the balancer's user + system time (its process tree) over the timed load, per
# request, and kernel us/req, the system time alone (what a proxy's own code cannot shrink but
# by fewer or cheaper system calls); syscalls/req: its system calls per request, counted by `perf stat` over the warm-up
# (so the timed load runs with nothing attached), n/a where perf does not work.
# RSS: of the balancer alone (stacks: their front), twice: what serves (nginx: its workers,
# summed; conv and HAProxy: their one process with its threads) and the total (nginx: master +
# workers).
# A measurement that fails (the balancer does not start or dies, wrk fails or completes no
# request) is a MISSING row, and its ratios "n/a (missing)", never a dropped row; the script
# prints everything, then exits 1 if anything was missing.
# Nothing is pinned: the balancer, its upstreams and wrk share this machine's CPUs alike for
# every contender, so compare the ratios within one run.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
source "$here/lib.sh"

DURATION=${1:-10s}
CONTENDERS=${CONTENDERS:-conv nginx haproxy}
THREAD_COUNTS=${THREADS:-1 2}
CONN_COUNTS=${CONNS:-50 1000}
STACKS=${STACKS:-1}
BODY_BYTES=${BODY_BYTES:-0}
if ((BODY_BYTES > 0)); then STACKS=0; fi
ROUNDS=${ROUNDS:-1}
MAX_CONNS=${MAX_CONNS:-4096}
# conv balancer's defaults (include/conv/balancer/model/config.hpp: pool_max_idle,
# pool_idle_timeout), which the peers are given too.
POOL_MAX_IDLE=1024
POOL_IDLE_SECONDS=30
WRK_THREADS=2
CLIENT_CPU=0-$(($(nproc) - 1))
CONV=${CONV:-$here/../build/conv}
URL_PATH=/convertepradolareuro/15.0
BODY='{"conversao":{"dolar":2.9411764705882355,"euro":2.678571428571429,"real":15.0}}'

bench_install nginx haproxy wrk python3-flask gunicorn curl python3 linux-perf
CLK_TCK=$(getconf CLK_TCK)
# System calls are counted with perf (Debian's linux-perf) where the kernel lets it; else n/a.
HAVE_PERF=0
if perf stat -x, -e raw_syscalls:sys_enter -o /dev/null true 2>/dev/null; then HAVE_PERF=1; fi
[[ -x $CONV ]] || { echo "build conv first: $CONV" >&2; exit 1; }
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
for c in $CONN_COUNTS; do
  ((c <= MAX_CONNS)) || { echo "CONNS: $c is more than MAX_CONNS ($MAX_CONNS)" >&2; exit 1; }
done
NGINX_VERSION=$(nginx -v 2>&1 | sed 's/.*\///')
HAPROXY_VERSION=$(haproxy -v | awk 'NR==1 {print $3}')

body_description() {
  if ((BODY_BYTES > 0)); then echo "a $BODY_BYTES-byte file"; else echo "return 200, 80 bytes"; fi
}

# nginx_conf DIR WORKERS PORT MODE UPSTREAM_PORTS...: MODE "return" (an upstream: the body),
# "proxy" (a contender: the equal limits above) or "original" (the original stack's front:
# no upstream keep-alive, as it was deployed).
nginx_conf() {
  local dir=$1 workers=$2 port=$3 mode=$4
  shift 4
  mkdir -p "$dir"
  {
    echo "worker_processes $workers; daemon off; pid $dir/nginx.pid; error_log $dir/error.log warn;"
    echo "worker_rlimit_nofile 65536;"
    echo "events { worker_connections $((2 * MAX_CONNS)); }"
    echo "http { access_log off; keepalive_requests 1000000000;"
    for t in client_body proxy fastcgi uwsgi scgi; do echo "${t}_temp_path $dir;"; done
    if [[ $mode == return ]] && ((BODY_BYTES > 0)); then
      head -c "$BODY_BYTES" /dev/zero | tr '\0' x >"$dir/body"
      chmod a+rX "$BENCH_DIR" "$dir" "$dir/body"  # nginx's workers run as nobody
      echo "sendfile on;"
      echo "server { listen 127.0.0.1:$port; location / { default_type application/octet-stream;"
      echo "  root $dir; try_files /body =404; } }"
    elif [[ $mode == return ]]; then
      # shellcheck disable=SC2028  # the \n is for nginx, which turns it into a newline
      echo "server { listen 127.0.0.1:$port; location / { default_type application/json; return 200 '$BODY\n'; } }"
    else
      echo "upstream backend {"
      for p in "$@"; do echo "  server 127.0.0.1:$p;"; done
      if [[ $mode == proxy ]]; then
        echo "  keepalive $((POOL_MAX_IDLE * $#)); keepalive_timeout ${POOL_IDLE_SECONDS}s;"
        echo "  keepalive_requests 1000000000;"
      fi
      echo "}"
      echo "server { listen 127.0.0.1:$port; location / { proxy_pass http://backend;"
      echo "  proxy_http_version 1.1; proxy_set_header Connection \"\"; } }"
    fi
    echo "}"
  } >"$dir/nginx.conf"
}

start_nginx() {  # start_nginx DIR: starts nginx in the foreground mode, sets NGINX_PID
  nginx -c "$1/nginx.conf" -e "$1/error.log" </dev/null >/dev/null 2>"$1/stderr" &
  NGINX_PID=$!
  BENCH_PIDS+=("$NGINX_PID")
}

haproxy_conf() {  # haproxy_conf FILE THREADS PORT UPSTREAM_PORTS...
  local file=$1 threads=$2 port=$3
  shift 3
  {
    echo "global"
    echo "  nbthread $threads"
    echo "  maxconn $MAX_CONNS"
    echo "  tune.pool-high-fd-ratio 90"
    echo "  tune.pool-low-fd-ratio 80"
    echo "defaults"
    echo "  mode http"
    echo "  timeout connect 1s"
    echo "  timeout client 30s"
    echo "  timeout server 30s"
    echo "  option http-keep-alive"
    echo "frontend fe"
    echo "  bind 127.0.0.1:$port"
    echo "  maxconn $MAX_CONNS"
    echo "  default_backend be"
    echo "backend be"
    echo "  balance roundrobin"
    echo "  http-reuse always"
    local i=0
    for p in "$@"; do
      i=$((i + 1))
      echo "  server s$i 127.0.0.1:$p pool-max-conn $((POOL_MAX_IDLE * threads))" \
        "pool-purge-delay ${POOL_IDLE_SECONDS}s max-reuse -1"
    done
  } >"$file"
}

# The two upstreams every balancer shares.
up1=$(free_port)
up2=$(free_port)
for p in "$up1" "$up2"; do
  nginx_conf "$BENCH_DIR/up$p" 1 "$p" return
  start_nginx "$BENCH_DIR/up$p"
done
for p in "$up1" "$up2"; do wait_http "http://127.0.0.1:$p$URL_PATH"; done

# results: "NAME|CONNS|req/s|p50|p99|errors|RSS KiB serving|RSS KiB total|CPU us/req|
# kernel us/req|syscalls/req" per measurement, or "NAME|CONNS|MISSING" for one that failed
# (listed in missing_runs too).
results=()
missing_runs=()
missing() {  # missing NAME CONNS WHY
  results+=("$1|$2|MISSING")
  missing_runs+=("round $round: $1, $2 connections: $3")
  echo "MISSING: $1, $2 connections: $3" >&2
}

# measure NAME URL PID CONNS: warm-up, load, and one result line. The warm-up doubles as the
# system-call count (syscalls_per_request), so the timed load runs with nothing attached; the
# CPU time is the balancer's (its whole process tree) over the timed load.
measure() {
  local name=$1 url=$2 pid=$3 conns=$4 out rc=0 summary rps p50 p99 errs ticks sys calls cpu
  echo "bench: round $round, $name, $conns connections" >&2
  calls=$(syscalls_per_request "$url" "$pid" "$conns")
  ticks=$(cpu_ticks "$pid")
  sys=$(sys_ticks "$pid")
  out=$(wrk -t"$WRK_THREADS" -c"$conns" -d"$DURATION" --latency "$url" 2>&1) || rc=$?
  ticks=$(($(cpu_ticks "$pid") - ticks))
  sys=$(($(sys_ticks "$pid") - sys))
  summary=$(wrk_summary "$out")
  cpu=$(awk -v t="$ticks" -v s="$sys" -v hz="$CLK_TCK" '/ requests in / && $1 > 0 {printf "%.1f|%.1f", t * 1e6 / hz / $1, s * 1e6 / hz / $1}' <<<"$out")
  if ! alive "$pid"; then
    missing "$name" "$conns" "the balancer exited"
  elif ((rc != 0)) || [[ -z $summary ]]; then
    missing "$name" "$conns" "wrk exited with $rc and no result: $(tail -2 <<<"$out" | tr '\n' ' ')"
  else
    read -r rps p50 p99 errs <<<"$summary"
    results+=("$name|$conns|$rps|$p50|$p99|$errs|$(rss_workers_kb "$pid")|$(rss_kb "$pid")|${cpu:-n/a|n/a}|$calls")
  fi
}

# syscalls_per_request URL PID CONNS: a 2 s load of URL (the warm-up) with `perf stat`
# counting the system calls of PID's process tree (every thread); prints calls per request, or
# n/a without perf.
syscalls_per_request() {
  local url=$1 conns=$3 pids out n calls
  pids=$(tree_pids "$2" | paste -sd,)
  if ! ((HAVE_PERF)); then
    wrk -t"$WRK_THREADS" -c"$conns" -d2s "$url" >/dev/null 2>&1 || true
    echo n/a
    return 0
  fi
  perf stat -x, -e raw_syscalls:sys_enter -p "$pids" -o "$BENCH_DIR/perf.out" &
  local perf_pid=$!
  out=$(wrk -t"$WRK_THREADS" -c"$conns" -d2s "$url" 2>&1) || true
  kill -INT "$perf_pid" 2>/dev/null || true
  wait "$perf_pid" 2>/dev/null || true
  n=$(awk '/ requests in / {print $1}' <<<"$out")
  calls=$(awk -F, '/raw_syscalls:sys_enter/ {print $1}' "$BENCH_DIR/perf.out" 2>/dev/null)
  if [[ ${n:-0} =~ ^[0-9]+$ && ${calls:-} =~ ^[0-9]+$ ]] && ((n > 0)); then
    awk -v c="$calls" -v n="$n" 'BEGIN {printf "%.2f", c / n}'
  else
    echo n/a
  fi
}

wants() { [[ " $CONTENDERS " == *" $1 "* ]]; }

# Whole stacks: the original (two gunicorn -w 4 behind nginx, worker_processes auto) and the
# new one as scripts/run-local.sh starts it (two conv converters with a quarter of the CPUs
# each, at least one thread, behind conv balancer with its default threads). Started once,
# measured in every round like the balancers; one that does not start is MISSING in each.
ORIG_NAME="original stack: nginx + 2 x gunicorn -w 4 (Flask)"
NEW_NAME="new stack: conv balancer + 2 x conv converter"
orig_ok=0 new_ok=0
if ((STACKS)); then
g1=$(free_port); g2=$(free_port)
for p in "$g1" "$g2"; do
  (cd "$here/original" && exec gunicorn -w 4 -b "127.0.0.1:$p" --log-level warning app:app) \
    2>>"$BENCH_DIR/gunicorn.err" &
  BENCH_PIDS+=("$!")
done
orig_port=$(free_port)
nginx_conf "$BENCH_DIR/orig" auto "$orig_port" original "$g1" "$g2"
start_nginx "$BENCH_DIR/orig"
orig_pid=$NGINX_PID
if wait_http "http://127.0.0.1:$orig_port$URL_PATH" "$orig_pid"; then orig_ok=1; fi

c1=$(free_port); c2=$(free_port); new_port=$(free_port)
for p in "$c1" "$c2"; do
  "$CONV" converter --host 127.0.0.1 --port "$p" --access-log off \
    --threads "$(($(nproc) / 4 > 0 ? $(nproc) / 4 : 1))" 2>/dev/null &
  BENCH_PIDS+=("$!")
done
"$CONV" balancer --host 127.0.0.1 --port "$new_port" --access-log off --admin off -u "127.0.0.1:$c1" \
  -u "127.0.0.1:$c2" 2>"$BENCH_DIR/new-stack.err" &
new_pid=$!
BENCH_PIDS+=("$new_pid")
if wait_http "http://127.0.0.1:$new_port$URL_PATH" "$new_pid"; then new_ok=1; fi
fi

# start_contender KIND THREADS PORT: starts one balancer (conv, baseline, nginx or haproxy)
# in front of the upstreams, with the equal limits; sets PID.
start_contender() {
  local kind=$1 threads=$2 port=$3 bin=$CONV
  case $kind in
    conv | baseline)
      [[ $kind == conv ]] || bin=$CONV_BASELINE
      "$bin" balancer --host 127.0.0.1 --port "$port" --threads "$threads" --access-log off \
        --max-connections "$MAX_CONNS" --admin off -u "127.0.0.1:$up1" -u "127.0.0.1:$up2" \
        2>"$BENCH_DIR/$kind.err" &
      PID=$!
      BENCH_PIDS+=("$PID") ;;
    nginx)
      nginx_conf "$BENCH_DIR/lb-nginx-$threads" "$threads" "$port" proxy "$up1" "$up2"
      start_nginx "$BENCH_DIR/lb-nginx-$threads"
      PID=$NGINX_PID ;;
    haproxy)
      haproxy_conf "$BENCH_DIR/haproxy-$threads.cfg" "$threads" "$port" "$up1" "$up2"
      haproxy -f "$BENCH_DIR/haproxy-$threads.cfg" -db 2>"$BENCH_DIR/haproxy.err" &
      PID=$!
      BENCH_PIDS+=("$PID") ;;
  esac
}

label() {  # label KIND THREADS: a contender's name in the table
  case $1 in
    conv) echo "conv balancer --threads $2" ;;
    baseline) echo "conv baseline --threads $2" ;;
    nginx) echo "nginx $NGINX_VERSION, $2 worker(s)" ;;
    haproxy) echo "HAProxy $HAPROXY_VERSION, $2 thread(s)" ;;
  esac
}

# run_contender KIND THREADS: one balancer, measured at each connection count, then stopped.
run_contender() {
  local kind=$1 threads=$2 name port conns
  name=$(label "$kind" "$threads")
  port=$(free_port)
  start_contender "$kind" "$threads" "$port"
  if ! wait_http "http://127.0.0.1:$port$URL_PATH" "$PID"; then
    for conns in $CONN_COUNTS; do missing "$name" "$conns" "did not start"; done
  else
    for conns in $CONN_COUNTS; do measure "$name" "http://127.0.0.1:$port$URL_PATH" "$PID" "$conns"; done
  fi
  stop "$PID"
}

# The contenders, in the order of round 1; each round starts one further along.
kinds=()
if wants conv; then kinds+=(conv); fi
if [[ -n ${CONV_BASELINE:-} ]]; then kinds+=(baseline); fi
if wants nginx; then kinds+=(nginx); fi
if wants haproxy; then kinds+=(haproxy); fi
orders=()
for ((round = 1; round <= ROUNDS; round++)); do
  order=$(rotate $((round - 1)) "${kinds[@]}")
  stacks_order="original new"
  ((round % 2)) || stacks_order="new original"
  orders+=("round $round: ${order// /, }")
  if ((STACKS)); then orders[-1]+="; stacks: ${stacks_order// /, }"; fi
  echo "bench: round $round of $ROUNDS, order: $order" >&2
  for threads in $THREAD_COUNTS; do
    for kind in $order; do run_contender "$kind" "$threads"; done
  done
  if ((STACKS)); then
    for stack in $stacks_order; do
      if [[ $stack == original ]]; then
        if ((orig_ok)); then measure "$ORIG_NAME" "http://127.0.0.1:$orig_port$URL_PATH" "$orig_pid" 50
        else missing "$ORIG_NAME" 50 "did not start"; fi
      else
        if ((new_ok)); then measure "$NEW_NAME" "http://127.0.0.1:$new_port$URL_PATH" "$new_pid" 50
        else missing "$NEW_NAME" 50 "did not start"; fi
      fi
    done
  fi
done

echo "# $(date -u +%FT%TZ) $(nproc) CPUs, nothing pinned; wrk -t$WRK_THREADS -d$DURATION --latency;" \
  "upstreams: 2 x nginx (1 worker) answering $(body_description); median of $ROUNDS round(s)"
echo "# equal limits: $MAX_CONNS client connections (conv --max-connections, HAProxy maxconn;" \
  "nginx worker_connections $((2 * MAX_CONNS)) per worker, upstream connections included);" \
  "idle upstream connections kept: $POOL_MAX_IDLE per upstream and thread/worker, ${POOL_IDLE_SECONDS} s" \
  "(conv's default; nginx keepalive $((2 * POOL_MAX_IDLE)) per worker over its 2 upstreams," \
  "HAProxy http-reuse always, pool-max-conn $POOL_MAX_IDLE x threads per server); no request cap per connection"
echo "# RSS of the balancer alone (stacks: the front): serving = nginx's workers (summed), conv's" \
  "and HAProxy's one process; total = nginx's master + workers"
echo "# order: $(printf '%s | ' "${orders[@]}" | sed 's/ | $//')"
echo "# CPU us/req: the balancer's user + system time over the timed load, per request (kernel: the" \
  "system time alone); syscalls/req: perf stat over the 2 s warm-up (n/a without perf)"
printf '| balancer | conns | req/s | range req/s | p50 ms | p99 ms | errors | RSS MiB serving | RSS MiB total | CPU us/req | kernel us/req | syscalls/req | runs |\n'
printf '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n'
# One row per contender and connection count, in first-seen order: the median run by req/s
# (of the runs that did not fail), with the lowest and highest req/s of them all, and how many
# runs of how many rounds count; MISSING if none. Then conv's ratios to each peer with the
# same threads and connections (medians), and the new stack's to the original's: "n/a
# (missing)" where either side is missing.
printf '%s\n' "${results[@]}" | awk -F'|' '
  { key = $1 "|" $2; if (!(key in seen)) { seen[key] = 1; order[++n] = key; count[key] = 0 }
    rounds[key]++
    if ($3 != "MISSING") runs[key, ++count[key]] = $0 }
  END {
    for (i = 1; i <= n; i++) {
      key = order[i]; m = count[key]
      split(key, k, "|"); name = k[1]; conns = k[2] + 0
      if (m == 0) {
        printf "| %s | %d | MISSING | | | | | | | | | | 0/%d |\n", name, conns, rounds[key]
      } else {
        for (a = 1; a <= m; a++) for (b = a + 1; b <= m; b++) {
          split(runs[key, a], x, "|"); split(runs[key, b], y, "|")
          if (y[3] + 0 < x[3] + 0) { t = runs[key, a]; runs[key, a] = runs[key, b]; runs[key, b] = t }
        }
        split(runs[key, 1], lo, "|"); split(runs[key, m], hi, "|")
        split(runs[key, int((m + 1) / 2)], f, "|")
        printf "| %s | %d | %.0f | %.0f-%.0f | %.2f | %.2f | %d | %.1f | %.1f | %s | %s | %s | %d/%d |\n", name, conns, f[3], lo[3], hi[3], f[4], f[5], f[6], f[7] / 1024, f[8] / 1024, f[9], f[10], f[11], m, rounds[key]
      }
      if (name ~ /^conv baseline/ && match(name, /--threads [0-9]+$/)) { kind = "baseline"; t = substr(name, RSTART + 10) }
      else if (match(name, /--threads [0-9]+$/)) { kind = "conv"; t = substr(name, RSTART + 10) }
      else if (match(name, /[0-9]+ worker\(s\)$/)) { kind = "nginx"; t = substr(name, RSTART) + 0 }
      else if (match(name, /[0-9]+ thread\(s\)$/)) { kind = "haproxy"; t = substr(name, RSTART) + 0 }
      else if (name ~ /^original stack/) { kind = "orig"; t = 0 }
      else if (name ~ /^new stack/) { kind = "new"; t = 0 }
      else continue
      have[kind, t + 0, conns] = 1
      if (m > 0) { rps[kind, t + 0, conns] = f[3]; p99[kind, t + 0, conns] = f[5]; cpu[kind, t + 0, conns] = f[9] }
      if (kind == "conv") rows[++r] = (t + 0) "|" conns
    }
    for (i = 1; i <= r; i++) {
      split(rows[i], k, "|"); t = k[1]; c = k[2]
      line = sprintf("conv vs peers, %d thread(s), %d conns:", t, c)
      for (j = 1; j <= 3; j++) {
        peer = j == 1 ? "nginx" : j == 2 ? "haproxy" : "baseline"
        if (!((peer, t, c) in have)) continue
        if (!(("conv", t, c) in rps) || !((peer, t, c) in rps) || rps[peer, t, c] <= 0 || p99[peer, t, c] <= 0)
          line = line sprintf(" %s n/a (missing);", peer)
        else {
          line = line sprintf(" %s %.2fx req/s, p99 %.2fx", peer, rps["conv", t, c] / rps[peer, t, c], p99["conv", t, c] / p99[peer, t, c])
          if (cpu["conv", t, c] + 0 > 0 && cpu[peer, t, c] + 0 > 0) line = line sprintf(", CPU/req %.2fx", cpu["conv", t, c] / cpu[peer, t, c])
          line = line ";"
        }
      }
      print line
    }
    if (("orig", 0, 50) in have) {
      if (("orig", 0, 50) in rps && ("new", 0, 50) in rps && rps["orig", 0, 50] > 0)
        printf "new stack vs original stack: %.1fx req/s\n", rps["new", 0, 50] / rps["orig", 0, 50]
      else
        print "new stack vs original stack: n/a (missing)"
    }
  }'
if ((${#missing_runs[@]} > 0)); then
  echo "MISSING: ${#missing_runs[@]} measurement(s) failed:"
  printf '  %s\n' "${missing_runs[@]}"
  exit 1
fi
