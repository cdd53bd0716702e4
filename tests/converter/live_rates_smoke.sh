#!/usr/bin/env bash
# shellcheck disable=SC2154  # PORT_<name>, PID_<name> are set by start_conv (printf -v)
# End to end: `conv converter --refresh ecb` against a fake ECB on loopback (python3's
# http.server over the recorded daily file). Before any rates: 503 rates_not_loaded, the
# original route still answers; SIGHUP fetches at once; the rates are saved, and a restart
# with the feed gone answers from the store at once. /metrics shows the fetches (and passes
# promtool when it is installed).
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/smoke/lib.sh
source "$here/../smoke/lib.sh"
fixture="$here/data/feeds/eurofxref-daily.xml"

# The fake ECB: an empty directory at first (every fetch a 404), on an ephemeral port.
mkdir -p "$WORK/feed/ecb"
: >"$WORK/feed.log"
python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$WORK/feed" >"$WORK/feed.log" 2>&1 &
feed_pid=$!
PIDS+=("$feed_pid")
feed_port() { sed -n 's/.*port \([0-9]*\).*/\1/p' "$WORK/feed.log" | head -n 1; }
feed_up() { [[ -n $(feed_port) ]]; }
poll_until 10 feed_up || fail "the fake ECB did not start: $(cat "$WORK/feed.log")"
feed="http://127.0.0.1:$(feed_port)/ecb/"

args=(converter --store "$WORK/r.db" --refresh ecb --feed-url "ecb=$feed" --access-log off)
start_conv c "${args[@]}"
base="http://127.0.0.1:$PORT_c"

# status PATH: the HTTP status of GET PATH, its body in $WORK/body.
status() { curl -s -o "$WORK/body" -w '%{http_code}' "$base$1"; }
# counted LINE: /metrics has LINE (a sample and its value), whole.
counted() { curl -s "$base/metrics" | grep -qxF "$1"; }

# 1. The first fetch fails (404): no rates yet.
poll_until 10 counted 'conv_rates_fetches_total{provider="ecb",result="failed"} 1' ||
  fail "no failed fetch counted: $(curl -s "$base/metrics" | grep conv_rates_fetches)"
for path in /v1/rates /latest /v1/convert?amount=1\&from=EUR\&to=USD /readyz; do
  [[ $(status "$path") == 503 ]] || fail "$path before any rates: $(cat "$WORK/body")"
  grep -q '^{"error":{"status":503,"code":"rates_not_loaded"' "$WORK/body" ||
    fail "$path body: $(cat "$WORK/body")"
done
[[ $(status /convertepradolareuro/15.0) == 200 ]] || fail "legacy route: $(cat "$WORK/body")"
pass "no rates yet: 503 rates_not_loaded, the original route answers"

# 2. The feed publishes; SIGHUP fetches now rather than after the backoff.
cp "$fixture" "$WORK/feed/ecb/eurofxref-daily.xml"
cp "$fixture" "$WORK/feed/ecb/eurofxref-hist-90d.xml"
kill -HUP "$PID_c"
rates_in() { [[ $(status /v1/rates) == 200 ]] && grep -q "$1" "$WORK/body"; }
poll_until 15 rates_in '"as_of":"2024-10-03"' || fail "no rates after SIGHUP: $(cat "$WORK/body")"
grep -q '"provider":"ecb"' "$WORK/body" || fail "provider: $(cat "$WORK/body")"
[[ $(status /readyz) == 200 ]] || fail "readyz after the fetch: $(cat "$WORK/body")"
pass "SIGHUP fetched: /v1/rates as of 2024-10-03 from ecb"

# 3. /metrics: the refresher's families, valid for Prometheus.
curl -sS "$base/metrics" >"$WORK/metrics.prom"
grep -q '^conv_rates_fetches_total{provider="ecb",result="ok"} 1$' "$WORK/metrics.prom" ||
  fail "metrics: $(grep conv_rates_ "$WORK/metrics.prom")"
grep -q '^conv_rates_in_force{provider="ecb"} 1$' "$WORK/metrics.prom" || fail "in force"
if command -v promtool >/dev/null; then
  promtool check metrics <"$WORK/metrics.prom" >"$WORK/promtool.out" 2>&1 ||
    fail "promtool: $(cat "$WORK/promtool.out")"
  pass "/metrics has the fetch counters and passes promtool"
else
  pass "/metrics has the fetch counters (promtool not installed: not checked)"
fi

# 4. The feed gone, a restart answers from the store at once (before any fetch could end).
kill -TERM "$feed_pid"
wait_exit "$feed_pid" 10
kill -TERM "$PID_c"
wait_exit "$PID_c" 10
[[ $EXIT_CODE == 0 ]] || fail "converter exit code $EXIT_CODE"
start_conv d "${args[@]}"
base="http://127.0.0.1:$PORT_d"
rates_in '"as_of":"2024-10-03"' || fail "restart: $(cat "$WORK/body")"
pass "a restart serves the stored rates at once"

# 5. --check reads the store the refresher filled.
"$CONV" "${args[@]}" --check >"$WORK/check.out" 2>"$WORK/check.err" ||
  fail "--check: $(cat "$WORK/check.err")"
grep -q 'ecb: 1 day(s) to 2024-10-03' "$WORK/check.out" || fail "--check: $(cat "$WORK/check.out")"
pass "--check: $(cat "$WORK/check.out")"
