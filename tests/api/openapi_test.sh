#!/usr/bin/env bash
# shellcheck disable=SC2154  # PORT_<name> is set by start_conv (printf -v)
# The converter's OpenAPI document (GET /v1/openapi.json) against a running converter: every
# documented route answers as documented, its bodies validate against the document's schemas
# (tests/api/openapi_test.py, with Debian's python3-jsonschema). The converter serves the ECB's
# recorded history from a store (the dated routes need more than one day), then the built-in
# rates (the file provider's shapes).
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/api/lib.sh
source "$here/lib.sh"

start_recorded_ecb ecb
python3 "$here/openapi_test.py" "http://127.0.0.1:$PORT_ecb" || fail "the OpenAPI document and the ECB-backed converter disagree"
start_conv file converter --threads 1 --access-log off
python3 "$here/openapi_test.py" "http://127.0.0.1:$PORT_file" --single-day ||
  fail "the OpenAPI document and the built-in-rates converter disagree"
pass "OpenAPI document and converter agree"
