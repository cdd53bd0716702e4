#!/usr/bin/env bash
# Loads, in one run and on loopback: conv converter (1 thread), nginx (1 worker) answering the
# same body with `return 200` (the ceiling for a trivial server), and the original Flask app
# under gunicorn (4 workers). Prints req/s, p50, p99, RSS and the ratios to nginx.
#
# Usage: bench/converter.sh [duration=10s] [connections=64]
# Servers are pinned to CPU 0 and wrk to CPU 1 (CONV_BENCH_SERVER_CPU / _CLIENT_CPU), so the
# load generator does not steal the server's core on this 2-core machine.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/lib.sh
source "$here/lib.sh"

DURATION=${1:-10s}
CONNECTIONS=${2:-64}
WRK_THREADS=1
SERVER_CPU=${CONV_BENCH_SERVER_CPU:-0}
CLIENT_CPU=${CONV_BENCH_CLIENT_CPU:-1}
CONV=${CONV:-$here/../build/conv}
PATH_15=/convertepradolareuro/15.0
BODY='{"conversao":{"dolar":2.9411764705882355,"euro":2.678571428571429,"real":15.0}}'

bench_install nginx wrk python3-flask gunicorn curl python3
[[ -x $CONV ]] || { echo "build conv first (cmake --build build): $CONV" >&2; exit 1; }

# conv
conv_port=$(free_port)
taskset -c "$SERVER_CPU" "$CONV" converter --host 127.0.0.1 --port "$conv_port" --threads 1 \
  --access-log off --name bench 2>"$BENCH_DIR/conv.err" &
conv_pid=$!
BENCH_PIDS+=("$conv_pid")

# nginx: same body, no upstream, no log; keep-alive without a request cap, as conv has.
nginx_port=$(free_port)
mkdir -p "$BENCH_DIR/nginx"
cat >"$BENCH_DIR/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
master_process on;
pid $BENCH_DIR/nginx/nginx.pid;
error_log $BENCH_DIR/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000000;
  client_body_temp_path $BENCH_DIR/nginx;
  proxy_temp_path $BENCH_DIR/nginx;
  fastcgi_temp_path $BENCH_DIR/nginx;
  uwsgi_temp_path $BENCH_DIR/nginx;
  scgi_temp_path $BENCH_DIR/nginx;
  server {
    listen 127.0.0.1:$nginx_port;
    location / { default_type application/json; return 200 '$BODY\n'; }
  }
}
CONF
taskset -c "$SERVER_CPU" nginx -c "$BENCH_DIR/nginx/nginx.conf" -e "$BENCH_DIR/nginx/error.log" &
nginx_pid=$!
BENCH_PIDS+=("$nginx_pid")

# The original: Flask + gunicorn, 4 workers.
flask_port=$(free_port)
(cd "$here/original" && exec taskset -c "$SERVER_CPU" gunicorn -w 4 -b "127.0.0.1:$flask_port" \
  --log-level warning app:app) 2>"$BENCH_DIR/gunicorn.err" &
flask_pid=$!
BENCH_PIDS+=("$flask_pid")

for port in "$conv_port" "$nginx_port" "$flask_port"; do wait_http "http://127.0.0.1:$port$PATH_15"; done
# The three answer the same bytes (nginx's is the literal body).
for port in "$conv_port" "$flask_port"; do
  got=$(curl -s "http://127.0.0.1:$port$PATH_15")
  [[ $got == "$BODY" ]] || { echo "unexpected body from :$port: $got" >&2; exit 1; }
done

echo "# $(date -u +%FT%TZ) $(nproc) CPUs; servers on CPU $SERVER_CPU, wrk on CPU $CLIENT_CPU;" \
  "wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION --latency GET $PATH_15"
results=()
for target in "conv:$conv_port:$conv_pid" "nginx:$nginx_port:$nginx_pid" "flask:$flask_port:$flask_pid"; do
  IFS=: read -r name port pid <<<"$target"
  taskset -c "$CLIENT_CPU" wrk -t1 -c"$CONNECTIONS" -d2s "http://127.0.0.1:$port$PATH_15" >/dev/null  # warm-up
  line=$(run_wrk "$name" "http://127.0.0.1:$port$PATH_15")
  results+=("$line $(rss_kb "$pid")")
done

nginx_rps=$(printf '%s\n' "${results[@]}" | awk '$1 == "nginx" {print $2}')
flask_rps=$(printf '%s\n' "${results[@]}" | awk '$1 == "flask" {print $2}')
printf '| server | req/s | p50 ms | p99 ms | RSS MiB | vs nginx | vs original |\n'
printf '|---|---:|---:|---:|---:|---:|---:|\n'
for line in "${results[@]}"; do
  read -r name rps p50 p99 rss <<<"$line"
  case $name in
    conv) label="conv converter --threads 1" ;;
    nginx) label="nginx 1.22, 1 worker, return 200" ;;
    flask) label="original: Flask + gunicorn -w 4" ;;
  esac
  awk -v l="$label" -v r="$rps" -v a="$p50" -v b="$p99" -v m="$rss" -v n="$nginx_rps" -v f="$flask_rps" \
    'BEGIN { printf "| %s | %.0f | %.2f | %.2f | %.1f | %.2fx | %.1fx |\n", l, r, a, b, m / 1024, r / n, r / f }'
done
