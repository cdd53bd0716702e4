#!/usr/bin/env bash
# debian_mirror (apt_mirror.sh) on fixture trees of apt sources in both formats: deb822 only
# (a new Debian 12 machine: no sources.list at all), one-line only, both, neither, and the
# details that pick the wrong line if ignored (security and deb-src entries, disabled stanzas,
# options in brackets, comments, continuation lines, files apt does not read). Runs under
# `set -euo pipefail`, as e2e.sh does: a missing file must not end the caller.
# Needs nothing but bash and awk; .ci/run runs it with the static checks.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/container/apt_mirror.sh
source "$here/apt_mirror.sh"

work=$(mktemp -d /tmp/conv-apt-mirror.XXXXXX)
trap 'rm -rf "$work"' EXIT
failures=0

# fixture NAME FILE CONTENT: writes ROOT/etc/apt/FILE of the fixture tree NAME.
fixture() {
  mkdir -p "$work/$1/etc/apt/sources.list.d"
  printf '%s\n' "$3" >"$work/$1/etc/apt/$2"
}
# expect NAME WANT: debian_mirror of tree NAME for bookworm prints exactly WANT.
expect() {
  local got
  got=$(debian_mirror "$work/$1" bookworm)
  if [[ $got == "$2" ]]; then
    echo "ok: $1: ${2:-(none)}"
  else
    echo "FAIL: $1: got '$got', want '$2'" >&2
    failures=$((failures + 1))
  fi
}

# A new Debian 12 machine (this file as shipped, snapshot comments included).
fixture deb822 sources.list.d/debian.sources 'Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
# http://snapshot.debian.org/archive/debian-security/20250520T000000Z
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg'
expect deb822 http://deb.debian.org/debian

# deb822 details: the security stanza first, a disabled stanza, a deb-src one, lower-case
# field names, an inline key (continuation lines, one holding a colon), a separator line
# holding spaces, a trailing slash.
fixture deb822-details sources.list.d/mirror.sources 'Types: deb
URIs: http://security.example/debian-security
Suites: bookworm-security

Types: deb
URIs: http://disabled.example/debian
Suites: bookworm
Enabled: no
  
Types: deb-src
URIs: http://source.example/debian
Suites: bookworm

types: deb deb-src
signed-by:
 -----BEGIN PGP PUBLIC KEY BLOCK-----
 Comment: uris: http://wrong.example/debian
 -----END PGP PUBLIC KEY BLOCK-----
uris: ftp://ftp.example/debian https://mirror.example/debian/
suites: bookworm'
expect deb822-details https://mirror.example/debian

# One-line only, the older form: the security line first, options in brackets (with spaces),
# a commented-out line.
fixture one-line sources.list '# deb http://commented.example/debian bookworm main
deb http://security.debian.org/debian-security bookworm-security main
deb-src http://source.example/debian bookworm main
deb [ arch=amd64 signed-by=/usr/share/keyrings/k.gpg ] http://one.example/debian bookworm main # local'
expect one-line http://one.example/debian

# Both: apt reads sources.list first, then sources.list.d/ by name; a file apt ignores (not
# .list or .sources) is ignored here too.
fixture both sources.list 'deb http://first.example/debian bookworm main'
fixture both sources.list.d/a.sources 'Types: deb
URIs: http://second.example/debian
Suites: bookworm'
expect both http://first.example/debian
fixture d-only sources.list.d/a.list.disabled 'deb http://ignored.example/debian bookworm main'
fixture d-only sources.list.d/b.list '# nothing here'
fixture d-only sources.list.d/c.sources 'Types: deb
URIs: http://third.example/debian
Suites: bookworm'
expect d-only http://third.example/debian

# Nothing for this suite, or no apt directory at all: prints nothing and succeeds.
fixture other-suite sources.list 'deb http://deb.example/debian trixie main'
expect other-suite ''
mkdir -p "$work/empty"
expect empty ''

echo "this machine: $(debian_mirror / bookworm || echo "(debian_mirror failed)")"
((failures == 0)) || { echo "apt_mirror_test: $failures failed" >&2; exit 1; }
echo "apt_mirror_test: all passed"
