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

# start_listener NAME COMMAND...: runs COMMAND in the background with stderr in $WORK/NAME.err,
# waits until it prints "listening on 127.0.0.1:PORT", and sets PID_<NAME> and PORT_<NAME>.
start_listener() {
  local name=$1
  shift
  start_listening_on "$name" 127.0.0.1 "$@"
}

# start_listening_on NAME HOST COMMAND...: the same, for "listening on HOST:PORT".
start_listening_on() {
  local name=$1 host=$2
  shift 2
  : >"$WORK/$name.err"  # exists before the poll below reads it
  "$@" 2>>"$WORK/$name.err" &
  local pid=$!
  PIDS+=("$pid")
  local port="" i
  for ((i = 0; i < 200; i++)); do
    port=$(sed -n "s/.*listening on ${host//./\\.}:\([0-9]*\).*/\1/p" "$WORK/$name.err")
    [[ -n $port ]] && break
    kill -0 "$pid" 2>/dev/null || fail "$name exited at start"
    sleep 0.05
  done
  [[ -n $port ]] || fail "$name did not start listening within 10 s"
  printf -v "PID_$name" '%s' "$pid"
  printf -v "PORT_$name" '%s' "$port"
}

# start_conv NAME ARGS...: runs "conv ARGS" on a free loopback port (see start_listener).
start_conv() {
  local name=$1
  shift
  start_listener "$name" "$CONV" "$@" --host 127.0.0.1 --port 0
}

# start_conv_at NAME ADDRESS PORT ARGS...: the same on a given loopback address and port.
start_conv_at() {
  local name=$1 host=$2 want_port=$3
  shift 3
  start_listening_on "$name" "$host" "$CONV" "$@" --host "$host" --port "$want_port"
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

# logged_port NAME WHAT: the port of the "WHAT 127.0.0.1:PORT" line of NAME's event log, once
# it is there: a role logs its other listeners (admin API, metrics) just after the "listening
# on" line start_conv waits for, so it may not be written yet. Fails after 5 s; in $(...), as
# `x=$(logged_port lb "admin API on") || exit 1`.
logged_port() {
  local port i
  for ((i = 0; i < 100; i++)); do
    port=$(sed -n "s/.*$2 127\.0\.0\.1:\([0-9]*\).*/\1/p" "$WORK/$1.err" | head -1)
    if [[ -n $port ]]; then
      echo "$port"
      return 0
    fi
    sleep 0.05
  done
  fail "no '$2 127.0.0.1:PORT' line in $1's log: $(cat "$WORK/$1.err")"
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

# lines_over FILE N: FILE has more than N lines.
lines_over() { [[ $(wc -l <"$1") -gt $2 ]]; }

# load_until_stopped URL OUT: batches of 500 GETs, 16 at a time, one after another in the
# background until $OUT.stop exists (at most 100 batches), so that the load lasts as long as
# the test needs on any machine, however fast; one line "status served-by" per response in
# OUT (emptied first, so that OUT can be used again); sets LOAD_PID. stop_load ends it after
# the batch in progress.
load_until_stopped() {
  local url=$1 out=$2 n batch
  : >"$out"
  rm -f "$out.stop"
  for ((n = 0; n < 500; n++)); do
    printf 'url = "%s"\noutput = "/dev/null"\n' "$url"
  done >"$out.urls"
  for ((batch = 0; batch < 100; batch++)); do
    [[ -e $out.stop ]] && break
    curl -s --parallel --parallel-max 16 --config "$out.urls" \
      -w '%{http_code} %header{x-served-by}\n' >>"$out" 2>/dev/null || true
  done &
  LOAD_PID=$!
}
# stop_load OUT: ends the load writing OUT after its batch in progress, and waits for it.
stop_load() {
  touch "$1.stop"
  wait "$LOAD_PID" || true
}

# served N: X-Served-By of N GETs to $base on one keep-alive connection, space-separated; a
# non-200 shows as its status.
served() {
  local targets=() i
  for ((i = 0; i < $1; i++)); do targets+=("$base/convertepradolareuro/15.0"); done
  curl -s -D - -o /dev/null "${targets[@]}" | tr -d '\r' |
    awk '/^HTTP\//{code=$2} /^X-Served-By:/{if (code == 200) printf "%s ", $2; else printf "%s ", code}'
}

# rotates_over NAME...: 3 rounds of requests to $base go to exactly these, in a strict
# repeating order.
rotates_over() {
  local names=("$@") n=$# got i
  read -r -a got <<<"$(served $((3 * n)))"
  ((${#got[@]} == 3 * n)) || return 1
  [[ $(printf '%s\n' "${got[@]}" | sort -u | tr '\n' ' ') == "$(printf '%s\n' "${names[@]}" | sort -u | tr '\n' ' ')" ]] ||
    return 1
  for ((i = n; i < 3 * n; i++)); do [[ ${got[i]} == "${got[i - n]}" ]] || return 1; done
}
