#!/usr/bin/env bash
# shellcheck disable=SC2154  # PORT_<name>, PID_<name> are set by start_conv (printf -v)
# `conv probe`, the container health check, against a real converter on loopback: a 2xx exits
# 0, a 404 or nothing listening exits 1 with one line on stderr, a bad URL exits 2. (Over TLS:
# tests/http/probe_tls_test.cpp.)
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/smoke/lib.sh
source "$here/../smoke/lib.sh"

# expect_probe WHAT WANT_RC WANT_STDERR_LINES ARGS...
expect_probe() {
  local what=$1 want=$2 lines=$3 rc=0
  shift 3
  "$CONV" probe "$@" >"$WORK/out" 2>"$WORK/err" </dev/null || rc=$?
  [[ $rc == "$want" ]] || fail "$what: exit code $rc, want $want ($(cat "$WORK/err"))"
  [[ $(wc -l <"$WORK/err") == "$lines" ]] || fail "$what: stderr: $(cat "$WORK/err")"
  [[ ! -s $WORK/out ]] || fail "$what: wrote to stdout"
  pass "$what -> exit $rc $(cat "$WORK/err")"
}

start_conv api converter --access-log off --name api
base="http://127.0.0.1:$PORT_api"
expect_probe "healthz 200" 0 0 "$base/healthz"
expect_probe "readyz 200 with a timeout" 0 0 "$base/readyz" --timeout 2
expect_probe "the original route" 0 0 "$base/convertepradolareuro/15.0"
expect_probe "404" 1 1 "$base/nothing-here"
grep -q 'status 404' "$WORK/err" || fail "404: message does not say the status"
expect_probe "400" 1 1 "$base/convertepradolareuro/-1"

# A port nobody listens on: bind one, note it, close it (a free port, refused at once).
closed_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
  echo 1)
expect_probe "nothing listening" 1 1 "http://127.0.0.1:$closed_port/healthz"
grep -q 'connect' "$WORK/err" || fail "nothing listening: message does not say connect"

# https:// to a plain HTTP port: the TLS handshake fails, as a failed probe.
expect_probe "https to a plain port" 1 1 "https://127.0.0.1:$PORT_api/healthz" --insecure
grep -q 'tls: ' "$WORK/err" || fail "https to a plain port: message does not say tls"
expect_probe "--ca for http://" 2 1 "$base/healthz" --ca /etc/hostname
expect_probe "--ca and --insecure" 2 1 "https://127.0.0.1:$PORT_api/" --ca /etc/hostname --insecure
expect_probe "a missing --ca file" 2 1 "https://127.0.0.1:$PORT_api/" --ca /nonexistent/ca.pem
grep -q '/nonexistent/ca.pem' "$WORK/err" || fail "a missing --ca file: message does not name it"
expect_probe "no scheme" 2 1 "127.0.0.1:$PORT_api/healthz"
expect_probe "bad port" 2 1 "http://127.0.0.1:99999/"
expect_probe "no URL" 2 1
expect_probe "bad timeout" 2 1 "$base/healthz" --timeout -1

# Once the converter has stopped, the probe fails.
kill -TERM "$PID_api"
wait_exit "$PID_api" 15
[[ $EXIT_CODE == 0 ]] || fail "converter exit code $EXIT_CODE after SIGTERM"
expect_probe "stopped converter" 1 1 "$base/healthz"
echo "probe: all passed"
