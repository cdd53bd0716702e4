#!/usr/bin/env bash
# Runs every libFuzzer target for SECONDS each, JOBS at a time, and fails if any finds a
# crash, a sanitizer report, a leak, a hang or a timeout.
#   tests/fuzz/run.sh [SECONDS=60] [JOBS=2]     (FUZZ_BUILD: the fuzz preset's build dir)
# New inputs go to $FUZZ_WORK/corpus/<target> (kept between runs if FUZZ_WORK is set), crash
# reproducers to $FUZZ_WORK/artifacts/; the seeds in tests/fuzz/corpus are only read.
# Reproduce a crash: build-fuzz/tests/fuzz/fuzz_<target> <artifact file>.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
seconds=${1:-60}
jobs=${2:-2}
build=${FUZZ_BUILD:-$here/../../build-fuzz}
work=${FUZZ_WORK:-$(mktemp -d /tmp/conv-fuzz.XXXXXX)}
mkdir -p "$work/artifacts" "$work/logs"

targets=()
for t in "$here"/*.cpp; do
  name=$(basename "$t" .cpp)
  targets+=("$name")
  [[ -x $build/tests/fuzz/fuzz_$name ]] || { echo "missing $build/tests/fuzz/fuzz_$name (build the fuzz preset)" >&2; exit 1; }
done

dict_for() {
  case $1 in
    request_head | upstream_response | converter_session | balancer_session) echo http ;;
    balancer_config | rates) echo json ;;
    upstream_desync) echo none ;;  # a binary script (desync_script.hpp): no tokens to offer
    *) echo "$1" ;;
  esac
}

run_one() {
  local name=$1 dict
  dict=$here/dict/$(dict_for "$name").dict
  mkdir -p "$work/corpus/$name"
  local args=(-max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -max_len=8192
              -print_final_stats=1 -artifact_prefix="$work/artifacts/$name-")
  [[ -f $dict ]] && args+=(-dict="$dict")
  # The session fuzzers' access log and the balancer's stderr go to the log file too.
  if "$build/tests/fuzz/fuzz_$name" "${args[@]}" "$work/corpus/$name" "$here/corpus/$name" \
    >"$work/logs/$name.log" 2>&1; then
    echo "$name ok"
  else
    echo "$name FAILED (log: $work/logs/$name.log)"
  fi
}

pids=()
for name in "${targets[@]}"; do
  while (($(jobs -rp | wc -l) >= jobs)); do wait -n || true; done
  run_one "$name" >"$work/logs/$name.status" &
  pids+=($!)
done
wait

failed=0
printf '%-20s %12s %10s %8s %6s  %s\n' target executions exec/s corpus cov result
for name in "${targets[@]}"; do
  log=$work/logs/$name.log
  status=$(cat "$work/logs/$name.status")
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  corpus=$(find "$work/corpus/$name" -type f | wc -l)
  # A target that fails while loading its seeds never prints a coverage line.
  cov=$( (grep -o 'cov: [0-9]*' "$log" || true) | tail -1 | cut -d' ' -f2)
  result=ok
  if [[ $status != "$name ok" ]]; then
    result=FAILED
    failed=1
  fi
  printf '%-20s %12s %10s %8s %6s  %s\n' "$name" "${execs:-?}" "${rate:-?}" "$corpus" "${cov:-?}" "$result"
done
if ((failed)); then
  for name in "${targets[@]}"; do
    if [[ $(cat "$work/logs/$name.status") != "$name ok" ]]; then
      echo "--- $name (last 60 lines of $work/logs/$name.log)"
      tail -60 "$work/logs/$name.log"
    fi
  done
  ls -l "$work/artifacts" >&2
  exit 1
fi
echo "fuzz: all ${#targets[@]} targets clean, ${seconds}s each (work dir: $work)"
