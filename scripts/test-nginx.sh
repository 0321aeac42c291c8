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
finish() { summary nginx; exit; }

NGINX=$(command -v nginx || true)
[[ -z "$NGINX" && -x /usr/sbin/nginx ]] && NGINX=/usr/sbin/nginx
if [[ -z "$NGINX" ]]; then
	tools=$ROOT/build/tools/nginx
	NGINX=$tools/usr/sbin/nginx
	if [[ ! -x "$NGINX" ]]; then
		mkdir -p "$tools"
		if ! (cd "$tools" && apt-get download nginx >/dev/null 2>&1 && dpkg -x nginx_*.deb .); then
			bad "no nginx: apt-get download nginx failed (run apt-get update as root)"
			finish
		fi
	fi
fi

tmp=$(mktemp -d /tmp/finestreta-nginx.XXXXXX)
spid=""
npid=""
cleanup() {
	[[ -n "$npid" ]] && kill "$npid" 2>/dev/null && wait "$npid" 2>/dev/null
	[[ -n "$spid" ]] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

APP=$(free_port)
HTTP=$(free_port)
HTTPS=$(free_port)
HOST=cita.example.cat

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=$HOST" -addext "subjectAltName=DNS:$HOST" \
	-keyout "$tmp/key.pem" -out "$tmp/cert.pem" >/dev/null 2>&1 || { bad "openssl: self-signed certificate"; finish; }

# The site file as shipped, with ports and paths swapped; IPv6 listeners dropped (the test
# stays on 127.0.0.1).
sed -e "s|server 127.0.0.1:8080;|server 127.0.0.1:$APP;|" \
	-e "s|listen 80;|listen 127.0.0.1:$HTTP;|" -e "s|listen 443 ssl http2;|listen 127.0.0.1:$HTTPS ssl http2;|" \
	-e '/listen \[::\]/d' \
	-e "s|/etc/letsencrypt/live/$HOST/fullchain.pem|$tmp/cert.pem|" -e "s|/etc/letsencrypt/live/$HOST/privkey.pem|$tmp/key.pem|" \
	deploy/nginx.conf >"$tmp/site.conf"
check "every change to the site file applied" test "$(grep -c "$tmp\|127.0.0.1:$APP\|127.0.0.1:$HTTP\b\|127.0.0.1:$HTTPS" "$tmp/site.conf")" -eq 5
mkdir -p "$tmp/logs"
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
if ! "$NGINX" -t -p "$tmp" -c "$tmp/nginx.conf" >"$tmp/t.log" 2>&1; then
	cat "$tmp/t.log" >&2
	bad "nginx -t accepts deploy/nginx.conf"
	finish
fi
ok "nginx -t accepts deploy/nginx.conf"

FINESTRETA_SERVER_TRUST_PROXY=true FINESTRETA_SERVER_SECURE_COOKIES=true FINESTRETA_EVENTS_HEARTBEAT=1 \
	FINESTRETA_SERVER_PUBLIC_URL="https://$HOST" FINESTRETA_MAIL_OUTBOX_DIR="$tmp/outbox" \
	"$BIN" demo --db "sqlite:$tmp/f.db" --listen "127.0.0.1:$APP" >"$tmp/logs/app.log" 2>&1 &
spid=$!
"$NGINX" -p "$tmp" -c "$tmp/nginx.conf" >>"$tmp/logs/error.log" 2>&1 &
npid=$!

C=(curl -sS -k --resolve "$HOST:$HTTPS:127.0.0.1" --max-time 10)
U=https://$HOST:$HTTPS
if ! wait_for 150 "${C[@]}" -f -o /dev/null "$U/healthz" 2>/dev/null; then
	bad "/healthz through nginx over TLS"
	tail -20 "$tmp/logs/app.log" "$tmp/logs/error.log" >&2
	finish
fi
ok "/healthz through nginx over TLS"

loc=$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' -H "Host: $HOST" "http://127.0.0.1:$HTTP/cita?x=1")
check "plain HTTP redirects to HTTPS ($loc)" test "$loc" = "301 https://$HOST/cita?x=1"
ver=$("${C[@]}" --http2 -o /dev/null -w '%{http_version}' "$U/")
check "HTTP/2 ($ver)" test "$ver" = 2
h=$("${C[@]}" -D - -o /dev/null "$U/?lang=en")
check "HSTS from nginx" grep -qi '^strict-transport-security: max-age=63072000' <<<"$h"
check "the server's CSP comes through" grep -qi "^content-security-policy: default-src 'self'" <<<"$h"
check "X-Accel-Buffering is not passed to the browser" bash -c '! grep -qi "^x-accel-buffering" <<<"$1"' _ "$h"
m=$("${C[@]}" -o /dev/null -w '%{http_code}' "$U/metrics")
check "/metrics is not served through the proxy ($m)" test "$m" = 403
m=$(curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$APP/metrics")
check "/metrics answers on the node itself ($m)" test "$m" = 200

# The address the server logs is the one nginx saw, not one the client made up.
"${C[@]}" -o /dev/null -H 'X-Forwarded-For: 203.0.113.9' "$U/login"
sleep 0.3
check "X-Forwarded-For from nginx, not from the client" \
	bash -c 'grep "\"GET /login\"" "$1" | tail -n 1 | grep -q "access 127.0.0.1 "' _ "$tmp/logs/app.log"
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
tok=$("$BIN" token create --user admin@vilamar.example --db "sqlite:$tmp/f.db" 2>/dev/null | tail -n 1)
"${C[@]}" -N --max-time 20 "$U/events?topic=public.nginx" >"$tmp/events.txt" 2>/dev/null &
cpid=$!
check "an event stream opens through nginx" wait_for 50 grep -q ': connected' "$tmp/events.txt"
"${C[@]}" -o /dev/null -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
	-d '{"topic":"public.nginx","type":"ticket.called","data":{"n":7}}' "$U/api/v1/events"
check "a published event arrives within 2 s through nginx" wait_for 20 grep -q '"n":7' "$tmp/events.txt"
sleep 1.5
check "heartbeats arrive through nginx" grep -q ': ping' "$tmp/events.txt"
kill "$cpid" 2>/dev/null
wait "$cpid" 2>/dev/null
if ((fail)); then tail -n 20 "$tmp/logs/error.log" "$tmp/logs/app.log" >&2; fi
finish
