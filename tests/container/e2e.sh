#!/usr/bin/env bash
# The real container test: `docker-compose up --build` of compose.yaml, run by podman (no
# Docker engine runs on our machines), then each running container's lockdown (read-only
# root, no capabilities, no_new_privs, memory and PID limits, as podman records them and as
# the kernel applies them), the original route through port 5000, strict round-robin over
# api1 and api2 (X-Served-By), no GET lost while an API stops, HTTPS on 443 with the TLS
# overlay (compose.tls.yaml: a verified request, TLS 1.1 refused, port 5000 unchanged), and
# discovery of every replica of a scaled service (compose.scale.yaml). Tears everything down.
#
# What it takes on Debian 12, as root (installed here if missing): podman, runc,
# docker-compose (v1), debootstrap, the CNI dnsname plugin (container names in DNS), openssl
# (the overlay's test certificate). Caveats
# of this kind of machine, handled here: crun fails on its hybrid cgroups and the sandbox
# cannot raise rlimits, so CONTAINERS_CONF selects runc and lowers the default ulimits; no
# registry is reachable, so the base images are debootstrapped from Debian's packages and
# imported as debian:bookworm and debian:bookworm-slim (cached in $CONV_E2E_CACHE, with the
# podman storage, so reruns are fast); health checks do not run by themselves without
# systemd, so this script runs them (see compose.e2e.yaml).
#
# Exit: 0 passed; 77 skipped, only where containers truly cannot run (prints "SKIP: reason":
# not root, not Debian, or podman cannot start a container here, which is checked with a
# probe image made from this machine's own files, before anything needs the network); 1
# failed, and that includes every failure to get the tools or images (an apt or mirror
# outage, debootstrap unable to fetch): a CI run that could not test must not look like a
# pass. Idempotent: a leftover project from an aborted run is removed first.
set -euo pipefail
cd "$(dirname "$0")/../.."

