#!/usr/bin/env bash
# shellcheck disable=SC2154  # PORT_<name> is set by start_conv (printf -v)
# The converter's OpenAPI document (GET /v1/openapi.json) against a running converter: every
# documented route answers as documented, its bodies validate against the document's schemas
# (tests/api/openapi_test.py, with Debian's python3-jsonschema).
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/smoke/lib.sh
source "$here/../smoke/lib.sh"

python3 -c 'import jsonschema' 2>/dev/null || fail "python3-jsonschema is not installed (scripts/install-deps.sh installs it)"
start_conv c converter --threads 1 --access-log off
python3 "$here/openapi_test.py" "http://127.0.0.1:$PORT_c" || fail "the OpenAPI document and the converter disagree"
pass "OpenAPI document and converter agree"
