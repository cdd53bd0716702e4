#!/usr/bin/env bash
# Prometheus' own checker on what conv exports and ships: `promtool check metrics` on a running
# balancer's /metrics (tests/monitoring/lib.sh: with one down upstream, TLS on) and a
# converter's, `promtool check rules` and `promtool test rules` (tests/monitoring/
# conv.rules.test.yaml) on deploy/monitoring's alert rules.
# Exits 77 (skipped) when promtool is not installed (Debian's `prometheus` package ships it;
# `scripts/install-deps.sh --ci` installs it), unless CONV_REQUIRE_PROMTOOL=1 (then it fails):
# .ci/run runs it so.
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v promtool >/dev/null; then
  if [[ ${CONV_REQUIRE_PROMTOOL:-0} == 1 ]]; then
    echo "FAIL: CONV_REQUIRE_PROMTOOL=1 and no promtool" >&2
    exit 1
  fi
  echo "SKIP: promtool is not installed (scripts/install-deps.sh --ci installs it)"
  exit 77
fi
# shellcheck source=tests/monitoring/lib.sh
source "$here/lib.sh"

for f in lb.prom api1.prom; do
  promtool check metrics <"$WORK/$f" >"$WORK/$f.check" 2>&1 ||
    fail "promtool check metrics, $f: $(cat "$WORK/$f.check")"
done
pass "promtool check metrics: balancer and converter"
promtool check rules "$MONITORING"/*.rules.yaml >"$WORK/rules.check" 2>&1 ||
  fail "promtool check rules: $(cat "$WORK/rules.check")"
(cd "$here" && promtool test rules conv.rules.test.yaml) >"$WORK/rules.test" 2>&1 ||
  fail "promtool test rules: $(cat "$WORK/rules.test")"
pass "promtool check rules and test rules: deploy/monitoring"
