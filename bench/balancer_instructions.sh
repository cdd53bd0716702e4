#!/usr/bin/env bash
# Instructions the balancer executes per proxied request, counted by callgrind: exact and
# independent of the machine's load (timings on this shared 2-CPU machine are not).
#
#   bench/balancer_instructions.sh [CONV_BINARY ...]   (default: build/conv)
#
# For each binary: `conv balancer --threads 1` (health checks off) in front of two
# `conv converter`s runs under callgrind; one curl sends N1 requests over one kept-alive
# connection, a second curl N2 more; the totals are dumped after each and
# (Ir(N1+N2) - Ir(N1)) / N2 is the cost of one request, start-up and the first connections
# excluded. Extra balancer flags can be given in BALANCER_FLAGS (e.g. "--admin off").
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
source "$here/lib.sh"
bench_install valgrind curl python3

N1=${N1:-300}
N2=${N2:-2000}
BINARIES=("$@")
((${#BINARIES[@]})) || BINARIES=("$here/../build/conv")

start_converters "${BINARIES[0]}" 2
c1=${UPSTREAMS[0]} c2=${UPSTREAMS[1]}

printf '%-50s %12s\n' "binary" "Ir/request"
for bin in "${BINARIES[@]}"; do
  port=$(free_port)
  cat >"$BENCH_DIR/lb.json" <<JSON
{"listen": "127.0.0.1:$port", "threads": 1, "access_log": "off", "health_check": null,
 "upstreams": ["127.0.0.1:$c1", "127.0.0.1:$c2"]}
JSON
  # shellcheck disable=SC2086
  callgrind_ir_per_request "$port" /convertepradolareuro/1.0 "/convertepradolareuro/{i}.0" \
    "$bin" balancer --config "$BENCH_DIR/lb.json" ${BALANCER_FLAGS:-}
  printf '%-50s %12s\n' "$bin" "$IR"
done
