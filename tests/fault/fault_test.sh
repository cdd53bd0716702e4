#!/usr/bin/env bash
# shellcheck disable=SC2154  # PORT_<name>, PID_<name> are set by start_listener (printf -v)
# Fault injection with real processes on loopback: upstreams that die, hang, lie, break off or
# trickle, and signals to the balancer under load. Complements tests/smoke/balancer_smoke.sh
# (a converter killed under load, restarted idle) and proxy_test.cpp (in-process 502/504).
# Misbehaving upstreams are tests/fault/fake_upstream.py. Every wait is bounded.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/smoke/lib.sh
source "$here/../smoke/lib.sh"
command -v python3 >/dev/null || fail "python3 is needed (scripts/install-deps.sh installs it)"

fake() { start_listener "$1" python3 "$here/fake_upstream.py" "$2"; }

# balancer NAME EXTRA_JSON UPSTREAM...: a balancer on a free port in front of the upstreams,
# each a loopback port or a JSON upstream object.
balancer() {
  local name=$1 extra=$2 list="" u
  shift 2
  for u in "$@"; do
    [[ $u == [0-9]* ]] && u="\"127.0.0.1:$u\""
    list+="${list:+, }$u"
  done
  cat >"$WORK/$name.json" <<JSON
{"threads": 2, "name": "$name", "access_log": "off", "admin": "off", "public_metrics": true,
 "upstreams": [$list]$extra}
JSON
  start_conv "$name" balancer --config "$WORK/$name.json"
}

# load URL COUNT PARALLEL OUT: COUNT GETs, PARALLEL at a time, in the background; one line
# "status served-by" per response in OUT; sets LOAD_PID.
load() {
  local url=$1 count=$2 par=$3 out=$4 i
  for ((i = 0; i < count; i++)); do
    printf 'url = "%s"\noutput = "/dev/null"\n' "$url"
  done >"$out.urls"
  curl -s --parallel --parallel-max "$par" --config "$out.urls" \
    -w '%{http_code} %header{x-served-by}\n' >"$out" 2>/dev/null &
  LOAD_PID=$!
}

# never_out PORT: an upstream that passive health checks never take out (max_fails 0), for the
# tests that send it several requests whatever it does.
never_out() { echo "{\"address\": \"127.0.0.1:$1\", \"max_fails\": 0}"; }

# behind MODE [EXTRA_JSON]: a fake upstream in MODE and, in front of it, a balancer that never
# takes it out; sets LB_PORT.
behind() {
  local mode=$1 extra=${2:-} port
  fake "$mode" "$mode"
  port=PORT_$mode
  balancer "lb_$mode" ', "health_check": null'"$extra" "$(never_out "${!port}")"
  port=PORT_lb_$mode
  LB_PORT=${!port}
}

# --- 1. An upstream killed and restarted during load: no GET fails, and it rejoins while the
#        load still runs.
start_conv k1 converter --name k1 --threads 1 --access-log off
start_conv k2 converter --name k2 --threads 1 --access-log off
balancer lb1 ', "health_check": {"interval": 0.2, "timeout": 0.5, "fails": 1, "passes": 1}' \
  "$PORT_k1" "$PORT_k2"
load_until_stopped "http://127.0.0.1:$PORT_lb1/convertepradolareuro/15.0" "$WORK/codes1"
poll_until 20 lines_over "$WORK/codes1" 1000 || fail "load did not start"
kill -KILL "$PID_k2"
wait "$PID_k2" 2>/dev/null || true
killed_at=$(wc -l <"$WORK/codes1")
poll_until 10 lines_over "$WORK/codes1" $((killed_at + 1000)) || fail "load stalled after the kill"
start_listener k2b "$CONV" converter --name k2 --threads 1 --access-log off \
  --host 127.0.0.1 --port "$PORT_k2"
restarted_at=$(wc -l <"$WORK/codes1")
rejoined() { tail -n +"$((restarted_at + 1))" "$WORK/codes1" | grep -q ' k2$'; }
poll_until 20 rejoined || fail "k2 did not rejoin under load"
rejoined_at=$(wc -l <"$WORK/codes1")
poll_until 10 lines_over "$WORK/codes1" $((rejoined_at + 1000)) || fail "load stalled after the rejoin"
stop_load "$WORK/codes1"
total=$(wc -l <"$WORK/codes1")
bad=$(grep -vc '^200 ' "$WORK/codes1" || true)
k2_after=$(tail -n +"$((rejoined_at + 1))" "$WORK/codes1" | grep -c ' k2$' || true)
((total % 500 == 0 && bad == 0)) ||
  fail "kill/restart under load: $bad of $total failed: $(cut -d' ' -f1 "$WORK/codes1" | sort | uniq -c)"
