#!/usr/bin/env bash
# shellcheck disable=SC2154  # PORT_<name>, PID_<name> are set by start_conv (printf -v)
# The command line as people and scripts meet it: help, version, and one-line errors with
# exit code 2 for anything wrong.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/smoke/lib.sh
source "$here/../smoke/lib.sh"

# expect_usage_error WHAT ARGS...: exit code 2, exactly one line on stderr, nothing on stdout.
expect_usage_error() {
  local what=$1 rc=0
  shift
  "$CONV" "$@" >"$WORK/out" 2>"$WORK/err" </dev/null || rc=$?
  [[ $rc == 2 ]] || fail "$what: exit code $rc, want 2 ($(cat "$WORK/err"))"
  [[ $(wc -l <"$WORK/err") == 1 ]] || fail "$what: stderr is not one line: $(cat "$WORK/err")"
  [[ ! -s $WORK/out ]] || fail "$what: wrote to stdout"
  grep -qi 'terminate\|abort\|what()' "$WORK/err" && fail "$what: looks like a crash"
  pass "$what -> $(cat "$WORK/err")"
}

"$CONV" --help >"$WORK/out"
grep -q converter "$WORK/out" || fail "--help does not list the converter"
"$CONV" converter --help >"$WORK/out"
grep -q -- '--rates' "$WORK/out" || fail "converter --help does not list --rates"
grep -q -- '--access-log' "$WORK/out" || fail "converter --help does not list --access-log"
"$CONV" balancer --help >"$WORK/out"
grep -q -- '--upstream' "$WORK/out" || fail "balancer --help does not list --upstream"
grep -q -- '--check' "$WORK/out" || fail "balancer --help does not list --check"
# Each role's help shows its own defaults (the balancer takes bodies up to 100 MiB, the
# converter 1 MiB): the flags are shared, the defaults are not.
grep -q -- '--max-body-bytes .*=104857600$' "$WORK/out" ||
  fail "balancer --help does not show its 100 MiB body default"
"$CONV" converter --help | grep -q -- '--max-body-bytes .*=1048576$' ||
  fail "converter --help does not show its 1 MiB body default"
