#!/usr/bin/env bash
# shellcheck disable=SC2154  # PORT_<name>, PID_<name> are set by start_conv (printf -v)
# A DNS failure keeps an upstream name's known addresses (docs/configuration.md, "Discovery by name"): while
# the name's DNS server answers SERVFAIL, or nothing at all (a timeout), the balancer keeps
# sending requests to the addresses it had; only NXDOMAIN (no such name) empties the name.
#
# The name is answered by tests/smoke/fake_dns.py, the only nameserver of a private
# /etc/resolv.conf bind-mounted in a mount namespace this test creates, inside a network
# namespace of its own (unshare -mn; skipped without root): nothing of the system's is
# written, and every process of the test runs on that namespace's loopback.
here=$(cd "$(dirname "$0")" && pwd)
if [[ ${CONV_IN_NS:-} != 1 ]]; then
  if ! unshare -mn --propagation private true 2>/dev/null; then
    echo "SKIP: cannot create mount and network namespaces (unshare -mn needs root)"
    exit 77
  fi
  CONV_IN_NS=1 exec unshare -mn --propagation private bash "$0" "$@"
fi
# shellcheck source=tests/smoke/lib.sh
source "$here/lib.sh"
command -v python3 >/dev/null || fail "python3 is needed (scripts/install-deps.sh installs it)"

# A new network namespace has one interface, lo, down: bring it up (SIOCSIFFLAGS, IFF_UP),
# without depending on iproute2.
python3 - <<'PY' || fail "cannot bring up lo in the test's network namespace"
import fcntl, socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
ifr = fcntl.ioctl(s, 0x8913, struct.pack("16sH14x", b"lo", 0))  # SIOCGIFFLAGS
flags = struct.unpack("16sH14x", ifr)[1]
fcntl.ioctl(s, 0x8914, struct.pack("16sH14x", b"lo", flags | 1))  # SIOCSIFFLAGS
PY

name=conv-dns-failure-test
dns=127.0.0.77
# set_mode MODE...: how the DNS server answers from now on (fake_dns.py); atomic.
set_mode() { printf '%s\n' "$*" >"$WORK/mode.new" && mv "$WORK/mode.new" "$WORK/mode"; }
set_mode answer 127.0.0.2
start_listening_on dns "$dns" python3 "$here/fake_dns.py" "$dns" "$WORK/mode"
printf 'nameserver %s\noptions timeout:1 attempts:1\n' "$dns" >"$WORK/resolv.conf"
printf 'hosts: files dns\n' >"$WORK/nsswitch.conf"
mount --bind "$WORK/resolv.conf" /etc/resolv.conf || fail "cannot bind-mount /etc/resolv.conf"
mount --bind "$WORK/nsswitch.conf" /etc/nsswitch.conf || fail "cannot bind-mount nsswitch.conf"
grep -q "[[:space:]]$name\\b" /etc/hosts && fail "/etc/hosts has $name"
# (Not getent ahosts: its AI_ADDRCONFIG finds no address in a namespace with only loopback.)
[[ $(python3 -c 'import socket, sys; print(socket.getaddrinfo(sys.argv[1], 80)[0][4][0])' "$name") == 127.0.0.2 ]] ||
  fail "$name does not resolve through the test's DNS server"

start_conv_at r2 127.0.0.2 0 converter --access-log off --name r2
start_conv_at r3 127.0.0.3 "$PORT_r2" converter --access-log off --name r3
cat >"$WORK/balancer.json" <<JSON
{"upstreams": [{"address": "$name:$PORT_r2", "resolve": "all", "max_addresses": 4}],
 "access_log": "off", "threads": 1, "admin": "off",
 "health_check": {"path": "/readyz", "interval": 0.2, "timeout": 1, "fails": 1, "passes": 1}}
JSON
start_conv lb balancer --config "$WORK/balancer.json"
base="http://127.0.0.1:$PORT_lb"

poll_until 10 rotates_over r2 || fail "one address: $(served 3)"
set_mode answer 127.0.0.2 127.0.0.3
poll_until 10 rotates_over r2 r3 || fail "two addresses: $(served 6)"
pass "the name resolves through the test's DNS server; a second address joins: $(served 4)"

failures() { grep -c "upstream $name:$PORT_r2 does not resolve now" "$WORK/lb.err" || true; }

# kept_through MODE COUNT: with the DNS server answering MODE, COUNT more resolutions fail
# (each logged), and all the while requests still rotate over both known addresses.
kept_through() {
  local mode=$1 target=$(($(failures) + $2)) end=$((SECONDS + 20))
  set_mode "$mode"
  while (($(failures) < target)); do
    ((SECONDS < end)) || fail "$mode: $(failures) failed resolutions, want $target"
    rotates_over r2 r3 || fail "$mode: the known addresses were not kept: $(served 6)"
  done
  rotates_over r2 r3 || fail "$mode: the known addresses were not kept: $(served 6)"
}

kept_through servfail 5
pass "SERVFAIL: 5 resolutions failed, both addresses kept serving in rotation"
kept_through drop 1
pass "no DNS answer (timeout): a resolution failed, both addresses kept serving in rotation"
grep -q "does not resolve now.*keeping its addresses" "$WORK/lb.err" || fail "no log line"

# The control: NXDOMAIN says the name is gone, and it empties (503); an answer brings it back.
set_mode nxdomain
none() { [[ $(served 1) == "503 " ]]; }
poll_until 10 none || fail "NXDOMAIN did not empty the name: $(served 2)"
set_mode answer 127.0.0.3
poll_until 10 rotates_over r3 || fail "back after NXDOMAIN: $(served 3)"
pass "NXDOMAIN: the name empties (503); answered again: served by r3"
echo "dns failure: all passed"
