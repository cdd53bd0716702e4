#!/usr/bin/env bash
# shellcheck disable=SC2154  # PORT_<name> is set by start_conv (printf -v)
# `conv rates import` and `conv rates show` on a store of the test's own: the ECB's and PTAX's
# file formats in, the day in force out (the last earlier day on a weekend), exit codes 0, 1
# (nothing stored for that day) and 2 (bad usage, a bad file, a store that cannot be used).
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/smoke/lib.sh
source "$here/../smoke/lib.sh"
feeds=$here/../converter/data/feeds
store=$WORK/rates.db

expect_exit() {  # expect_exit CODE WHAT ARGS...: the exit code, stdout in $WORK/out
  local want=$1 what=$2 rc=0
  shift 2
  "$CONV" "$@" >"$WORK/out" 2>"$WORK/err" </dev/null || rc=$?
  [[ $rc == "$want" ]] || fail "$what: exit $rc, want $want: $(cat "$WORK/err")"
  pass "$what -> exit $rc $(head -1 "$WORK/out")$(head -1 "$WORK/err")"
}

expect_exit 0 "import the ECB's history" rates --store "$store" import "$feeds/eurofxref-hist-3d.xml"
grep -q '^imported 3 day(s) of ecb, 2024-10-02 to 2024-10-04' "$WORK/out" || fail "import: $(cat "$WORK/out")"
expect_exit 0 "show a Sunday" rates show --store "$store" --date 2024-10-06
grep -q '^2024-10-04 ecb (units one EUR buys), in force on 2024-10-06$' "$WORK/out" || fail "show: $(cat "$WORK/out")"
grep -q '^USD 1.0994$' "$WORK/out" || fail "show USD: $(cat "$WORK/out")"
expect_exit 0 "import a PTAX answer" rates import --store "$store" --format ptax-json --currency USD \
  "$feeds/ptax-usd-2024-10-02.json"
expect_exit 0 "show the latest PTAX day" rates show --store "$store" --provider bcb_ptax
grep -q '^USD 5.46070$' "$WORK/out" || fail "ptax: $(cat "$WORK/out")"
expect_exit 1 "a day before the first" rates show --store "$store" --date 2024-10-01
expect_exit 2 "a bad date" rates show --store "$store" --date 2024-13-01
expect_exit 2 "not an ECB file" rates import --store "$store" /etc/hostname
expect_exit 2 "a missing file" rates import --store "$store" "$WORK/none.xml"
expect_exit 2 "PTAX without its currency" rates import --store "$store" --format ptax-json x
expect_exit 2 "a store that cannot be made" rates show --store "$WORK/no/dir/rates.db"

# The converter serves a provider's history from the store.
expect_exit 0 "converter --check --store" converter --check --store "$store"
grep -q "rates ecb from $store (base EUR, as of 2024-10-04, .* quote(s), 3 day(s))" "$WORK/out" ||
  fail "converter --check: $(cat "$WORK/out")"
expect_exit 0 "converter --check --store --provider bcb_ptax" converter --check --store "$store" --provider bcb_ptax
grep -q "base BRL, as of 2024-10-03, 1 quote(s), 2 day(s)" "$WORK/out" || fail "ptax check: $(cat "$WORK/out")"
expect_exit 0 "converter --store-read-only" converter --check --store "$store" --store-read-only
grep -q "rates ecb from $store (read-only) (base EUR" "$WORK/out" || fail "read-only: $(cat "$WORK/out")"
expect_exit 2 "--store and --rates together" converter --check --store "$store" --rates "$WORK/r.json"
expect_exit 2 "an unknown provider" converter --check --store "$store" --provider nope
expect_exit 2 "a store without the provider's days" converter --check --store "$WORK/empty.db"
grep -q "conv rates import" "$WORK/err" || fail "empty store: $(cat "$WORK/err")"

# --legacy-rates follow: the original route divides by the latest day's BRL per USD and per
# EUR as /v1/rates shows them (the ECB's: 6.0119 / 1.0994 and 6.0119), in doubles as Python
# does; fixed, the default, keeps the original's bytes whatever the store holds.
expect_exit 0 "converter --check --legacy-rates follow" converter --check --store "$store" \
  --legacy-rates follow
grep -q "3 day(s)); the original route follows them$" "$WORK/out" || fail "follow check: $(cat "$WORK/out")"
expect_exit 0 "converter --check --legacy-rates follow, PTAX of USD alone" converter --check \
  --store "$store" --provider bcb_ptax --legacy-rates follow
grep -q "the original route cannot follow them" "$WORK/out" || fail "ptax follow check: $(cat "$WORK/out")"
start_conv follow converter --store "$store" --legacy-rates follow --access-log off
start_conv fixed converter --store "$store" --access-log off
curl -sf "http://127.0.0.1:$PORT_follow/convertepradolareuro/15.0" >"$WORK/follow.json" ||
  fail "follow: the original route failed"
for base in USD EUR; do
  curl -sf "http://127.0.0.1:$PORT_follow/v1/rates?base=$base&symbols=BRL" >"$WORK/$base.json" ||
    fail "follow: /v1/rates?base=$base"
done
python3 - "$WORK" <<'PY' || fail "follow: $(cat "$WORK/follow.json")"
import json, sys
work = sys.argv[1]
usd, eur = (float(json.load(open(f"{work}/{b}.json"))["rates"]["BRL"]) for b in ("USD", "EUR"))
assert (usd, eur) == (float("5.4683463707"), 6.0119), (usd, eur)
want = json.dumps({"conversao": {"dolar": 15.0 / usd, "euro": 15.0 / eur, "real": 15.0}},
                  separators=(",", ":"), sort_keys=True) + "\n"
got = open(f"{work}/follow.json").read()
assert got == want, (got, want)
PY
[[ $(curl -sf "http://127.0.0.1:$PORT_fixed/convertepradolareuro/15.0") == \
  '{"conversao":{"dolar":2.9411764705882355,"euro":2.678571428571429,"real":15.0}}' ]] ||
  fail "fixed: the original route changed with a store"
pass "--legacy-rates follow divides by the ECB's latest BRL per USD and EUR; fixed keeps 5.10/5.60"
# PTAX as imported above quotes USD alone: nothing to follow, said at start and by the route.
start_conv ptax converter --store "$store" --provider bcb_ptax --legacy-rates follow --access-log off
code=$(curl -s -o "$WORK/ptax.json" -w '%{http_code}' "http://127.0.0.1:$PORT_ptax/convertepradolareuro/15.0")
if [[ $code != 503 ]] || ! grep -q '"code":"rates_unavailable"' "$WORK/ptax.json"; then
  fail "follow without EUR: $code $(cat "$WORK/ptax.json")"
fi
grep -q 'legacy-rates follow: the rates as of 2024-10-03 do not quote BRL, USD and EUR' \
  "$WORK/ptax.err" || fail "no warning at start: $(cat "$WORK/ptax.err")"
pass "--legacy-rates follow without EUR quoted: 503 rates_unavailable, and a warning at start"
echo "rates cli: all passed"
