#!/usr/bin/env bash
# What a running balancer's /metrics holds (tests/monitoring/lib.sh starts it, with one down
# upstream): every series of a family present from the start (failure reasons and check
# results at 0, the whole state set), the build and process series in both roles, and every
# metric name the Grafana dashboard and the alert rules of deploy/monitoring use.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/monitoring/lib.sh
source "$here/lib.sh"

expect() {  # expect FILE LINE-REGEX...: each regex matches a whole line of FILE
  local file=$1 re
  shift
  for re in "$@"; do
    grep -Eq "^$re\$" "$WORK/$file" || fail "$file has no line matching: $re"
  done
}
api="127\.0\.0\.1:$PORT_api1"
dead=${DEAD//./\\.}
expect lb.prom \
  "conv_upstream_failures_total\{upstream=\"$api\",reason=\"(connect_refused|connect_timeout|tls|response_timeout|reset|malformed)\"\} 0" \
  "conv_upstream_health_checks_total\{upstream=\"$api\",result=\"ok\",reason=\"none\"\} [1-9][0-9]*" \
  "conv_upstream_health_checks_total\{upstream=\"$api\",result=\"failed\",reason=\"timeout\"\} 0" \
  "conv_upstream_state\{upstream=\"$api\",state=\"up\"\} 1" \
  "conv_upstream_state\{upstream=\"$api\",state=\"down\"\} 0" \
  "conv_upstream_state\{upstream=\"$dead\",state=\"up\"\} 0" \
  "conv_upstream_in_flight_requests\{upstream=\"$api\"\} 0" \
  "conv_upstream_response_seconds_bucket\{upstream=\"$api\",le=\"60\"\} [0-9]+" \
  "conv_http_request_duration_seconds_bucket\{route=\"proxy\",le=\"60\"\} [0-9]+" \
  "conv_tls_certificate_expiry_seconds\{cert=\"[^\"]*server\.pem\",subject=\"[^\"]*\"\} [0-9.]+"
[[ $(grep -c "^conv_upstream_state{upstream=\"$DEAD\"" "$WORK/lb.prom") == 9 ]] ||
  fail "not the whole state set for $DEAD: $(grep "^conv_upstream_state" "$WORK/lb.prom")"
[[ $(grep -c "^conv_upstream_state{upstream=\"$DEAD\",.*} 1$" "$WORK/lb.prom") == 1 ]] ||
  fail "not exactly one state at 1 for $DEAD"
! grep -q "active_connections" "$WORK/lb.prom" || fail "the old name conv_upstream_active_connections"
for f in lb.prom api1.prom; do
  expect "$f" 'conv_build_info\{version="[0-9]+\.[0-9]+\.[0-9]+[^"]*",compiler="[^"]+",boost="1\.[0-9]+\.[0-9]+",openssl="3\.[^"]+"\} 1' \
    'process_cpu_seconds_total [0-9.]+' 'process_resident_memory_bytes [1-9][0-9.]*' \
    'process_virtual_memory_bytes [1-9][0-9.]*' 'process_open_fds [1-9][0-9]*' \
    'process_max_fds [1-9][0-9]*' 'process_start_time_seconds 1[0-9]{9}\.[0-9]+'
done
expect api1.prom 'conv_rates_reloads_total\{result="failed"\} 0'
pass "complete series in both roles"

python3 "$here/check_metric_names.py" --scrape "$WORK/lb.prom" "$WORK/api1.prom" \
  --dashboard "$MONITORING"/*.json --rules "$MONITORING"/*.rules.yaml ||
  fail "the dashboard or the rules use a metric conv does not export"
pass "every metric of deploy/monitoring is exported"
