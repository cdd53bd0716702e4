#!/usr/bin/env bash
# Installs exactly what conv needs to build and test on Debian 12 (bookworm).
# Idempotent and non-interactive: packages already present are skipped.
#   scripts/install-deps.sh          build and run every test (g++; no clang needed)
#   scripts/install-deps.sh fuzz     also clang-14 and libFuzzer, for the `fuzz` preset
# Never installs libboost-dev / libboost-all-dev (1.74), which conflict with 1.81.
set -euo pipefail

packages=(
  g++ cmake make
  libboost1.81-dev libboost-json1.81-dev
  libcli11-dev
  googletest libgtest-dev
  curl ca-certificates
  procps
  python3
)
# The sanitizer presets (asan, tsan) need nothing more: g++ brings libasan, libubsan, libtsan.
if [[ ${1:-} == fuzz ]]; then
  packages+=(clang-14 libclang-rt-14-dev)
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
