#!/usr/bin/env bash
# A release-day booking surge across two nodes on one PostgreSQL, behind HAProxy
# (`make bench-pg`): a throwaway PostgreSQL (scripts/pg-test.sh), node A (`demo`, which creates
# the database) and node B (`serve` on the same database), HAProxy with deploy/cluster/haproxy.cfg
# (its addresses replaced by free loopback ports), then two surges through HAProxy
# (scripts/lib/surge.sh): one with both nodes up, one where node B is killed (SIGKILL) after a
# quarter of the seats are booked. Checked in the database: no seat booked twice, every booking
# answered 201 is there. Prints a table and rewrites the section between the bench-pg:begin /
# bench-pg:end markers of docs/benchmarks.md. Loopback only; every process started is stopped.
#
# Knobs: BUILD (build), BENCH_SURGE_SEATS (600), BENCH_SURGE_CONNS (64), BENCH_DOC
# (docs/benchmarks.md; "-" = do not write).
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
BIN=$BUILD/finestreta
OUT=$BUILD/bench-pg
DOC=${BENCH_DOC:-docs/benchmarks.md}
WANT=${BENCH_SURGE_SEATS:-600}
CONNS=${BENCH_SURGE_CONNS:-64}
WRK_THREADS=2
export PATH=$PATH:/usr/sbin

say() { printf 'run-bench-pg: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
# shellcheck source=scripts/lib/surge.sh
. scripts/lib/surge.sh

for c in wrk haproxy psql curl python3; do
	command -v "$c" >/dev/null 2>&1 || die "$c is missing: run 'make bench' (it installs wrk, nginx-light, haproxy) or apt-get install it"
done
[[ -x $BIN ]] || die "$BIN not built: run 'make'"
mkdir -p "$OUT"
rm -f "$OUT"/*

TMP=$(mktemp -d /tmp/finestreta-bench-pg.XXXXXX)
chmod 755 "$TMP" # the PostgreSQL cluster inside runs as its own user
PIDS=()
PG_STARTED=""
cleanup() {
	stop_pids
	[[ -n $PG_STARTED ]] && scripts/pg-test.sh stop "$TMP/pg" >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 12000))
		port_free "$p" && echo "$p" && return
	done
}
wait_healthy() { # URL PID WHAT
	for _ in $(seq 1 300); do # up to 30 s (demo seeds first)
		curl -fs -o /dev/null "$1/healthz" && return 0
		kill -0 "$2" 2>/dev/null || die "$3 exited; see $OUT/$3.log"
		sleep 0.1
	done
	die "$3 did not answer on $1"
}
start_node() { # NAME SUBCOMMAND PORT: sets NODE_PID
	env FINESTRETA_LOG_ACCESS=false FINESTRETA_SERVER_CONNECTIONS_PER_ADDRESS=100000 FINESTRETA_BOOKING_RATE_BOOKING=0 FINESTRETA_BOOKING_RATE_AVAILABILITY=0 \
		FINESTRETA_DATABASE_POOL=16 FINESTRETA_BOOKING_POW_KEY=bench-pg-shared-key \
		"$BIN" "$2" --db "$PG" --listen "127.0.0.1:$3" >"$OUT/$1.log" 2>&1 &
	NODE_PID=$!
	PIDS+=("$NODE_PID")
	wait_healthy "http://127.0.0.1:$3" "$NODE_PID" "$1"
}

PG=$(scripts/pg-test.sh start "$TMP/pg" 2>"$OUT/pg.log") || die "could not start PostgreSQL; see $OUT/pg.log"
PG_STARTED=1
PA=$(free_port)
start_node node-a demo "$PA"
A_PID=$NODE_PID
PB=$(free_port)
start_node node-b serve "$PB"
B_PID=$NODE_PID
PH=$(free_port)
sed -e "s/127\.0\.0\.1:8080/127.0.0.1:$PH/; s/127\.0\.0\.1:8081/127.0.0.1:$PA/; s/127\.0\.0\.1:8082/127.0.0.1:$PB/" \
	deploy/cluster/haproxy.cfg >"$TMP/haproxy.cfg"
haproxy -db -f "$TMP/haproxy.cfg" >"$OUT/haproxy.log" 2>&1 &
H_PID=$!
PIDS+=("$H_PID")
BASE=http://127.0.0.1:$PH
wait_healthy "$BASE" "$H_PID" haproxy
sleep 3 # both nodes through their first health checks
TOKEN=$("$BIN" token create --user admin@vilamar.example --db "$PG" | tail -n1)
[[ $TOKEN =~ ^[0-9a-f]{32,}$ ]] || die "token create gave '$TOKEN'"
sq() { psql "$PG" -X -q -At -c "$1"; }

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
ROWS=()
row() { ROWS+=("| $1 | $SURGE_SEATS | $SURGE_ROWS in $SURGE_MS ms | $SURGE_RATE | $SURGE_P50 | $SURGE_P99 | $SURGE_BOOKED | $SURGE_5XX | $SURGE_LEFT | $SURGE_OVER | $SURGE_MISMATCH | $SURGE_OK |"); }
surge_run "$BASE" "$TOKEN" "$WANT" "$CONNS" "$OUT/wrk-surge.txt"
kill -0 "$A_PID" && kill -0 "$B_PID" || die "a node exited during the surge"
row "both nodes up"
surge_run "$BASE" "$TOKEN" "$WANT" "$CONNS" "$OUT/wrk-surge-kill.txt" "$B_PID" $((WANT / 4))
row "node B killed after $((WANT / 4)) bookings"
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

{
	echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown);"
	echo "$(nproc) × $(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo); PostgreSQL $(psql "$PG" -X -At -c 'SHOW server_version'),"
	echo "$(haproxy -v | awk 'NR==1{print $1, $3}'); load average at start $LOAD_START, at end $LOAD_END."
	echo
	echo "| run | seats | booked | bookings/s | p50 ms | p99 ms | answered 201 | 5xx | seats left | over capacity | counters ≠ appointments | exactly once, none lost |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
	printf '%s\n' "${ROWS[@]}"
} >"$OUT/results.md"
echo
cat "$OUT/results.md"

if [[ $DOC != - ]]; then
	if ! grep -q '^<!-- bench-pg:begin -->$' "$DOC"; then
		printf '\n## Two nodes on PostgreSQL (make bench-pg)\n\n<!-- bench-pg:begin -->\n<!-- bench-pg:end -->\n' >>"$DOC"
	fi
	awk -v res="$OUT/results.md" '
		/^<!-- bench-pg:begin -->$/ { print; while ((getline l < res) > 0) print l; skip = 1; next }
		/^<!-- bench-pg:end -->$/ { skip = 0 }
		!skip { print }
	' "$DOC" >"$TMP/doc.md"
	cat "$TMP/doc.md" >"$DOC"
	say "wrote the results into $DOC"
fi
