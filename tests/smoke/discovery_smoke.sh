#!/usr/bin/env bash
# shellcheck disable=SC2154  # PORT_<name>, PID_<name> are set by start_conv (printf -v)
# Discovery by name ("resolve": "all"), end to end through the system resolver: a name with
# several addresses is that many upstreams, and the balancer follows the name as addresses
# come and go, with no restart (compose --scale, a Kubernetes headless Service).
#
# The name lives in private copies of /etc/hosts bind-mounted over /etc/hosts in a mount
# namespace this test creates (unshare -m): the system's file is never written, and the
# "replicas" are converters on 127.0.0.2-4 (loopback), all on one port as replicas are.
# Every change is atomic for the resolver, which re-reads /etc/hosts at each resolution: a
# new complete file is mounted over the old one (below), so no read can see it half-written
# or empty; the first check proves that with a reader racing the changes.
here=$(cd "$(dirname "$0")" && pwd)
if [[ ${CONV_IN_NS:-} != 1 ]]; then
  if ! unshare -m --propagation private true 2>/dev/null; then
    echo "SKIP: cannot create a mount namespace (unshare -m needs root)"
    exit 77
  fi
  CONV_IN_NS=1 exec unshare -m --propagation private bash "$0" "$@"
fi
# shellcheck source=tests/smoke/lib.sh
source "$here/lib.sh"

name=conv-discovery-test
cp /etc/hosts "$WORK/hosts.orig"
hosts_version=0
# Each version's file is the mount point of the next (see set_addresses): pop the mounts,
# newest first, so that lib.sh's cleanup can remove $WORK. Lazily (-l): the balancers are
# still running here, and one whose resolver has /etc/hosts open at that moment made a plain
# umount fail ("target is busy"), the mounts stay and removing $WORK failed the test after
# every check had passed (seen once in CI, under load).
unmount_hosts() {
  local i
  for ((i = 0; i < hosts_version; i++)); do umount -l /etc/hosts 2>/dev/null || break; done
  cleanup
}
trap unmount_hosts EXIT

# set_addresses ADDRESS...: what the name resolves to from now on (nothing: no such name).
# Writing the mounted file in place (truncate, then write) let a resolution read it empty and
# see the name vanish; a rename over the mount's source would not be seen through the mount
# (it holds the old inode). So each version is a new file, written whole, then mounted over
# /etc/hosts on top of the last: one mount(2), which a lookup of /etc/hosts sees entirely or
# not at all, and no file is changed once visible (a reader that opened the previous one
# reads it whole). The few stacked mounts go with the namespace when the test ends.
set_addresses() {
  local a file
  hosts_version=$((hosts_version + 1))
  file=$WORK/hosts.$hosts_version
  {
    grep -v "[[:space:]]$name\$" "$WORK/hosts.orig"
    for a in "$@"; do echo "$a $name"; done
  } >"$file"
  mount --bind "$file" /etc/hosts || fail "cannot bind-mount $file over /etc/hosts"
}

# hosts_reader: reads /etc/hosts as the resolver does (open, read to the end, close) until
# $WORK/stop-reader exists (bounded in count and time); prints "READS BAD", BAD being the
# reads whose addresses for the name were neither "127.0.0.3 127.0.0.2 " nor
# "127.0.0.2 127.0.0.3 127.0.0.4 " (the two versions the check below alternates).
hosts_reader() {
  local reads=0 bad=0 lines line got end=$((SECONDS + 30))
  : >"$WORK/reader-started"
  while [[ ! -e $WORK/stop-reader ]] && ((reads < 1000000 && SECONDS < end)); do
    mapfile -t lines </etc/hosts
    got=""
    for line in "${lines[@]}"; do [[ $line == *" $name" ]] && got+="${line%% *} "; done
    [[ $got == "127.0.0.3 127.0.0.2 " || $got == "127.0.0.2 127.0.0.3 127.0.0.4 " ]] ||
      bad=$((bad + 1))
    reads=$((reads + 1))
  done
  echo "$reads $bad"
}

