#!/usr/bin/env bash
# shellcheck disable=SC2154  # PORT_<name>, PID_<name> are set by start_conv (printf -v)
# Real processes on loopback: three `conv converter --name apiN` behind `conv balancer`.
# Rotation, a converter killed under concurrent load (no GET may fail), its return, all
# upstreams down, SIGTERM (with and without idle upstream connections), and the balancer's CLI
# and config errors.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/smoke/lib.sh
source "$here/lib.sh"

for n in 1 2 3; do
  start_conv "api$n" converter --name "api$n" --threads 1 --access-log "$WORK/api$n.log"
done
cat >"$WORK/balancer.json" <<JSON
{
  "listen": "127.0.0.1:0",
  "threads": 2,
  "name": "lb",
  "admin": "127.0.0.1:0",
  "access_log": "$WORK/access.log",
  "upstreams": ["127.0.0.1:$PORT_api1", "127.0.0.1:$PORT_api2", "127.0.0.1:$PORT_api3"],
  "health_check": {"interval": 0.2, "timeout": 0.5, "fails": 1, "passes": 1}
}
JSON
"$CONV" balancer --check --config "$WORK/balancer.json" >"$WORK/check" || fail "--check refused a good file"
grep -q '3 upstream(s)' "$WORK/check" || fail "--check summary: $(cat "$WORK/check")"
# The config listens on port 0; start_conv adds --host/--port 0, which override the file.
start_conv lb balancer --config "$WORK/balancer.json"
base="http://127.0.0.1:$PORT_lb"

# 1. Strict rotation, over new connections and over one kept-alive connection.
served_by() { curl -s -D - -o /dev/null "$@" | tr -d '\r' | sed -n 's/^X-Served-By: //p'; }
seq_new=""
for _ in $(seq 1 9); do seq_new+="$(served_by "$base/convertepradolareuro/15.0") "; done
keep_urls=()
for _ in $(seq 1 9); do keep_urls+=("$base/convertepradolareuro/15.0"); done
seq_keep=$(curl -s -D - -o /dev/null "${keep_urls[@]}" |
  tr -d '\r' | sed -n 's/^X-Served-By: //p' | tr '\n' ' ')
