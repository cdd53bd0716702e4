#!/usr/bin/env bash
# shellcheck disable=SC2154  # PORT_<name>, PID_<name> are set by start_conv (printf -v)
# The admin port's status page in a real browser: Debian's chromium, headless, loads the page
# while traffic flows, runs its script (which fetches /status), and we assert on the rendered
# DOM: every upstream with its state, and its last seconds' sparklines (from /history). A
# screenshot is kept in $ARTIFACTS/status-page.png.
# Without chromium (scripts/install-deps.sh --with-browser installs it) the test is skipped.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/smoke/lib.sh
source "$here/lib.sh"

CHROMIUM=${CHROMIUM:-$(command -v chromium || true)}
if [[ -z $CHROMIUM ]]; then
  echo "SKIP: chromium is not installed (apt-get install chromium, or" \
    "scripts/install-deps.sh --with-browser); the status page was not tested in a browser"
  exit 77
fi
ARTIFACTS=${ARTIFACTS:-$WORK/artifacts}
mkdir -p "$ARTIFACTS"

for n in 1 2 3; do
  start_conv "api$n" converter --name "api$n" --threads 1 --access-log off
done
cat >"$WORK/lb.json" <<JSON
{
  "listen": "127.0.0.1:0", "threads": 2, "name": "lb", "access_log": "off",
  "admin": "127.0.0.1:0",
  "upstreams": [{"address": "127.0.0.1:$PORT_api1", "weight": 2}, "127.0.0.1:$PORT_api2",
                "127.0.0.1:$PORT_api3"],
  "health_check": {"interval": 0.2, "timeout": 0.5}
}
JSON
start_conv lb balancer --config "$WORK/lb.json"
admin_port=$(logged_port lb "admin API on") || exit 1
base="http://127.0.0.1:$PORT_lb" admin="http://127.0.0.1:$admin_port"
curl -s -o /dev/null -X POST "$admin/upstreams/127.0.0.1:$PORT_api3/drain"

# Traffic for the page to show: a bounded load, stopped (by PID) at the end.
for ((i = 1; i <= 100000; i++)); do
  printf 'url = "%s"\noutput = "/dev/null"\n' "$base/convertepradolareuro/$i.0"
done >"$WORK/urls"
curl -s --parallel --parallel-max 4 --config "$WORK/urls" >/dev/null 2>&1 &
PIDS+=($!)
flowing() { curl -s "$admin/status" | grep -Eq '"requests_per_second":[1-9]'; }
poll_until 10 flowing || fail "no traffic shows in /status"
# The sparklines need a few seconds of samples: wait until /history has three with traffic
# (the browser's virtual time budget does not make the balancer sample any faster).
busy_seconds() {
  curl -s "$admin/history" | python3 -c 'import json, sys
print(max(sum(1 for v in u["requests_per_second"] if v) for u in json.load(sys.stdin)["upstreams"]))'
}
three_seconds() { (($(busy_seconds 2>/dev/null || echo 0) >= 3)); }
poll_until 10 three_seconds || fail "/history has not three seconds of traffic: $(curl -s "$admin/history")"

browser() {
  timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --user-data-dir="$WORK/chromium" --hide-scrollbars --window-size=1280,640 \
    --virtual-time-budget=4000 "$@" "$admin/" 2>>"$WORK/chromium.err"
}
browser --dump-dom >"$WORK/dom.html" || fail "chromium --dump-dom failed: $(tail -5 "$WORK/chromium.err")"
row() {  # row PORT: the rendered table row of that upstream
  grep -o "<tr data-upstream=\"127.0.0.1:$1\">.*" "$WORK/dom.html" | sed 's|</tr>.*||'
}
for n in 1 2 3; do
  port_var="PORT_api$n"
  [[ -n $(row "${!port_var}") ]] || fail "the page shows no row for api$n: $(cat "$WORK/dom.html")"
done
row "$PORT_api1" | grep -q '<span class="state s-up">up</span>' || fail "api1 not up: $(row "$PORT_api1")"
row "$PORT_api2" | grep -q '<span class="state s-up">up</span>' || fail "api2 not up"
row "$PORT_api3" | grep -q '<span class="state s-drained">drained</span>' ||
  fail "api3 not drained: $(row "$PORT_api3")"
row "$PORT_api1" | grep -Eq '<span>(6[0-9]|7[0-9])\.[0-9]%</span>' ||
  fail "api1 (weight 2 of the 3 in rotation) does not carry ~2/3 of the traffic: $(row "$PORT_api1")"
row "$PORT_api3" | grep -q '<span>0.0%</span>' || fail "drained api3 has a share: $(row "$PORT_api3")"
grep -q 'id="policy">round_robin<' "$WORK/dom.html" || fail "policy not rendered"
grep -q 'id="available">2 of 3<' "$WORK/dom.html" || fail "availability not rendered"
pass "chromium rendered the page from /status: api1 and api2 up (api1 ~2/3 of traffic), api3 drained"

card() {  # card PORT: the rendered sparklines card of that upstream
  grep -o "<div class=\"card\" data-upstream=\"127.0.0.1:$1\">.*" "$WORK/dom.html" |
    sed 's|<div class="card" data-upstream="127.0.0.1:[0-9]*">|\n&|2' | head -1
}
for n in 1 2 3; do
  port_var="PORT_api$n"
  [[ $(card "${!port_var}" | grep -o '<svg' | wc -l) == 3 ]] ||
    fail "api$n has not 3 charts: $(card "${!port_var}")"
done
# api1 served a request in each of several seconds: its requests/s line has segments.
card "$PORT_api1" | grep -Eq '<path d="M[0-9.]+ [0-9.]+(L[0-9.]+ [0-9.]+){2,}" class="rps">' ||
  fail "api1's requests/s sparkline has no line: $(card "$PORT_api1")"
card "$PORT_api1" | grep -Eq '<path d="M[^"]+" class="p99">' ||
  fail "api1's p99 sparkline has no line: $(card "$PORT_api1")"
pass "chromium drew each upstream's sparklines from /history"

browser --screenshot="$ARTIFACTS/status-page.png" >/dev/null ||
  fail "chromium --screenshot failed: $(tail -5 "$WORK/chromium.err")"
[[ $(head -c 8 "$ARTIFACTS/status-page.png" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] ||
  fail "the screenshot is not a PNG"
pass "screenshot: $ARTIFACTS/status-page.png"