# The updates are atomic: 200 changes between two versions while a reader reads the file as
# fast as it can; not one read may see anything but a whole version. (Writing in place, the
# old way, fails this: most runs see dozens of empty reads.)
set_addresses 127.0.0.3 127.0.0.2
hosts_reader >"$WORK/reader" &
reader=$!
poll_until 10 test -e "$WORK/reader-started" || fail "the hosts reader did not start"
for ((i = 0; i < 100; i++)); do
  set_addresses 127.0.0.2 127.0.0.3 127.0.0.4
  set_addresses 127.0.0.3 127.0.0.2
done
: >"$WORK/stop-reader"
wait "$reader" || fail "the hosts reader failed"
read -r reads bad <"$WORK/reader"
((reads >= 200)) || fail "the hosts reader read only $reads times during 200 changes"
((bad == 0)) || fail "$bad of $reads reads of /etc/hosts saw a partial or empty file"
pass "hosts changes are atomic: $reads reads during 200 changes, none saw a partial file"

# Three replicas on one port.
start_conv_at r2 127.0.0.2 0 converter --access-log off --name r2
start_conv_at r3 127.0.0.3 "$PORT_r2" converter --access-log off --name r3
start_conv_at r4 127.0.0.4 "$PORT_r2" converter --access-log off --name r4

set_addresses 127.0.0.3 127.0.0.2
cat >"$WORK/balancer.json" <<JSON
{"upstreams": [{"address": "$name:$PORT_r2", "resolve": "all", "max_addresses": 4}],
 "access_log": "off", "threads": 2, "admin": "127.0.0.1:0",
 "health_check": {"path": "/readyz", "interval": 0.2, "timeout": 1, "fails": 1, "passes": 1}}
JSON
start_conv lb balancer --config "$WORK/balancer.json"
base="http://127.0.0.1:$PORT_lb"
admin_port=$(logged_port lb "admin API on") || exit 1
admin="http://127.0.0.1:$admin_port"

poll_until 10 rotates_over r2 r3 || fail "two addresses: $(served 6)"
pass "a name with two addresses is two upstreams in strict rotation: $(served 4)"

set_addresses 127.0.0.2 127.0.0.3 127.0.0.4
poll_until 10 rotates_over r2 r3 r4 || fail "scaled up: $(served 6)"
pass "a third address joins without a restart: $(served 6)"
grep -q "discovered at 127.0.0.4:$PORT_r2" "$WORK/lb.err" || fail "no discovery log line"

# Scaling down while requests flow: no GET fails, the leaving replica gets none afterwards.
curl -s -o /dev/null -w '%{http_code}\n' --parallel --parallel-max 4 \
  "$base/convertepradolareuro/[1-600].0" >"$WORK/codes" 2>/dev/null &
load=$!
set_addresses 127.0.0.3 127.0.0.4
poll_until 10 rotates_over r3 r4 || fail "scaled down: $(served 6)"
wait "$load" || true
bad=$(grep -cv '^200$' "$WORK/codes" || true)
[[ $(wc -l <"$WORK/codes") == 600 && $bad == 0 ]] || fail "scaling down lost $bad of 600 GETs"
pass "an address that leaves the name leaves the rotation; 600 GETs meanwhile, none failed"

# A new address joins only when a health check passes: 127.0.0.5, where nothing listens
# (a replica still starting), gets no request, while r2 returning rejoins.
set_addresses 127.0.0.2 127.0.0.3 127.0.0.4 127.0.0.5
poll_until 10 grep -q "discovered at 127.0.0.5:$PORT_r2" "$WORK/lb.err" || fail "no .5 discovery"
poll_until 10 rotates_over r2 r3 r4 || fail "r2 did not rejoin: $(served 6)"
rotates_over r2 r3 r4 || fail "an address that fails its checks got traffic: $(served 6)"
pass "a returning address rejoins once its check passes; one that fails them gets nothing"

# No address at all (a service scaled to zero): 503 no_upstream, and back when one returns.
set_addresses
none() { [[ $(served 1) == "503 " ]]; }
poll_until 10 none || fail "no addresses: $(served 2)"
set_addresses 127.0.0.4
poll_until 10 rotates_over r4 || fail "one address: $(served 3)"
pass "no address: 503; one address again: served"

# Each slot is an upstream of its own on the admin port: /status, /metrics and the admin API
# know it by its slot name, an empty slot is "unresolved", and a drained slot gets nothing.
set_addresses 127.0.0.2 127.0.0.3 127.0.0.4
poll_until 10 rotates_over r2 r3 r4 || fail "three addresses again: $(served 6)"
status=$(curl -s "$admin/status")
for k in 1 2 3 4; do
  [[ $status == *"\"name\":\"$name:$PORT_r2#$k\""* ]] || fail "/status lacks slot #$k: $status"
