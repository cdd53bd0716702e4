#!/usr/bin/env bash
# Soak: mixed load through `conv balancer` in front of three `conv converter`s for a bounded
# time, killing and restarting one converter every RESTART_EVERY seconds. Reports requests,
# answers by status, errors and the balancer's RSS at start and end; exits 1 if an idempotent
# request failed or RSS grew beyond RSS_BOUND_MIB.
#
# Usage: bench/soak.sh [duration=3m]     (s or m suffix; at most 60m)
#   RESTART_EVERY=20 PARALLEL=16 RSS_BOUND_MIB=16 CONV=build/conv
# Load: two curl clients, one on kept-alive connections and one closing every connection,
# each cycling over GET legacy route, GET /v1/convert, GET /v1/rates, HEAD /v1/currencies and
# a POST /v1/convert with a body (not idempotent: the converter answers 405; a 502 for it
# while an upstream dies is allowed and counted apart).
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
source "$here/lib.sh"

DURATION=${1:-3m}
RESTART_EVERY=${RESTART_EVERY:-20}
PARALLEL=${PARALLEL:-16}
RSS_BOUND_MIB=${RSS_BOUND_MIB:-16}
CONV=${CONV:-$here/../build/conv}
case $DURATION in
  *m) seconds=$((${DURATION%m} * 60)) ;;
  *s) seconds=${DURATION%s} ;;
  *) seconds=$DURATION ;;
esac
((seconds > 0 && seconds <= 3600)) || { echo "duration: 1s to 60m" >&2; exit 2; }
[[ -x $CONV ]] || { echo "build conv first: $CONV" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)"

declare -A api_pid api_port
start_api() {  # start_api N: converter apiN on its port (a fixed one once chosen)
  local n=$1
  "$CONV" converter --host 127.0.0.1 --port "${api_port[$n]}" --name "api$n" --threads 1 \
    --access-log off 2>>"$BENCH_DIR/api$n.err" &
  api_pid[$n]=$!
  BENCH_PIDS+=($!)
  wait_http "http://127.0.0.1:${api_port[$n]}/healthz"
}
stop_api() {  # stop_api N: SIGKILL, as a crash would
  local n=$1 pid=${api_pid[$1]} keep=() p
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null || true
  for p in "${BENCH_PIDS[@]}"; do [[ $p == "$pid" ]] || keep+=("$p"); done
  BENCH_PIDS=("${keep[@]}")
}

for n in 1 2 3; do
  api_port[$n]=$(free_port)
  start_api "$n"
done
lb_port=$(free_port)
cat >"$BENCH_DIR/lb.json" <<JSON
{"listen": "127.0.0.1:$lb_port", "threads": 2, "name": "lb", "access_log": "off", "admin": "off",
 "upstreams": ["127.0.0.1:${api_port[1]}", "127.0.0.1:${api_port[2]}", "127.0.0.1:${api_port[3]}"],
 "health_check": {"interval": 0.5, "timeout": 0.5, "fails": 1, "passes": 1}}
JSON
"$CONV" balancer --config "$BENCH_DIR/lb.json" 2>"$BENCH_DIR/lb.err" &
lb_pid=$!
BENCH_PIDS+=("$lb_pid")
base="http://127.0.0.1:$lb_port"
wait_http "$base/_conv/readyz"

# One cycle of the mix, as a curl config; each client repeats it until time is up.
mix="$BENCH_DIR/mix"
for i in $(seq 1 200); do
  printf 'url = "%s"\noutput = "/dev/null"\n' "$base/convertepradolareuro/$i.5"
  printf 'url = "%s"\noutput = "/dev/null"\n' "$base/v1/convert?amount=$i.25&from=BRL&to=USD,EUR"
  printf 'url = "%s"\noutput = "/dev/null"\n' "$base/v1/rates?base=USD"
  printf 'url = "%s"\noutput = "/dev/null"\nhead\n' "$base/v1/currencies"
done >"$mix"
printf 'url = "%s"\noutput = "/dev/null"\ndata = "amount=1"\n' "$base/v1/convert" >"$mix.post"
client() {  # client OUT [curl options]: runs the mix until the end time
  local out=$1
  shift
  while ((SECONDS < end)); do
    curl -s --parallel --parallel-max "$PARALLEL" "$@" --config "$mix" \
      -w 'idem %{http_code}\n' 2>/dev/null || true
    curl -s "$@" --config "$mix.post" -w 'post %{http_code}\n' 2>/dev/null || true
  done >"$out"
}

sleep 1  # let the balancer's first health round settle before the start figure
rss_start=$(rss_kb "$lb_pid")
start_time=$SECONDS
end=$((SECONDS + seconds))
client "$BENCH_DIR/keepalive" &
c1=$!
client "$BENCH_DIR/close" -H 'Connection: close' &
c2=$!
restarts=0
next=1
while ((SECONDS + RESTART_EVERY < end)); do
  sleep "$RESTART_EVERY"
  stop_api "$next"
  sleep 1
  start_api "$next"
  restarts=$((restarts + 1))
  next=$((next % 3 + 1))
done
wait "$c1" "$c2"
elapsed=$((SECONDS - start_time))
rss_end=$(rss_kb "$lb_pid")

cat "$BENCH_DIR/keepalive" "$BENCH_DIR/close" >"$BENCH_DIR/all"
total=$(wc -l <"$BENCH_DIR/all")
idem=$(grep -c '^idem ' "$BENCH_DIR/all" || true)
idem_errors=$(grep '^idem ' "$BENCH_DIR/all" | grep -vc ' 200$' || true)
post=$(grep -c '^post ' "$BENCH_DIR/all" || true)
post_other=$(grep '^post ' "$BENCH_DIR/all" | grep -vc ' 405$' || true)
echo "soak: ${elapsed}s, $restarts upstream restarts (SIGKILL, back after 1 s), $PARALLEL-way x 2 clients"
echo "requests: $total ($((total / (elapsed > 0 ? elapsed : 1))) req/s); by status:"
sort "$BENCH_DIR/all" | uniq -c | sed 's/^/  /'
echo "idempotent: $idem, errors: $idem_errors; POST: $post, not 405: $post_other"
echo "balancer RSS: start $((rss_start / 1024)) MiB ($rss_start KiB), end $((rss_end / 1024)) MiB ($rss_end KiB)"
status=0
((idem_errors == 0)) || { echo "FAIL: $idem_errors idempotent requests failed"; status=1; }
((rss_end - rss_start <= RSS_BOUND_MIB * 1024)) ||
  { echo "FAIL: RSS grew by more than $RSS_BOUND_MIB MiB"; status=1; }
exit "$status"
