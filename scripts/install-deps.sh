#!/usr/bin/env bash
# Installs exactly what conv needs to build and test on Debian 12 (bookworm).
# Idempotent and non-interactive: packages already present are skipped.
# Never installs libboost-dev / libboost-all-dev (1.74), which conflict with 1.81.
# --with-browser also installs chromium (large), for the status page's browser test, which
# is skipped without it.
set -euo pipefail

packages=(
  g++ cmake make
  libboost1.81-dev libboost-json1.81-dev
  libcli11-dev
  googletest libgtest-dev
  curl ca-certificates
  procps
)
if [[ ${1:-} == --with-browser ]]; then
  packages+=(chromium fonts-dejavu-core)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "install-deps: need root to install: ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
