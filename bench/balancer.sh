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
#   ROUNDS=3 repeats the balancer matrix, alternating contenders, and reports each row's
#   median run (this machine is shared and noisy: single runs vary by 10% and more).
#   CONV_BASELINE=path/to/older/conv adds that binary as one more contender, measured in
#   the same rounds right after conv: the before/after figures of a change on the hot path.
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
ROUNDS=${ROUNDS:-1}
WRK_THREADS=2
CLIENT_CPU=0-$(($(nproc) - 1))
CONV=${CONV:-$here/../build/conv}
URL_PATH=/convertepradolareuro/15.0
BODY='{"conversao":{"dolar":2.9411764705882355,"euro":2.678571428571429,"real":15.0}}'

bench_install nginx haproxy wrk python3-flask gunicorn curl python3
[[ -x $CONV ]] || { echo "build conv first: $CONV" >&2; exit 1; }
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

nginx_conf() {  # nginx_conf DIR WORKERS BODY_OR_EMPTY UPSTREAM_PORTS...
  local dir=$1 workers=$2 port=$3 mode=$4
  shift 4
  mkdir -p "$dir"
  {
    echo "worker_processes $workers; daemon off; pid $dir/nginx.pid; error_log $dir/error.log warn;"
    echo "worker_rlimit_nofile 65536;"
    echo "events { worker_connections 8192; }"
    echo "http { access_log off; keepalive_requests 1000000000;"
    for t in client_body proxy fastcgi uwsgi scgi; do echo "${t}_temp_path $dir;"; done
    if [[ $mode == return ]]; then
      # shellcheck disable=SC2028  # the \n is for nginx, which turns it into a newline
      echo "server { listen 127.0.0.1:$port; location / { default_type application/json; return 200 '$BODY\n'; } }"
    else
      echo "upstream backend {"
      for p in "$@"; do echo "  server 127.0.0.1:$p;"; done
      echo "  keepalive 128; keepalive_requests 1000000000; }"
      echo "server { listen 127.0.0.1:$port; location / { proxy_pass http://backend;"
      echo "  proxy_http_version 1.1; proxy_set_header Connection \"\"; } }"
    fi
    echo "}"
  } >"$dir/nginx.conf"
}

start_nginx() {  # start_nginx DIR: starts nginx in the foreground mode, sets NGINX_PID
  nginx -c "$1/nginx.conf" -e "$1/error.log" </dev/null >/dev/null 2>&1 &
  NGINX_PID=$!
  BENCH_PIDS+=("$NGINX_PID")
}

