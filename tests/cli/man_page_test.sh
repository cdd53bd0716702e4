#!/usr/bin/env bash
# The conv(1) man page: made at build time from --help (scripts/man-page.sh), installed by
# `cmake --install` to share/man/man1, and rendering without warnings with every subcommand
# and the key flags of each.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/smoke/lib.sh
source "$here/../smoke/lib.sh"
BUILD_DIR=${BUILD_DIR:?set BUILD_DIR to the build directory}

cmake --install "$BUILD_DIR" --prefix "$WORK/prefix" >"$WORK/install.log" 2>&1 ||
  fail "cmake --install: $(cat "$WORK/install.log")"
page=$WORK/prefix/share/man/man1/conv.1
[[ -s $page ]] || fail "cmake --install did not install share/man/man1/conv.1"
[[ -x $WORK/prefix/bin/conv ]] || fail "cmake --install did not install bin/conv"
pass "cmake --install installs bin/conv and share/man/man1/conv.1"

# Rendered as man(1) shows it; groff's warnings (a bad request, an unknown macro) fail.
MANWIDTH=120 MAN_KEEP_STDERR=1 man --warnings -l "$page" 2>"$WORK/man.err" | col -b >"$WORK/page.txt"
[[ ! -s $WORK/man.err ]] || fail "man warns: $(cat "$WORK/man.err")"
text=$WORK/page.txt
for heading in NAME SYNOPSIS DESCRIPTION OPTIONS COMMANDS 'SEE ALSO'; do
  grep -q "^$heading" "$text" || fail "no $heading section: $(cat "$text")"
done
grep -q '^ *conv - a currency-conversion HTTP API' "$text" || fail "NAME: $(head -5 "$text")"
grep -q "conv $("$CONV" --version | cut -d' ' -f2)" "$text" || fail "the page does not give the version"
pass "the page renders without warnings, with its sections"

# Each subcommand has its own part, with its own flags (as its --help prints them).
section_of() { sed -n "/^ *conv $1\$/,/^ *conv [a-z]*\$\\|^[A-Z]/p" "$text"; }
expect_flags() {
  local command=$1 flag
  shift
  section_of "$command" >"$WORK/$command.txt"
  [[ -s $WORK/$command.txt ]] || fail "no part for conv $command"
  for flag in "$@"; do
    grep -q -- "$flag" "$WORK/$command.txt" || fail "conv $command: no $flag in $(cat "$WORK/$command.txt")"
  done
}
expect_flags converter --port --threads --rates --access-log --io-model --max-body-bytes \
  --header-timeout --drain-timeout --log-level --log-format --log-health-checks --legacy-rates
expect_flags balancer --config --upstream --admin --admin-token-file --metrics --check \
  --max-body-bytes --idle-timeout --log-level --log-format
expect_flags probe --timeout --ca --insecure 'http\[s\]://HOST'
# Each role's own default, as its --help shows it: 1 MiB bodies for the converter, 100 MiB
# for the balancer.
grep -q -- '--max-body-bytes .*=1048576$' "$WORK/converter.txt" || fail "converter's body default"
grep -q -- '--max-body-bytes .*=104857600$' "$WORK/balancer.txt" || fail "balancer's body default"
pass "every subcommand, with its flags and defaults"
echo "man page: all passed"
