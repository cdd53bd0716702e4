#!/usr/bin/env bash
# Installs exactly what conv needs to build and test on Debian 12 (bookworm).
# Idempotent and non-interactive: packages already present are skipped.
# Never installs libboost-dev / libboost-all-dev (1.74), which conflict with 1.81.
#   (no option)   build and run every test (g++; no clang needed)
#   --ci          also the tools of .ci/run's static checks: clang-format, the shell linter,
#                 python3-yaml (Kubernetes manifests), docker-compose v1 (compose files), and
#                 testssl.sh (the TLS scan test, tests/tls/testssl_scan.sh, skipped without it)
#                 and prometheus for its promtool (tests/monitoring/promtool_test.sh, skipped
#                 without it)
#   --fuzz        also clang-14 and libFuzzer (libclang-rt-14-dev), for the `fuzz` preset
#   --containers  also what tests/container/e2e.sh runs containers with: podman, runc,
#                 docker-compose, debootstrap, the CNI plugins with dnsname (names in DNS),
#                 python3-yaml (it reads the limits compose asks for), openssl (the TLS
#                 overlay's certificate)
#   --with-browser  also chromium (large), for the status page's browser test, which is
#                 skipped without it
set -euo pipefail

packages=(
  g++ cmake make
  libboost1.81-dev libboost-json1.81-dev
  libcli11-dev
  googletest libgtest-dev
  curl ca-certificates
  procps
  python3
  python3-websockets  # the WebSocket end-to-end test (tests/smoke/websocket_smoke.sh)
  python3-jsonschema  # the OpenAPI document checked against answers (tests/api/openapi_test.py)
  help2man  # the conv(1) man page, made at build time from --help
  libssl-dev openssl  # TLS (OpenSSL 3); the tests make their certificates with the CLI
  libexpat1-dev  # the ECB rate feeds (XML)
  libsqlite3-dev  # the rates history store
)
for arg in "$@"; do
  case $arg in
    --fuzz) packages+=(clang-14 libclang-rt-14-dev) ;;  # the fuzz preset: clang, libFuzzer
    --ci) packages+=(clang-format shellcheck python3 python3-yaml docker-compose testssl.sh prometheus) ;;
    --containers)
      packages+=(podman runc docker-compose debootstrap containernetworking-plugins
        golang-github-containernetworking-plugin-dnsname iptables python3-yaml openssl)
      ;;
    --with-browser) packages+=(chromium fonts-dejavu-core) ;;
    *)
      echo "install-deps: unknown option $arg (expected --ci, --containers, --fuzz, --with-browser)" >&2
      exit 2
      ;;
  esac
done

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
