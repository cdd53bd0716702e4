#!/usr/bin/env bash
# shellcheck disable=SC2154  # PORT_<name> is set by start_conv (printf -v)
# A Frankfurter client pointed at conv (tests/api/frankfurter_client_test.py): Frankfurter's
# documented shapes and behaviours at "/" and "/v1", over HTTP, from the ECB's recorded days.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/api/lib.sh
source "$here/lib.sh"

start_recorded_ecb ecb
python3 "$here/frankfurter_client_test.py" "http://127.0.0.1:$PORT_ecb" || fail "a Frankfurter client finds conv different"
pass "a Frankfurter client gets Frankfurter's shapes"
