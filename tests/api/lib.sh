#!/usr/bin/env bash
# shellcheck disable=SC2154  # PORT_<name> is set by start_conv (printf -v)
# For the API tests: the smoke tests' helpers, python3-jsonschema, and a converter serving the
# ECB's recorded days (2024-10-02 to 2024-10-04) from a store.
api_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/smoke/lib.sh
source "$api_here/../smoke/lib.sh"

python3 -c 'import jsonschema' 2>/dev/null || fail "python3-jsonschema is not installed (scripts/install-deps.sh installs it)"

# start_recorded_ecb NAME: a converter named NAME (start_conv) over the recorded ECB days.
start_recorded_ecb() {
  "$CONV" rates --store "$WORK/$1.db" import "$api_here/../converter/data/feeds/eurofxref-hist-3d.xml" >/dev/null ||
    fail "cannot import the recorded ECB history"
  start_conv "$1" converter --threads 1 --access-log off --store "$WORK/$1.db"
}
