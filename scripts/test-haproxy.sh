#!/usr/bin/env bash
# deploy/haproxy.cfg in front of a real server: the file as shipped, with only its ports, the
# node's port, the certificate path and the header deadline (10 s → 2 s, to keep the test short)
# changed. Checks HTTP → HTTPS, TLS with HTTP/2 and HSTS, /metrics kept private, X-Forwarded-For
# set by HAProxy (not by the client), a client trickling its headers cut with 408 at the
# deadline, live events arriving at once, and Finestreta's stream cap applied per forwarded
# address through the proxy. HAProxy is Debian's: the installed one, or else the package's
# binary unpacked into build/tools (no daemon is installed or started).
# Usage: scripts/test-haproxy.sh [BUILD]. Ends with "haproxy: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${1:-build}
BIN=$ROOT/$BUILD/finestreta

. scripts/lib/testkit.sh
finish() { summary haproxy; exit; }

HAPROXY=$(command -v haproxy || true)
[[ -z "$HAPROXY" && -x /usr/sbin/haproxy ]] && HAPROXY=/usr/sbin/haproxy
if [[ -z "$HAPROXY" ]]; then
	tools=$ROOT/build/tools/haproxy
	HAPROXY=$tools/usr/sbin/haproxy
	if [[ ! -x "$HAPROXY" ]]; then
		mkdir -p "$tools"
		if ! (cd "$tools" && apt-get download haproxy >/dev/null 2>&1 && dpkg -x haproxy_*.deb .); then
			bad "no haproxy: apt-get download haproxy failed (run apt-get update as root)"
			finish
		fi
	fi
fi