((k2_after > 0)) || fail "k2 served nothing in the $((total - rejoined_at)) responses after it rejoined"
pass "k2 killed at response $killed_at and restarted at $restarted_at under load: $total of $total GETs 200, k2 served again by response $rejoined_at and $k2_after of the $((total - rejoined_at)) after"

# --- 2. An upstream that accepts and never answers: 504 within the response timeout, then
#        it is taken out and the other upstream serves everything.
fake hang hang
fake ok ok
balancer lb2 ', "health_check": null, "timeouts": {"response": 1}' \
  "{\"address\": \"127.0.0.1:$PORT_hang\", \"max_fails\": 1, \"fail_timeout\": 60}" "$PORT_ok"
codes=""
for _ in 1 2; do
  codes+=$(curl -s -o "$WORK/body2" -w '%{http_code}:%{time_total} ' "http://127.0.0.1:$PORT_lb2/x")
done
[[ $codes == *504:* ]] || fail "no 504 from the hanging upstream: $codes"
t504=$(grep -o '504:[0-9.]*' <<<"$codes" | head -1 | cut -d: -f2)
awk -v t="$t504" 'BEGIN { exit !(t >= 0.9 && t < 3) }' || fail "504 after ${t504}s, timeout 1s"
for _ in $(seq 1 20); do
  c=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' "http://127.0.0.1:$PORT_lb2/x")
  awk -v c="$c" 'BEGIN { split(c, a, " "); exit !(a[1] == 200 && a[2] < 0.5) }' ||
    fail "after the 504 the hanging upstream still gets requests: $c"
done
# (Not curl | grep -q: grep leaving early makes curl fail with SIGPIPE, and pipefail the test.)
metrics=$(curl -s "http://127.0.0.1:$PORT_lb2/_conv/metrics")
grep -q "conv_upstream_available{upstream=\"127.0.0.1:$PORT_hang\"} 0" <<<"$metrics" ||
  fail "not ejected"
pass "hanging upstream: 504 in ${t504}s (timeout 1 s), then ejected: 20 of 20 answered 200 in under 0.5 s"

# --- 3. Garbage and an invalid status line: 502 with the JSON error, never relayed.
for f in garbage badstatus; do
  behind "$f"
  c=$(curl -s -o "$WORK/body3" -w '%{http_code}' "http://127.0.0.1:$LB_PORT/x")
  [[ $c == 502 ]] || fail "$f: $c $(cat "$WORK/body3")"
  grep -q '"code":"bad_gateway"' "$WORK/body3" || fail "$f: body $(cat "$WORK/body3")"
  pass "$f upstream: 502 bad_gateway"
done

# --- 4. An upstream that closes halfway through the body: the client sees the connection
#        closed before the declared end, never a complete-looking response (Content-Length
#        kept; a chunked body never gets its last chunk).
for f in halfbody halfchunk; do
  behind "$f"
  rc=0
  curl -s -o "$WORK/body4" "http://127.0.0.1:$LB_PORT/x" || rc=$?
  [[ $rc == 18 ]] || fail "$f: curl exit $rc (18: transfer closed short), $(wc -c <"$WORK/body4") bytes"
  # Raw bytes: the connection ends, and a chunked body has no terminating 0-chunk.
  python3 - "$LB_PORT" "$f" <<'PY' || fail "$f: raw check"
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
s.sendall(b"GET /x HTTP/1.1\r\nHost: a\r\n\r\n")
data = b""
while True:
    d = s.recv(65536)
    if not d:
        break
    data += d
head, _, body = data.partition(b"\r\n\r\n")
if sys.argv[2] == "halfbody":
    assert b"Content-Length: 100000" in head, head
    assert len(body) < 100000, len(body)
else:
    assert b"Transfer-Encoding: chunked" in head, head
    assert not body.endswith(b"0\r\n\r\n"), body[-20:]
PY
  pass "$f upstream: the client sees the connection cut (curl exit 18)"
done

