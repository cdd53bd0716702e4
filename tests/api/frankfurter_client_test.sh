#!/usr/bin/env bash
# shellcheck disable=SC2154  # PORT_<name> is set by start_conv (printf -v)
# A Frankfurter client pointed at conv (tests/api/frankfurter_client_test.py): Frankfurter's
# documented shapes and behaviours at "/" and "/v1", over HTTP, from the ECB's recorded days.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/smoke/lib.sh
source "$here/../smoke/lib.sh"

python3 -c 'import jsonschema' 2>/dev/null || fail "python3-jsonschema is not installed (scripts/install-deps.sh installs it)"
"$CONV" rates --store "$WORK/rates.db" import "$here/../converter/data/feeds/eurofxref-hist-3d.xml" >/dev/null ||
  fail "cannot import the recorded ECB history"
start_conv ecb converter --threads 1 --access-log off --store "$WORK/rates.db"
python3 "$here/frankfurter_client_test.py" "http://127.0.0.1:$PORT_ecb" || fail "a Frankfurter client finds conv different"
pass "a Frankfurter client gets Frankfurter's shapes"
