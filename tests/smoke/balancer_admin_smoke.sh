#!/usr/bin/env bash
# shellcheck disable=SC2154  # PORT_<name>, PID_<name> are set by start_conv (printf -v)
# Real processes on loopback: three converters, a balancer with its admin port. The admin
# endpoints and their errors, a runtime drain under load, weights, and hot reload (POST
# /reload and SIGHUP) under load with zero failed requests, a bad file keeping the old config.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/smoke/lib.sh
source "$here/lib.sh"

for n in 1 2 3; do
  start_conv "api$n" converter --name "api$n" --threads 1 --access-log off
done
a1="127.0.0.1:$PORT_api1" a2="127.0.0.1:$PORT_api2" a3="127.0.0.1:$PORT_api3"

# write_config UPSTREAMS [EXTRA]: the balancer's file, with the given upstream list.
write_config() {
  cat >"$WORK/lb.json.tmp" <<JSON
{
  "listen": "127.0.0.1:0", "threads": 2, "name": "lb", "access_log": "off",
  "admin": "127.0.0.1:0",
  "upstreams": [$1],
  "health_check": {"interval": 0.2, "timeout": 0.5, "fails": 1, "passes": 1}${2:-}
}
JSON
  mv "$WORK/lb.json.tmp" "$WORK/lb.json"  # atomically: a reload never reads half a file
}
write_config "\"$a1\", \"$a2\""
start_conv lb balancer --config "$WORK/lb.json"
admin_port=$(logged_port lb "admin API on") || exit 1
base="http://127.0.0.1:$PORT_lb" admin="http://127.0.0.1:$admin_port"

served_by() { curl -s -D - -o /dev/null "$@" | tr -d '\r' | sed -n 's/^X-Served-By: //p'; }
code_of() { curl -s -o "$WORK/body" -w '%{http_code}' "$@"; }
expect_error() {  # expect_error STATUS CODE CURL_ARGS...: the JSON error shape
  local status=$1 code=$2 got
  shift 2
  got=$(code_of "$@")
  [[ $got == "$status" ]] || fail "$*: status $got, expected $status: $(cat "$WORK/body")"
  grep -q "^{\"error\":{\"status\":$status,\"code\":\"$code\",\"message\":" "$WORK/body" ||
    fail "$*: not the JSON error shape: $(cat "$WORK/body")"
}
bytes=0
for _ in 1 2 3 4; do
  bytes=$((bytes + $(curl -s -o /dev/null -w '%{size_download}' "$base/convertepradolareuro/1.0")))
done

# 1. The admin endpoints.
[[ $(code_of "$admin/status") == 200 ]] || fail "/status"
for a in "$a1" "$a2"; do
  grep -q "\"name\":\"$a\",\"address\":\"$a\",\"state\":\"up\"" "$WORK/body" ||
    fail "/status does not show $a up: $(cat "$WORK/body")"
done
grep -q '"policy":"round_robin"' "$WORK/body" || fail "/status policy: $(cat "$WORK/body")"
# The last counters (bytes, in flight) are updated just after a response's last byte went
# out, so the scrape is polled (bounded) until they show.
expected_series=("conv_upstream_requests_total{upstream=\"$a1\"} 2"
  "conv_upstream_responses_total{upstream=\"$a2\",class=\"2xx\"} 2"
  "conv_upstream_response_seconds_count{upstream=\"$a1\"} 2"
  "conv_upstream_state{upstream=\"$a1\",state=\"up\"} 1"
  "conv_upstream_connect_failures_total{upstream=\"$a1\"} 0"
  "conv_upstream_retries_total{upstream=\"$a1\"} 0"
  "conv_upstream_in_flight_requests{upstream=\"$a1\"} 0"
  "conv_upstream_pooled_connections{upstream=\"$a1\"} "
  "conv_http_connections_total " "conv_http_requests_total{route=\"proxy\",status=\"200\"} 4"
  "conv_balancer_response_bytes_total $bytes")
