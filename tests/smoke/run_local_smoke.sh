#!/usr/bin/env bash
# The README's run command, scripts/run-local.sh, as a user runs it: the original topology on
# its fixed ports (balancer 5000, api1 5001, api2 5002, admin 9000), the original answer
# through port 5000, strict api1/api2 alternation, then Ctrl-C (SIGINT to the script alone)
# stops all three servers. Skipped (77) when one of those ports is taken on this machine.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/smoke/lib.sh
source "$here/lib.sh"
repo=$(cd "$here/../.." && pwd)

if ! python3 - <<'EOF'; then
import socket, sys
for host, port in (("0.0.0.0", 5000), ("127.0.0.1", 5001), ("127.0.0.1", 5002), ("127.0.0.1", 9000)):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers do
    try:
        s.bind((host, port))
    except OSError:
        sys.exit(1)
    finally:
        s.close()
EOF
  echo "SKIP: a port of the original topology (5000, 5001, 5002, 9000) is in use here"
  exit 77
fi

# Started as a job (set -m): without job control a background command ignores SIGINT, and
# the script could not trap the Ctrl-C this test sends; in a terminal it is in the foreground.
set -m
"$repo/scripts/run-local.sh" "$CONV" >"$WORK/run.out" 2>"$WORK/run.err" &
script=$!
set +m
PIDS+=("$script")
# Whatever happens, the servers the script started are stopped too (by PID).
stop_script_and_servers() {
  local pid
  for pid in $(ps -o pid= --ppid "$script" 2>/dev/null); do PIDS+=("$pid"); done
  cleanup
}
trap stop_script_and_servers EXIT

base=http://127.0.0.1:5000
up() { [[ $(curl -s -o /dev/null -w '%{http_code}' "$base/convertepradolareuro/15.0") == 200 ]]; }
# Both converters in the rotation: health checks every second mark them up.
both_up() {
  local a b
  a=$(curl -s -D - -o /dev/null "$base/healthz" | tr -d '\r' | sed -n 's/^X-Served-By: //p')
  b=$(curl -s -D - -o /dev/null "$base/healthz" | tr -d '\r' | sed -n 's/^X-Served-By: //p')
  [[ -n $a && -n $b && $a != "$b" ]]
}
poll_until 20 up || fail "nothing answers on port 5000"
poll_until 20 both_up || fail "the balancer does not rotate over two converters"
for pid in $(ps -o pid= --ppid "$script"); do PIDS+=("$pid"); done

printf '%s\n' '{"conversao":{"dolar":2.9411764705882355,"euro":2.678571428571429,"real":15.0}}' \
  >"$WORK/expected"
curl -sS -o "$WORK/body" "$base/convertepradolareuro/15.0"
cmp "$WORK/expected" "$WORK/body" || fail "the answer differs: $(cat "$WORK/body")"
pass "the original answer through port 5000"

served=""
for _ in 1 2 3 4 5 6; do
  name=$(curl -s -D - -o /dev/null "$base/convertepradolareuro/1" | tr -d '\r' |
    sed -n 's/^X-Served-By: //p')
  served+="$name "
done
[[ $served == "api1 api2 api1 api2 api1 api2 " || $served == "api2 api1 api2 api1 api2 api1 " ]] ||
  fail "not a strict alternation: $served"
pass "strict alternation: $served"

children=$(ps -o pid= --ppid "$script" | wc -l)
[[ $children -eq 3 ]] || fail "expected 3 servers under the script, found $children"
kill -INT "$script"
wait_exit "$script" 20
[[ $EXIT_CODE != timeout ]] || fail "the script did not stop within 20 s of Ctrl-C"
for pid in "${PIDS[@]}"; do
  [[ $pid == "$script" ]] && continue
  if kill -0 "$pid" 2>/dev/null; then fail "server $pid still runs after Ctrl-C"; fi
done
curl -s -m 2 -o /dev/null "$base/healthz" && fail "port 5000 still answers after Ctrl-C"
pass "Ctrl-C stopped all three servers"
