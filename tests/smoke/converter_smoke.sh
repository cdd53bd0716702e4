#!/usr/bin/env bash
# shellcheck disable=SC2154  # PORT_<name>, PID_<name> are set by start_conv (printf -v)
# End to end: the real conv converter, checked with curl the way a user would.
# Usage: CONV=build/conv tests/smoke/converter_smoke.sh
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/smoke/lib.sh
source "$here/lib.sh"

cp "$here/../../configs/rates.json" "$WORK/rates.json"
start_conv c converter --name smoke-1 --threads 2 --rates "$WORK/rates.json" \
  --access-log "$WORK/access.log"
base="http://127.0.0.1:$PORT_c"

# 1. The original route, byte for byte (the 80 bytes of the original's logs).
printf '%s\n' '{"conversao":{"dolar":2.9411764705882355,"euro":2.678571428571429,"real":15.0}}' \
  >"$WORK/expected"
curl -sS -D "$WORK/headers" -o "$WORK/body" "$base/convertepradolareuro/15.0"
cmp "$WORK/expected" "$WORK/body" || fail "legacy body differs: $(cat "$WORK/body")"
[[ $(wc -c <"$WORK/body") -eq 80 ]] || fail "legacy body is not 80 bytes"
pass "legacy route is byte-identical"

# 2. The headers every response carries.
tr -d '\r' <"$WORK/headers" >"$WORK/h"
grep -q '^HTTP/1.1 200 OK$' "$WORK/h" || fail "status line"
grep -q '^Content-Type: application/json$' "$WORK/h" || fail "content type"
grep -q '^Content-Length: 80$' "$WORK/h" || fail "content length"
grep -q '^Server: conv/[0-9.]*$' "$WORK/h" || fail "server header"
grep -q '^X-Served-By: smoke-1$' "$WORK/h" || fail "x-served-by"
grep -q '^Date: [A-Z][a-z][a-z], [0-9][0-9] [A-Z][a-z][a-z] [0-9]\{4\} [0-9:]\{8\} GMT$' "$WORK/h" ||
  fail "date header"
pass "Date, Server, Content-Length and X-Served-By are present"

# 3. Errors are JSON, never HTML, never 500.
code=$(curl -s -o "$WORK/err" -w '%{http_code}' "$base/convertepradolareuro/$(printf '9%.0s' {1..400}).0")
[[ $code == 400 ]] || fail "400-digit amount answered $code"
grep -q '"code":"amount_out_of_range"' "$WORK/err" || fail "400-digit amount body: $(cat "$WORK/err")"
for path in convertepradolareuro/-1.0 convertepradolareuro/abc convertepradolareuro/ nope; do
  code=$(curl -s -o "$WORK/err" -w '%{http_code}' "$base/$path")
  [[ $code == 4* ]] || fail "/$path answered $code"
  grep -q '^{"error":{"status":4[0-9][0-9],"code":"[a-z_]*","message":' "$WORK/err" ||
    fail "/$path body: $(cat "$WORK/err")"
done
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$base/convertepradolareuro/15.0")
[[ $code == 405 ]] || fail "POST answered $code"
pass "bad input gets JSON 4xx errors"

# 4. The exact-decimal API.
body=$(curl -sS "$base/v1/convert?amount=15.00&from=BRL&to=USD,EUR")
[[ $body == *'"results":{"USD":"2.94","EUR":"2.68"}'* ]] || fail "v1 convert: $body"
body=$(curl -sS "$base/v1/convert?amount=100&from=USD&to=EUR&rounding=half_even")
[[ $body == *'"EUR":"91.07"'* ]] || fail "v1 cross rate: $body"
pass "v1 convert is exact"

