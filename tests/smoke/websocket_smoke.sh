#!/usr/bin/env bash
# shellcheck disable=SC2154  # PORT_<name> is set by start_listener (printf -v)
# WebSockets through `conv balancer`, end to end with Debian's python3-websockets on both
# sides: an echo server upstream, and a client that sends text and binary messages (some
# larger than the tunnel's buffers), gets each echoed and closes cleanly; over plain HTTP and
# over the balancer's HTTPS port (wss://). Skipped without python3-websockets.
here=$(cd "$(dirname "$0")" && pwd)
# Debian's package is in the system's Python, which a python3 first on PATH may not be.
py=""
for candidate in python3 /usr/bin/python3; do
  if "$candidate" -c 'import websockets' 2>/dev/null; then
    py=$candidate
    break
  fi
done
if [[ -z $py ]]; then
  echo "SKIP: python3-websockets is not installed (scripts/install-deps.sh installs it)"
  exit 77
fi
# shellcheck source=tests/smoke/lib.sh
source "$here/lib.sh"

bash "$here/../support/make_test_certs.sh" "$WORK/certs"
start_listener ws "$py" "$here/websocket_echo.py" serve
tls_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$WORK/lb.json" <<JSON
{"threads": 1, "name": "lb", "admin": "off", "access_log": "$WORK/access.log",
 "health_check": null, "upstreams": ["127.0.0.1:$PORT_ws"],
 "timeouts": {"tunnel": "10m"},
 "tls": {"certificates": [{"cert": "$WORK/certs/server.pem", "key": "$WORK/certs/server.key"}],
         "port": $tls_port}}
JSON
start_conv lb balancer --config "$WORK/lb.json"
poll_until 5 grep -q "HTTPS on" "$WORK/lb.err" || fail "no HTTPS line"

"$py" "$here/websocket_echo.py" client "ws://127.0.0.1:$PORT_lb/echo" >"$WORK/plain.out" 2>&1 ||
  fail "ws:// through the balancer: $(cat "$WORK/plain.out")"
pass "ws://: $(cat "$WORK/plain.out")"
"$py" "$here/websocket_echo.py" client "wss://localhost:$tls_port/echo" "$WORK/certs/ca.pem" \
  >"$WORK/tls.out" 2>&1 || fail "wss:// through the balancer: $(cat "$WORK/tls.out")"
pass "wss://: $(cat "$WORK/tls.out")"

# Each tunnel is logged once it ends, as a 101.
poll_until 5 bash -c "[[ \$(grep -c '\" 101 ' '$WORK/access.log') == 2 ]]" ||
  fail "access log: $(cat "$WORK/access.log")"
pass "both tunnels logged as 101 when they ended"
