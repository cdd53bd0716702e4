#!/usr/bin/env bash
# shellcheck disable=SC2154  # PORT_<name>, PID_<name> are set by start_conv (printf -v)
# An access log sink that misbehaves must not take the server down (docs/operations.md: "a slow disk or
# pipe never stalls requests"; "SIGTERM ... exit 0"). The sink is a FIFO, as a pipe to a log
# shipper or a container runtime's stdout is:
#   1. its reader stops reading: requests are served (lifecycle_smoke checks the drops), and
#      SIGTERM still ends the process with exit 0, promptly;
#   2. its reader goes away: the server keeps serving (no death by SIGPIPE).
# Both are checked and reported before the test fails.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/smoke/lib.sh
source "$here/lib.sh"

problems=()
ua=$(printf '"%.0s' $(seq 1 14000))  # logged as \x22 each: 56 KB a line

# --- 1. A reader that never reads: the pipe fills, the log's writer thread blocks in write().
mkfifo "$WORK/stuck"
# shellcheck disable=SC2217  # the redirection is the point: sleep never reads it
sleep 120 <"$WORK/stuck" &
PIDS+=($!)
start_conv stuck converter --name stuck --threads 1 --access-log "$WORK/stuck"
curl -s -o /dev/null -w '%{http_code}\n' -A "$ua" \
  "http://127.0.0.1:$PORT_stuck/convertepradolareuro/[1-20].0" >"$WORK/codes1"
[[ $(grep -c '^200$' "$WORK/codes1") == 20 ]] || problems+=("stuck sink: requests not served")
start=$EPOCHREALTIME
kill -TERM "$PID_stuck"
wait_exit "$PID_stuck" 5
took=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
if [[ $EXIT_CODE == 0 ]]; then
  pass "stuck sink: SIGTERM exits 0 in ${took}s"
else
  problems+=("stuck sink: SIGTERM did not end the process within 5 s (exit: $EXIT_CODE; log: $(tr '\n' '|' <"$WORK/stuck.err"))")
  kill -KILL "$PID_stuck" 2>/dev/null || true
fi

# --- 2. A reader that goes away: the next write to the FIFO fails (EPIPE, or SIGPIPE if not
#        ignored).
mkfifo "$WORK/gone"
cat "$WORK/gone" >/dev/null &
reader=$!
PIDS+=("$reader")
start_conv gone converter --name gone --threads 1 --access-log "$WORK/gone"
base="http://127.0.0.1:$PORT_gone"
[[ $(curl -s -o /dev/null -w '%{http_code}' "$base/healthz") == 200 ]] || fail "not serving"
kill -KILL "$reader"
wait "$reader" 2>/dev/null || true
# Requests for 0.5 s (several of the writer's 100 ms flushes; at most 500 requests).
sent=0 served=0 end=$(awk -v t="$EPOCHREALTIME" 'BEGIN { printf "%.3f", t + 0.5 }')
while awk -v t="$EPOCHREALTIME" -v e="$end" 'BEGIN { exit !(t < e) }' && ((sent < 500)); do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$base/convertepradolareuro/15.0" || true)
  sent=$((sent + 1))
  [[ $code == 200 ]] && served=$((served + 1))
done
if kill -0 "$PID_gone" 2>/dev/null && ((served == sent)); then
  pass "sink's reader gone: $served of $sent requests served over 0.5 s, still running"
else
  EXIT_CODE=running
  kill -0 "$PID_gone" 2>/dev/null || wait_exit "$PID_gone" 1
  problems+=("sink's reader gone: $served of $sent served, process: $EXIT_CODE (141 = killed by SIGPIPE)")
fi

((${#problems[@]} == 0)) || fail "$(printf '%s; ' "${problems[@]}")"
echo "access log sink: all passed"
