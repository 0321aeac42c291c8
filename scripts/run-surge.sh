#!/usr/bin/env bash
# The release-day surge of `make bench` alone (scripts/lib/surge.sh), on SQLite, RUNS times, each
# on a fresh demo server: for comparing a change to the surge without the other scenarios.
#
#   scripts/run-surge.sh [RUNS]     (default 3)
#
# Knobs: BUILD (build), SURGE_BIN (the server to measure: BUILD/finestreta; another build, e.g.
# of the commit before a change, for a before/after on the same machine), BENCH_SURGE_SEATS (600),
# BENCH_SURGE_CONNS (64), BENCH_SERVER_THREADS (server.threads; 0: one per core). Prints one line per
# run (bookings/s, p50/p99, exactly once, the server's CPU per booking) with the load average before
# and after it; raw outputs in BUILD/bench-surge/. Loopback only; the server and wrk are stopped on
# exit.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
BIN=${SURGE_BIN:-$BUILD/finestreta}
OUT=$BUILD/bench-surge
RUNS=${1:-3}
# shellcheck disable=SC2034 # read by scripts/lib/surge.sh
WRK_THREADS=2
PIDS=()
say() { printf 'run-surge: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
# shellcheck source=scripts/lib/surge.sh
. scripts/lib/surge.sh
[[ -x $BIN ]] || die "$BIN not built: run 'make'"
if ! command -v wrk >/dev/null || ! command -v sqlite3 >/dev/null; then die "needs wrk and sqlite3"; fi

TMP=$(mktemp -d /tmp/finestreta-surge-run.XXXXXX)
mkdir -p "$OUT"
cpu_ticks() { awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$1/stat"; } # utime + stime
CLK_TCK=$(getconf CLK_TCK)
cleanup() {
	stop_pids
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for run in $(seq 1 "$RUNS"); do
	DB=$TMP/surge-$run.db
	PORT=$((20000 + RANDOM % 12000))
	env FINESTRETA_LOG_ACCESS=false FINESTRETA_SERVER_CONNECTIONS_PER_ADDRESS=100000 \
		FINESTRETA_BOOKING_RATE_BOOKING=0 FINESTRETA_BOOKING_RATE_AVAILABILITY=0 \
		FINESTRETA_SERVER_THREADS="${BENCH_SERVER_THREADS:-0}" \
		"$BIN" demo --db "sqlite:$DB" --listen "127.0.0.1:$PORT" >"$OUT/server-$run.log" 2>&1 &
	SERVER=$!
	PIDS+=("$SERVER")
	for _ in $(seq 1 300); do # up to 30 s (demo hashes the demo passwords first)
		curl -fs -o /dev/null "http://127.0.0.1:$PORT/healthz" && break
		kill -0 "$SERVER" 2>/dev/null || die "the server did not start; see $OUT/server-$run.log"
		sleep 0.1
	done
	TOKEN=$("$BIN" token create --user admin@vilamar.example --db "sqlite:$DB" | tail -n1)
	sq() { sqlite3 "$DB" "$1"; }
	LOAD0=$(cut -d' ' -f1 /proc/loadavg)
	CPU0=$(cpu_ticks "$SERVER")
	surge_run "http://127.0.0.1:$PORT" "$TOKEN" "${BENCH_SURGE_SEATS:-600}" "${BENCH_SURGE_CONNS:-64}" \
		"$OUT/wrk-$run.txt"
	LOAD1=$(cut -d' ' -f1 /proc/loadavg)
	CPU1=$(cpu_ticks "$SERVER")
	kill -0 "$SERVER" 2>/dev/null || die "the server exited during the surge; see $OUT/server-$run.log"
	stop_pid "$SERVER"
	# Server CPU over the surge and its checks, per booking: moves less than bookings/s when
	# other processes share the cores.
	CPU_US=$(awk -v t=$((CPU1 - CPU0)) -v hz="$CLK_TCK" -v n="$SURGE_ROWS" 'BEGIN{printf "%.0f", n ? t / hz * 1e6 / n : 0}')
	printf 'run %d: %s of %s booked in %s ms, %s bookings/s, p50 %s ms, p99 %s ms, 5xx %s, exactly once: %s, server CPU %s us/booking (load %s -> %s)\n' \
		"$run" "$SURGE_ROWS" "$SURGE_SEATS" "$SURGE_MS" "$SURGE_RATE" "$SURGE_P50" "$SURGE_P99" "$SURGE_5XX" \
		"$SURGE_OK" "$CPU_US" "$LOAD0" "$LOAD1"
	rm -f "$DB" "$DB"-wal "$DB"-shm
done
