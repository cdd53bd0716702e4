#!/usr/bin/env bash
# shellcheck disable=SC2154  # PORT_<name>, PID_<name> are set by start_listener (printf -v)
# Limits with real processes on loopback: 10,000 idle connections held at the default cap,
# the cap refusing politely and recovering, a trickled header cut off within the header
# timeout, oversized headers (431) and bodies (413), and the balancer's memory with clients
# that read a large response slowly. Client helpers: tests/limits/clients.py.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/smoke/lib.sh
source "$here/../smoke/lib.sh"
command -v python3 >/dev/null || fail "python3 is needed (scripts/install-deps.sh installs it)"
# clients MODE ARGS...: runs clients.py and sets RESULT to its report; fails the test if it does.
clients() { RESULT=$(python3 "$here/clients.py" "$@" 2>"$WORK/clients.err") || fail "clients.py $*: $(cat "$WORK/clients.err")"; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# 1. 10,000 idle connections at the default cap (--max-connections 10000). Server and client
#    each need over 10,000 descriptors: raise the soft limit to the hard one.
soft=$(ulimit -Sn)
hard=$(ulimit -Hn)
ulimit -n "$hard" 2>/dev/null || true
(($(ulimit -n) >= 10100)) || fail "need 10100 descriptors, the hard limit is $hard"
start_conv cap converter --threads 2 --access-log off
rss0=$(rss_kib "$PID_cap")
clients hold "$PORT_cap" 10000 "$PID_cap"
pass "$RESULT (soft fd limit was $soft, hard $hard)"
pass "converter RSS before: $((rss0 / 1024)) MiB"
kill -TERM "$PID_cap"
wait_exit "$PID_cap" 15
[[ $EXIT_CODE == 0 ]] || fail "exit after SIGTERM with 10,000 connections: $EXIT_CODE"

# 2. A header trickled byte by byte is cut off within the header timeout, on both roles.
start_conv trickle converter --threads 1 --access-log off --header-timeout 1
clients trickle "$PORT_trickle" 1
pass "converter: $RESULT"
start_listener big python3 "$here/../fault/fake_upstream.py" big
cat >"$WORK/lb.json" <<JSON
{"threads": 2, "access_log": "off", "admin": "off", "upstreams": ["127.0.0.1:$PORT_big"], "health_check": null,
 "timeouts": {"header": 1}, "limits": {"max_header_bytes": 8192, "max_body_bytes": 100000}}
JSON
start_conv lb balancer --config "$WORK/lb.json"
clients trickle "$PORT_lb" 1
pass "balancer: $RESULT"

# 3. Oversized header block: 431; oversized body: 413, before anything is forwarded.
big_header=$(head -c 9000 /dev/zero | tr '\0' a)
c=$(curl -s -o "$WORK/b" -w '%{http_code}' -H "X-Big: $big_header" "http://127.0.0.1:$PORT_lb/x")
[[ $c == 431 ]] || fail "balancer, 9000-byte header over 8192: $c"
c=$(curl -s -o "$WORK/b" -w '%{http_code}' -H "X-Big: ${big_header}${big_header}" \
  "http://127.0.0.1:$PORT_trickle/healthz")
[[ $c == 431 ]] || fail "converter, 18000-byte header over 16384: $c"
head -c 200000 /dev/zero >"$WORK/body"
c=$(curl -s -o "$WORK/b" -w '%{http_code}' --data-binary @"$WORK/body" "http://127.0.0.1:$PORT_lb/x")
[[ $c == 413 ]] || fail "balancer, 200000-byte body over 100000: $c"
c=$(curl -s -o "$WORK/b" -w '%{http_code}' -H 'Expect:' --data-binary @"$WORK/body" \
  --data-binary @"$WORK/body" --data-binary @"$WORK/body" --data-binary @"$WORK/body" \
  --data-binary @"$WORK/body" --data-binary @"$WORK/body" "http://127.0.0.1:$PORT_trickle/healthz")
[[ $c == 413 ]] || fail "converter, 1.2 MB body over 1 MiB: $c"
pass "431 for header blocks over the limit, 413 for bodies over it (both roles)"

# 4. Memory with slow readers: 50 clients read a 64 MiB response 16 KiB at a time. The
#    balancer streams with bounded buffers, so its RSS must not follow what the upstream
#    would send (50 x 64 MiB).
before=$(rss_kib "$PID_lb")
clients slowread "$PORT_lb" 50 6
pass "$RESULT"
after=$(rss_kib "$PID_lb")
growth=$(((after - before) / 1024))
if [[ -n ${CONV_SANITIZED:-} ]]; then
  # ASan and TSan keep freed memory in quarantine: RSS says nothing about conv here.
  pass "balancer RSS with 50 slow readers: $((before / 1024)) -> $((after / 1024)) MiB (sanitized build: not bounded)"
else
  ((growth < 64)) || fail "balancer RSS grew by $growth MiB with 50 slow readers"
  pass "balancer RSS with 50 slow readers: $((before / 1024)) -> $((after / 1024)) MiB (bound: +64)"
fi

echo "limits tests: all passed"
