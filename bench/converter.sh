#!/usr/bin/env bash
# Loads, in one run and on loopback: conv converter (1 thread), nginx (1 worker) answering the
# same body with `return 200` (the ceiling for a trivial server), and the original Flask app
# under gunicorn (4 workers). Prints req/s, p50, p99, errors, RSS and the ratios to nginx and
# to the original: each row the median run of ROUNDS, by req/s.
#
# Usage: bench/converter.sh [duration=4s] [connections=64]
#   ROUNDS=3: the servers start once and are measured DURATION each in every round, in an
#   order that rotates every round (round 1: conv, nginx, flask; round 2: nginx, flask, conv;
#   ...), so that none is always first or last; each is warmed up (2 s) before its first round.
#   The defaults (3 rounds of 4 s) take about as long as the single 10 s pass this script
#   used to make.
# Servers are pinned to CPU 0 and wrk to CPU 1 (CONV_BENCH_SERVER_CPU / _CLIENT_CPU), so the
# load generator does not steal the server's core on this 2-core machine.
# RSS: serving = conv's one process, nginx's worker, gunicorn's workers; total adds nginx's
# master and gunicorn's arbiter.
# A measurement that fails (the server does not start, answers another body or dies; wrk fails
# or completes no request) is a MISSING row, and its ratios "n/a (missing)", never a dropped
# row; the script prints everything, then exits 1 if anything was missing.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
source "$here/lib.sh"

DURATION=${1:-4s}
CONNECTIONS=${2:-64}
ROUNDS=${ROUNDS:-3}
WRK_THREADS=1
SERVER_CPU=${CONV_BENCH_SERVER_CPU:-0}
CLIENT_CPU=${CONV_BENCH_CLIENT_CPU:-1}
CONV=${CONV:-$here/../build/conv}
PATH_15=/convertepradolareuro/15.0
BODY='{"conversao":{"dolar":2.9411764705882355,"euro":2.678571428571429,"real":15.0}}'

bench_install nginx wrk python3-flask gunicorn curl python3
[[ -x $CONV ]] || { echo "build conv first (cmake --build build): $CONV" >&2; exit 1; }

declare -A port pid label ok
label[conv]="conv converter --threads 1"
label[nginx]="nginx $(nginx -v 2>&1 | sed 's/.*\///'), 1 worker, return 200"
label[flask]="original: Flask + gunicorn -w 4"

# conv
port[conv]=$(free_port)
taskset -c "$SERVER_CPU" "$CONV" converter --host 127.0.0.1 --port "${port[conv]}" --threads 1 \
  --access-log off --name bench 2>"$BENCH_DIR/conv.err" &
pid[conv]=$!
BENCH_PIDS+=("${pid[conv]}")

# nginx: same body, no upstream, no log; keep-alive without a request cap, as conv has.
port[nginx]=$(free_port)
mkdir -p "$BENCH_DIR/nginx"
cat >"$BENCH_DIR/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
master_process on;
pid $BENCH_DIR/nginx/nginx.pid;
error_log $BENCH_DIR/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000000;
  client_body_temp_path $BENCH_DIR/nginx;
  proxy_temp_path $BENCH_DIR/nginx;
  fastcgi_temp_path $BENCH_DIR/nginx;
  uwsgi_temp_path $BENCH_DIR/nginx;
  scgi_temp_path $BENCH_DIR/nginx;
  server {
    listen 127.0.0.1:${port[nginx]};
    location / { default_type application/json; return 200 '$BODY\n'; }
  }
}
CONF
taskset -c "$SERVER_CPU" nginx -c "$BENCH_DIR/nginx/nginx.conf" -e "$BENCH_DIR/nginx/error.log" \
  2>"$BENCH_DIR/nginx.err" &
pid[nginx]=$!
BENCH_PIDS+=("${pid[nginx]}")

# The original: Flask + gunicorn, 4 workers.
port[flask]=$(free_port)
(cd "$here/original" && exec taskset -c "$SERVER_CPU" gunicorn -w 4 -b "127.0.0.1:${port[flask]}" \
  --log-level warning app:app) 2>"$BENCH_DIR/gunicorn.err" &
pid[flask]=$!
BENCH_PIDS+=("${pid[flask]}")

# results: "NAME|req/s|p50|p99|errors|RSS KiB serving|RSS KiB total" per measurement, or
# "NAME|MISSING" for one that failed (listed in missing_runs too).
results=()
missing_runs=()
missing() {  # missing NAME WHY
  results+=("$1|MISSING")
  missing_runs+=("round $round: ${label[$1]}: $2")
  echo "MISSING: ${label[$1]}: $2" >&2
}