pass "--help"
[[ $("$CONV" --version) =~ ^conv\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "--version: $("$CONV" --version)"
pass "--version"

expect_usage_error "no subcommand"
expect_usage_error "unknown subcommand" frobnicate
expect_usage_error "balancer without upstreams" balancer
expect_usage_error "balancer bad flag" balancer --upstream a:1 --threads x
expect_usage_error "unknown flag" converter --bogus
expect_usage_error "port out of range" converter --port 70000
expect_usage_error "port not a number" converter --port http
expect_usage_error "zero threads" converter --threads 0
expect_usage_error "bad io model" converter --io-model fibers
expect_usage_error "negative timeout" converter --header-timeout -1
expect_usage_error "timeout rounding to zero" converter --header-timeout 0.0004
expect_usage_error "timeout over a day" balancer --upstream a:1 --idle-timeout 86401
expect_usage_error "missing flag value" converter --port
expect_usage_error "bad log level" converter --log-level verbose
grep -q -- '--log-level: verbose not in {debug,info,warn,error}' "$WORK/err" ||
  fail "bad log level message: $(cat "$WORK/err")"
expect_usage_error "bad log format" balancer -u a:1 --log-format xml
printf '{"upstreams": ["a:1"], "log_level": "loud"}\n' >"$WORK/level.json"
expect_usage_error "bad log_level in the config" balancer --check --config "$WORK/level.json"
grep -q 'log_level: expected "debug", "info", "warn" or "error"' "$WORK/err" ||
  fail "config log_level: $(cat "$WORK/err")"
expect_usage_error "bad CORS origin" converter --cors-origins https://a.example/path
grep -q "expected \*, off, or origins" "$WORK/err" || fail "--cors-origins message: $(cat "$WORK/err")"
expect_usage_error "empty CORS origin" converter --cors-origins ""
expect_usage_error "cache age out of range" converter --cache-max-age 99999999
expect_usage_error "bad --legacy-rates" converter --legacy-rates floating
grep -q -- '--legacy-rates: floating not in {fixed,follow}' "$WORK/err" ||
  fail "--legacy-rates message: $(cat "$WORK/err")"
expect_usage_error "bad name" converter --name "$(printf 'a\tb')"
expect_usage_error "missing rates file" converter --rates "$WORK/none.json"
echo '{"base":"BRL","as_of":"2024-10-03","source":"x","quotes":{"USD":5.1}}' >"$WORK/bad.json"
expect_usage_error "bad rates file" converter --rates "$WORK/bad.json"
grep -q 'quotes.USD' "$WORK/err" || fail "bad rates message does not name the field"
expect_usage_error "unwritable access log" converter --access-log /nonexistent-dir/a.log
expect_usage_error "bad rates file under --check" converter --check --rates "$WORK/bad.json"
# Live feeds: --refresh needs a writable --store and chooses the provider itself.
expect_usage_error "--refresh without --store" converter --refresh ecb
grep -q -- '--refresh: needs --store' "$WORK/err" || fail "--refresh without --store: $(cat "$WORK/err")"
expect_usage_error "--refresh with --provider" converter --store "$WORK/r.db" --refresh ecb --provider ecb
expect_usage_error "--refresh, read-only store" converter --store "$WORK/r.db" --refresh ecb --store-read-only
expect_usage_error "--refresh unknown provider" converter --store "$WORK/r.db" --refresh ecb,frankfurter
grep -q -- "--refresh 'frankfurter': unknown provider" "$WORK/err" || fail "unknown provider: $(cat "$WORK/err")"
expect_usage_error "--refresh repeated provider" converter --store "$WORK/r.db" --refresh ecb,ecb
expect_usage_error "--refresh file without --feed-file" converter --store "$WORK/r.db" --refresh ecb,file
grep -q -- "the file provider needs --feed-file PATH" "$WORK/err" || fail "file without a path: $(cat "$WORK/err")"
expect_usage_error "--feed-url not refreshed" converter --store "$WORK/r.db" --refresh ecb \
  --feed-url bcb_ptax=http://127.0.0.1:1/
expect_usage_error "--fallback-after bad" converter --store "$WORK/r.db" --refresh ecb --fallback-after 1d
[[ ! -e $WORK/r.db ]] || fail "a refused --refresh created its store"
printf 'not a rates store, not even SQLite: just some text long enough\n' >"$WORK/bad.db"
expect_usage_error "--refresh --check, bad store" converter --check --store "$WORK/bad.db" --refresh ecb
printf '{\n  "base": "BRL",\n  "base": "USD"\n}\n' >"$WORK/dup.json"
expect_usage_error "rates file with a duplicate key" converter --check --rates "$WORK/dup.json"
grep -q "$WORK/dup.json:3:.*duplicate key \"base\"" "$WORK/err" || fail "duplicate key: $(cat "$WORK/err")"
expect_usage_error "the same upstream twice" balancer --check -u a:1 -u b:2 -u A:1
grep -q "'A:1' is given twice" "$WORK/err" || fail "same upstream twice: $(cat "$WORK/err")"
printf '{\n  "upstreams": ["a:1"]\n  "threads": 2\n}\n' >"$WORK/syntax.json"
expect_usage_error "config syntax error" balancer --check --config "$WORK/syntax.json"
grep -q "$WORK/syntax.json:3:3: not valid JSON" "$WORK/err" || fail "config syntax: $(cat "$WORK/err")"

# --check of a good rates file (comments allowed) says what would be served, and exits 0.
cat >"$WORK/rates.json" <<'JSON'
{
  // the original's rates
  "base": "BRL", "as_of": "2024-10-03", "source": "test",
  "quotes": {"USD": "5.10", "EUR": "5.60",},
}
JSON
"$CONV" converter --check --rates "$WORK/rates.json" --port 5001 >"$WORK/out" 2>"$WORK/err" ||
  fail "converter --check refused a good rates file: $(cat "$WORK/err")"
grep -q "configuration ok: listen 0.0.0.0:5001, tls off, rates $WORK/rates.json (base BRL, as of 2024-10-03, 2 quote(s), 1 day(s))" \
  "$WORK/out" || fail "converter --check: $(cat "$WORK/out")"
"$CONV" converter --check >"$WORK/out" || fail "converter --check without --rates"
grep -q "rates built-in (base BRL" "$WORK/out" || fail "converter --check built-in: $(cat "$WORK/out")"
pass "converter --check reads the rates file as a start would, and says what it found"

# --check --dump prints the effective configuration (defaults, file, flags) as a file that
# loads, durations with units; risky settings are warned about on stderr, with the summary.
cat >"$WORK/lb.jsonc" <<'EOF'
{ // a comment, and a trailing comma below
  "upstreams": ["127.0.0.1:1", {"address": "127.0.0.1:2", "weight": 3}],
  "timeouts": {"connect": "250ms"},
  "health_check": {"enabled": false},
}
EOF
"$CONV" balancer --check --dump -c "$WORK/lb.jsonc" --threads 3 >"$WORK/dump.json" \
  2>"$WORK/err" || fail "--check --dump: $(cat "$WORK/err")"
grep -q '"connect": "250ms"' "$WORK/dump.json" || fail "dump: connect: $(cat "$WORK/dump.json")"
grep -q '"response": "30s"' "$WORK/dump.json" || fail "dump: default response timeout"
grep -q '"threads": 3' "$WORK/dump.json" || fail "dump: --threads not applied"
grep -q '"weight": 3' "$WORK/dump.json" || fail "dump: upstream weight"
grep -q '^conv balancer: warning: health_check: off' "$WORK/err" || fail "no warning: $(cat "$WORK/err")"
grep -q '^configuration ok: ' "$WORK/err" || fail "--dump: the summary is not on stderr"
"$CONV" balancer --check -c "$WORK/dump.json" >"$WORK/out" 2>"$WORK/err" ||
  fail "the dump does not load: $(cat "$WORK/err")"
"$CONV" balancer --check --dump -c "$WORK/dump.json" >"$WORK/dump2.json" 2>/dev/null
cmp -s "$WORK/dump.json" "$WORK/dump2.json" || fail "the dump of the dump differs"
pass "--check --dump prints a configuration that loads back to the same"
expect_usage_error "--dump without --check" balancer --dump -u 127.0.0.1:1
echo "s3cret-token-for-this-test" >"$WORK/token"
"$CONV" balancer --check -u 127.0.0.1:1 --admin 0.0.0.0:9000 --admin-token-file "$WORK/token" \
  >"$WORK/out" 2>"$WORK/err" || fail "--check with a public admin: $(cat "$WORK/err")"
grep -q "warning: admin: the admin API on 0.0.0.0:9000 is reachable from every network" \
  "$WORK/err" || fail "no admin warning: $(cat "$WORK/err")"
pass "--check warns of an admin API on 0.0.0.0"

# The admin API serves the running configuration (GET /config) as --check --dump prints it
# with the same flags, and again after a reload.
start_conv lb balancer -c "$WORK/dump.json" --admin 127.0.0.1:0
admin_port=$(logged_port lb "admin API on") || exit 1
grep -q "warn conv balancer: health_check: off" "$WORK/lb.err" ||
  fail "no warning at start: $(cat "$WORK/lb.err")"
"$CONV" balancer --check --dump -c "$WORK/dump.json" --admin 127.0.0.1:0 --host 127.0.0.1 \
  --port 0 >"$WORK/want.json" 2>/dev/null
curl -sf "http://127.0.0.1:$admin_port/config" >"$WORK/got.json" || fail "GET /config failed"
cmp -s "$WORK/want.json" "$WORK/got.json" ||
  fail "GET /config: $(diff "$WORK/want.json" "$WORK/got.json")"
sed -i 's/"weight": 3/"weight": 7/' "$WORK/dump.json"
curl -sf -X POST "http://127.0.0.1:$admin_port/reload" >/dev/null || fail "POST /reload failed"
curl -sf "http://127.0.0.1:$admin_port/config" >"$WORK/got.json" || fail "GET /config failed"
grep -q '"weight": 7' "$WORK/got.json" || fail "GET /config after reload: $(cat "$WORK/got.json")"
pass "GET /config serves the running configuration, before and after a reload"

# A port that is taken is a runtime error (1), not a usage error, and says which address.
start_conv first converter --access-log off
rc=0
"$CONV" converter --host 127.0.0.1 --port "$PORT_first" --access-log off 2>"$WORK/err" || rc=$?
[[ $rc == 1 ]] || fail "port in use: exit $rc"
grep -q "cannot listen on 127.0.0.1:$PORT_first" "$WORK/err" || fail "port in use: $(cat "$WORK/err")"
pass "a taken port is refused, even with SO_REUSEPORT listeners"

# An admin address that was asked for and is taken is the same error; the default admin
# address taken (say by a second balancer on this host) only skips the admin listener.
rc=0
"$CONV" balancer --host 127.0.0.1 --port 0 --admin "127.0.0.1:$PORT_first" -u 127.0.0.1:1 \
  2>"$WORK/err" || rc=$?
[[ $rc == 1 ]] || fail "admin port in use: exit $rc"
grep -q "cannot listen on 127.0.0.1:$PORT_first" "$WORK/err" || fail "admin in use: $(cat "$WORK/err")"
# Take 9000 (if something else holds it already, that does as well).
"$CONV" converter --host 127.0.0.1 --port 9000 --access-log off 2>/dev/null &
PIDS+=($!)
taken() { (exec 3<>/dev/tcp/127.0.0.1/9000) 2>/dev/null; }
poll_until 10 taken || fail "could not take port 9000 for this check"
start_conv second balancer -u 127.0.0.1:1
grep -q "admin API not started: the default address 127.0.0.1:9000 is taken" "$WORK/second.err" ||
  fail "default admin taken: $(cat "$WORK/second.err")"
pass "a taken --admin address is refused; the default one taken is skipped with a warning"

# Event lines: ISO-8601 UTC time with milliseconds, level, role, message; as JSON with
# --log-format json, one object a line.
iso='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z'
start_conv quiet converter --threads 1 --access-log "$WORK/quiet.log"
grep -qE "^$iso info conv converter: listening on 127\.0\.0\.1:$PORT_quiet \(name " \
  "$WORK/quiet.err" || fail "converter start line: $(cat "$WORK/quiet.err")"
start_conv jsonlb balancer -u 127.0.0.1:1 --admin off --log-format json
python3 - "$WORK/jsonlb.err" <<'PY' || fail "balancer JSON event lines: $(cat "$WORK/jsonlb.err")"
import json, re, sys
lines = open(sys.argv[1]).read().splitlines()
start = [json.loads(l) for l in lines if "listening on" in l]
assert len(start) == 1, lines
e = start[0]
assert set(e) == {"time", "level", "role", "msg"}, e
assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", e["time"]), e
assert e["level"] == "info" and e["role"] == "conv balancer", e
PY
pass "event lines have an ISO-8601 time, a level and the role, as text or as JSON"

# Health checks (GET /healthz and /readyz, the paths checkers poll) leave no access log line
# unless --log-health-checks; the request after them is logged, so its line shows the log
# was flushed past them. One thread each: lines of different threads may be flushed out of
# order (docs/operations.md, "Access log"), and the checks below read them in order.
health_requests() {
  local port=$1 path
  for path in /healthz /readyz /v1/currencies; do
    curl -sf -o /dev/null -A conv-health-check "http://127.0.0.1:$port$path" || fail "GET $path"
  done
}
health_requests "$PORT_quiet"
poll_until 5 grep -q '"GET /v1/currencies HTTP/1.1" 200' "$WORK/quiet.log" ||
  fail "no access log line for /v1/currencies: $(cat "$WORK/quiet.log")"
! grep -q -e '/healthz' -e '/readyz' "$WORK/quiet.log" ||
  fail "health checks logged without --log-health-checks: $(cat "$WORK/quiet.log")"
start_conv loud converter --threads 1 --access-log "$WORK/loud.log" --log-health-checks --log-format json
health_requests "$PORT_loud"
poll_until 5 grep -q '"request":"GET /v1/currencies HTTP/1.1"' "$WORK/loud.log" ||
  fail "no JSON access log line for /v1/currencies: $(cat "$WORK/loud.log")"
python3 - "$WORK/loud.log" <<'PY' || fail "JSON access log: $(cat "$WORK/loud.log")"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]).read().splitlines()]
assert [l["request"] for l in lines] == [
    "GET /healthz HTTP/1.1", "GET /readyz HTTP/1.1", "GET /v1/currencies HTTP/1.1"], lines
assert lines[0]["status"] == 200 and lines[0]["http_user_agent"] == "conv-health-check", lines
PY
pass "health checks are not in the converter's access log unless --log-health-checks"
echo "cli: all passed"
