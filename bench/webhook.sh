#!/bin/bash
# rootlock webhook under load over loopback TLS with keep-alive, beside nginx answering a fixed
# AdmissionReview reply on the same certificate, the same load and the same number of workers:
# nginx is the floor for TLS + HTTP on this machine. Uses hey (constant rate: -q per worker)
# and, for the peak, steps of rising rate; memory is the webhook's peak RSS under load.
#   bench/webhook.sh [ROOTLOCK]        (default build/rootlock)
# Needs hey and nginx (Debian: hey, nginx-light; scripts/install-deps.sh --test installs them).
# Env: RATE (1000), SECONDS_RUN (10), THREADS (2: the webhook's --threads and nginx's workers),
#      CONNS (10), PEAK_STEPS ("1000 2000 3000 4000 6000 8000").
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
rootlock=$(realpath "${1:-$here/build/rootlock}")
rate=${RATE:-1000}
secs=${SECONDS_RUN:-10}
threads=${THREADS:-2}
conns=${CONNS:-10}
steps=${PEAK_STEPS:-"1000 2000 3000 4000 6000 8000"}
for tool in hey nginx; do
  command -v "$tool" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
  command -v "$tool" >/dev/null 2>&1 || { echo "bench/webhook.sh: $tool is missing (apt-get install hey nginx-light)" >&2; exit 2; }
done
work=$(mktemp -d /tmp/rootlock-webhook-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

"$rootlock" webhook certs --out-dir "$work/certs" >/dev/null 2>&1
# The failing Deployment review (the issue's load): denied, with a warning.
cat > "$work/review.json" <<'JSON'
{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"705ab4f5-6393-11e8-b7cc-42010a800002","kind":{"group":"apps","version":"v1","kind":"Deployment"},"resource":{"group":"apps","version":"v1","resource":"deployments"},"requestKind":{"group":"apps","version":"v1","kind":"Deployment"},"name":"web","namespace":"default","operation":"CREATE","userInfo":{"username":"admin","groups":["system:masters","system:authenticated"]},"object":{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default","labels":{"app":"web"}},"spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"nginx","image":"nginx:1.25","ports":[{"containerPort":80}],"resources":{"requests":{"cpu":"100m","memory":"64Mi"}}},{"name":"php-fpm","image":"php:8.2-fpm","securityContext":{"readOnlyRootFilesystem":false}}]}}}},"oldObject":null,"dryRun":false,"options":{"apiVersion":"meta.k8s.io/v1","kind":"CreateOptions"}}}
JSON

port_of() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wport=$(port_of)
"$rootlock" webhook --listen "127.0.0.1:$wport" --tls-cert "$work/certs/tls.crt" \
  --tls-key "$work/certs/tls.key" --threads "$threads" 2>"$work/webhook.log" &
wpid=$!
pids+=("$wpid")

# nginx: the reply rootlock gives for this review, fixed, on the same certificate.
nport=$(port_of)
mkdir -p "$work/nginx"
reply=$(curl -sk --data-binary @"$work/review.json" -H 'Content-Type: application/json' \
  "https://127.0.0.1:$wport/validate" --retry 20 --retry-connrefused --retry-delay 0 | tr -d '\n' | sed 's/"/\\"/g')
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes $threads;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  keepalive_requests 10000000;
  keepalive_timeout 90s;
  client_max_body_size 8m;
  client_body_buffer_size 64k;
  server {
    listen 127.0.0.1:$nport ssl;
    ssl_certificate $work/certs/tls.crt;
    ssl_certificate_key $work/certs/tls.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    location /validate {
      default_type application/json;
      return 200 "$reply";
    }
  }
}
CONF
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" -g 'daemon off;' &
pids+=("$!")
sleep 0.5

# hey at a constant rate: CONNS workers, each RATE/CONNS requests a second, keep-alive.
load() {  # URL RATE SECONDS -> hey's report
  local per=$(( $2 / conns ))
  hey -z "${3}s" -c "$conns" -q "$per" -m POST -T application/json -D "$work/review.json" "$1"
}
summary() {  # hey report -> "rps p50_ms p99_ms ok errors"
  python3 - "$1" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
def pct(p):
    m = re.search(r"\s%d%%+ in ([\d.]+) secs" % p, t)
    return float(m.group(1)) * 1000 if m else float("nan")
ok = sum(int(n) for code, n in re.findall(r"\[(\d+)\]\s+(\d+) responses", t) if code == "200")
bad = sum(int(n) for code, n in re.findall(r"\[(\d+)\]\s+(\d+) responses", t) if code != "200")
errs = re.search(r"Error distribution:(.*)", t, re.S)
nerr = sum(int(n) for n in re.findall(r"\[(\d+)\]", errs.group(1))) if errs else 0
print("%.0f %.2f %.2f %d %d" % (rps, pct(50), pct(99), ok, bad + nerr))
PY
}
rss_watch() {  # PID -> peak VmRSS in KiB while it runs, into $work/rss
  local peak=0 v
  while kill -0 "$1" 2>/dev/null && [ ! -e "$work/stop-rss" ]; do
    v=$(awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0)
    [ "${v:-0}" -gt "$peak" ] && peak=$v
    echo "$peak" > "$work/rss"
    sleep 0.2
  done
}

