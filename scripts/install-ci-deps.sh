#!/usr/bin/env bash
# What .ci/run needs beyond scripts/install-deps.sh, for its static checks: clang-format, the
# shell linter, python3-yaml (the Kubernetes manifests) and docker-compose v1 (compose files).
# The container test installs its own (podman, runc, debootstrap...): tests/container/e2e.sh.
# Idempotent and non-interactive, like install-deps.sh.
set -euo pipefail

packages=(clang-format shellcheck python3 python3-yaml docker-compose)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "install-ci-deps: need root to install: ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
