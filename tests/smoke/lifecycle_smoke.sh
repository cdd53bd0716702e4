#!/usr/bin/env bash
# shellcheck disable=SC2154  # PORT_<name>, PID_<name> are set by start_conv (printf -v)
# What docs/operations.md promises about signals and the access log, on the real binary:
#   1. SIGUSR1 reopens the access log file (log rotation), in both roles;
#   2. a sink that cannot keep up (a FIFO nobody reads) drops lines and counts them in
#      conv_access_log_dropped_total, while requests are still served;
#   3. SIGTERM with a request in flight that outlasts the drain timeout: the process exits 0
#      within the drain timeout (and a bound), dropping that connection;
#   4. a second SIGINT/SIGTERM during the drain stops at once.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/smoke/lib.sh
source "$here/lib.sh"
command -v python3 >/dev/null || fail "python3 is needed (scripts/install-deps.sh installs it)"

# logged FILE TEXT: FILE exists and has a line containing TEXT.
logged() { [[ -f $1 ]] && grep -qF -- "$2" "$1"; }

# get BASE UA: one GET of the original route with User-Agent UA; fails unless 200.
get() {
  [[ $(curl -s -o /dev/null -w '%{http_code}' -A "$2" "$1/convertepradolareuro/15.0") == 200 ]]
}

# --- 1. SIGUSR1 reopens the access log: lines written before it go to the file that was
#        moved away; after it, to a new file at the configured path.
start_conv c1 converter --name c1 --threads 1 --access-log "$WORK/c1.log"
cat >"$WORK/lb1.json" <<JSON
{"threads": 1, "name": "lb1", "admin": "off", "access_log": "$WORK/lb1.log",
 "health_check": null, "upstreams": ["127.0.0.1:$PORT_c1"]}
JSON
start_conv lb1 balancer --config "$WORK/lb1.json"
for role in c1 lb1; do
  port=PORT_$role pid=PID_$role log="$WORK/$role.log"
  base="http://127.0.0.1:${!port}"
  get "$base" "before-rotation" || fail "$role: request failed"
  poll_until 5 logged "$log" "before-rotation" || fail "$role: no access log line"
  mv "$log" "$log.1"
  get "$base" "moved-not-reopened" || fail "$role: request failed"
  poll_until 5 logged "$log.1" "moved-not-reopened" || fail "$role: line lost before SIGUSR1"
  [[ ! -e $log ]] || fail "$role: $log exists before SIGUSR1"
  kill -USR1 "${!pid}"
  poll_until 5 test -e "$log" || fail "$role: SIGUSR1 did not reopen $log"
  get "$base" "after-reopen" || fail "$role: request failed"
  poll_until 5 logged "$log" "after-reopen" || fail "$role: no line in the reopened file"
  ! grep -q "after-reopen" "$log.1" || fail "$role: a line after SIGUSR1 went to the old file"
  ! grep -q -e "before-rotation" -e "moved-not-reopened" "$log" ||
    fail "$role: the new file has lines from before the reopen"
  kill -0 "${!pid}" || fail "$role: died on SIGUSR1"
  pass "$role: SIGUSR1 reopened the access log (the moved file kept the earlier lines)"
done

# --- 2. A FIFO whose reader never reads: the writer thread blocks once the pipe is full,
#        each thread's buffer fills (4 MiB), and further lines are dropped and counted, while
#        every request is answered. Lines are made large (a User-Agent of 14,000 '"', each
#        logged as \x22: 56 KB a line) so that 300 requests overflow both the buffer and the
#        chunk the blocked writer holds.
mkfifo "$WORK/fifo"
# A reader that holds the FIFO open and never reads (its open completes when conv's does).
# shellcheck disable=SC2217  # the redirection is the point: sleep never reads it
sleep 120 <"$WORK/fifo" &
PIDS+=($!)
start_conv c2 converter --name c2 --threads 1 --access-log "$WORK/fifo"
base="http://127.0.0.1:$PORT_c2"
dropped() { curl -s "$base/metrics" | sed -n 's/^conv_access_log_dropped_total \([0-9]*\)$/\1/p'; }
[[ $(dropped) == 0 ]] || fail "dropped before any load: $(dropped)"
ua=$(printf '"%.0s' $(seq 1 14000))
start=$EPOCHREALTIME
curl -s -o /dev/null -w '%{http_code}\n' -A "$ua" "$base/convertepradolareuro/[1-300].0" \
  >"$WORK/codes2" || fail "the flood failed"
