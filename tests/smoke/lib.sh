# Helpers for the shell smoke tests: start the real binary on a free loopback port, wait for
# it by polling (never by sleeping a fixed time), and stop only what we started, by PID.
# shellcheck shell=bash

set -euo pipefail

CONV=${CONV:?set CONV to the conv binary}
WORK=$(mktemp -d /tmp/conv-smoke.XXXXXX)
PIDS=()

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  for f in "$WORK"/*.err; do
    [[ -f $f ]] && { echo "--- $f" >&2; cat "$f" >&2; }
  done
  exit 1
}

pass() { echo "ok: $*"; }

# start_conv NAME ARGS...: runs "conv ARGS --port 0" in the background with stderr in
# $WORK/NAME.err, waits until it listens, and sets PID_<NAME> and PORT_<NAME>.
start_conv() {
  local name=$1
  shift
  start_conv_at "$name" 127.0.0.1 0 "$@"
}

# start_conv_at NAME ADDRESS PORT ARGS...: the same on a given loopback address and port.
start_conv_at() {
  local name=$1 host=$2 want_port=$3
  shift 3
  # Created here, not by the child's redirection, which may come after our first read.
  : >"$WORK/$name.err"
  "$CONV" "$@" --host "$host" --port "$want_port" 2>>"$WORK/$name.err" &
  local pid=$!
  PIDS+=("$pid")
  local port="" i
  for ((i = 0; i < 200; i++)); do
    # (The shell may not have created the file yet: not an error, just not listening yet.)
    port=$(sed -n "s/.*listening on ${host//./\\.}:\([0-9]*\).*/\1/p" "$WORK/$name.err" 2>/dev/null || true)
    [[ -n $port ]] && break
    kill -0 "$pid" 2>/dev/null || fail "$name exited at start"
    sleep 0.05
  done
  [[ -n $port ]] || fail "$name did not start listening within 10 s"
  printf -v "PID_$name" '%s' "$pid"
  printf -v "PORT_$name" '%s' "$port"
}

# shellcheck disable=SC2034  # EXIT_CODE is read by the callers
# wait_exit PID SECONDS: waits (polling) for our child PID to exit and sets EXIT_CODE to its
# exit code, or to "timeout". (Not in a $(...) subshell: only this shell can reap it.)
wait_exit() {
  local pid=$1 limit=$2 i
  EXIT_CODE=timeout
  for ((i = 0; i < limit * 20; i++)); do
    if [[ $(ps -o stat= -p "$pid" 2>/dev/null) != Z* ]] && kill -0 "$pid" 2>/dev/null; then
      sleep 0.05
      continue
    fi
    EXIT_CODE=0
    wait "$pid" || EXIT_CODE=$?
    return 0
  done
}

# poll_until SECONDS COMMAND...: retries COMMAND until it succeeds or time runs out.
poll_until() {
  local limit=$1 i
  shift
  for ((i = 0; i < limit * 20; i++)); do
    if "$@"; then return 0; fi
    sleep 0.05
  done
  return 1
}