metrics_complete() {
  local series
  curl -s "$admin/metrics" >"$WORK/metrics"
  for series in "${expected_series[@]}"; do
    grep -qF "$series" "$WORK/metrics" || { MISSING=$series; return 1; }
  done
}
poll_until 5 metrics_complete || fail "/metrics lacks '$MISSING'"
curl -s -D "$WORK/page.h" "$admin/" -o "$WORK/page.html"
grep -qi '^content-type: text/html' "$WORK/page.h" || fail "/ is not HTML"
grep -q '<script src="/status.js">' "$WORK/page.html" || fail "/ does not load /status.js"
curl -s "$admin/status.js" >"$WORK/status.js"
grep -q 'load("/status"' "$WORK/status.js" || fail "/status.js does not poll /status"
grep -q 'load("/history"' "$WORK/status.js" || fail "/status.js does not poll /history"
curl -s "$admin/history" | grep -q '^{"interval_seconds":1,"seconds":[0-9]*,"upstreams":\[{"name":' ||
  fail "/history: $(curl -s "$admin/history")"
[[ $(grep -Eo '(src|href)="[^"]*"' "$WORK/page.html" | sort | tr '\n' ' ') == \
  'href="/status.css" src="/status.js" ' ]] || fail "the status page loads other assets"
! grep -qi '<script>\|<style>\| on[a-z]*=' "$WORK/page.html" || fail "inline script or style"
grep -qi "^content-security-policy: default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'" \
  "$WORK/page.h" || fail "no Content-Security-Policy on /"
grep -qi "frame-ancestors 'none'" "$WORK/page.h" || fail "the status page may be framed"
grep -qi '^x-content-type-options: nosniff' "$WORK/page.h" || fail "no nosniff on /"
[[ $(code_of "$base/_conv/healthz") == 200 ]] || fail "/_conv/healthz on the main port"
pass "admin: /status, /metrics (per upstream and global), /, and /_conv/healthz on the main port"

expect_error 404 unknown_upstream -X POST "$admin/upstreams/nope:1/drain"
expect_error 405 method_not_allowed "$admin/upstreams/0/drain"
expect_error 400 invalid_weight -X POST "$admin/upstreams/0/weight?value=0"
expect_error 400 invalid_weight -X POST "$admin/upstreams/0/weight"
expect_error 404 not_found -X POST "$admin/upstreams/0/explode"
expect_error 405 method_not_allowed "$admin/reload"
expect_error 405 method_not_allowed -X POST "$admin/status"
expect_error 404 not_found "$admin/nothing"
pass "admin errors: 404, 405 and 400 in the JSON error shape"

# check_load WHAT: stops the load; every answer was a 200, in whole batches; sets LOAD_TOTAL.
check_load() {
  stop_load "$WORK/codes"
  local bad
  LOAD_TOTAL=$(wc -l <"$WORK/codes")
  bad=$(grep -vc '^200 ' "$WORK/codes" || true)
  ((LOAD_TOTAL % 500 == 0 && bad == 0)) ||
    fail "$1: $bad of $LOAD_TOTAL failed: $(cut -d' ' -f1 "$WORK/codes" | sort | uniq -c | tr '\n' ' ')"
}
# more_load N WHAT: waits until the load has answered N more requests.
more_load() {
  poll_until 20 lines_over "$WORK/codes" $(($(wc -l <"$WORK/codes") + $1)) || fail "load stalled $2"
}

# 2. Drain under load: no request fails, and then api1 gets none.
load_until_stopped "$base/convertepradolareuro/1.0" "$WORK/codes"
more_load 300 "at the start"
[[ $(code_of -X POST "$admin/upstreams/$a1/drain") == 200 ]] || fail "drain: $(cat "$WORK/body")"
grep -Eq '"state":"(draining|drained)"' "$WORK/body" || fail "drain answer: $(cat "$WORK/body")"
more_load 1000 "after the drain"
check_load "drain under load"
drained() { curl -s "$admin/upstreams/$a1" | grep -q '"state":"drained"'; }
poll_until 5 drained || fail "api1 never reported drained"
seq=$(for _ in 1 2 3 4 5 6; do served_by "$base/convertepradolareuro/1.0"; done | tr '\n' ' ')
[[ $seq == "api2 api2 api2 api2 api2 api2 " ]] || fail "a drained upstream still gets requests: $seq"
[[ $(code_of -X POST "$admin/upstreams/0/enable") == 200 ]] || fail "enable"
seq=$(for _ in 1 2 3 4; do served_by "$base/convertepradolareuro/1.0"; done | tr '\n' ' ')
[[ $seq == *api1* && $seq == *api2* ]] || fail "enabled upstream not back in rotation: $seq"
pass "drain under load: $LOAD_TOTAL of $LOAD_TOTAL answered 200, then only api2; enable brings api1 back"

