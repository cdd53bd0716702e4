#!/usr/bin/env bash
# The rates history under load (issue 15's targets), on loopback, on one converter serving a
# synthetic ECB history of 25 years of 30 currencies from its store (bench/make_ecb_history.py):
#   1. a one-year time series of five currencies: req/s, p50 and p99 at 1 and 8 connections;
#   2. /v1/convert on the latest rates against the original route, same process: the ratio;
#   3. memory while the rates are reloaded (SIGHUP: the whole history read again and swapped
#      in) once a second under /v1/convert load: RSS before, at each reload, and after;
#   4. the same with live feeds: a second converter (--refresh ecb) over a copy of the store,
#      behind a fake ECB on loopback (python3's http.server), publishing a new day at each
#      SIGHUP (fetched, saved, merged into the history, converted to a new catalog).
#
# Usage: [RELOADS=20] bench/rates.sh [duration=10s]
# The converter is pinned to CPU 0 and wrk to CPU 1 (CONV_BENCH_SERVER_CPU / _CLIENT_CPU).
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
source "$here/lib.sh"

DURATION=${1:-10s}
WRK_THREADS=1
SERVER_CPU=${CONV_BENCH_SERVER_CPU:-0}
CLIENT_CPU=${CONV_BENCH_CLIENT_CPU:-1}
CONV=${CONV:-$here/../build/conv}
RELOADS=${RELOADS:-20}

bench_install wrk curl python3
[[ -x $CONV ]] || { echo "build conv first (cmake --build build): $CONV" >&2; exit 1; }

LAST=2024-10-04  # the store's latest day
python3 "$here/make_ecb_history.py" 25 30 "$LAST" >"$BENCH_DIR/hist.xml"
"$CONV" rates --store "$BENCH_DIR/rates.db" import "$BENCH_DIR/hist.xml" >&2
port=$(free_port)
taskset -c "$SERVER_CPU" "$CONV" converter --host 127.0.0.1 --port "$port" --threads 1 \
  --access-log off --store "$BENCH_DIR/rates.db" 2>"$BENCH_DIR/conv.err" &
pid=$!
BENCH_PIDS+=("$pid")
base=http://127.0.0.1:$port
wait_http "$base/healthz"

series="$base/v1/timeseries?start=2023-10-05&end=2024-10-04&symbols=USD,JPY,GBP,CHF,BRL"
convert="$base/v1/convert?amount=15.00&from=BRL&to=USD,EUR"
legacy="$base/convertepradolareuro/15.0"
echo "# $(date -u +%FT%TZ) $(nproc) CPUs; converter on CPU $SERVER_CPU, wrk on CPU $CLIENT_CPU;" \
  "$(curl -s "$series" | wc -c) bytes a time series; RSS $(($(rss_kb "$pid") / 1024)) MiB at start"

printf '| request | connections | req/s | p50 ms | p99 ms |\n|---|---:|---:|---:|---:|\n'
for CONNECTIONS in 1 8; do
  taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNECTIONS" -d2s "$series" >/dev/null  # warm-up
  read -r _ rps p50 p99 < <(run_wrk series "$series")
  printf '| 1-year time series, 5 currencies | %s | %.0f | %.2f | %.2f |\n' "$CONNECTIONS" "$rps" "$p50" "$p99"
done
CONNECTIONS=64
declare -A rps_of
for name in legacy convert; do
  url=${!name}
  taskset -c "$CLIENT_CPU" wrk -t1 -c64 -d2s "$url" >/dev/null
  read -r _ rps p50 p99 < <(run_wrk "$name" "$url")
  rps_of[$name]=$rps
  printf '| %s | 64 | %.0f | %.2f | %.2f |\n' "${url#"$base"}" "$rps" "$p50" "$p99"
done
awk -v c="${rps_of[convert]}" -v l="${rps_of[legacy]}" \
  'BEGIN { printf "\n/v1/convert on the latest rates: %.2fx the original route\n", c / l }'

# Memory while reloading under load.
taskset -c "$CLIENT_CPU" wrk -t1 -c16 -d"$((RELOADS * 3 + 4))s" "$convert" >/dev/null &
wrk_pid=$!
BENCH_PIDS+=("$wrk_pid")
samples=("$(rss_kb "$pid")")
for ((i = 1; i <= RELOADS; i++)); do
  kill -HUP "$pid"
  # The next sample once this reload is logged (bounded: a second at most).
  for ((t = 0; t < 100; t++)); do
    (($(grep -c 'rates reloaded' "$BENCH_DIR/conv.err") >= i)) && break
    sleep 0.01
  done
  sleep 1.5  # the converter gives the replaced history back a second after a reload
  samples+=("$(rss_kb "$pid")")
