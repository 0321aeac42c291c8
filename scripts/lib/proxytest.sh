# proxytest.sh — what scripts/test-nginx.sh and scripts/test-haproxy.sh share: the proxy's binary,
# a scratch folder with loopback ports and a self-signed certificate, the demo server behind the
# proxy, and the checks every proxy in front of Finestreta must pass. Source it after testkit.sh,
# from the repository root, with ROOT, BIN and finish() defined. Sets and uses globals: tmp, APP,
# HTTP, HTTPS, HOST, C (curl through the proxy), U (its HTTPS base), spid (the server), ppid (the
# proxy), PROXY (its binary), PROXY_LOG (its log file), h, tok and cpid (below).

# proxy_init NAME LOG: proxy_find NAME, proxy_setup NAME, and PROXY_LOG, $tmp/logs/LOG.
proxy_init() {
	proxy_find "$1"
	proxy_setup "$1"
	PROXY_LOG=$tmp/logs/$2
}

# proxy_find NAME: PROXY, Debian's NAME binary: the installed one, or else the package's binary
# unpacked into build/tools/NAME (no daemon is installed or started). None: a failure, finish.
proxy_find() {
	local name=$1 tools
	PROXY=$(command -v "$name" || true)
	[[ -z "$PROXY" && -x /usr/sbin/$name ]] && PROXY=/usr/sbin/$name
	if [[ -z "$PROXY" ]]; then
		tools=$ROOT/build/tools/$name
		PROXY=$tools/usr/sbin/$name
		if [[ ! -x "$PROXY" ]]; then
			mkdir -p "$tools"
			if ! (cd "$tools" && apt-get download "$name" >/dev/null 2>&1 && dpkg -x "$name"_*.deb .); then
				bad "no $name: apt-get download $name failed (run apt-get update as root)"
				finish
			fi
		fi
	fi
}

# proxy_setup NAME: the scratch folder (removed on exit, with the server and the proxy stopped),
# its logs/ folder, three free loopback ports (APP for the server, HTTP and HTTPS for the proxy),
# and a self-signed certificate for HOST in $tmp/cert.pem and $tmp/key.pem.
proxy_setup() {
	tmp=$(mktemp -d "/tmp/finestreta-$1.XXXXXX")
	spid=""
	ppid=""
	trap proxy_cleanup EXIT
	APP=$(free_port)
	HTTP=$(free_port)
	HTTPS=$(free_port)
	HOST=cita.example.cat
	mkdir -p "$tmp/logs"
	openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=$HOST" -addext "subjectAltName=DNS:$HOST" \
		-keyout "$tmp/key.pem" -out "$tmp/cert.pem" >/dev/null 2>&1 || {
		bad "openssl: self-signed certificate"
		finish
	}
}

proxy_cleanup() {
	[[ -n "$ppid" ]] && kill "$ppid" 2>/dev/null && wait "$ppid" 2>/dev/null
	[[ -n "$spid" ]] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null
	rm -rf "$tmp"
}

# proxy_start_app [NAME=VALUE...]: the demo server on 127.0.0.1:$APP as it runs behind a TLS
# proxy (trusted forwarded addresses, Secure cookies, the public HTTPS address), with 1 s
# heartbeats and the given settings besides; spid.
proxy_start_app() {
	env FINESTRETA_SERVER_TRUST_PROXY=true FINESTRETA_SERVER_SECURE_COOKIES=true FINESTRETA_EVENTS_HEARTBEAT=1 \
		FINESTRETA_SERVER_PUBLIC_URL="https://$HOST" FINESTRETA_MAIL_OUTBOX_DIR="$tmp/outbox" "$@" \
		"$BIN" demo --db "sqlite:$tmp/f.db" --listen "127.0.0.1:$APP" >"$tmp/logs/app.log" 2>&1 &
	spid=$!
}

# proxy_checks LABEL: waits for /healthz through the proxy over TLS (else a failure, the logs'
# tails and finish), then checks HTTP → HTTPS, HTTP/2, HSTS, the server's CSP, /metrics kept
# private and X-Forwarded-For set by the proxy. h keeps the headers of the home page.
proxy_checks() {
	local by=$1 loc ver m
	C=(curl -sS -k --resolve "$HOST:$HTTPS:127.0.0.1" --max-time 10)
	U=https://$HOST:$HTTPS
	if ! wait_for 150 "${C[@]}" -f -o /dev/null "$U/healthz" 2>/dev/null; then
		bad "/healthz through $by over TLS"
		tail -n 20 "$tmp/logs/app.log" "$PROXY_LOG" >&2
		finish
	fi
	ok "/healthz through $by over TLS"

	loc=$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' -H "Host: $HOST" "http://127.0.0.1:$HTTP/cita?x=1")
	check "plain HTTP redirects to HTTPS ($loc)" test "$loc" = "301 https://$HOST/cita?x=1"
	ver=$("${C[@]}" --http2 -o /dev/null -w '%{http_version}' "$U/")
	check "HTTP/2 ($ver)" test "$ver" = 2
	h=$("${C[@]}" -D - -o /dev/null "$U/?lang=en")
	check "HSTS from $by" grep -qi '^strict-transport-security: max-age=63072000' <<<"$h"
	check "the server's CSP comes through" grep -qi "^content-security-policy: default-src 'self'" <<<"$h"
	m=$("${C[@]}" -o /dev/null -w '%{http_code}' "$U/metrics")
	check "/metrics is not served through the proxy ($m)" test "$m" = 403

	# The address the server logs is the one the proxy saw, not one the client made up.
	"${C[@]}" -o /dev/null -H 'X-Forwarded-For: 203.0.113.9' "$U/login"
	sleep 0.3
	check "X-Forwarded-For from $by, not from the client" \
		bash -c 'grep "\"GET /login\"" "$1" | tail -n 1 | grep -q "access 127.0.0.1 "' _ "$tmp/logs/app.log"
}

# proxy_events LABEL TOPIC: a subscriber to TOPIC through the proxy (cpid, still open after,
# writing $tmp/events.txt) gets an event published through it at once; tok, the staff bearer
# token that published it.
proxy_events() {
	local by=$1 topic=$2
	tok=$("$BIN" token create --user admin@vilamar.example --db "sqlite:$tmp/f.db" 2>/dev/null | tail -n 1)
	"${C[@]}" -N --max-time 20 "$U/events?topic=$topic" >"$tmp/events.txt" 2>/dev/null &
	cpid=$!
	check "an event stream opens through $by" wait_for 50 grep -q ': connected' "$tmp/events.txt"
	"${C[@]}" -o /dev/null -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
		-d '{"topic":"'"$topic"'","type":"ticket.called","data":{"n":7}}' "$U/api/v1/events"
	check "a published event arrives within 2 s through $by" wait_for 20 grep -q '"n":7' "$tmp/events.txt"
}