tmp=$(mktemp -d /tmp/finestreta-haproxy.XXXXXX)
spid=""
hpid=""
cleanup() {
	[[ -n "$hpid" ]] && kill "$hpid" 2>/dev/null && wait "$hpid" 2>/dev/null
	[[ -n "$spid" ]] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

APP=$(free_port)
HTTP=$(free_port)
HTTPS=$(free_port)
HOST=cita.example.cat
PEM=/etc/haproxy/certs/$HOST.pem

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=$HOST" -addext "subjectAltName=DNS:$HOST" \
	-keyout "$tmp/key.pem" -out "$tmp/cert.pem" >/dev/null 2>&1 || { bad "openssl: self-signed certificate"; finish; }
cat "$tmp/cert.pem" "$tmp/key.pem" >"$tmp/site.pem"

# The file as shipped, with ports, paths and the header deadline swapped; IPv6 listeners and
# the syslog target dropped (the test stays on 127.0.0.1 and in the foreground).
sed -e "s|server node1 127.0.0.1:8080 |server node1 127.0.0.1:$APP |" \
	-e "s|bind :80$|bind 127.0.0.1:$HTTP|" -e "s|bind :443 ssl crt $PEM|bind 127.0.0.1:$HTTPS ssl crt $tmp/site.pem|" \
	-e '/bind :::/d' -e 's|log /dev/log local0|log stderr local0|' \
	-e 's|timeout http-request 10s|timeout http-request 2s|' \
	deploy/haproxy.cfg >"$tmp/haproxy.cfg"
check "every change to the file applied" test "$(grep -c "$tmp\|127.0.0.1:$APP\|127.0.0.1:$HTTP\b\|127.0.0.1:$HTTPS\|log stderr\|http-request 2s" "$tmp/haproxy.cfg")" -eq 5
if ! "$HAPROXY" -c -f "$tmp/haproxy.cfg" >"$tmp/c.log" 2>&1; then
	cat "$tmp/c.log" >&2
	bad "haproxy -c accepts deploy/haproxy.cfg"
	finish
fi
ok "haproxy -c accepts deploy/haproxy.cfg"

mkdir -p "$tmp/logs"
FINESTRETA_SERVER_TRUST_PROXY=true FINESTRETA_SERVER_SECURE_COOKIES=true FINESTRETA_EVENTS_HEARTBEAT=1 \
	FINESTRETA_SERVER_PUBLIC_URL="https://$HOST" FINESTRETA_MAIL_OUTBOX_DIR="$tmp/outbox" \
	FINESTRETA_LIMITS_MAX_SSE_PER_ADDRESS=4 \
	"$BIN" demo --db "sqlite:$tmp/f.db" --listen "127.0.0.1:$APP" >"$tmp/logs/app.log" 2>&1 &
spid=$!
"$HAPROXY" -db -f "$tmp/haproxy.cfg" >"$tmp/logs/haproxy.log" 2>&1 &
hpid=$!

C=(curl -sS -k --resolve "$HOST:$HTTPS:127.0.0.1" --max-time 10)
U=https://$HOST:$HTTPS
if ! wait_for 150 "${C[@]}" -f -o /dev/null "$U/healthz" 2>/dev/null; then
	bad "/healthz through HAProxy over TLS"
	tail -n 20 "$tmp/logs/app.log" "$tmp/logs/haproxy.log" >&2
	finish
fi
ok "/healthz through HAProxy over TLS"

loc=$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' -H "Host: $HOST" "http://127.0.0.1:$HTTP/cita?x=1")
check "plain HTTP redirects to HTTPS ($loc)" test "$loc" = "301 https://$HOST/cita?x=1"
ver=$("${C[@]}" --http2 -o /dev/null -w '%{http_version}' "$U/")
check "HTTP/2 ($ver)" test "$ver" = 2
h=$("${C[@]}" -D - -o /dev/null "$U/?lang=en")
check "HSTS from HAProxy" grep -qi '^strict-transport-security: max-age=63072000' <<<"$h"
check "the server's CSP comes through" grep -qi "^content-security-policy: default-src 'self'" <<<"$h"
m=$("${C[@]}" -o /dev/null -w '%{http_code}' "$U/metrics")
check "/metrics is not served through the proxy ($m)" test "$m" = 403

# The address the server logs is the one HAProxy saw, not one the client made up.
"${C[@]}" -o /dev/null -H 'X-Forwarded-For: 203.0.113.9' "$U/login"
sleep 0.3
check "X-Forwarded-For from HAProxy, not from the client" \
	bash -c 'grep "\"GET /login\"" "$1" | tail -n 1 | grep -q "access 127.0.0.1 "' _ "$tmp/logs/app.log"

# A client sending its headers a byte every 300 ms is answered 408 at the deadline (2 s here),
# however long it would go on.
slow=$(python3 - "$HTTP" <<'PY'
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.settimeout(0.3)
t0 = time.time()
got = b""
for b in b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100:
    try:
        s.send(bytes([b]))
        got += s.recv(4096)
    except socket.timeout:
        pass
    except OSError:
        break
    if got:
        break
print(got.split(b"\r\n")[0].decode("latin1"), round(time.time() - t0, 1))
PY
)
check "slow headers through HAProxy: 408 at the deadline ($slow)" \
	bash -c 'set -- $1; [[ "$1 $2" == "HTTP/1.1 408" ]] && awk -v t="${@: -1}" "BEGIN { exit !(t >= 1.8 && t <= 4) }"' _ "$slow"

# Live events: a subscriber through HAProxy gets a published event at once.
tok=$("$BIN" token create --user admin@vilamar.example --db "sqlite:$tmp/f.db" 2>/dev/null | tail -n 1)
"${C[@]}" -N --max-time 20 "$U/events?topic=public.haproxy" >"$tmp/events.txt" 2>/dev/null &
cpid=$!
check "an event stream opens through HAProxy" wait_for 50 grep -q ': connected' "$tmp/events.txt"
"${C[@]}" -o /dev/null -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
	-d '{"topic":"public.haproxy","type":"ticket.called","data":{"n":7}}' "$U/api/v1/events"
check "a published event arrives within 2 s through HAProxy" wait_for 20 grep -q '"n":7' "$tmp/events.txt"

# Every client reaches the node from HAProxy's address, yet the node counts streams per
# forwarded address: this client (one stream open above) gets 3 more (max_sse_per_address = 4
# here), then 429.
codes=""
pids=()
for i in 1 2 3 4 5; do
	"${C[@]}" -N --max-time 8 -o "$tmp/s$i.txt" -w '%{http_code}\n' "$U/events?topic=public.haproxy" >"$tmp/code$i.txt" 2>/dev/null &
	pids+=($!)
	sleep 0.3
done
sleep 1
"${C[@]}" -o /dev/null -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
	-d '{"topic":"public.haproxy","type":"ticket.called","data":{"n":8}}' "$U/api/v1/events"
wait "${pids[@]}" 2>/dev/null
for i in 1 2 3 4 5; do codes+="$(cat "$tmp/code$i.txt") "; done
check "streams per forwarded address through HAProxy: 3 more, then 429 ($codes)" test "$codes" = "200 200 200 429 429 "
kill "$cpid" 2>/dev/null
wait "$cpid" 2>/dev/null
if ((fail)); then tail -n 20 "$tmp/logs/haproxy.log" "$tmp/logs/app.log" >&2; fi
finish
