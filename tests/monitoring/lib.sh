# The monitoring tests' common start (tests/smoke/lib.sh does the process handling): two
# converters, a balancer over them and a third upstream that refuses connections (down), with
# TLS for clients and the --metrics listener; some traffic; then scrapes of the balancer's and
# a converter's /metrics into $WORK/lb.prom and $WORK/api1.prom, taken once the down upstream's
# failures show. Sets DEAD (the down upstream's name), MONITORING (deploy/monitoring).
# shellcheck shell=bash
# shellcheck disable=SC2154  # PORT_<name> are set by start_conv (printf -v)
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/smoke/lib.sh
source "$here/../smoke/lib.sh"
# shellcheck disable=SC2034  # read by the tests that source this
MONITORING="$here/../../deploy/monitoring"

bash "$here/../support/make_test_certs.sh" "$WORK/certs" || fail "make_test_certs.sh"
for n in 1 2; do
  start_conv "api$n" converter --name "api$n" --threads 1 --access-log off
done
# A port nothing listens on: bound, then closed again.
dead_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
DEAD="127.0.0.1:$dead_port"
cat >"$WORK/lb.json" <<JSON
{
  "listen": "127.0.0.1:0", "threads": 2, "name": "lb", "access_log": "off",
  "metrics": "127.0.0.1:0", "admin": "off",
  "upstreams": ["127.0.0.1:$PORT_api1", "127.0.0.1:$PORT_api2", "$DEAD"],
  "health_check": {"interval": 0.1, "timeout": 0.5, "fails": 1, "passes": 1}
}
JSON
start_conv lb balancer --config "$WORK/lb.json" --tls-cert "$WORK/certs/server.pem" \
  --tls-key "$WORK/certs/server.key"
metrics_port=$(logged_port lb "metrics on") || exit 1
for _ in 1 2 3 4 5 6; do
  curl -s --cacert "$WORK/certs/ca.pem" -o /dev/null \
    "https://127.0.0.1:$PORT_lb/convertepradolareuro/1.0" || fail "a request through the balancer"
done
curl -s -o /dev/null "http://127.0.0.1:$PORT_api1/convertepradolareuro/1.0"

# scraped_down: the balancer's scrape shows the dead upstream down, and why.
scraped_down() {
  curl -s -o "$WORK/lb.prom" "http://127.0.0.1:$metrics_port/metrics" &&
    grep -q "^conv_upstream_state{upstream=\"$DEAD\",state=\"down\"} 1$" "$WORK/lb.prom" &&
    grep -Eq "^conv_upstream_health_checks_total\{upstream=\"$DEAD\",result=\"failed\",reason=\"connect_refused\"\} [1-9]" "$WORK/lb.prom"
}
poll_until 10 scraped_down || fail "the down upstream never showed down: $(cat "$WORK/lb.prom")"
curl -s -o "$WORK/api1.prom" "http://127.0.0.1:$PORT_api1/metrics" || fail "converter /metrics"