# 4b. HTTP caching and CORS on /v1: an ETag that revalidates to a 304 with no body, a max
# age, a cache-buster ignored, and a browser's preflight and read allowed from any origin.
url="$base/v1/rates?_=1700000000"
curl -sS -D "$WORK/h1" -o "$WORK/b1" -H 'Origin: https://app.example' "$url"
tag=$(tr -d '\r' <"$WORK/h1" | sed -n 's/^ETag: //p')
[[ $tag =~ ^\"[0-9a-f]{16}\"$ ]] || fail "ETag: '$tag'"
grep -q '^Cache-Control: public, max-age=300' "$WORK/h1" || fail "Cache-Control: $(cat "$WORK/h1")"
grep -q '^Access-Control-Allow-Origin: \*' "$WORK/h1" || fail "CORS: $(cat "$WORK/h1")"
code=$(curl -sS -o "$WORK/b2" -w '%{http_code}' -H "If-None-Match: $tag" "$url")
[[ $code == 304 && ! -s $WORK/b2 ]] || fail "revalidation answered $code: $(cat "$WORK/b2")"
code=$(curl -sS -o /dev/null -D "$WORK/h3" -w '%{http_code}' -X OPTIONS \
  -H 'Origin: https://app.example' -H 'Access-Control-Request-Method: GET' "$url")
[[ $code == 204 ]] || fail "preflight answered $code"
grep -q '^Access-Control-Allow-Methods: GET, HEAD' "$WORK/h3" || fail "preflight: $(cat "$WORK/h3")"
pass "/v1: ETag $tag revalidates to 304, max-age, CORS preflight and read"

# 5. Health, readiness, metrics.
[[ $(curl -s -o /dev/null -w '%{http_code}' "$base/healthz") == 200 ]] || fail healthz
[[ $(curl -s -o /dev/null -w '%{http_code}' "$base/readyz") == 200 ]] || fail readyz
metrics=$(curl -sS "$base/metrics")
[[ $metrics == *'conv_http_requests_total{route="legacy",status="200"} 1'* ]] ||
  fail "metrics: $metrics"
[[ $metrics == *'conv_rates_as_of_timestamp_seconds 1727913600'* ]] || fail "metrics as_of"
pass "healthz, readyz and metrics"

# 6. SIGHUP reloads the rates file; a bad file keeps the old table.
sed -i 's/"5.10"/"5.00"/; s/2024-10-03/2024-10-04/' "$WORK/rates.json"
kill -HUP "$PID_c"
rates_show() { curl -s "$base/v1/rates" | grep -q "$1"; }
poll_until 5 rates_show '"USD":"5.00"' || fail "reload not applied"
[[ $(curl -sS "$base/convertepradolareuro/10.0") == '{"conversao":{"dolar":2.0,"euro":1.7857142857142858,"real":10.0}}' ]] ||
  fail "legacy route did not follow the reload"
echo '{"base":"BRL","as_of":"2024-10-05","source":"x","quotes":{"USD":"oops"}}' >"$WORK/rates.json"
kill -HUP "$PID_c"
poll_until 5 grep -q 'rates not reloaded' "$WORK/c.err" || fail "bad reload not reported"
grep -q 'quotes.USD' "$WORK/c.err" || fail "bad reload message does not name the field"
rates_show '"as_of":"2024-10-04"' || fail "bad reload replaced the table"
pass "SIGHUP reload, and a bad reload keeps the old rates"

# 7. The access log: nginx combined plus request time.
logged() { grep -q '^127\.0\.0\.1 - - \[[0-9]*/[A-Z][a-z]*/[0-9]*:[0-9:]* +0000\] "GET /convertepradolareuro/15.0 HTTP/1.1" 200 80 "-" "curl/[^"]*" "-" rt=[0-9]*\.[0-9]\{3\}$' "$WORK/access.log"; }
poll_until 5 logged || fail "access log line: $(head -3 "$WORK/access.log")"
pass "access log in combined format"

# 8. SIGTERM: a graceful stop with exit code 0.
kill -TERM "$PID_c"
wait_exit "$PID_c" 15
[[ $EXIT_CODE == 0 ]] || fail "exit after SIGTERM: $EXIT_CODE"
grep -q 'draining' "$WORK/c.err" || fail "no drain message"
pass "SIGTERM stops gracefully with exit code 0"
echo "converter smoke: all passed"