# 3. Runtime weight: 3 to 1 gives api2 six of every eight requests.
[[ $(code_of -X POST "$admin/upstreams/$a2/weight?value=3") == 200 ]] || fail "weight"
grep -q '"weight":3' "$WORK/body" || fail "weight answer: $(cat "$WORK/body")"
n=$(for _ in $(seq 8); do served_by "$base/convertepradolareuro/1.0"; done | grep -c api2)
[[ $n == 6 ]] || fail "weight 3:1: api2 served $n of 8"
pass "weight set at runtime: api2 served 6 of 8"

# 4. Hot reload under load, alternating POST /reload and SIGHUP, adding and removing
# upstreams and changing weights and timeouts: not one request may fail.
configs=(
  "\"$a1\", \"$a2\", \"$a3\""
  "\"$a2\", {\"address\": \"$a3\", \"weight\": 2}|, \"timeouts\": {\"connect\": 0.5}"
  "\"$a1\", \"$a3\"|, \"policy\": \"least_conn\""
  "{\"address\": \"$a2\", \"weight\": 3}, \"$a3\"|, \"retries\": {\"tries\": 2}"
  "\"$a2\", \"$a3\""
)
load_until_stopped "$base/convertepradolareuro/1.0" "$WORK/codes"
reloaded=0
for ((k = 0; k < ${#configs[@]}; k++)); do
  more_load 1000 "before reload $k"
  IFS='|' read -r ups extra <<<"${configs[$k]}"
  write_config "$ups" "$extra"
  if ((k % 2 == 0)); then
    [[ $(code_of -X POST "$admin/reload") == 200 ]] || fail "POST /reload $k: $(cat "$WORK/body")"
  else
    kill -HUP "$PID_lb"
  fi
  reloaded=$((reloaded + 1))
done
more_load 1000 "after the last reload"
check_load "reload under load"
poll_until 5 bash -c "curl -s '$admin/status' | grep -q '\"reloads\":{\"ok\":5,'" ||
  fail "not 5 reloads: $(curl -s "$admin/status")"
curl -s "$admin/status" >"$WORK/status"
grep -q "\"$a1\"" "$WORK/status" && fail "a removed upstream is still listed: $(cat "$WORK/status")"
seq=$(for _ in 1 2 3 4 5 6; do served_by "$base/convertepradolareuro/1.0"; done | tr '\n' ' ')
[[ $seq == *api3* && $seq != *api1* ]] || fail "after the reloads: $seq"
grep -q "reload: upstream $a3 added" "$WORK/lb.err" || fail "no 'added' line"
grep -q "reload: upstream $a1 removed" "$WORK/lb.err" || fail "no 'removed' line"
pass "$reloaded reloads (POST /reload and SIGHUP) under load: $LOAD_TOTAL of $LOAD_TOTAL answered 200"

# 5. A bad file keeps the old configuration and says why, by either path.
echo '{"upstreams": ["127.0.0.1:1", "nope"]}' >"$WORK/lb.json"
expect_error 422 invalid_config -X POST "$admin/reload"
grep -q 'upstreams\[1\]: expected HOST:PORT' "$WORK/body" || fail "reload error: $(cat "$WORK/body")"
kill -HUP "$PID_lb"
poll_until 5 bash -c "(( \$(grep -c 'bad config, keeping the old one' '$WORK/lb.err') == 2 ))" ||
  fail "bad reloads not logged: $(cat "$WORK/lb.err")"
seq=$(for _ in 1 2 3 4; do served_by "$base/convertepradolareuro/1.0"; done | tr '\n' ' ')
[[ $seq == *api2* && $seq == *api3* ]] || fail "the old config did not stay: $seq"
pass "a bad file (POST /reload: 422; SIGHUP) keeps the old config and logs why"

kill -TERM "$PID_lb"
wait_exit "$PID_lb" 15
[[ $EXIT_CODE == 0 ]] || fail "balancer exit after SIGTERM: $EXIT_CODE"
pass "SIGTERM: exit 0"
echo "balancer admin smoke: all passed"