done
reap "$wrk_pid"
printf '\nRSS MiB over %s reloads under load (start, then after each):' "$RELOADS"
printf ' %s' "${samples[@]}" | awk '{ for (i = 1; i <= NF; i++) printf " %.1f", $i / 1024; print "" }'

# Memory while live feeds publish a new day, under load. The first converter stops; the second
# runs over a copy of its store. The store ends on $LAST and the clock is later: the refresher
# sees a wide gap and asks the back-fill file (eurofxref-hist-90d.xml), not the daily one
# (src/converter/feeds/ecb_source.cpp, refresh_plan.cpp); the fake serves both, the same.
stop "$pid"
cp "$BENCH_DIR/rates.db" "$BENCH_DIR/live.db"
feed=$BENCH_DIR/feed
mkdir -p "$feed"
head -n 4 "$BENCH_DIR/hist.xml" >"$BENCH_DIR/feed.head"   # the envelope, down to "<Cube>"
latest=$(grep -m1 '<Cube time=' "$BENCH_DIR/hist.xml")     # the newest day comes first
# write_feed DAY: the feed files with one day, DAY, at the latest day's rates (plausible).
write_feed() {
  { cat "$BENCH_DIR/feed.head"
    echo "${latest/time=\"$LAST\"/time=\"$1\"}"
    printf '</Cube>\n</gesmes:Envelope>\n'; } >"$feed/day.tmp"
  cp "$feed/day.tmp" "$feed/eurofxref-daily.xml.tmp"
  mv "$feed/day.tmp" "$feed/eurofxref-hist-90d.xml"
  mv "$feed/eurofxref-daily.xml.tmp" "$feed/eurofxref-daily.xml"
}
# next_business_day DAY: the next weekday. TARGET holidays are not skipped: from 2024-10-04,
# the first (2024-12-25) is 57 business days on, beyond any RELOADS this is run with.
next_business_day() {
  local day=$1
  day=$(date -u -d "$day + 1 day" +%F)
  while (($(date -u -d "$day" +%u) > 5)); do day=$(date -u -d "$day + 1 day" +%F); done
  echo "$day"
}
write_feed "$LAST"  # the first fetch, at start, brings nothing new
feed_port=$(free_port)
taskset -c "$CLIENT_CPU" python3 -m http.server --bind 127.0.0.1 --directory "$feed" \
  "$feed_port" 2>"$BENCH_DIR/feed.err" >/dev/null &
BENCH_PIDS+=("$!")
wait_http "http://127.0.0.1:$feed_port/eurofxref-daily.xml"
port=$(free_port)
taskset -c "$SERVER_CPU" "$CONV" converter --host 127.0.0.1 --port "$port" --threads 1 \
  --access-log off --store "$BENCH_DIR/live.db" --refresh ecb \
  --feed-url "ecb=http://127.0.0.1:$feed_port/" 2>"$BENCH_DIR/live.err" &
pid=$!
BENCH_PIDS+=("$pid")
base=http://127.0.0.1:$port
convert="$base/v1/convert?amount=15.00&from=BRL&to=USD,EUR"
wait_http "$base/healthz" "$pid"
# The start's fetch (the gap is due at once) done: a second GET of the feed (wait_http's first).
for ((t = 0; t < 300; t++)); do
  (($(grep -c 'GET /eurofxref' "$BENCH_DIR/feed.err") >= 2)) && break
  sleep 0.01
done
sleep 0.5

taskset -c "$CLIENT_CPU" wrk -t1 -c16 -d"$((RELOADS * 3 + 4))s" "$convert" >/dev/null &
wrk_pid=$!
BENCH_PIDS+=("$wrk_pid")
samples=("$(rss_kb "$pid")")
day=$LAST
for ((i = 1; i <= RELOADS; i++)); do
  day=$(next_business_day "$day")
  write_feed "$day"
  kill -HUP "$pid"
  # The next sample once the new day is saved and published (bounded: three seconds at most).
  for ((t = 0; t < 300; t++)); do
    grep -q "up to $day" "$BENCH_DIR/live.err" && break
    sleep 0.01
  done
  grep -q "up to $day" "$BENCH_DIR/live.err" || echo "warning: $day not published" >&2
  sleep 1.5  # as section 3: a second for the replaced history to be given back
  samples+=("$(rss_kb "$pid")")
done
reap "$wrk_pid"
as_of=$(curl -s "$base/v1/rates" | grep -o '"as_of":"[^"]*"' | cut -d'"' -f4)
printf '\nRSS MiB over %s live refreshes under load, up to %s (served: %s) (start, then after each):' \
  "$RELOADS" "$day" "$as_of"
printf ' %s' "${samples[@]}" | awk '{ for (i = 1; i <= NF; i++) printf " %.1f", $i / 1024; print "" }'
