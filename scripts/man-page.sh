#!/usr/bin/env bash
# Makes the conv(1) man page from the program's own help, so that it cannot say other than
# --help does: help2man turns `conv --help` and `--version` into the page, and each
# subcommand's --help (CLI11 prints one per subcommand) goes in a COMMANDS section, kept as
# printed (its columns line up). The build runs this; `cmake --install` installs the page.
#   scripts/man-page.sh CONV OUTPUT     e.g. scripts/man-page.sh build/conv build/conv.1
set -euo pipefail
conv=$1
out=$2
include=$out.h2m

# *roff text of one help: no filling, backslashes escaped, no line read as a request.
as_roff() {
  echo '.nf'
  sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"
  echo '.fi'
}

{
  echo '[NAME]'
  echo 'conv \- a currency-conversion HTTP API and the HTTP load balancer in front of it'
  echo '[COMMANDS]'
  for command in converter balancer probe; do
    echo ".SS \"conv $command\""
    "$conv" "$command" --help | as_roff
  done
  echo '[SEE ALSO]'
  echo 'The documentation in docs/ of the source: configuration.md (every flag and config key),'
  echo 'api.md, operations.md (signals, admin API, metrics, reload).'
} >"$include"

help2man --no-info --section=1 --include="$include" --output="$out" "$conv"
rm -f "$include"