CACHE=${CONV_E2E_CACHE:-/var/cache/conv-e2e}
PROJECT=conv-e2e
PORT=5000
# The image compose builds: conv at the project's version (check_compose.py keeps compose's
# tag equal to CMakeLists.txt's project(VERSION)).
IMAGE=conv:$(sed -n 's/^project(conv VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
LIMIT_BUILD=${CONV_E2E_BUILD_TIMEOUT:-1800}  # seconds; a cold build compiles conv
started=$SECONDS
# shellcheck source=tests/container/apt_mirror.sh
source tests/container/apt_mirror.sh

say() { echo "e2e [$((SECONDS - started))s]: $*"; }
# skip REASON: this machine cannot run containers at all (exit 77, reported, not failed).
skip() {
  echo "SKIP: $*"
  exit 77
}
# broken REASON: the machine could run the test but the test could not get what it needs
# (tools, base images): a failure, never a skip.
broken() {
  echo "FAIL: $*" >&2
  exit 1
}

# --- can this machine run containers at all? -------------------------------------------
[[ $(id -u) == 0 ]] || skip "needs root (podman, debootstrap)"
if [[ ! -f /etc/debian_version ]] || ! command -v apt-get >/dev/null; then
  skip "not a Debian machine (no /etc/debian_version or apt-get)"
fi
./scripts/install-deps.sh --containers >/tmp/conv-e2e-apt.log 2>&1 || {
  tail -5 /tmp/conv-e2e-apt.log >&2
  broken "cannot install podman, runc, docker-compose, debootstrap (apt or mirror outage?" \
    "see /tmp/conv-e2e-apt.log)"
}

mkdir -p "$CACHE"
export CONTAINERS_CONF=$CACHE/containers.conf
cat >"$CONTAINERS_CONF" <<'CONF'
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF

podman info >/tmp/conv-e2e-podman-info.log 2>&1 ||
  skip "podman does not work here (see /tmp/conv-e2e-podman-info.log)"

# Can podman run a container here (namespaces, cgroups, runc, the network)? Asked with an
# image made of this machine's own /usr/bin/true and the libraries it loads, so the answer
# needs no network: a failure after this point is a failure of the test, not of the machine.
PROBE=localhost/conv-e2e-probe:1
if ! podman image exists "$PROBE"; then
  rm -rf "$CACHE/probe.tmp"
  mkdir -p "$CACHE/probe.tmp"
  for f in /usr/bin/true $(ldd /usr/bin/true | grep -o '/[^ ]*'); do
    cp --parents -L "$f" "$CACHE/probe.tmp"
  done
  tar -C "$CACHE/probe.tmp" -c . | podman import - "$PROBE" >/tmp/conv-e2e-run.log 2>&1 ||
    skip "podman cannot store an image here (see /tmp/conv-e2e-run.log)"
  rm -rf "$CACHE/probe.tmp"
fi
if ! timeout 120 podman run --rm "$PROBE" /usr/bin/true >/tmp/conv-e2e-run.log 2>&1; then
  skip "podman cannot run a container here (see /tmp/conv-e2e-run.log)"
fi

# --- base images, made locally: no registry is reachable ----------------------------------
# import_rootfs DIR NAME...: imports DIR under each NAME (docker.io/library/ is what a
# Dockerfile's FROM debian:... means; localhost/ is where podman looks first).
import_rootfs() {
  local dir=$1 name id
  shift
  id=$(tar -C "$dir" -c . | podman import --change 'CMD ["bash"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - "$1" | tail -1)
  for name in "$@"; do podman tag "$id" "$name"; done
}
if ! podman image exists docker.io/library/debian:bookworm ||
  ! podman image exists docker.io/library/debian:bookworm-slim; then
  if [[ ! -f $CACHE/rootfs-bookworm/etc/debian_version ]]; then
    say "debootstrap a minimal bookworm (about 2 minutes, once)"
    rm -rf "$CACHE/rootfs.tmp"
    # The machine's own mirror (sources.list or deb822 .sources: apt_mirror.sh), if any.
    mirror=$(debian_mirror / bookworm)
    debootstrap --variant=minbase bookworm "$CACHE/rootfs.tmp" "${mirror:-http://deb.debian.org/debian}" \
      >"$CACHE/debootstrap.log" 2>&1 || {
      tail -5 "$CACHE/debootstrap.log" >&2
      broken "debootstrap from ${mirror:-http://deb.debian.org/debian} failed (see $CACHE/debootstrap.log)"
    }
    mv "$CACHE/rootfs.tmp" "$CACHE/rootfs-bookworm"
  fi
  # As Debian's images: no downloaded packages, package lists or apt caches.
  for dir in "$CACHE/rootfs-bookworm" "$CACHE/rootfs-bookworm-slim"; do
    rm -rf "$dir/var/cache/apt"/*.bin "$dir/var/cache/apt/archives"/*.deb "$dir/var/lib/apt/lists"/*_*
  done
  if [[ ! -f $CACHE/rootfs-bookworm-slim/etc/debian_version ]]; then
    # As Debian's slim images: no documentation, manual pages or translations.
    rm -rf "$CACHE/slim.tmp"
    cp -a "$CACHE/rootfs-bookworm" "$CACHE/slim.tmp"
    rm -rf "$CACHE/slim.tmp/usr/share/doc"/* "$CACHE/slim.tmp/usr/share/man"/* \
      "$CACHE/slim.tmp/usr/share/info"/* "$CACHE/slim.tmp/usr/share/locale"/*
    cat >"$CACHE/slim.tmp/etc/dpkg/dpkg.cfg.d/docker-slim" <<'SLIM'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
SLIM
    mv "$CACHE/slim.tmp" "$CACHE/rootfs-bookworm-slim"
  fi
  say "importing the base images"
  import_rootfs "$CACHE/rootfs-bookworm" docker.io/library/debian:bookworm localhost/debian:bookworm
  import_rootfs "$CACHE/rootfs-bookworm-slim" docker.io/library/debian:bookworm-slim \
    localhost/debian:bookworm-slim
fi
timeout 120 podman run --rm docker.io/library/debian:bookworm-slim true \
  >/tmp/conv-e2e-run.log 2>&1 || broken "the base image does not run (see /tmp/conv-e2e-run.log)"

# --- the Docker API, served by podman ---------------------------------------------------
SOCK=$CACHE/podman.sock
export DOCKER_HOST=unix://$SOCK
SERVICE_PID=""
compose() {
  timeout "${COMPOSE_TIMEOUT:-300}" docker-compose -p "$PROJECT" -f compose.yaml \
    -f tests/container/compose.e2e.yaml "$@"
}
# The same project with the TLS overlay on top (the balancer recreated with HTTPS on 443).
compose_tls() {
  timeout "${COMPOSE_TIMEOUT:-300}" docker-compose -p "$PROJECT" -f compose.yaml \
    -f tests/container/compose.e2e.yaml -f compose.tls.yaml "$@"
}
compose_scale() {
  timeout "${COMPOSE_TIMEOUT:-300}" docker-compose -p "$PROJECT-scale" -f compose.scale.yaml \
    -f tests/container/compose.scale.e2e.yaml "$@"
}
teardown() {
  set +e
  say "tearing down"
  COMPOSE_TIMEOUT=120 compose down --remove-orphans -t 15 >/dev/null 2>&1
  COMPOSE_TIMEOUT=120 compose_scale down --remove-orphans -t 15 >/dev/null 2>&1
  if [[ -n $SERVICE_PID ]]; then
    kill "$SERVICE_PID" 2>/dev/null
    wait "$SERVICE_PID" 2>/dev/null
  fi
  rm -f "$SOCK"
}
fail() {
  echo "FAIL: $*" >&2
  compose ps >&2 2>/dev/null || true
  # The services' own lines (start, health, discovery), without the access log.
  { compose logs --no-color; compose_scale logs --no-color; } 2>/dev/null | grep -v '" rt=' | tail -60 >&2
  compose_scale ps >&2 2>/dev/null || true
  exit 1
}
pass() { say "ok: $*"; }
trap teardown EXIT

rm -f "$SOCK"
podman system service --time=0 "unix://$SOCK" >"$CACHE/podman-service.log" 2>&1 &
SERVICE_PID=$!
for ((i = 0; i < 100; i++)); do
  curl -sf --unix-socket "$SOCK" http://d/_ping >/dev/null 2>&1 && break
  kill -0 "$SERVICE_PID" 2>/dev/null || fail "podman system service exited (see $CACHE/podman-service.log)"
  sleep 0.1
done
curl -sf --unix-socket "$SOCK" http://d/_ping >/dev/null || fail "podman system service does not answer"

# A leftover of an aborted run would hold port 5000 or stale containers.
COMPOSE_TIMEOUT=120 compose down --remove-orphans -t 5 >/dev/null 2>&1 || true
COMPOSE_TIMEOUT=120 compose_scale down --remove-orphans -t 5 >/dev/null 2>&1 || true
if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/"; then
  fail "port $PORT is taken by something else: the test publishes the original's port"
fi
if curl -sk -o /dev/null --max-time 2 "https://127.0.0.1:443/" ||
  curl -s -o /dev/null --max-time 2 "http://127.0.0.1:443/"; then
  fail "port 443 is taken by something else: the TLS overlay publishes it"
fi

base=http://127.0.0.1:$PORT
route=$base/convertepradolareuro/15.0
expected='{"conversao":{"dolar":2.9411764705882355,"euro":2.678571428571429,"real":15.0}}'

# served N: X-Served-By of N GETs on one keep-alive connection, space-separated (a non-200
# shows as its status).
served() {
  local urls=() i
  for ((i = 0; i < $1; i++)); do urls+=("$route"); done
  curl -s --max-time 20 -D - -o /dev/null "${urls[@]}" | tr -d '\r' |
    awk '/^HTTP\//{code=$2} /^X-Served-By:/{if (code == 200) printf "%s ", $2; else printf "%s ", code}'
}
# rotates N: 3 rounds of GETs go to exactly N distinct 200-answering names in a strict order.
rotates() {
  local n=$1 got i
  read -r -a got <<<"$(served $((3 * n)))"
  ((${#got[@]} == 3 * n)) || return 1
  # (Names are container IDs when not given: hex, maybe all digits, but never 3 long.)
  [[ $(printf '%s\n' "${got[@]}" | sort -u | grep -cvx '[0-9][0-9][0-9]') == "$n" ]] || return 1
  for ((i = n; i < 3 * n; i++)); do [[ ${got[i]} == "${got[i - n]}" ]] || return 1; done
}
# poll SECONDS COMMAND...: retries COMMAND until it succeeds or time runs out.
poll() {
  local limit=$1 i
  shift
  for ((i = 0; i < limit * 4; i++)); do
    "$@" && return 0
    sleep 0.25
  done
  return 1
}
healthy() { podman healthcheck run "$1" >/dev/null 2>&1; }
container_of() { compose ps -q "$1" | head -1; }

# limits_in COMPOSE SERVICE: "MEMORY_BYTES PIDS", the mem_limit and pids_limit that the
# compose files (as docker-compose resolves them) give SERVICE. (docker-compose's own
# python3-yaml reads them.)
limits_in() {
  "$1" config | python3 -c '
import sys, yaml
s = yaml.safe_load(sys.stdin)["services"][sys.argv[1]]
m = str(s["mem_limit"]).lower().rstrip("b")
unit = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}.get(m[-1:], 1)
print(int(m.rstrip("kmg")) * unit, s["pids_limit"])' "$2"
}
# locked_down COMPOSE SERVICE CONTAINER: the running container is what compose asks for, as
# podman records it and as the kernel applies it to conv (PID 1): read-only root (root in the
# container cannot write /) with a writable /tmp, no capabilities, no_new_privs, the memory
# and PID limits in its cgroup, the image's non-root user, the versioned image.
locked_down() {
  local mem pids user got want
  read -r mem pids <<<"$(limits_in "$1" "$2")"
  got=$(podman inspect "$3" --format '{{.ImageName}} {{.HostConfig.ReadonlyRootfs}}
{{.HostConfig.SecurityOpt}} {{.BoundingCaps}} {{.HostConfig.Memory}} {{.HostConfig.PidsLimit}}')
  want="true
[no-new-privileges] [] $mem $pids"
  [[ ${got%% *} == */"$IMAGE" && ${got#* } == "$want" ]] ||
    fail "$2: podman inspect says '$got', want '.../$IMAGE $want'"
  user=$(podman image inspect "$IMAGE" --format '{{.Config.User}}')
  user=${user%%:*}
  [[ $user =~ ^[1-9][0-9]*$ ]] || fail "the image's user is '$user', want a non-root uid"
  got=$(podman exec "$3" sh -c 'grep -E "^(Uid|CapEff|CapBnd|NoNewPrivs):" /proc/1/status |
    tr -s "\t" " "; cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max 2>/dev/null ||
    cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max
    : >/tmp/e2e-write && rm /tmp/e2e-write && echo tmp-writable' 2>&1)
  want="Uid: $user $user $user $user
CapEff: 0000000000000000
CapBnd: 0000000000000000
NoNewPrivs: 1
$mem
$pids
tmp-writable"
  [[ $got == "$want" ]] || fail "$2: inside the container:
$got
want:
$want"
  got=$(podman exec --user 0 "$3" sh -c ': >/e2e-write' 2>&1) &&
    fail "$2: root in the container could write to /"
  [[ $got == *"Read-only file system"* ]] || fail "$2: writing to / as root: $got"
}

# --- the original topology ----------------------------------------------------------------
say "docker-compose up --build -d api1 api2 (builds the image)"
COMPOSE_TIMEOUT=$LIMIT_BUILD compose up --build -d api1 api2 >"$CACHE/build.log" 2>&1 ||
  { tail -40 "$CACHE/build.log" >&2; fail "docker-compose up --build failed (log: $CACHE/build.log)"; }
size=$(podman image inspect "$IMAGE" --format '{{.Size}}')
pass "image $IMAGE built: $((size / 1000000)) MB ($size bytes)"
api1=$(container_of api1)
api2=$(container_of api2)
poll 60 healthy "$api1" || fail "api1 never became healthy"
poll 60 healthy "$api2" || fail "api2 never became healthy"
pass "api1 and api2 are healthy (HEALTHCHECK: conv probe .../readyz)"
locked_down compose api1 "$api1"
locked_down compose api2 "$api2"
compose up -d balancer >"$CACHE/up.log" 2>&1 || fail "starting the balancer: $(tail -5 "$CACHE/up.log")"
original() { [[ $(curl -s --max-time 5 "$route") == "$expected" ]]; }
poll 60 original || fail "the original route on port $PORT: $(curl -s -i --max-time 5 "$route")"
poll 30 healthy "$(container_of balancer)" || fail "the balancer never became healthy"
locked_down compose balancer "$(container_of balancer)"
pass "api1, api2, balancer: read-only root, no capabilities, no_new_privs, memory and PID limits"
body_bytes=$(curl -s --max-time 5 "$route" | wc -c)
[[ $body_bytes == 80 ]] || fail "the original body is $body_bytes bytes, want 80"
pass "GET :$PORT/convertepradolareuro/15.0 answers the original's 80 bytes"

# Scrapers reach the read-only metrics listener inside the network; the host does not, and
# the main port does not serve the metrics (public_metrics is off).
lb=$(container_of balancer)
podman exec "$lb" conv probe http://127.0.0.1:9100/metrics --timeout 5 ||
  fail "the metrics listener (--metrics 0.0.0.0:9100) does not answer inside the container"
! curl -s --max-time 2 -o /dev/null "http://127.0.0.1:9100/metrics" ||
  fail "the metrics port is published to the host"
[[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$base/_conv/metrics") == 404 ]] ||
  fail "/_conv/metrics is served on the public port"
pass "metrics: on the balancer's listener 9100 inside the network only; not on port $PORT"

poll 30 rotates 2 || fail "no strict rotation over api1 and api2: $(served 6)"
[[ $(served 4) =~ ^(api1\ api2\ |api2\ api1\ ){2}$ ]] || fail "rotation: $(served 4)"
pass "round-robin across both APIs: $(served 6)"

# Stop api1 (SIGTERM, drain) while GETs flow: none may fail.
codes=$CACHE/codes
: >"$codes"
curl -s -o /dev/null -w '%{http_code}\n' --max-time 30 --parallel --parallel-max 8 \
  "$base/convertepradolareuro/[1-3000].0" >"$codes" 2>/dev/null &
load=$!
flowing() { (($(wc -l <"$codes") >= 200)); }
poll 30 flowing || fail "the load did not start"
compose stop -t 15 api1 >/dev/null 2>&1 || fail "docker-compose stop api1"
wait "$load" || true
total=$(wc -l <"$codes")
bad=$(grep -cv '^200$' "$codes" || true)
[[ $total == 3000 && $bad == 0 ]] || fail "stopping api1 under load: $bad of $total GETs failed"
only_api2() { [[ $(served 4) == "api2 api2 api2 api2 " ]]; }
poll 10 only_api2 || fail "after api1 stopped: $(served 4)"
pass "api1 stopped under load: 3000 GETs, none failed; api2 serves alone"
compose start api1 >/dev/null 2>&1 || fail "docker-compose start api1"
poll 60 rotates 2 || fail "api1 did not rejoin: $(served 6)"
pass "api1 restarted and rejoined the rotation"

# --- HTTPS: the TLS overlay, with a certificate made by the command its header documents ----
export CONV_TLS_DIR=$CACHE/tls
rm -rf "$CONV_TLS_DIR"
mkdir -p "$CONV_TLS_DIR"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -noenc -days 365 \
  -keyout "$CONV_TLS_DIR/tls.key" -out "$CONV_TLS_DIR/tls.crt" -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost,IP:127.0.0.1 >"$CACHE/openssl.log" 2>&1 ||
  fail "openssl req: $(tail -3 "$CACHE/openssl.log")"
chown 10001:10001 "$CONV_TLS_DIR/tls.key"  # the image's user (compose.tls.yaml's header)
say "compose.tls.yaml: the balancer recreated with HTTPS on 443"
compose_tls up -d --no-deps balancer >"$CACHE/up.log" 2>&1 ||
  fail "the TLS overlay: $(tail -5 "$CACHE/up.log")"
tls_route=https://localhost:443/convertepradolareuro/15.0
secure() { [[ $(curl -s --max-time 5 --cacert "$CONV_TLS_DIR/tls.crt" "$tls_route") == "$expected" ]]; }
poll 60 secure || fail "HTTPS on 443: $(curl -sS -i --max-time 5 --cacert "$CONV_TLS_DIR/tls.crt" "$tls_route" 2>&1)"
pass "GET https://localhost:443/convertepradolareuro/15.0 (curl --cacert) answers the original body"
got=$(curl -s -o /dev/null -w '%{http_version} %{ssl_verify_result}' --max-time 5 \
  --cacert "$CONV_TLS_DIR/tls.crt" "$tls_route")
[[ $got == "1.1 0" ]] || fail "HTTPS: HTTP version and verification '$got', want '1.1 0'"
! curl -s -o /dev/null --max-time 5 --tls-max 1.1 --cacert "$CONV_TLS_DIR/tls.crt" "$tls_route" ||
  fail "HTTPS: a TLS 1.1 handshake succeeded"
pass "HTTPS: certificate verified, HTTP/1.1, TLS 1.1 refused"
[[ $(curl -s --max-time 5 "$route") == "$expected" ]] ||
  fail "with the TLS overlay, port $PORT: $(curl -s -i --max-time 5 "$route")"
poll 30 healthy "$(container_of balancer)" || fail "the TLS balancer never became healthy"
locked_down compose_tls balancer "$(container_of balancer)"
pass "with the overlay: port $PORT answers the original 80 bytes; the balancer healthy and locked down"
compose down --remove-orphans -t 15 >/dev/null 2>&1 || fail "docker-compose down"
rm -rf "$CONV_TLS_DIR"

# --- scaling by name: compose.scale.yaml, --scale api=N ----------------------------------
say "compose.scale.yaml with --scale api=3"
compose_scale up -d --scale api=3 api >"$CACHE/up.log" 2>&1 ||
  fail "scale up: $(tail -5 "$CACHE/up.log")"
for c in $(compose_scale ps -q api); do poll 60 healthy "$c" || fail "replica $c not healthy"; done
compose_scale up -d --no-recreate --scale api=3 balancer >"$CACHE/up.log" 2>&1 ||
  fail "scale balancer: $(tail -5 "$CACHE/up.log")"
poll 60 rotates 3 || fail "3 replicas: no strict rotation over 3: $(served 9)"
for c in $(compose_scale ps -q api) $(compose_scale ps -q balancer); do
  locked_down compose_scale "$(podman inspect "$c" --format '{{index .Config.Labels "com.docker.compose.service"}}')" "$c"
done
pass "compose.scale.yaml: every replica and the balancer locked down as compose.yaml's"
pass "3 replicas discovered from the name 'api': $(served 6)"
compose_scale up -d --no-recreate --scale api=2 api >"$CACHE/up.log" 2>&1 ||
  fail "scale down: $(tail -5 "$CACHE/up.log")"
poll 60 rotates 2 || fail "scaled to 2: no strict rotation over 2: $(served 6)"
pass "scaled down to 2 without restarting the balancer: $(served 4)"

say "passed in $((SECONDS - started)) s"
