#!/usr/bin/env bash
# Speed and memory of BUILD/finestreta, measured on this machine (`make bench`).
#
#   1. render  bench/bench_render.c: the home page rendered in-process (Mustache + layout + i18n)
#   2. HTTP    wrk against a demo server: /healthz, /, a fingerprinted static file, /api/v1/me
#              with a bearer token, a 404 page
#              and GET /api/v1/availability (one procedure, one office, 30 days); the same CSS file
#              served by nginx (Debian nginx-light) on a loopback port as the baseline every row's
#              ratio is taken against, measured in the same run
#   2b. surge  bench/surge.lua: a release-day booking surge (staff bearer token, a different person
#              per request) on every seat of three offices at once; then the database is checked:
#              every seat booked exactly once, no 5xx
#   3. SSE     bench/sse_idle.c: thousands of idle /events streams, the server's memory and CPU
#              while they idle, and how long one published event takes to reach all of them
#   4. floor   bench/floor.js: ticket issue and call-next throughput, and call-to-display latency
#              with 1,000 display and live-page streams open
#   5. figures bench/bench_figures.c: a year of appointments, each statistics theme gathered
#
# Prints a results table and rewrites the "Latest results" section of docs/benchmarks.md
# (between the bench:begin / bench:end markers). Raw outputs stay in BUILD/bench/.
# Loopback only; every process it starts is stopped on exit; every wait is bounded.
#
# Knobs (environment): BUILD (build), BENCH_SECONDS (10), BENCH_WARMUP (2), BENCH_SSE ("2000 10000"; 0: none),
# BENCH_SSE_IDLE (10), BENCH_RENDER_ITERS (50000), BENCH_DOC (docs/benchmarks.md; "-" = do not write),
# BENCH_SURGE_SEATS (600), BENCH_SURGE_CONNS (64), BENCH_SERVER_THREADS (server.threads of the
# surge's server; 0: the default), BENCH_BEFORE (another build of the server, e.g.
# the commit before a change: its availability rows are measured in the same run).
# BENCH_FLOOR_STREAMS (1000), BENCH_FLOOR_CALLS (100), BENCH_FLOOR_ISSUES (2000), BENCH_FIGURES_ROWS (300000),
# BENCH_FLOOR_WAITING (2000: tickets issued, not timed, before the timed ones).
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
BIN=$BUILD/finestreta
OUT=$BUILD/bench
DOC=${BENCH_DOC:-docs/benchmarks.md}
SECS=${BENCH_SECONDS:-10}
WARM=${BENCH_WARMUP:-2}
SSE_COUNTS=${BENCH_SSE:-2000 10000}
SSE_IDLE=${BENCH_SSE_IDLE:-10}
RENDER_ITERS=${BENCH_RENDER_ITERS:-50000}
WRK_THREADS=2
WRK_CONNS=64
# The libraries the server links with, as the Makefile lists them (the bench links with them too).
PKGS=$(make -s --no-print-directory --eval 'bench-print-pkgs: ; @echo $(PKGS)' bench-print-pkgs)

