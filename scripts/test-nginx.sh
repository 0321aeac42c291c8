#!/usr/bin/env bash
# deploy/nginx.conf in front of a real server: the file as shipped, with only its ports, the
# upstream port and the certificate paths changed (loopback ports, a self-signed certificate).
# Checks HTTP → HTTPS, TLS with HTTP/2 and HSTS, the server's own headers through the proxy,
# /metrics kept private, X-Forwarded-For from nginx (not from the client), over-limit requests
# (hundreds of query parameters, a sign-in burst) answered at once, and live events
# arriving at once through the proxy. nginx is Debian's: the installed one, or else the
# package's binary unpacked into build/tools (no daemon is installed or started).
# Usage: scripts/test-nginx.sh [BUILD]. Ends with "nginx: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${1:-build}
BIN=$ROOT/$BUILD/finestreta

. scripts/lib/testkit.sh
. scripts/lib/proxytest.sh
finish() { summary nginx; exit; }

proxy_init nginx error.log

# The site file as shipped, with ports and paths swapped; IPv6 listeners dropped (the test
# stays on 127.0.0.1).
sed -e "s|server 127.0.0.1:8080;|server 127.0.0.1:$APP;|" \
	-e "s|listen 80;|listen 127.0.0.1:$HTTP;|" -e "s|listen 443 ssl http2;|listen 127.0.0.1:$HTTPS ssl http2;|" \
	-e '/listen \[::\]/d' \
	-e "s|/etc/letsencrypt/live/$HOST/fullchain.pem|$tmp/cert.pem|" -e "s|/etc/letsencrypt/live/$HOST/privkey.pem|$tmp/key.pem|" \
	deploy/nginx.conf >"$tmp/site.conf"
check "every change to the site file applied" test "$(grep -c "$tmp\|127.0.0.1:$APP\|127.0.0.1:$HTTP\b\|127.0.0.1:$HTTPS" "$tmp/site.conf")" -eq 5
cat >"$tmp/nginx.conf" <<CONF
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/logs/error.log;
daemon off;
events { worker_connections 256; }
http {
    access_log $tmp/logs/access.log;
    client_body_temp_path $tmp/body;
    proxy_temp_path $tmp/proxy;
    fastcgi_temp_path $tmp/fastcgi;
    uwsgi_temp_path $tmp/uwsgi;
    scgi_temp_path $tmp/scgi;
    include $tmp/site.conf;
}
CONF
if ! "$PROXY" -t -p "$tmp" -c "$tmp/nginx.conf" >"$tmp/t.log" 2>&1; then
	cat "$tmp/t.log" >&2
	bad "nginx -t accepts deploy/nginx.conf"
	finish
fi
ok "nginx -t accepts deploy/nginx.conf"

proxy_start_app
"$PROXY" -p "$tmp" -c "$tmp/nginx.conf" >>"$PROXY_LOG" 2>&1 &
ppid=$!
proxy_checks nginx
check "X-Accel-Buffering is not passed to the browser" bash -c '! grep -qi "^x-accel-buffering" <<<"$1"' _ "$h"
m=$(curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$APP/metrics")
check "/metrics answers on the node itself ($m)" test "$m" = 200

cookie=$("${C[@]}" -D - -o /dev/null "$U/login?lang=en" | grep -i '^set-cookie:' | head -n 1)
check "cookies are Secure behind TLS" grep -qi 'secure' <<<"$cookie"

# Over-limit requests through nginx: 600 query parameters are answered 414 (by Finestreta), and
# a burst of sign-ins from one address is cut by nginx's zone (429) before any password is hashed.
q=$(python3 -c 'print("&".join(f"a{i}={i}" for i in range(600)))')
m=$("${C[@]}" -o /dev/null -w '%{http_code}' "$U/?$q")
check "600 query parameters through nginx: 414 ($m)" test "$m" = 414
codes=$(for i in $(seq 1 16); do "${C[@]}" -o /dev/null -w '%{http_code} ' -d 'email=a@b.c&password=x' "$U/login"; done)
check "a sign-in burst from one address is cut by nginx ($codes)" bash -c '[[ "$1" == *429* ]] && [[ "${1%%429*}" != "" ]]' _ "$codes"

# Live events: a subscriber through nginx gets a published event at once (no buffering).
proxy_events nginx public.nginx
sleep 1.5
check "heartbeats arrive through nginx" grep -q ': ping' "$tmp/events.txt"
kill "$cpid" 2>/dev/null
wait "$cpid" 2>/dev/null
if ((fail)); then tail -n 20 "$PROXY_LOG" "$tmp/logs/app.log" >&2; fi
finish