# Each answers the same bytes (nginx's is the literal body); one that does not start or
# answers another body is MISSING in every round.
round=0
for name in conv nginx flask; do
  ok[$name]=0
  if wait_http "http://127.0.0.1:${port[$name]}$PATH_15" "${pid[$name]}"; then
    got=$(curl -s "http://127.0.0.1:${port[$name]}$PATH_15")
    if [[ $got == "$BODY" ]]; then ok[$name]=1; else echo "unexpected body from $name: $got" >&2; fi
  fi
done

# measure NAME: one wrk run against NAME, and its result line.
measure() {
  local name=$1 url="http://127.0.0.1:${port[$1]}$PATH_15" out rc=0 summary rps p50 p99 errs
  echo "bench: round $round, $name" >&2
  if ((!ok[$name])); then missing "$name" "did not start or answered another body"; return 0; fi
  if [[ -z ${warm[$name]:-} ]]; then
    taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNECTIONS" -d2s "$url" >/dev/null 2>&1 || true
    warm[$name]=1
  fi
  out=$(taskset -c "$CLIENT_CPU" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$url" 2>&1) || rc=$?
  summary=$(wrk_summary "$out")
  if ! alive "${pid[$name]}"; then
    ok[$name]=0
    missing "$name" "the server exited"
  elif ((rc != 0)) || [[ -z $summary ]]; then
    missing "$name" "wrk exited with $rc and no result: $(tail -2 <<<"$out" | tr '\n' ' ')"
  else
    read -r rps p50 p99 errs <<<"$summary"
    results+=("$name|$rps|$p50|$p99|$errs|$(rss_workers_kb "${pid[$name]}")|$(rss_kb "${pid[$name]}")")
  fi
}

declare -A warm
orders=()
for ((round = 1; round <= ROUNDS; round++)); do
  order=$(rotate $((round - 1)) conv nginx flask)
  orders+=("round $round: ${order// /, }")
  for name in $order; do measure "$name"; done
done

echo "# $(date -u +%FT%TZ) $(nproc) CPUs; servers on CPU $SERVER_CPU, wrk on CPU $CLIENT_CPU;" \
  "wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION --latency GET $PATH_15; median of $ROUNDS round(s)"
echo "# RSS: serving = conv's process, nginx's worker, gunicorn's workers; total adds nginx's" \
  "master and gunicorn's arbiter"
echo "# order: $(printf '%s | ' "${orders[@]}" | sed 's/ | $//')"
printf '| server | req/s | range req/s | p50 ms | p99 ms | errors | RSS MiB serving | RSS MiB total | vs nginx | vs original | runs |\n'
printf '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n'
# Per server: the median run by req/s (of those that did not fail), the lowest and highest
# req/s, and the ratios of the medians.
printf '%s\n' "${results[@]}" | awk -F'|' -v lconv="${label[conv]}" -v lnginx="${label[nginx]}" \
  -v lflask="${label[flask]}" '
  { rounds[$1]++; if ($2 != "MISSING") runs[$1, ++count[$1]] = $0 }
  function ratio(a, b, fmt) {
    return (!(a in med) || !(b in med) || med[b] <= 0) ? "n/a (missing)" : sprintf(fmt, med[a] / med[b])
  }
  END {
    label["conv"] = lconv; label["nginx"] = lnginx; label["flask"] = lflask
    for (i = 1; i <= 3; i++) {
      s = i == 1 ? "conv" : i == 2 ? "nginx" : "flask"; m = count[s] + 0
      for (a = 1; a <= m; a++) for (b = a + 1; b <= m; b++) {
        split(runs[s, a], x, "|"); split(runs[s, b], y, "|")
        if (y[2] + 0 < x[2] + 0) { t = runs[s, a]; runs[s, a] = runs[s, b]; runs[s, b] = t }
      }
      if (m > 0) { line[s] = runs[s, int((m + 1) / 2)]; split(line[s], f, "|"); med[s] = f[2] + 0
        split(runs[s, 1], lo, "|"); split(runs[s, m], hi, "|"); range[s] = sprintf("%.0f-%.0f", lo[2], hi[2]) }
    }
    for (i = 1; i <= 3; i++) {
      s = i == 1 ? "conv" : i == 2 ? "nginx" : "flask"
      if (!(s in med)) {
        printf "| %s | MISSING | | | | | | | n/a (missing) | n/a (missing) | 0/%d |\n", label[s], rounds[s]
        continue
      }
      split(line[s], f, "|")
      printf "| %s | %.0f | %s | %.2f | %.2f | %d | %.1f | %.1f | %s | %s | %d/%d |\n", label[s], f[2], range[s],
        f[3], f[4], f[5], f[6] / 1024, f[7] / 1024, ratio(s, "nginx", "%.2fx"), ratio(s, "flask", "%.1fx"), count[s], rounds[s]
    }
  }'
if ((${#missing_runs[@]} > 0)); then
  echo "MISSING: ${#missing_runs[@]} measurement(s) failed:"
  printf '  %s\n' "${missing_runs[@]}"
  exit 1
fi