haproxy_conf() {  # haproxy_conf FILE THREADS PORT UPSTREAM_PORTS...
  local file=$1 threads=$2 port=$3
  shift 3
  {
    echo "global"
    echo "  nbthread $threads"
    echo "  maxconn 8000"
    echo "defaults"
    echo "  mode http"
    echo "  timeout connect 1s"
    echo "  timeout client 30s"
    echo "  timeout server 30s"
    echo "  option http-keep-alive"
    echo "frontend fe"
    echo "  bind 127.0.0.1:$port"
    echo "  maxconn 8000"
    echo "  default_backend be"
    echo "backend be"
    echo "  balance roundrobin"
    echo "  http-reuse always"
    local i=0
    for p in "$@"; do
      i=$((i + 1))
      echo "  server s$i 127.0.0.1:$p maxconn 10000"
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

# measure NAME URL PID: warm-up, load, and one result line.
results=()
measure() {
  echo "bench: $1, $4 connections" >&2
  local name=$1 url=$2 pid=$3 conns=$4 out rps p50 p99 errs non2xx
  wrk -t"$WRK_THREADS" -c"$conns" -d2s "$url" >/dev/null 2>&1 || true
  out=$(wrk -t"$WRK_THREADS" -c"$conns" -d"$DURATION" --latency "$url" 2>&1)
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p50=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
  errs=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  results+=("$name|$conns|$rps|$p50|$p99|$((${errs:-0} + ${non2xx:-0}))|$(rss_kb "$pid")")
}

wants() { [[ " $CONTENDERS " == *" $1 "* ]]; }

# Whole stacks: the original (two gunicorn -w 4 behind nginx, worker_processes auto) and the
# new one as scripts/run-local.sh starts it (two conv converters with a quarter of the CPUs
# each, at least one thread, behind conv balancer with its default threads). Started once,
# measured in every round like the balancers.
if ((STACKS)); then
g1=$(free_port); g2=$(free_port)
for p in "$g1" "$g2"; do
  (cd "$here/original" && exec gunicorn -w 4 -b "127.0.0.1:$p" --log-level warning app:app) \
    2>>"$BENCH_DIR/gunicorn.err" &
  BENCH_PIDS+=("$!")
done
orig_port=$(free_port)
nginx_conf "$BENCH_DIR/orig" auto "$orig_port" proxy "$g1" "$g2"
sed -i 's/keepalive 128; keepalive_requests 1000000000; //' "$BENCH_DIR/orig/nginx.conf"
start_nginx "$BENCH_DIR/orig"
orig_pid=$NGINX_PID
wait_http "http://127.0.0.1:$orig_port$URL_PATH"

c1=$(free_port); c2=$(free_port); new_port=$(free_port)
for p in "$c1" "$c2"; do
  "$CONV" converter --host 127.0.0.1 --port "$p" --access-log off \
    --threads "$(($(nproc) / 4 > 0 ? $(nproc) / 4 : 1))" 2>/dev/null &
  BENCH_PIDS+=("$!")
done
"$CONV" balancer --host 127.0.0.1 --port "$new_port" --access-log off --admin off -u "127.0.0.1:$c1" \
  -u "127.0.0.1:$c2" 2>/dev/null &
new_pid=$!
BENCH_PIDS+=("$new_pid")
wait_http "http://127.0.0.1:$new_port$URL_PATH"
fi

# run_conv NAME BINARY THREADS: one conv balancer in front of the upstreams, at each
# connection count.
run_conv() {
  local name=$1 bin=$2 threads=$3 port pid conns
  port=$(free_port)
  "$bin" balancer --host 127.0.0.1 --port "$port" --threads "$threads" --access-log off \
    --max-connections 20000 --admin off -u "127.0.0.1:$up1" -u "127.0.0.1:$up2" 2>"$BENCH_DIR/conv.err" &
  pid=$!
  BENCH_PIDS+=("$pid")
  wait_http "http://127.0.0.1:$port$URL_PATH"
  for conns in $CONN_COUNTS; do measure "$name --threads $threads" "http://127.0.0.1:$port$URL_PATH" "$pid" "$conns"; done
  kill -TERM "$pid"
  wait "$pid" || true
}

for ((round = 1; round <= ROUNDS; round++)); do
for threads in $THREAD_COUNTS; do
  if wants conv; then run_conv "conv balancer" "$CONV" "$threads"; fi
  if [[ -n ${CONV_BASELINE:-} ]]; then run_conv "conv baseline" "$CONV_BASELINE" "$threads"; fi

  if wants nginx; then
  port=$(free_port)
  nginx_conf "$BENCH_DIR/lb-nginx-$threads" "$threads" "$port" proxy "$up1" "$up2"
  start_nginx "$BENCH_DIR/lb-nginx-$threads"
  pid=$NGINX_PID
  wait_http "http://127.0.0.1:$port$URL_PATH"
  for conns in $CONN_COUNTS; do measure "nginx $(nginx -v 2>&1 | sed 's/.*\///'), $threads worker(s)" "http://127.0.0.1:$port$URL_PATH" "$pid" "$conns"; done
  kill -TERM "$pid"; wait "$pid" || true
  fi

  if wants haproxy; then
  port=$(free_port)
  haproxy_conf "$BENCH_DIR/haproxy-$threads.cfg" "$threads" "$port" "$up1" "$up2"
  haproxy -f "$BENCH_DIR/haproxy-$threads.cfg" -db 2>"$BENCH_DIR/haproxy.err" &
  pid=$!
  BENCH_PIDS+=("$pid")
  wait_http "http://127.0.0.1:$port$URL_PATH"
  for conns in $CONN_COUNTS; do measure "HAProxy $(haproxy -v | awk 'NR==1 {print $3}'), $threads thread(s)" "http://127.0.0.1:$port$URL_PATH" "$pid" "$conns"; done
  kill -TERM "$pid"; wait "$pid" || true
  fi
done
if ((STACKS)); then
  measure "original stack: nginx + 2 x gunicorn -w 4 (Flask)" "http://127.0.0.1:$orig_port$URL_PATH" "$orig_pid" 50
  measure "new stack: conv balancer + 2 x conv converter" "http://127.0.0.1:$new_port$URL_PATH" "$new_pid" 50
fi
done

echo "# $(date -u +%FT%TZ) $(nproc) CPUs, nothing pinned; wrk -t$WRK_THREADS -d$DURATION --latency;" \
  "upstreams: 2 x nginx return 200 (1 worker); RSS of the balancer alone (stacks: the front);" \
  "median of $ROUNDS round(s)"
printf '| balancer | conns | req/s | range req/s | p50 ms | p99 ms | errors | RSS MiB |\n'
printf '|---|---:|---:|---:|---:|---:|---:|---:|\n'
# One row per contender and connection count, in first-seen order: the median run by req/s,
# with the lowest and highest req/s of all rounds. Then conv's ratios to each peer with the
# same threads and connections (medians), and the new stack's to the original's.
printf '%s\n' "${results[@]}" | awk -F'|' '
  { key = $1 "|" $2; if (!(key in seen)) { seen[key] = 1; order[++n] = key }
    runs[key, ++count[key]] = $0 }
  END {
    for (i = 1; i <= n; i++) {
      key = order[i]; m = count[key]
      for (a = 1; a <= m; a++) for (b = a + 1; b <= m; b++) {
        split(runs[key, a], x, "|"); split(runs[key, b], y, "|")
        if (y[3] + 0 < x[3] + 0) { t = runs[key, a]; runs[key, a] = runs[key, b]; runs[key, b] = t }
      }
      split(runs[key, 1], lo, "|"); split(runs[key, m], hi, "|")
      split(runs[key, int((m + 1) / 2)], f, "|")
      printf "| %s | %d | %.0f | %.0f-%.0f | %.2f | %.2f | %d | %.1f |\n", f[1], f[2], f[3], lo[3], hi[3], f[4], f[5], f[6], f[7] / 1024
      name = f[1]
      if (name ~ /^conv baseline/ && match(name, /--threads [0-9]+$/)) { kind = "baseline"; t = substr(name, RSTART + 10) }
      else if (match(name, /--threads [0-9]+$/)) { kind = "conv"; t = substr(name, RSTART + 10) }
      else if (match(name, /[0-9]+ worker\(s\)$/)) { kind = "nginx"; t = substr(name, RSTART) + 0 }
      else if (match(name, /[0-9]+ thread\(s\)$/)) { kind = "haproxy"; t = substr(name, RSTART) + 0 }
      else if (name ~ /^original stack/) { kind = "orig"; t = 0 }
      else if (name ~ /^new stack/) { kind = "new"; t = 0 }
      else continue
      rps[kind, t + 0, f[2] + 0] = f[3]; p99[kind, t + 0, f[2] + 0] = f[5]
      if (kind == "conv") { rows[++r] = (t + 0) "|" (f[2] + 0) }
    }
    for (i = 1; i <= r; i++) {
      split(rows[i], k, "|"); t = k[1]; c = k[2]
      line = sprintf("conv vs peers, %d thread(s), %d conns:", t, c)
      for (j = 1; j <= 3; j++) {
        peer = j == 1 ? "nginx" : j == 2 ? "haproxy" : "baseline"
        if ((peer, t, c) in rps && rps[peer, t, c] > 0)
          line = line sprintf(" %s %.2fx req/s, p99 %.2fx;", peer, rps["conv", t, c] / rps[peer, t, c], p99["conv", t, c] / p99[peer, t, c])
      }
      print line
    }
    if (("orig", 0, 50) in rps && rps["orig", 0, 50] > 0)
      printf "new stack vs original stack: %.1fx req/s\n", rps["new", 0, 50] / rps["orig", 0, 50]
  }'
