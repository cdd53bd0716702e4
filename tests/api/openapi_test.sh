#!/usr/bin/env bash
# shellcheck disable=SC2154  # PORT_<name> is set by start_conv (printf -v)
# The converter's OpenAPI document (GET /v1/openapi.json) against a running converter: every
# documented route answers as documented, its bodies validate against the document's schemas
# (tests/api/openapi_test.py, with Debian's python3-jsonschema). The converter serves the ECB's
# recorded history from a store (the dated routes need more than one day), then the built-in
# rates (the file provider's shapes).
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/smoke/lib.sh
source "$here/../smoke/lib.sh"

python3 -c 'import jsonschema' 2>/dev/null || fail "python3-jsonschema is not installed (scripts/install-deps.sh installs it)"
"$CONV" rates --store "$WORK/rates.db" import "$here/../converter/data/feeds/eurofxref-hist-3d.xml" >/dev/null ||
  fail "cannot import the recorded ECB history"
start_conv ecb converter --threads 1 --access-log off --store "$WORK/rates.db"
python3 "$here/openapi_test.py" "http://127.0.0.1:$PORT_ecb" || fail "the OpenAPI document and the ECB-backed converter disagree"
start_conv file converter --threads 1 --access-log off
python3 "$here/openapi_test.py" "http://127.0.0.1:$PORT_file" --single-day ||
  fail "the OpenAPI document and the built-in-rates converter disagree"
pass "OpenAPI document and converter agree"
