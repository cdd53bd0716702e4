#!/usr/bin/env bash
# Every balancer config example in the docs loads as pasted: each ```jsonc block of README.md
# and docs/*.md is written to a file and given to `conv balancer --check --config`. It must
# pass, or fail only on a file it names that this machine does not have (an example's
# certificate paths); a syntax error, an unknown key or a bad value fails the test.
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=tests/smoke/lib.sh
source "$here/../smoke/lib.sh"

count=0
for doc in "$root/README.md" "$root"/docs/*.md; do
  # One file per block: $WORK/<doc>.<n>.jsonc, with the line where the block starts.
  awk -v out="$WORK/$(basename "$doc")" '
    /^```jsonc[[:space:]]*$/ { n++; inside = 1; file = out "." n ".jsonc"; print NR > (file ".line"); next }
    /^```/ { inside = 0; next }
    inside { print > file }' "$doc"
done
shopt -s nullglob
for example in "$WORK"/*.jsonc; do
  where="$(basename "${example%.*.jsonc}"), the block at line $(cat "$example.line")"
  count=$((count + 1))
  rc=0
  "$CONV" balancer --check --config "$example" >"$WORK/out" 2>"$WORK/err" || rc=$?
  if ((rc == 0)); then
    pass "$where loads"
  elif ((rc == 2)) && grep -Eq '(/certs|/etc/conv)/[^ :]*: cannot read' "$WORK/err"; then
    pass "$where loads up to its example files: $(cat "$WORK/err")"
  else
    fail "$where does not load (exit $rc): $(cat "$WORK/err")"
  fi
done
((count >= 3)) || fail "found only $count config examples (\`\`\`jsonc blocks) in the docs"
echo "config examples: all $count passed"