say() { printf 'run-bench: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
# shellcheck source=scripts/lib/surge.sh
. scripts/lib/surge.sh

# ---------------------------------------------------------------- tools

need_pkg() { # command debian-package
	command -v "$1" >/dev/null 2>&1 && return 0
	if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
		say "installing $2 (apt-get install -y $2)"
		DEBIAN_FRONTEND=noninteractive apt-get install -y "$2" >/dev/null ||
			{ apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y "$2" >/dev/null; } ||
			die "could not install $2"
	else
		die "$1 is missing: run 'sudo apt-get install -y $2'"
	fi
}
need_pkg wrk wrk
need_pkg nginx nginx-light
need_pkg haproxy haproxy
need_pkg sqlite3 sqlite3
need_pkg curl curl
need_pkg pkg-config pkg-config
need_pkg cc gcc
[[ -x $BIN && -f $BUILD/libfinestreta.a ]] || die "$BIN not built: run 'make' (or 'make bench')"

mkdir -p "$OUT"
rm -f "$OUT"/*.txt "$OUT"/*.err "$OUT"/*.log "$OUT"/results.md # no stale outputs from an earlier run
CFLAGS=(-std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter -O2 -g -Isrc)
cc "${CFLAGS[@]}" -o "$OUT/sse_idle" bench/sse_idle.c
# shellcheck disable=SC2086,SC2046
cc "${CFLAGS[@]}" $(pkg-config --cflags $PKGS) -o "$OUT/bench_render" bench/bench_render.c \
	"$BUILD/libfinestreta.a" $(pkg-config --libs $PKGS) -lpthread -lm

# ---------------------------------------------------------------- processes

TMP=$(mktemp -d /tmp/finestreta-bench.XXXXXX)
PIDS=()
cleanup() {
	stop_pids
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# More descriptors for thousands of streams: the server and the client inherit this limit.
hard=$(ulimit -Hn)
[[ $hard == unlimited ]] && hard=65536
((hard > 65536)) && hard=65536
ulimit -n "$hard" 2>/dev/null || true
NOFILE=$(ulimit -n)

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# start_server NAME SUBCOMMAND [VAR=VALUE ...]: sets SERVER_PID and PORT. The load comes from one
# loopback address, so the per-address caps (tested apart, tests/api/attack-http.test.js) are lifted.
start_server() {
	local name=$1 sub=$2
	shift 2
	local try
	for try in 1 2 3 4 5; do
		PORT=$((20000 + RANDOM % 12000)) # below the ephemeral range the client ports come from
		port_free "$PORT" || continue
		env FINESTRETA_LOG_ACCESS=false FINESTRETA_SERVER_CONNECTIONS_PER_ADDRESS=100000 \
			FINESTRETA_LIMITS_MAX_SSE_PER_ADDRESS=100000 "$@" \
			"${SERVER_BIN:-$BIN}" "$sub" --db "sqlite:${SERVER_DB:-$TMP/bench.db}" --listen "127.0.0.1:$PORT" \
			>"$OUT/server-$name.log" 2>&1 &
		SERVER_PID=$!
		PIDS+=("$SERVER_PID")
		local _
		for _ in $(seq 1 150); do # up to 15 s (demo hashes the demo passwords first)
			if curl -fs -o /dev/null "http://127.0.0.1:$PORT/healthz"; then
				[[ $(cat "/proc/$SERVER_PID/comm" 2>/dev/null) == finestreta ]] ||
					die "pid $SERVER_PID is not the server"
				return 0
			fi
			kill -0 "$SERVER_PID" 2>/dev/null || break
			sleep 0.1
		done
		stop_pid "$SERVER_PID"
		say "server did not start on port $PORT (try $try); log: $OUT/server-$name.log"
	done
	die "could not start the server"
}

alive() { # PID WHEN
	[[ -r /proc/$1/stat ]] || die "the server (pid $1) exited during $2; see $OUT/server-*.log"
}
rss_kib() { awk '/^VmRSS:/{print $2}' "/proc/$1/status"; }
cpu_ticks() { awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$1/stat"; } # utime + stime
# utime + stime of a process and its children still running (nginx's workers)
cpu_ticks_all() {
	local t p
	t=$(cpu_ticks "$1")
	for p in $(pgrep -P "$1" 2>/dev/null); do t=$((t + $(cpu_ticks "$p" 2>/dev/null || echo 0))); done
	echo "$t"
}
CLK_TCK=$(getconf CLK_TCK)

# ---------------------------------------------------------------- machine

COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -n $(git status --porcelain --untracked-files=no 2>/dev/null) ]] && COMMIT="$COMMIT (with uncommitted changes)"
CPU_MODEL=$(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo)
NPROC=$(nproc)
DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
MHD_VERSION=$(pkg-config --modversion libmicrohttpd 2>/dev/null || echo '?')
WRK_VERSION=$( (wrk -v 2>&1 || true) | awk 'NR==1{print $2}')
KERNEL=$(uname -r)

# ---------------------------------------------------------------- 1. render

say "render: home page, $RENDER_ITERS renders x 5 rounds"
"$OUT/bench_render" "$RENDER_ITERS" . >"$OUT/render.txt" || die "bench_render failed"
rv() { awk -F= -v k="$1" '$1==k{print $2}' "$OUT/render.txt"; }

# ---------------------------------------------------------------- 2. HTTP with wrk

start_server http demo FINESTRETA_BOOKING_RATE_AVAILABILITY=0
HTTP_PID=$SERVER_PID
BASE=http://127.0.0.1:$PORT
TOKEN=$("$BIN" token create --user admin@vilamar.example --db "sqlite:$TMP/bench.db" | tail -n1)
[[ $TOKEN =~ ^[0-9a-f]{32,}$ ]] || die "token create gave '$TOKEN'"
CSS=$(curl -fs "$BASE/" | grep -o '/static/style\.[0-9a-f]*\.css' | head -n1)
[[ -n $CSS ]] || die "no fingerprinted stylesheet in the home page"
RSS_HTTP_START=$(rss_kib "$HTTP_PID")


HTTP_ROWS=()
# bench_http LABEL PATH EXPECTED-STATUS [wrk args...]
bench_http() {
	local label=$1 path=$2 want=$3
	shift 3
	local hdr=() a
	for a in "$@"; do hdr+=(-H "$a"); done
	local got
	local base=${TARGET_BASE:-$BASE} pid=${TARGET_PID:-$HTTP_PID}
	got=$(curl -s -o /dev/null -w '%{http_code}' "${hdr[@]}" "$base$path")
	[[ $got == "$want" ]] || die "$path answered $got, expected $want"
	say "wrk $label: $path ($WARM s warm-up, $SECS s)"
	wrk -t"$WRK_THREADS" -c"$WRK_CONNS" -d"${WARM}s" "${hdr[@]}" "$base$path" >/dev/null
	alive "$pid" "the $label warm-up"
	local c0 c1 f="$OUT/wrk-$label.txt"
	c0=$(cpu_ticks_all "$pid")
	wrk -t"$WRK_THREADS" -c"$WRK_CONNS" -d"${SECS}s" --latency "${hdr[@]}" "$base$path" >"$f"
	alive "$pid" "the $label run"
	c1=$(cpu_ticks_all "$pid")
	local rps p50 p99 errs bad cpu reqs us
	rps=$(awk '/^Requests\/sec:/{printf "%.0f", $2}' "$f")
	reqs=$(awk '/ requests in /{print $1; exit}' "$f")
	p50=$(to_ms "$(awk '/Latency Distribution/{d=1} d && $1=="50%"{print $2; exit}' "$f")")
	p99=$(to_ms "$(awk '/Latency Distribution/{d=1} d && $1=="99%"{print $2; exit}' "$f")")
	errs=$(awk '/Socket errors:/{gsub(/,/,""); print $4+$6+$8+$10}' "$f")
	bad=$(awk '/Non-2xx or 3xx responses:/{print $5}' "$f")
	cpu=$(awk -v t=$((c1 - c0)) -v hz="$CLK_TCK" -v s="$SECS" 'BEGIN{printf "%.0f", t/hz/s*100}')
	us=$(awk -v t=$((c1 - c0)) -v hz="$CLK_TCK" -v n="${reqs:-0}" 'BEGIN{if (n > 0) printf "%.0f", t/hz/n*1e6; else print "?"}')
	HTTP_ROWS+=("$label|$path|$want|$rps|$p50|$p99|$cpu|$us|${errs:-0}|${bad:-0}")
}

# The baseline: nginx (Debian nginx-light) serving the same stylesheet, from a file, on a
# loopback port, with a worker per core, keep-alive without a request limit and no access log.
start_nginx() {
	local conf=$TMP/nginx/nginx.conf try
	mkdir -p "$TMP/nginx/www/static"
	chmod 755 "$TMP" "$TMP/nginx" "$TMP/nginx/www" "$TMP/nginx/www/static"
	curl -fs -o "$TMP/nginx/www$CSS" "$BASE$CSS" || die "could not fetch $CSS"
	chmod 644 "$TMP/nginx/www$CSS"
	for try in 1 2 3 4 5; do
		NGINX_PORT=$((20000 + RANDOM % 12000))
		port_free "$NGINX_PORT" || continue
		cat >"$conf" <<-NGINX
			worker_processes auto;
			daemon off;
			master_process on;
			pid $TMP/nginx/nginx.pid;
			error_log $TMP/nginx/error.log warn;
			events { worker_connections 4096; }
			http {
				access_log off;
				client_body_temp_path $TMP/nginx/body;
				proxy_temp_path $TMP/nginx/proxy;
				fastcgi_temp_path $TMP/nginx/fastcgi;
				uwsgi_temp_path $TMP/nginx/uwsgi;
				scgi_temp_path $TMP/nginx/scgi;
				types { text/css css; }
				sendfile on;
				keepalive_requests 10000000;
				keepalive_timeout 65;
				server {
					listen 127.0.0.1:$NGINX_PORT;
					root $TMP/nginx/www;
				}
			}
		NGINX
		nginx -c "$conf" -e "$TMP/nginx/error.log" >"$OUT/nginx.log" 2>&1 &
		NGINX_PID=$!
		PIDS+=("$NGINX_PID")
		for _ in $(seq 1 50); do
			curl -fs -o /dev/null "http://127.0.0.1:$NGINX_PORT$CSS" && return 0
			kill -0 "$NGINX_PID" 2>/dev/null || break
			sleep 0.1
		done
		stop_pid "$NGINX_PID"
	done
	die "could not start nginx; see $OUT/nginx.log"
}
export PATH=$PATH:/usr/sbin
start_nginx
cmp -s <(curl -fs "http://127.0.0.1:$NGINX_PORT$CSS") <(curl -fs "$BASE$CSS") || die "nginx serves another file"
TARGET_BASE=http://127.0.0.1:$NGINX_PORT TARGET_PID=$NGINX_PID bench_http nginx "$CSS" 200
stop_pid "$NGINX_PID"

# Availability as a citizen asks it: one procedure, one office, the default 30 days.
AVAIL="/api/v1/availability?service=ajuts-socials&channel=in_person&office=centre"
curl -fs "$BASE$AVAIL" | grep -q '"free":' || die "$AVAIL shows no free seat"

bench_http healthz /healthz 200
bench_http home / 200
bench_http static "$CSS" 200
bench_http api-me /api/v1/me 200 "Authorization: Bearer $TOKEN"
bench_http not-found /no/such/page 404
bench_http availability "$AVAIL" 200
RSS_HTTP_END=$(rss_kib "$HTTP_PID")
stop_pid "$HTTP_PID"
# The same question on a large database (bench/gen-dataset.py: 20 offices, 200 procedures, 90 days
# of slots, 100,000 appointments), served by `serve`.
say "dataset: generating (bench/gen-dataset.py)"
python3 bench/gen-dataset.py --bin "$BIN" "$TMP/large.db" >"$OUT/dataset.txt" || die "gen-dataset.py failed"
DATASET=$(head -n1 "$OUT/dataset.txt")
read -r svc off < <(sed -n 2p "$OUT/dataset.txt" | sed 's/service=//; s/office=//')
AVAIL_LARGE="/api/v1/availability?service=$svc&channel=in_person&office=$off"
large_avail() { # LABEL BINARY
	SERVER_BIN=$2 SERVER_DB=$TMP/large.db start_server "$1" serve FINESTRETA_BOOKING_RATE_AVAILABILITY=0
	curl -fs "http://127.0.0.1:$PORT$AVAIL_LARGE" | grep -q '"free":' || die "$AVAIL_LARGE shows no free seat"
	TARGET_BASE=http://127.0.0.1:$PORT TARGET_PID=$SERVER_PID bench_http "$1" "$AVAIL_LARGE" 200
	stop_pid "$SERVER_PID"
}
large_avail availability-large "$BIN"
[[ -n ${BENCH_BEFORE:-} ]] && large_avail availability-large-before "$BENCH_BEFORE"

if [[ -n ${BENCH_BEFORE:-} ]]; then
	[[ -x $BENCH_BEFORE ]] || die "BENCH_BEFORE=$BENCH_BEFORE is not an executable"
	SERVER_BIN=$BENCH_BEFORE SERVER_DB=$TMP/before.db start_server before demo FINESTRETA_BOOKING_RATE_AVAILABILITY=0
	TARGET_BASE=http://127.0.0.1:$PORT TARGET_PID=$SERVER_PID bench_http availability-before "$AVAIL" 200
	stop_pid "$SERVER_PID"
fi

# ---------------------------------------------------------------- 2b. release-day surge

# A fresh demo: every free seat of one procedure at three offices, all at once (the staff see
# every released and unreleased seat), raced for by SURGE_CONNS connections, a different person
# on each request. Then the database says whether any seat went twice.
SURGE_CONNS=${BENCH_SURGE_CONNS:-64}
SURGE_DB=$TMP/surge.db
SERVER_DB=$SURGE_DB start_server surge demo FINESTRETA_BOOKING_RATE_BOOKING=0 FINESTRETA_BOOKING_RATE_AVAILABILITY=0 \
	FINESTRETA_SERVER_THREADS="${BENCH_SERVER_THREADS:-0}"
SURGE_PID=$SERVER_PID
SURGE_TOKEN=$("$BIN" token create --user admin@vilamar.example --db "sqlite:$SURGE_DB" | tail -n1)
sq() { sqlite3 "$SURGE_DB" "$1"; }
SURGE_SIDE=/healthz surge_run "http://127.0.0.1:$PORT" "$SURGE_TOKEN" "${BENCH_SURGE_SEATS:-600}" "$SURGE_CONNS" \
	"$OUT/wrk-surge.txt"
alive "$SURGE_PID" "the surge"
stop_pid "$SURGE_PID"
rm -f "$SURGE_DB" "$SURGE_DB"-wal "$SURGE_DB"-shm

# ---------------------------------------------------------------- 3. idle SSE streams

SSE_ROWS=()
SSE_SKIPPED=""
for n in $SSE_COUNTS; do
	[[ $n == 0 ]] && continue # BENCH_SSE=0: no streams
	if ((NOFILE < n + 200)); then
		SSE_SKIPPED="$SSE_SKIPPED $n (ulimit -n is $NOFILE)"
		say "sse: skipping $n streams, ulimit -n is $NOFILE"
		continue
	fi
	# A fresh server per count: its memory before the streams is a clean baseline. The heartbeat
	# is pushed out so the idle window measures idleness alone. The connection limit is shared
	# out between the worker threads, hence the head-room.
	start_server "sse-$n" serve FINESTRETA_SERVER_CONNECTION_LIMIT=$((2 * n + 1000)) \
		FINESTRETA_LIMITS_MAX_SSE=$((n + 1000)) FINESTRETA_EVENTS_HEARTBEAT=300
	say "sse: $n idle streams, $SSE_IDLE s idle, one event"
	f="$OUT/sse-$n.txt"
	rc=0
	timeout 180 "$OUT/sse_idle" "$PORT" "$n" "$SERVER_PID" "$TOKEN" "$SSE_IDLE" bench.idle \
		>"$f" 2>"$OUT/sse-$n.err" || rc=$?
	stop_pid "$SERVER_PID"
	((rc == 0)) || { cat "$OUT/sse-$n.err" >&2; die "sse_idle $n failed (exit $rc); see $f"; }
	SSE_ROWS+=("$n")
done
sv() { awk -F= -v k="$2" '$1==k{print $2}' "$OUT/sse-$1.txt"; }
mib() { awk -v k="$1" 'BEGIN{printf "%.1f", k/1024}'; }

# ---------------------------------------------------------------- 4. the office floor

FLOOR_STREAMS=${BENCH_FLOOR_STREAMS:-1000}
FLOOR_CALLS=${BENCH_FLOOR_CALLS:-100}
FLOOR_ISSUES=${BENCH_FLOOR_ISSUES:-2000}
FLOOR_WAITING=${BENCH_FLOOR_WAITING:-2000}
need_pkg node nodejs
start_server floor demo FINESTRETA_FLOOR_RATE_PUBLIC=0 FINESTRETA_SERVER_CONNECTION_LIMIT=$((2 * FLOOR_STREAMS + 1000)) \
	FINESTRETA_LIMITS_MAX_SSE=$((FLOOR_STREAMS + 1000))
FLOOR_TOKEN=$("$BIN" token create --user admin@vilamar.example --db "sqlite:$TMP/bench.db" | tail -n1)
say "floor: $FLOOR_ISSUES tickets after $FLOOR_WAITING, call-next at every desk, $FLOOR_STREAMS streams and $FLOOR_CALLS calls"
timeout 600 node bench/floor.js "$PORT" "$FLOOR_TOKEN" "$FLOOR_STREAMS" "$FLOOR_CALLS" "$FLOOR_ISSUES" "$FLOOR_WAITING" \
	>"$OUT/floor.txt" 2>"$OUT/floor.err" || { cat "$OUT/floor.err" >&2; die "bench/floor.js failed"; }
stop_pid "$SERVER_PID"
fv() { awk -F= -v k="$1" '$1==k{print $2}' "$OUT/floor.txt"; }

LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- 5. figures

FIGURES_ROWS=${BENCH_FIGURES_ROWS:-300000}
FULL_PKGS=$(awk '/^PKGS *:=/ { p = 1; sub(/^PKGS *:= */, "") } p { c = sub(/\\$/, ""); printf "%s ", $0; if (!c) exit }' Makefile)
say "figures: a year of $FIGURES_ROWS attentions, each theme gathered 5 times live, from the summary, and loaded"
# shellcheck disable=SC2086,SC2046
cc "${CFLAGS[@]}" $(pkg-config --cflags $FULL_PKGS) -o "$OUT/bench_figures" bench/bench_figures.c \
	"$BUILD/libfinestreta.a" $(pkg-config --libs $FULL_PKGS) -lpthread -lm
