#!/usr/bin/env bash
# shellcheck disable=SC2154  # PORT_<name>, PID_<name> are set by start_conv (printf -v)
# Memory before the body, measured by RSS: a client streaming 48 MiB of a chunk-size line,
# trailers, chunk-size zeros or a header block that never end, to both roles; and an
# upstream streaming a chunk extension that never ends to the balancer. Each must get its
# answer (400 or 431) after a few KiB, and the server's RSS must not follow: before the
# fix, 48 MiB of extension grew the converter by 96 MiB. Peers: tests/limits/edge_memory.py.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/smoke/lib.sh
source "$here/../smoke/lib.sh"
command -v python3 >/dev/null || fail "python3 is needed (scripts/install-deps.sh installs it)"
BOUND_KIB=$((8 * 1024))

start_conv api converter --threads 1 --access-log off
cat >"$WORK/lb.json" <<JSON
{"threads": 1, "access_log": "off", "admin": "off", "health_check": null,
 "upstreams": ["127.0.0.1:$PORT_api"]}
JSON
start_conv lb balancer --config "$WORK/lb.json"

# check WHO PID GROWTH_KIB: the RSS bound, unless a sanitizer's quarantine makes RSS moot.
check_growth() {
  if [[ -n ${CONV_SANITIZED:-} ]]; then
    pass "$1: RSS +$(($3 / 1024)) MiB (sanitized build: not bounded)"
  else
    (($3 < BOUND_KIB)) || fail "$1: RSS grew by $(($3 / 1024)) MiB (bound $((BOUND_KIB / 1024)))"
    pass "$1: RSS +$(($3 / 1024)) MiB, under $((BOUND_KIB / 1024))"
  fi
}

for role in api lb; do
  port_var=PORT_$role pid_var=PID_$role
  for attack in extension trailer zeros header; do
    read -r status growth sent < <(python3 "$here/edge_memory.py" client "${!port_var}" "${!pid_var}" "$attack")
    case $attack in
      trailer | header) want=431 ;;
      *) want=400 ;;
    esac
    [[ $status == "$want" ]] || fail "$role, endless $attack: answered $status (want $want), after $sent MiB"
    check_growth "$role, endless $attack ($want after a few KiB; the client pushed $sent MiB)" "${!pid_var}" "$growth"
  done
done

# An upstream whose chunk extension never ends: the balancer stops reading at its bound.
python3 "$here/edge_memory.py" upstream "$WORK/up.port" &
PIDS+=($!)
poll_until 5 test -s "$WORK/up.port" || fail "the hostile upstream did not start"
cat >"$WORK/lb2.json" <<JSON
{"threads": 1, "access_log": "off", "admin": "off", "health_check": null,
 "upstreams": ["127.0.0.1:$(cat "$WORK/up.port")"]}
JSON
start_conv lb2 balancer --config "$WORK/lb2.json"
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$PID_lb2/status"; }
before=$(rss)
peak=$before
curl -s -o /dev/null -w '%{http_code}' --max-time 20 "http://127.0.0.1:$PORT_lb2/x" >"$WORK/code" &
curl_pid=$!
for ((i = 0; i < 2500; i++)); do  # samples every 10 ms while the response runs: 25 s at most
  kill -0 "$curl_pid" 2>/dev/null || break
  now=$(rss)
  ((now > peak)) && peak=$now
  sleep 0.01
done
wait "$curl_pid" || true
[[ $(cat "$WORK/code") == 200 ]] || fail "the hostile upstream's head was not relayed: $(cat "$WORK/code")"
kill -0 "$PID_lb2" || fail "the balancer died"
check_growth "balancer, upstream with an endless chunk extension (response cut)" "$PID_lb2" $((peak - before))

echo "edge memory tests: all passed"