done
[[ $(grep -o '"state":"unresolved"' <<<"$status" | wc -l) == 1 ]] || fail "one empty slot: $status"
metrics=$(curl -s "$admin/metrics")  # (not piped into grep -q: SIGPIPE under pipefail)
grep -q "^conv_upstream_available{upstream=\"$name:$PORT_r2#4\"} [01]" <<<"$metrics" ||
  fail "/metrics lacks slot #4"
slot_of() {  # slot_of ADDRESS: the slot name holding it
  local k
  for k in 1 2 3 4; do
    if curl -s "$admin/upstreams/$name:$PORT_r2%23$k" | grep -q "\"address\":\"$1:$PORT_r2\""; then
      echo "$name:$PORT_r2%23$k"
      return
    fi
  done
}
r3_slot=$(slot_of 127.0.0.3)
[[ -n $r3_slot ]] || fail "no slot holds 127.0.0.3: $status"
curl -s -o /dev/null -X POST "$admin/upstreams/$r3_slot/drain"
poll_until 10 rotates_over r2 r4 || fail "drained slot: $(served 6)"
curl -s -o /dev/null -X POST "$admin/upstreams/$r3_slot/enable"
poll_until 10 rotates_over r2 r3 r4 || fail "enabled slot: $(served 6)"
pass "slots by name in /status and /metrics, one unresolved; a slot drained and enabled"

# A reload that shrinks the entry to 2 slots removes #3 and #4 together; growing it back
# brings them back, and discovery fills them again.
sed -i 's/"max_addresses": 4/"max_addresses": 2/' "$WORK/balancer.json"
[[ $(curl -s -o /dev/null -w '%{http_code}' -X POST "$admin/reload") == 200 ]] || fail "reload to 2"
grep -q "upstream $name:$PORT_r2 (2 slots) removed" "$WORK/lb.err" || fail "no removal note"
two() { read -r -a got <<<"$(served 6)" && [[ $(printf '%s\n' "${got[@]}" | sort -u | wc -l) == 2 && ${got[*]} != *503* ]]; }
poll_until 10 two || fail "two slots: $(served 6)"
status=$(curl -s "$admin/status")
[[ $status != *"#3\""* && $status != *"#4\""* ]] || fail "removed slots still listed: $status"
sed -i 's/"max_addresses": 2/"max_addresses": 4/' "$WORK/balancer.json"
kill -HUP "$PID_lb"
poll_until 10 rotates_over r2 r3 r4 || fail "grown back: $(served 6)"
pass "reload: an entry's slots go and come back together; discovery refills them"

# The default, "resolve": "first", follows a name whose address changes (a container that
# restarted with a new address), with no restart of the balancer.
kill -TERM "$PID_lb"
wait_exit "$PID_lb" 15
set_addresses 127.0.0.2
cat >"$WORK/first.json" <<JSON
{"upstreams": ["$name:$PORT_r2"], "access_log": "off", "threads": 1, "admin": "127.0.0.1:0",
 "health_check": {"path": "/readyz", "interval": 0.2, "timeout": 1, "fails": 1, "passes": 1}}
JSON
start_conv lb balancer --config "$WORK/first.json"
base="http://127.0.0.1:$PORT_lb"
poll_until 10 rotates_over r2 || fail "first: $(served 3)"
set_addresses 127.0.0.3
poll_until 10 rotates_over r3 || fail "first, address changed: $(served 3)"
# 127.0.0.2 sorts first, but the name still has .3: it stays (checked over a second, several
# re-resolutions at 0.2 s).
set_addresses 127.0.0.3 127.0.0.2
end=$((SECONDS + 2))
while ((SECONDS < end)); do
  rotates_over r3 || fail "first moved off an address the name still has: $(served 3)"
done
pass "resolve first: follows a changed address, keeps one the name still has"

# A process may have /etc/hosts open when the test ends (a balancer's resolver reading it):
# the cleanup must still unmount and remove $WORK. This one holds it until the cleanup.
sleep 60 3</etc/hosts &
PIDS+=("$!")
echo "discovery: all passed"
