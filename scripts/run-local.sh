#!/usr/bin/env bash
# The original topology on one machine, in the foreground: two converters (api1 on 5001,
# api2 on 5002) behind the balancer on port 5000 (configs/balancer.local.json). Ctrl-C (or
# SIGTERM) drains and stops all three; if one of them dies, the others are stopped too.
# Usage: scripts/run-local.sh [path/to/conv]
set -euo pipefail
# Job control gives each server its own process group, so a terminal's Ctrl-C reaches only
# this script, which then asks each server once to drain (a second signal would cut it short).
set -m
cd "$(dirname "$0")/.."
conv=${1:-./build/conv}
pids=()

stop_all() {
  trap - INT TERM EXIT
  local pid
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_all INT TERM EXIT

# The three servers share this machine's CPUs. A converter does about a quarter of the
# balancer's work per request (one connection to serve instead of two, and a short answer),
# so each gets a quarter of the CPUs and the balancer all of them (its default); threads
# beyond the CPUs only queue behind each other (measured in bench/balancer.sh's stacks).
converter_threads=$(($(nproc) / 4))
((converter_threads >= 1)) || converter_threads=1
# Each server's lines (access log on stdout, events on stderr, each kept on its own) go
# through a sed that puts its name in front ("api1 | ..."). The seds are process
# substitutions, so $! stays the server's PID (they run under it, not under this script) and
# stop_all signals exactly the servers; they ignore Ctrl-C and end when their server has said
# its last line and closed the pipe.
label() {
  trap '' INT
  exec sed -u "s/^/$1 | /"
}
labelled() {
  local name=$1
  shift
  "$@" > >(label "$name") 2> >(label "$name" >&2) &
  pids+=($!)
}
for n in 1 2; do
  labelled "api$n" "$conv" converter --host 127.0.0.1 --port "500$n" --name "api$n" \
    --rates configs/rates.json --threads "$converter_threads"
done
labelled balancer "$conv" balancer --config configs/balancer.local.json
echo "conv: balancer on http://localhost:5000 -> api1 (5001), api2 (5002); status page and" \
  "admin API on http://127.0.0.1:9000; Ctrl-C stops" >&2
# Wait until any one exits, then stop the rest.
wait -n "${pids[@]}" || true
