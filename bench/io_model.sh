#!/usr/bin/env bash
# Compares the two threading models of the HTTP core under the same load, in one run:
#   per-thread: an io_context and an SO_REUSEPORT listener per thread (the default)
#   shared:     one io_context run by every thread, one listener, a strand per connection
# Usage: bench/io_model.sh [threads=2] [duration=10s] [connections=64] [rounds=2]
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
source "$here/lib.sh"

THREADS=${1:-2}
DURATION=${2:-10s}
CONNECTIONS=${3:-64}
ROUNDS=${4:-2}
WRK_THREADS=${WRK_THREADS:-1}
CLIENT_CPU=${CONV_BENCH_CLIENT_CPU:-0-$(($(nproc) - 1))}
CONV=${CONV:-$here/../build/conv}
URL_PATH=/convertepradolareuro/15.0

bench_install wrk curl python3
[[ -x $CONV ]] || { echo "build conv first: $CONV" >&2; exit 1; }

echo "# $(date -u +%FT%TZ) $(nproc) CPUs; conv --threads $THREADS;" \
  "wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION; $ROUNDS alternating rounds"
printf '| io model | round | req/s | p50 ms | p99 ms |\n|---|---:|---:|---:|---:|\n'
for ((round = 1; round <= ROUNDS; round++)); do
  for model in per-thread shared; do
    port=$(free_port)
    "$CONV" converter --host 127.0.0.1 --port "$port" --threads "$THREADS" --io-model "$model" \
      --access-log off 2>/dev/null &
    pid=$!
    BENCH_PIDS+=("$pid")
    wait_http "http://127.0.0.1:$port$URL_PATH"
    wrk -t1 -c"$CONNECTIONS" -d2s "http://127.0.0.1:$port$URL_PATH" >/dev/null
    read -r _ rps p50 p99 < <(run_wrk "$model" "http://127.0.0.1:$port$URL_PATH")
    printf '| %s | %d | %.0f | %.2f | %.2f |\n' "$model" "$round" "$rps" "$p50" "$p99"
    kill -TERM "$pid"
    wait "$pid" || true
  done
done