took=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
[[ $(grep -c '^200$' "$WORK/codes2") == 300 ]] ||
  fail "requests not served while the log is stuck: $(sort "$WORK/codes2" | uniq -c)"
n=$(dropped)
[[ -n $n && $n -gt 0 ]] || fail "no line counted as dropped: '$n'"
get "$base" "still-serving" || fail "not serving after the drops"
pass "access log sink stuck: 300 of 300 answered in ${took}s, $n lines dropped and counted"

# --- 3. The drain timeout ends a drain that a request in flight would hold up (its upstream
#        never answers): exit 0 within the 1 s drain timeout and a bound, that client cut off.
start_listener hang python3 "$here/../fault/fake_upstream.py" hang
cat >"$WORK/lb3.json" <<JSON
{"threads": 1, "name": "lb3", "admin": "off", "access_log": "off", "health_check": null,
 "public_metrics": true,
 "timeouts": {"drain": 1, "response": 30}, "upstreams": ["127.0.0.1:$PORT_hang"]}
JSON
in_flight() {
  curl -s "http://127.0.0.1:$1/_conv/metrics" | grep -q "^conv_http_requests_in_flight $2\$"
}
start_conv lb3 balancer --config "$WORK/lb3.json"
curl -s -o /dev/null -w '%{http_code}' --max-time 20 "http://127.0.0.1:$PORT_lb3/x" \
  >"$WORK/code3" 2>/dev/null &
client=$!
poll_until 10 in_flight "$PORT_lb3" 2 || fail "the request did not get in flight"  # and /metrics
start=$EPOCHREALTIME
kill -TERM "$PID_lb3"
wait_exit "$PID_lb3" 10
took=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
[[ $EXIT_CODE == 0 ]] || fail "exit after the drain timeout: $EXIT_CODE"
awk -v t="$took" 'BEGIN { exit !(t >= 0.95 && t < 3) }' || fail "exited after ${took}s, drain 1 s"
grep -q "drain timeout: dropping 1 connection" "$WORK/lb3.err" || fail "no drain timeout line"
wait "$client" || true
[[ $(cat "$WORK/code3") == 000 ]] || fail "the request in flight got an answer: $(cat "$WORK/code3")"
pass "drain timeout 1 s with a request in flight: exit 0 after ${took}s, that connection cut"

# --- 4. A second signal during a drain stops at once (here SIGINT, then SIGTERM), well
#        before the 10 s drain timeout.
sed 's/"drain": 1/"drain": 10/; s/"lb3"/"lb4"/' "$WORK/lb3.json" >"$WORK/lb4.json"
start_conv lb4 balancer --config "$WORK/lb4.json"
curl -s -o /dev/null --max-time 20 "http://127.0.0.1:$PORT_lb4/x" 2>/dev/null &
client=$!
poll_until 10 in_flight "$PORT_lb4" 2 || fail "the request did not get in flight"
kill -INT "$PID_lb4"
poll_until 5 grep -q "SIGINT: draining" "$WORK/lb4.err" || fail "no drain on SIGINT"
kill -0 "$PID_lb4" || fail "exited on the first signal with a request in flight"
start=$EPOCHREALTIME
kill -TERM "$PID_lb4"
wait_exit "$PID_lb4" 5
took=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
[[ $EXIT_CODE == 0 ]] || fail "exit after a second signal: $EXIT_CODE"
awk -v t="$took" 'BEGIN { exit !(t < 1) }' || fail "the second signal took ${took}s"
grep -q "second signal: stopping now" "$WORK/lb4.err" || fail "no second-signal line"
wait "$client" || true
pass "SIGINT then SIGTERM: exit 0 ${took}s after the second, drain timeout 10 s"

echo "lifecycle: all passed"
