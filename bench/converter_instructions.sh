#!/usr/bin/env bash
# Instructions the converter executes per request of one route, counted by callgrind: exact and
# independent of the machine's load (timings on this shared 2-CPU machine are not).
#
#   bench/converter_instructions.sh [CONV_BINARY ...]   (default: build/conv)
#
# For each binary: `conv converter --threads 1` runs under callgrind; one curl sends N1
# requests of each route over one kept-alive connection, a second curl N2 more; the totals are
# dumped after each and (Ir(N1+N2) - Ir(N1)) / N2 is the cost of one request, start-up and the
# connection excluded. ROUTES lists the targets (default: the legacy route, /v1/convert and
# /v1/rates; {i} is replaced by the request's number).
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
source "$here/lib.sh"
bench_install valgrind curl

N1=${N1:-200}
N2=${N2:-1000}
ROUTES=${ROUTES:-"/convertepradolareuro/{i}.0 /v1/convert?amount={i}.00&to=USD,EUR /v1/rates"}
BINARIES=("$@")
((${#BINARIES[@]})) || BINARIES=("$here/../build/conv")

printf '%-40s %-45s %12s\n' "binary" "route" "Ir/request"
for bin in "${BINARIES[@]}"; do
  for route in $ROUTES; do
    port=$(free_port)
    callgrind_ir_per_request "$port" /healthz "$route" \
      "$bin" converter --host 127.0.0.1 --port "$port" --threads 1 --access-log off
    printf '%-40s %-45s %12s\n' "$bin" "${route%%\?*}" "$IR"
  done
done
