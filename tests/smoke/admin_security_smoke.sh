#!/usr/bin/env bash
# shellcheck disable=SC2154  # PORT_<name>, PID_<name> are set by start_conv (printf -v)
# The admin API obeys its operator only, with the real binary: a cross-site POST or one
# through another name (DNS rebinding) is refused and changes nothing; a token, when set,
# guards every change; an admin address that is not loopback needs one (exit 2); a silent
# admin connection is closed by the header timeout. The read-only metrics listener serves
# /metrics and /healthz and nothing else; the main port's /_conv/metrics is off by default.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/smoke/lib.sh
source "$here/lib.sh"

start_conv api converter --threads 1 --access-log off
cat >"$WORK/lb.json" <<JSON
{"threads": 1, "access_log": "off", "admin": "127.0.0.1:0", "metrics": "127.0.0.1:0",
 "health_check": null, "timeouts": {"header": 1}, "upstreams": ["127.0.0.1:$PORT_api"]}
JSON
start_conv lb balancer --config "$WORK/lb.json"
admin_port=$(logged_port lb "admin API on") || exit 1
metrics_port=$(logged_port lb "metrics on") || exit 1
admin="http://127.0.0.1:$admin_port" metrics="http://127.0.0.1:$metrics_port"
state() { curl -s "$admin/upstreams/0" | sed -n 's/.*"state":"\([a-z]*\)".*/\1/p'; }
code() { curl -s -o "$WORK/body" -w '%{http_code}' "$@"; }

[[ $(state) == up ]] || fail "the upstream is not up at start: $(state)"
c=$(code -X POST -H 'Host: attacker.example' -H 'Origin: http://attacker.example' \
  "$admin/upstreams/0/disable")
[[ $c == 403 ]] || fail "a rebound name's POST: $c"
c=$(code -X POST -H 'Origin: http://attacker.example' "$admin/upstreams/0/disable")
[[ $c == 403 ]] || fail "a cross-site POST: $c"
c=$(code -X POST -H 'Sec-Fetch-Site: cross-site' "$admin/reload")
[[ $c == 403 ]] || fail "a cross-site reload: $c"
c=$(code -H 'Host: attacker.example' "$admin/status")
[[ $c == 403 ]] || fail "a rebound name's read of /status: $c"
grep -q '"code":"forbidden"' "$WORK/body" || fail "not the JSON error shape: $(cat "$WORK/body")"
[[ $(state) == up ]] || fail "a refused request changed the upstream: $(state)"
c=$(code -X POST "$admin/upstreams/0/disable")
[[ $c == 200 && $(state) == disabled ]] || fail "the operator's own POST: $c, $(state)"
code -X POST "$admin/upstreams/0/enable" >/dev/null
pass "admin: cross-site and rebound-name requests get 403 and change nothing; the operator's work"

# A silent admin connection goes with the header timeout (1 s here), not the 60 s idle one.
t0=$(date +%s%N)
python3 - "$admin_port" <<'PY' || fail "a silent admin connection stayed open"
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.settimeout(5)
sys.exit(0 if s.recv(1) == b"" else 1)
PY
took=$((($(date +%s%N) - t0) / 1000000))
((took < 4000)) || fail "a silent admin connection was closed after $took ms"
pass "admin: a silent connection closed after $took ms (header timeout 1 s)"

# The metrics listener: /metrics and /healthz, read-only, nothing else.
[[ $(code "$metrics/metrics") == 200 ]] || fail "metrics listener /metrics"
grep -q "^conv_upstream_available{upstream=\"127.0.0.1:$PORT_api\"} 1" "$WORK/body" ||
  fail "metrics listener: no per-upstream series"
[[ $(code "$metrics/healthz") == 200 ]] || fail "metrics listener /healthz"
[[ $(code "$metrics/status") == 404 ]] || fail "metrics listener serves /status"
[[ $(code -X POST "$metrics/upstreams/0/disable") == 404 ]] || fail "metrics listener: control"
[[ $(code -X POST "$metrics/metrics") == 405 ]] || fail "metrics listener: POST /metrics"
[[ $(code "http://127.0.0.1:$PORT_lb/_conv/metrics") == 404 ]] ||
  fail "/_conv/metrics is public without public_metrics"
[[ $(code "http://127.0.0.1:$PORT_lb/_conv/healthz") == 200 ]] || fail "/_conv/healthz"
pass "metrics listener: /metrics and /healthz only; /_conv/metrics not public by default"

# A token guards every change.
printf 's3cret-%s\n' "$RANDOM$RANDOM" >"$WORK/token"
token=$(cat "$WORK/token")
start_conv lbt balancer --upstream "127.0.0.1:$PORT_api" --admin 127.0.0.1:0 \
  --admin-token-file "$WORK/token" --threads 1 --access-log off
admin_t_port=$(logged_port lbt "admin API on") || exit 1
admin_t="http://127.0.0.1:$admin_t_port"
[[ $(code -X POST "$admin_t/upstreams/0/drain") == 401 ]] || fail "a POST without the token"
[[ $(code -X POST -H 'Authorization: Bearer nope' "$admin_t/upstreams/0/drain") == 401 ]] ||
  fail "a POST with a wrong token"
[[ $(code "$admin_t/status") == 200 ]] || fail "a read needs no token"
[[ $(code -X POST -H "Authorization: Bearer $token" "$admin_t/upstreams/0/drain") == 200 ]] ||
  fail "a POST with the token"
pass "admin token: changes need it (401 without), reads do not"

# An admin API reachable from other hosts must have a token: refused at start and by --check.
set +e
"$CONV" balancer --upstream 127.0.0.1:1 --admin 0.0.0.0:0 --port 0 2>"$WORK/open.err"
rc=$?
"$CONV" balancer --upstream 127.0.0.1:1 --admin 0.0.0.0:0 --check >/dev/null 2>"$WORK/check.err"
rc_check=$?
set -e
[[ $rc == 2 && $rc_check == 2 ]] || fail "admin on 0.0.0.0 without a token: exit $rc, --check $rc_check"
grep -q 'not a loopback address' "$WORK/open.err" || fail "no reason given: $(cat "$WORK/open.err")"
"$CONV" balancer --upstream 127.0.0.1:1 --admin 0.0.0.0:0 --admin-token-file "$WORK/token" \
  --check >/dev/null || fail "admin on 0.0.0.0 with a token refused by --check"
pass "admin on 0.0.0.0: refused without a token (exit 2, reason given), accepted with one"

echo "admin security smoke: all passed"