echo "rootlock webhook vs nginx: $rate reviews/s for ${secs}s over loopback TLS, keep-alive,"
echo "$conns connections, $threads worker threads each ($(nproc) cores, shared)"
idle_rss=$(awk '/^VmRSS/ {print $2}' "/proc/$wpid/status")
rm -f "$work/stop-rss"; rss_watch "$wpid" & rsspid=$!
load "https://127.0.0.1:$wport/validate" "$rate" "$secs" > "$work/hey-webhook.txt"
touch "$work/stop-rss"; wait "$rsspid" || true
load "https://127.0.0.1:$nport/validate" "$rate" "$secs" > "$work/hey-nginx.txt"
read -r w_rps w_p50 w_p99 w_ok w_err <<<"$(summary "$work/hey-webhook.txt")"
read -r n_rps n_p50 n_p99 n_ok n_err <<<"$(summary "$work/hey-nginx.txt")"
printf '%-16s %8s %9s %9s %9s %7s\n' "" "req/s" "p50 ms" "p99 ms" "200s" "errors"
printf '%-16s %8s %9s %9s %9s %7s\n' "rootlock webhook" "$w_rps" "$w_p50" "$w_p99" "$w_ok" "$w_err"
printf '%-16s %8s %9s %9s %9s %7s\n' "nginx (fixed)" "$n_rps" "$n_p50" "$n_p99" "$n_ok" "$n_err"
echo "webhook RSS: $((idle_rss / 1024)) MiB idle, $(( $(cat "$work/rss") / 1024 )) MiB peak under load"
python3 -c "import sys; w,n=float(sys.argv[1]),float(sys.argv[2]); print('p99 ratio webhook/nginx: %.2f (the goal: within 2x)' % (w/n))" "$w_p99" "$n_p99"

echo "peak: the highest rate at which the webhook's p99 stays under 10 ms (5 s a step; nginx at"
echo "the same rate beside it, the machine's floor; stops after two steps missed in a row)"
peak=0
missed=0
for r in $steps; do
  load "https://127.0.0.1:$wport/validate" "$r" 5 > "$work/hey-step.txt"
  read -r s_rps s_p50 s_p99 s_ok s_err <<<"$(summary "$work/hey-step.txt")"
  load "https://127.0.0.1:$nport/validate" "$r" 5 > "$work/hey-step-nginx.txt"
  read -r t_rps t_p50 t_p99 t_ok t_err <<<"$(summary "$work/hey-step-nginx.txt")"
  echo "  target $r/s: webhook $s_rps/s p50 $s_p50 p99 $s_p99 ms errors $s_err | nginx $t_rps/s p50 $t_p50 p99 $t_p99 ms errors $t_err"
  # Held: the rate reached (within 5%), no errors, p99 under 10 ms.
  if python3 -c "import sys; r,g,p,e=map(float,sys.argv[1:]); sys.exit(0 if g>=0.95*r and p<10 and e==0 else 1)" \
      "$r" "$s_rps" "$s_p99" "$s_err"; then
    peak=$r
    missed=0
  else
    missed=$((missed + 1))
    [ "$missed" -ge 2 ] && break
  fi
done
echo "peak rate with p99 < 10 ms: ${peak}/s"
echo "webhook peak RSS (VmHWM, whole run): $(( $(awk '/^VmHWM/ {print $2}' "/proc/$wpid/status") / 1024 )) MiB"

# The HTTP library (docs/webhook.md): Beast/Asio (rootlock's GET /healthz) against libmicrohttpd
# (bench/webhook_mhd_probe.c: GET answered "ok") on the same certificate and threads; wrk at full
# speed, 10 keep-alive connections, 5 s each. Skipped without cc, wrk or libmicrohttpd-dev.
if command -v cc >/dev/null && command -v wrk >/dev/null && [ -e /usr/include/microhttpd.h ]; then
  cc -O2 -o "$work/mhd_probe" "$here/bench/webhook_mhd_probe.c" -lmicrohttpd
  mport=$(port_of)
  "$work/mhd_probe" "$mport" "$work/certs/tls.crt" "$work/certs/tls.key" "$threads" &
  mpid=$!
  pids+=("$mpid")
  sleep 0.3
  wrk_line() {  # URL -> "req/s p50 p99"
    wrk -t1 -c10 -d5s --latency "$1" | python3 -c '
import re, sys
t = sys.stdin.read()
def ms(s):
    v, u = re.match(r"([\d.]+)(us|ms|s)", s).groups()
    return float(v) * {"us": 0.001, "ms": 1, "s": 1000}[u]
rps = re.search(r"Requests/sec:\s+([\d.]+)", t).group(1)
p50 = ms(re.search(r"50%\s+(\S+)", t).group(1))
p99 = ms(re.search(r"99%\s+(\S+)", t).group(1))
errs = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)", t)
print("%s %.2f %.2f %s" % (rps, p50, p99, "errors" if errs else "ok"))'
  }
  read -r b_rps b_p50 b_p99 b_ok <<<"$(wrk_line "https://127.0.0.1:$wport/healthz")"
  read -r m_rps m_p50 m_p99 m_ok <<<"$(wrk_line "https://127.0.0.1:$mport/")"
  echo "HTTP library, GET over TLS keep-alive at full speed (wrk -t1 -c10, 5 s):"
  printf '  %-28s %8s req/s  p50 %6s ms  p99 %6s ms  %s\n' "Beast/Asio + OpenSSL" "$b_rps" "$b_p50" "$b_p99" "$b_ok"
  printf '  %-28s %8s req/s  p50 %6s ms  p99 %6s ms  %s\n' "libmicrohttpd + GnuTLS" "$m_rps" "$m_p50" "$m_p99" "$m_ok"
  echo "  RSS after: Beast $(( $(awk '/^VmRSS/ {print $2}' "/proc/$wpid/status") / 1024 )) MiB (with the rules), libmicrohttpd $(( $(awk '/^VmRSS/ {print $2}' "/proc/$mpid/status") / 1024 )) MiB"
fi
