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
. scripts/lib/proxytest.sh
finish() { summary haproxy; exit; }

proxy_init haproxy haproxy.log
PEM=/etc/haproxy/certs/$HOST.pem

cat "$tmp/cert.pem" "$tmp/key.pem" >"$tmp/site.pem"

# The file as shipped, with ports, paths and the header deadline swapped; IPv6 listeners and
# the syslog target dropped (the test stays on 127.0.0.1 and in the foreground).
sed -e "s|server node1 127.0.0.1:8080 |server node1 127.0.0.1:$APP |" \
	-e "s|bind :80$|bind 127.0.0.1:$HTTP|" -e "s|bind :443 ssl crt $PEM|bind 127.0.0.1:$HTTPS ssl crt $tmp/site.pem|" \
	-e '/bind :::/d' -e 's|log /dev/log local0|log stderr local0|' \
	-e 's|timeout http-request 10s|timeout http-request 2s|' \
	deploy/haproxy.cfg >"$tmp/haproxy.cfg"
check "every change to the file applied" test "$(grep -c "$tmp\|127.0.0.1:$APP\|127.0.0.1:$HTTP\b\|127.0.0.1:$HTTPS\|log stderr\|http-request 2s" "$tmp/haproxy.cfg")" -eq 5
if ! "$PROXY" -c -f "$tmp/haproxy.cfg" >"$tmp/c.log" 2>&1; then
	cat "$tmp/c.log" >&2
	bad "haproxy -c accepts deploy/haproxy.cfg"
	finish
fi
ok "haproxy -c accepts deploy/haproxy.cfg"

proxy_start_app FINESTRETA_LIMITS_MAX_SSE_PER_ADDRESS=4
"$PROXY" -db -f "$tmp/haproxy.cfg" >"$PROXY_LOG" 2>&1 &
ppid=$!
proxy_checks HAProxy

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
proxy_events HAProxy public.haproxy

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
if ((fail)); then tail -n 20 "$PROXY_LOG" "$tmp/logs/app.log" >&2; fi
finish