"$OUT/bench_figures" "sqlite:$TMP/figures.db" "$FIGURES_ROWS" >"$OUT/figures.txt" 2>"$OUT/figures.err" ||
	die "bench_figures failed (see $OUT/figures.err)"
figv() { awk -F= -v k="$1" '$1==k{print $2}' "$OUT/figures.txt"; }

# ---------------------------------------------------------------- results

{
	echo "Measured $DATE on commit $COMMIT."
	echo
	echo "Machine: $NPROC × $CPU_MODEL, Linux $KERNEL; libmicrohttpd $MHD_VERSION, wrk $WRK_VERSION."
	echo "Load average (1, 5, 15 min) at start: $LOAD_START; at end: $LOAD_END."
	echo
	echo "### HTTP (wrk, $WRK_THREADS threads, $WRK_CONNS connections, $SECS s after a $WARM s warm-up)"
	echo
	echo "| request | status | requests/s | × nginx | p50 ms | p99 ms | server CPU | server CPU µs/request | socket errors |"
	echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
	NGINX_RPS=0
	for row in "${HTTP_ROWS[@]}"; do
		IFS='|' read -r label path want rps p50 p99 cpu us errs bad <<<"$row"
		[[ $label == nginx ]] && NGINX_RPS=$rps
		ratio=$(awk -v a="$rps" -v b="$NGINX_RPS" 'BEGIN{if (b > 0) printf "%.2f", a / b; else print "?"}')
		case $label in
		api-me) path="/api/v1/me (bearer)" ;;
		not-found) path="/no/such/page (404 page)" ;;
		static) path="/static/style.‹fingerprint›.css" ;;
		nginx) path="/static/style.‹fingerprint›.css from nginx (the baseline)" ;;
		availability) path="/api/v1/availability (one procedure, one office, 30 days)" ;;
		availability-before) path="/api/v1/availability, the same, built from BENCH_BEFORE" ;;
		availability-large) path="/api/v1/availability, one procedure, one office, 30 days, large database" ;;
		availability-large-before) path="/api/v1/availability, large database, built from BENCH_BEFORE" ;;
		esac
		echo "| \`GET $path\` | $want | $rps | $ratio | $p50 | $p99 | ${cpu}% | $us | $errs |"
	done
	echo
	echo "Server CPU: its user + system time over the run, as a share of one core (200% = both),"
	echo "and per request. Server memory (VmRSS): $(mib "$RSS_HTTP_START") MiB before the runs,"
	echo "$(mib "$RSS_HTTP_END") MiB after them."
	echo
	echo "Large database: $DATASET (bench/gen-dataset.py)."
	echo
	echo "### Release-day surge (bench/surge.lua, wrk, $WRK_THREADS threads, $SURGE_CONNS connections)"
	echo
	echo "| seats released | booked | bookings/s | p50 ms | p99 ms | 5xx | seats left | over capacity | counters ≠ appointments | exactly once |"
	echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
	echo "| $SURGE_SEATS | $SURGE_ROWS in $SURGE_MS ms | $SURGE_RATE | $SURGE_P50 | $SURGE_P99 | $SURGE_5XX | $SURGE_LEFT | $SURGE_OVER | $SURGE_MISMATCH | $SURGE_OK |"
	echo
	echo "Every free seat of \`$SURGE_SERVICE\` in person at three offices (staff bearer token, a different"
	echo "person per request) raced for at once; each wrk thread stops after as many answers without a seat in"
	echo "a row as there are starts. Checked in the database afterwards. Meanwhile \`GET /healthz\` on 16 other"
	echo "connections (wrk -t1): ${SURGE_SIDE_RPS:-?} requests/s, p99 ${SURGE_SIDE_P99:-?} ms."
	echo
	if ((${#SSE_ROWS[@]})); then
		echo "### Idle Server-Sent Event streams (bench/sse_idle.c, one client process)"
		echo
		printf '| | %s |\n' "$(printf '%s streams | ' "${SSE_ROWS[@]}" | sed 's/ | $//')"
		printf '|---|%s\n' "$(printf -- '---:|%.0s' "${SSE_ROWS[@]}")"
		line() { # title key-or-function...
			local title=$1 fn=$2 n
			local out="| $title |"
			for n in "${SSE_ROWS[@]}"; do out="$out $($fn "$n") |"; done
			echo "$out"
		}
		c_open() { echo "$(sv "$1" open) in $(sv "$1" open_seconds) s"; }
		c_rss0() { echo "$(mib "$(sv "$1" rss_before_kib)") MiB"; }
		c_rss1() { echo "$(mib "$(sv "$1" rss_open_kib)") MiB"; }
		c_per() { awk -v b="$(sv "$1" rss_per_stream_bytes)" 'BEGIN{printf "%.1f KiB", b/1024}'; }
		c_thr() { echo "$(sv "$1" threads_before) → $(sv "$1" threads_open)"; }
		c_idle() { echo "$(sv "$1" idle_cpu_ms) ms over $(sv "$1" idle_seconds) s"; }
		c_ibytes() { sv "$1" idle_bytes; }
		c_fan() { echo "$(sv "$1" fanout_first_ms) / $(sv "$1" fanout_p50_ms) / $(sv "$1" fanout_all_ms) ms"; }
		c_fcpu() { echo "$(sv "$1" fanout_cpu_ms) ms"; }
		c_ocpu() { awk -v c="$(sv "$1" open_cpu_ms)" -v n="$1" 'BEGIN{printf "%.0f µs", c*1000/n}'; }
		c_back() {
			local r out
			out=$(mib "$(sv "$1" rss_closed_kib)")
			for r in $(sv "$1" rss_rounds_kib | tr ',' ' '); do out="$out → $(mib "$r")"; done
			echo "$out MiB"
		}
		line "streams open" c_open
		line "server CPU per stream opened" c_ocpu
		line "server RSS before" c_rss0
		line "server RSS with the streams open" c_rss1
		line "RSS per stream" c_per
		line "server threads" c_thr
		line "server CPU while idle" c_idle
		line "bytes received while idle" c_ibytes
		line "one event: first / median / last stream" c_fan
		line "server CPU for that event" c_fcpu
		line "RSS after closing; after each further open/close round" c_back
		echo
		[[ -n $SSE_SKIPPED ]] && echo "Skipped:$SSE_SKIPPED." && echo
	fi
	echo "### Office floor (bench/floor.js, one client process, SQLite)"
	echo
	echo "| measure | value |"
	echo "|---|---:|"
	echo "| ticket issue (\`POST /api/v1/offices/mar-blava/tickets\`, 16 connections, $(fv issue_n) tickets, $(fv issue_waiting_before) waiting before) | $(fv issue_per_s) /s, p50 $(fv issue_p50_ms) ms, p99 $(fv issue_p99_ms) ms |"
	echo "| call next (\`POST …/desks/{desk}/call-next\` + no-show, $(fv call_desks) desks, $(fv call_n) calls) | $(fv call_per_s) calls/s, p50 $(fv call_p50_ms) ms, p99 $(fv call_p99_ms) ms |"
	echo "| call → display and live page, $(fv streams) streams open (half each), $(fv latency_calls) calls | p50 $(fv latency_p50_ms) ms, p99 $(fv latency_p99_ms) ms, max $(fv latency_max_ms) ms over $(fv latency_deliveries) deliveries, $(fv latency_missed) missed |"
	echo
	echo "### Mustache render (bench/bench_render.c, in-process)"
	echo
	echo "| loop | renders/s | ns/render (median of 5 rounds) | best round | wall-clock ns |"
	echo "|---|---:|---:|---:|---:|"
	echo "| render only | $(rv render_per_s) | $(rv render_ns) | $(rv render_best_ns) | $(rv render_wall_ns) |"
	echo "| model + render (as per request) | $(rv page_per_s) | $(rv page_ns) | $(rv page_best_ns) | $(rv page_wall_ns) |"
	echo
	echo "$(rv iterations) renders per round of \`home/index\` in the layout ($(rv bytes) bytes of HTML, Catalan); timed by the thread's CPU clock."
	echo
	echo "### Figures (bench/bench_figures.c, SQLite, in-process)"
	echo
	echo "| theme (the year and the one before, by month) | live best / median ms | summary best / median ms | loaded: live | loaded: summary |"
	echo "|---|---:|---:|---:|---:|"
	for t in stats attendance capacity people procedures; do
		echo "| $t | $(figv "figures_${t}_live_best_ms") / $(figv "figures_${t}_live_median_ms") | $(figv "figures_${t}_summary_best_ms") / $(figv "figures_${t}_summary_median_ms") | $(figv "figures_${t}_live_loaded_best_ms") / $(figv "figures_${t}_live_loaded_median_ms") | $(figv "figures_${t}_summary_loaded_best_ms") / $(figv "figures_${t}_summary_loaded_median_ms") |"
	done
	echo
	echo "A year of $(figv figures_rows) attentions ($(figv figures_appointments) appointments: 5 offices, 3 channels, 20 procedures, every state; $(figv figures_tickets) tickets: 4 ways of issuing, every outcome) written in $(figv figures_fill_s) s. \`stats\` is \`GET /api/v1/stats/attendance\` (the key stats only). The summary job's first build: $(figv figures_build_ms) ms ($(figv figures_build_days) figure-days, $(figv figures_build_rows) rows); one incremental run: $(figv figures_incremental_ms) ms quiet, $(figv figures_incremental_loaded_ms) ms loaded ($(figv figures_incremental_days) figure-days). Loaded: two threads spinning, one per core."
	echo
	echo "| figure | kind | live ms | read ms |"
	echo "|---|---|---:|---:|"
	awk '$1=="figure" { sub("live_ms=", "", $4); sub("read_ms=", "", $5); if ($4 + $5 >= 1) printf "| %s | %s | %s | %s |\n", $2, $3, $4, $5 }' "$OUT/figures.txt"
} >"$OUT/results.md"

echo
cat "$OUT/results.md"

# ---------------------------------------------------------------- docs/benchmarks.md

if [[ $DOC != - ]]; then
	[[ -f $DOC ]] || printf '# Benchmarks\n\n## Latest results\n\n<!-- bench:begin -->\n<!-- bench:end -->\n' >"$DOC"
	if ! grep -q '^<!-- bench:begin -->$' "$DOC" || ! grep -q '^<!-- bench:end -->$' "$DOC"; then
		printf '\n## Latest results\n\n<!-- bench:begin -->\n<!-- bench:end -->\n' >>"$DOC"
	fi
	awk -v res="$OUT/results.md" '
		/^<!-- bench:begin -->$/ { print; while ((getline l < res) > 0) print l; skip = 1; next }
		/^<!-- bench:end -->$/ { skip = 0 }
		!skip { print }
	' "$DOC" >"$TMP/doc.md"
	cat "$TMP/doc.md" >"$DOC"
	say "wrote the results into $DOC"
fi