for s in "$seq_new" "$seq_keep"; do
  read -ra names <<<"$s"
  [[ ${#names[@]} == 9 ]] || fail "rotation: got '$s'"
  for i in 3 4 5 6 7 8; do
    [[ ${names[$i]} == "${names[$((i - 3))]}" ]] || fail "rotation is not strict: $s"
  done
  [[ $(printf '%s\n' "${names[@]:0:3}" | sort -u | wc -l) == 3 ]] || fail "rotation: $s"
done
pass "strict round-robin over new and kept-alive connections: $seq_new"

# 2. Byte-identical answers through the balancer.
printf '%s\n' '{"conversao":{"dolar":2.9411764705882355,"euro":2.678571428571429,"real":15.0}}' >"$WORK/expected"
curl -s "$base/convertepradolareuro/15.0" -o "$WORK/body"
cmp -s "$WORK/expected" "$WORK/body" || fail "body through the balancer differs"
pass "the original's 80 bytes through the balancer"

# 2b. Request IDs: a valid incoming one is kept, another is made; the client gets it back, and
# the balancer's and the converter's access logs both show it.
id=$(curl -s -D - -o /dev/null -H 'X-Request-Id: smoke-req-1' "$base/convertepradolareuro/2.0" |
  tr -d '\r' | sed -n 's/^X-Request-Id: //p')
[[ $id == smoke-req-1 ]] || fail "X-Request-Id kept: got '$id'"
made=$(curl -s -D - -o /dev/null "$base/convertepradolareuro/3.0" | tr -d '\r' |
  sed -n 's/^X-Request-Id: //p')
[[ $made =~ ^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$ ]] ||
  fail "X-Request-Id made: got '$made'"
for want in smoke-req-1 "$made"; do
  poll_until 5 grep -q "rid=\"$want\" ua=" "$WORK/access.log" || fail "balancer log lacks $want"
  poll_until 5 grep -q "rt=[0-9.]* rid=\"$want\"$" "$WORK"/api?.log || fail "converter log lacks $want"
done
pass "X-Request-Id kept ($id) or made ($made), returned, and logged on both sides"

# 3. Kill one converter under concurrent load: no GET may fail.
urls="$WORK/urls"
for i in $(seq 1 3000); do
  printf 'url = "%s"\noutput = "/dev/null"\n' "$base/convertepradolareuro/$i.0"
done >"$urls"
curl -s --parallel --parallel-max 16 --config "$urls" -w '%{http_code}\n' \
  >"$WORK/codes" 2>/dev/null &
load=$!
poll_until 10 bash -c "[[ \$(wc -l <'$WORK/codes') -gt 500 ]]" || fail "load did not start"
kill -KILL "$PID_api2"
wait "$load" || true
total=$(wc -l <"$WORK/codes")
bad=$(grep -vc '^200$' "$WORK/codes" || true)
[[ $total == 3000 ]] || fail "load: $total responses of 3000"
[[ $bad == 0 ]] || fail "$bad of 3000 GETs failed while a converter died: $(sort "$WORK/codes" | uniq -c)"
pass "killed api2 under load: 3000 of 3000 GETs answered 200"
poll_until 5 grep -q "is down" "$WORK/lb.err" || fail "the dead upstream was not reported down"

# 4. It comes back on the same port and rejoins the rotation within a health interval.
"$CONV" converter --host 127.0.0.1 --port "$PORT_api2" --name api2 --threads 1 --access-log off \
  2>"$WORK/api2b.err" &
PIDS+=($!)
rejoined() { [[ $(served_by "$base/convertepradolareuro/1.0") == api2 ]]; }
poll_until 10 rejoined || fail "api2 did not rejoin"
pass "api2 restarted and rejoined the rotation"

# 5. Every upstream down: 503 at once, with the JSON error.
for n in 1 3; do kill -KILL "$(eval echo "\$PID_api$n")"; done
kill -KILL "${PIDS[-1]}"
down() { [[ $(curl -s -o /dev/null -w '%{http_code}' "$base/x") == 503 ]]; }
poll_until 10 down || fail "no 503 with every upstream down"
t=$(curl -s -o "$WORK/err" -w '%{time_total}' "$base/x")
grep -q '"code":"no_upstream"' "$WORK/err" || fail "503 body: $(cat "$WORK/err")"
awk -v t="$t" 'BEGIN { exit !(t < 0.5) }' || fail "503 took ${t}s"
[[ $(curl -s -o /dev/null -w '%{http_code}' "$base/_conv/readyz") == 503 ]] || fail "readyz"
[[ $(curl -s -o /dev/null -w '%{http_code}' "$base/_conv/healthz") == 200 ]] || fail "healthz"
pass "all upstreams down: 503 in ${t}s; /_conv/readyz 503, /_conv/healthz 200"

# 6. The access log: combined, request time, upstream address, status and time.
logged() { grep -q '"GET /convertepradolareuro/15.0 HTTP/1.1" 200 80 "-" "curl/[^"]*" "-" rt=[0-9.]* rid="[0-9a-f-]*" ua="127.0.0.1:[0-9]*" us="200" urt="[0-9.]*"$' "$WORK/access.log"; }
poll_until 5 logged || fail "access log: $(head -2 "$WORK/access.log")"
pass "access log with upstream address, status and time"

# 7. SIGTERM: graceful, exit 0.
kill -TERM "$PID_lb"
wait_exit "$PID_lb" 15
[[ $EXIT_CODE == 0 ]] || fail "balancer exit after SIGTERM: $EXIT_CODE"
pass "SIGTERM: exit 0"

# 7b. SIGTERM with idle upstream connections in the pools, from traffic a moment ago: nothing
# is in flight, so the balancer exits at once; the idle connections must not hold the drain
# up to its timeout (30 s here).
start_conv api4 converter --name api4 --threads 1 --access-log off
start_conv lb2 balancer --threads 2 --drain-timeout 30 --admin off --access-log off \
  --upstream "127.0.0.1:$PORT_api4"
for _ in 1 2 3 4 5 6; do
  curl -sf -o /dev/null "http://127.0.0.1:$PORT_lb2/convertepradolareuro/15.0" || fail "lb2 did not answer"
done
kill -TERM "$PID_lb2"
wait_exit "$PID_lb2" 5
[[ $EXIT_CODE == 0 ]] || fail "idle drain with pooled connections: exit $EXIT_CODE (drain timeout 30 s)"
! grep -q "drain timeout" "$WORK/lb2.err" || fail "an idle drain waited for its timeout"
pass "SIGTERM with idle upstream connections: exit 0 at once"

# 8. CLI and config errors: one line, exit 2, naming the field.
expect2() {
  local what=$1 rc=0
  shift
  "$CONV" balancer "$@" >/dev/null 2>"$WORK/err" || rc=$?
  [[ $rc == 2 && $(wc -l <"$WORK/err") == 1 ]] || fail "$what: rc=$rc $(cat "$WORK/err")"
  pass "$what -> $(cat "$WORK/err")"
}
expect2 "no upstreams"
expect2 "bad --upstream" --upstream api1
expect2 "bad --admin" --upstream a:1 --admin nowhere
grep -q -- "--admin 'nowhere': expected HOST:PORT or off" "$WORK/err" || fail "--admin message"
echo '{"upstreams": ["a:1", "b"]}' >"$WORK/bad.json"
expect2 "bad upstream address" --check --config "$WORK/bad.json"
grep -q 'upstreams\[1\]: expected HOST:PORT' "$WORK/err" || fail "message does not name the field"
echo '{"upstreams": ["a:1"], "helth_check": {}}' >"$WORK/bad.json"
expect2 "unknown key" --check --config "$WORK/bad.json"
expect2 "missing file" --config "$WORK/none.json"
# An upstream's TLS files are read at start and by --check: a missing one is named.
echo '{"upstreams": [{"address": "a:443", "tls": {"ca": "'"$WORK"'/no-ca.pem"}}]}' >"$WORK/bad.json"
expect2 "missing upstream CA file" --check --config "$WORK/bad.json"
grep -q "upstreams\[0\].tls: ca $WORK/no-ca.pem: cannot read" "$WORK/err" || fail "CA message: $(cat "$WORK/err")"
expect2 "missing upstream CA file at start" --config "$WORK/bad.json"
echo '{"upstreams": [{"address": "a:443", "tls": {"client_cert": "/etc/hostname"}}]}' >"$WORK/bad.json"
expect2 "client_cert without client_key" --check --config "$WORK/bad.json"
grep -q 'client_key: required with client_cert' "$WORK/err" || fail "client_key message: $(cat "$WORK/err")"
echo '{"upstreams": [{"address": "a:443", "tls": true}]}' >"$WORK/tls.json"
"$CONV" balancer --check --config "$WORK/tls.json" >"$WORK/check" || fail "--check refused tls: true"
grep -q 'a:443(weight 1, tls)' "$WORK/check" || fail "--check summary: $(cat "$WORK/check")"
echo "balancer smoke: all passed"