# --- 5. An upstream that answers byte by byte: the whole response arrives intact.
behind trickle ', "timeouts": {"response": 2}'
body=$(curl -s --max-time 20 "http://127.0.0.1:$LB_PORT/x")
[[ $body == "$(printf '0123456789%.0s' 1 2 3 4)" ]] || fail "trickled response: '$body'"
pass "byte-by-byte upstream: 200 and the 40-byte body intact"

# --- 6. Ten SIGHUPs under load, each after a change to the file (k1's weight alternates 2/1,
#        the response timeout changes): each one is counted as a reload that succeeded
#        (conv_balancer_reloads_total on the admin port) and applied (k1's weight in the
#        admin API), traffic flows between them, and no request fails.
lb6_config() {  # lb6_config WEIGHT RESPONSE_TIMEOUT: lb6's file, replaced atomically
  cat >"$WORK/lb6.json.new" <<JSON
{"threads": 2, "name": "lb6", "access_log": "off", "admin": "127.0.0.1:0",
 "timeouts": {"response": $2},
 "upstreams": [{"address": "127.0.0.1:$PORT_k1", "weight": $1}, "127.0.0.1:$PORT_k2"]}
JSON
  mv "$WORK/lb6.json.new" "$WORK/lb6.json"
}
lb6_config 1 30
start_conv lb6 balancer --config "$WORK/lb6.json"
admin6_port=$(logged_port lb6 "admin API on") || exit 1
admin6="http://127.0.0.1:$admin6_port"
reloads() { curl -s "$admin6/metrics" | sed -n "s/^conv_balancer_reloads_total{result=\"$1\"} //p"; }
reloads_ok_are() { [[ $(reloads ok) == "$1" ]]; }
k1_weight() { curl -s "$admin6/upstreams/0" | grep -o '"weight":[0-9]*' | cut -d: -f2; }
reloads_ok_are 0 || fail "reloads before any SIGHUP: '$(reloads ok)'"
load_until_stopped "http://127.0.0.1:$PORT_lb6/convertepradolareuro/15.0" "$WORK/codes6"
poll_until 20 lines_over "$WORK/codes6" 500 || fail "load did not start"
sighups=0
for i in $(seq 1 10); do
  lb6_config $((i % 2 + 1)) $((20 + i))
  kill -HUP "$PID_lb6"
  sighups=$((sighups + 1))
  poll_until 10 reloads_ok_are "$i" || fail "SIGHUP $i: reloads ok '$(reloads ok)', failed '$(reloads failed)'"
  [[ $(k1_weight) == $((i % 2 + 1)) ]] || fail "SIGHUP $i: k1's weight is $(k1_weight)"
  poll_until 10 lines_over "$WORK/codes6" $(($(wc -l <"$WORK/codes6") + 100)) ||
    fail "load stalled after SIGHUP $i"
done
stop_load "$WORK/codes6"
kill -0 "$PID_lb6" || fail "the balancer died on SIGHUP"
[[ $(reloads failed) == 0 ]] || fail "failed reloads: $(reloads failed)"
total=$(wc -l <"$WORK/codes6")
bad=$(grep -vc '^200 ' "$WORK/codes6" || true)
((total % 500 == 0 && total >= 1000)) || fail "SIGHUP under load: $total answers, not whole batches"
((bad == 0)) || fail "SIGHUP under load: $bad of $total failed"
pass "$sighups SIGHUPs under load, each a counted and applied reload of a changed file: $total of $total GETs 200"

# --- 7. SIGTERM under load: every request in flight completes, then exit 0.
fake slow slow
balancer lb7 ', "health_check": null' "$PORT_slow"
load "http://127.0.0.1:$PORT_lb7/x" 20 20 "$WORK/codes7"
in_flight() {
  curl -s "http://127.0.0.1:$PORT_lb7/_conv/metrics" |
    grep -q '^conv_http_requests_in_flight 2[0-9]$'
}
poll_until 10 in_flight || fail "20 requests did not get in flight"
kill -TERM "$PID_lb7"
wait "$LOAD_PID" || true
wait_exit "$PID_lb7" 15
[[ $EXIT_CODE == 0 ]] || fail "exit after SIGTERM: $EXIT_CODE"
total=$(wc -l <"$WORK/codes7")
bad=$(grep -vc '^200 fake-slow$' "$WORK/codes7" || true)
[[ $total == 20 && $bad == 0 ]] || fail "SIGTERM: $bad of $total in flight failed: $(sort "$WORK/codes7" | uniq -c)"
pass "SIGTERM with 20 requests in flight: 20 of 20 answered 200, exit 0"

echo "fault tests: all passed"
