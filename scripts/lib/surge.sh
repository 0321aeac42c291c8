# surge.sh — a release-day booking surge, shared by scripts/run-bench.sh (SQLite, one node),
# scripts/run-surge.sh (the surge alone) and scripts/run-bench-pg.sh (PostgreSQL, two nodes behind
# HAProxy). Sourced; the caller defines
# say, die, sq (SQL on the database, one value per line), WRK_THREADS and the PIDS array.
#
# surge_run BASE TOKEN WANT CONNS OUTFILE [KILL_PID KILL_AFTER]
#   Every free seat of SURGE_SERVICE in person at three demo offices, the first starts holding WANT
#   seats or just over, raced for at once by CONNS wrk connections through BASE with the staff
#   bearer TOKEN, a different person per request (bench/surge.lua). With KILL_PID, that process is
#   killed (SIGKILL) once KILL_AFTER bookings are in the database. Then the database says whether
#   any seat went twice. Sets SURGE_SEATS, SURGE_BOOKED (201 answers), SURGE_ROWS (appointments in
#   the database), SURGE_LEFT (seats still offered at those starts), SURGE_OVER (slots over
#   capacity), SURGE_MISMATCH (slots whose counters disagree with their appointments), SURGE_5XX,
#   SURGE_MS, SURGE_RATE (bookings/s), SURGE_P50, SURGE_P99 and SURGE_OK (yes/no). With SURGE_SIDE
#   set to a path, that path is asked on 16 other connections meanwhile: SURGE_SIDE_RPS and
#   SURGE_SIDE_P99.
SURGE_SERVICE=ajuts-socials

# stop_pid PID: TERM, up to 5 s, then KILL; reaps it.
stop_pid() {
	local pid=$1
	kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for _ in $(seq 1 50); do # up to 5 s, then force
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
	wait "$pid" 2>/dev/null || true
}
# stop_pids: stop_pid for every process of the PIDS array.
stop_pids() {
	local pid
	for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
}

# to_ms VALUE-WITH-UNIT (wrk prints 812.00us, 1.20ms, 1.01s, 1.00m)
to_ms() { awk -v v="$1" 'BEGIN{ if (v ~ /us$/) printf "%.2f", v/1000; else if (v ~ /ms$/) printf "%.2f", v+0;
	else if (v ~ /s$/) printf "%.2f", v*1000; else if (v ~ /m$/) printf "%.2f", v*60000; else printf "%s", v }'; }
SURGE_EMAILS="email LIKE 's%@example.org'"

# Prints "office start free" for every start with a free seat (as the staff see them).
surge_starts() { # BASE TOKEN
	local o to
	to=$(date -d '+80 days' +%F)
	for o in centre la-riera mar-blava; do
		curl -fs -H "Authorization: Bearer $2" \
			"$1/api/v1/availability?service=$SURGE_SERVICE&channel=in_person&office=$o&to=$to" |
			python3 -c 'import json,sys; o=sys.argv[1]; d=json.load(sys.stdin)
for day in d["days"]:
    for s in day["slots"]: print(o, s["start"], s["free"])' "$o"
	done
}

surge_count() { sq "SELECT COUNT(*) FROM appointments WHERE $SURGE_EMAILS" 2>/dev/null || echo 0; }

surge_run() {
	local base=$1 token=$2 want=$3 conns=$4 f=$5 kill_pid=${6:-} kill_after=${7:-0}
	local dir
	dir=$(mktemp -d /tmp/finestreta-surge.XXXXXX)
	# The first starts (offices interleaved by time) holding `want` seats or just over.
	surge_starts "$base" "$token" | sort -s -k2,2 | awk -v want="$want" 'n < want {print; n += $3}' >"$dir/free.txt"
	SURGE_SEATS=$(awk '{n += $3} END{print n + 0}' "$dir/free.txt")
	cut -d' ' -f1,2 "$dir/free.txt" >"$dir/starts.txt"
	((SURGE_SEATS > 0)) || die "surge: no free seat to race for"
	local before
	before=$(surge_count)
	say "surge: $SURGE_SEATS seats at $(wc -l <"$dir/starts.txt") starts, $conns connections"
	# wrk's own duration is the -d it was given; the surge lasts from its start until the database
	# holds every seat (polled every 20 ms), after which wrk is interrupted (it prints its report).
	local t0 t1=0 n wrk_pid
	t0=$(date +%s%N)
	SURGE_TOKEN=$token SURGE_SERVICE=$SURGE_SERVICE SURGE_STARTS=$dir/starts.txt \
		wrk -t"$WRK_THREADS" -c"$conns" -d60s --latency -s bench/surge.lua "$base" >"$f" &
	wrk_pid=$!
	PIDS+=("$wrk_pid")
	# SURGE_SIDE=PATH: simple requests on 16 connections of their own while the surge runs.
	local side_pid=""
	if [[ -n ${SURGE_SIDE:-} ]]; then
		wrk -t1 -c16 -d60s --latency "$base$SURGE_SIDE" >"$f.side" &
		side_pid=$!
		PIDS+=("$side_pid")
	fi
	while kill -0 "$wrk_pid" 2>/dev/null; do
		n=$(($(surge_count) - before))
		if [[ -n $kill_pid ]] && ((n >= kill_after)) && kill -0 "$kill_pid" 2>/dev/null; then
			say "surge: $n booked, killing pid $kill_pid"
			kill -KILL "$kill_pid" 2>/dev/null || true
		fi
		if ((n >= SURGE_SEATS)); then
			t1=$(date +%s%N)
			sleep 0.5 # the answers still on their way
			kill -INT "$wrk_pid" 2>/dev/null || true
			break
		fi
		sleep 0.02
	done
	wait "$wrk_pid" || true
	if [[ -n $side_pid ]]; then
		kill -INT "$side_pid" 2>/dev/null || true
		wait "$side_pid" || true
		SURGE_SIDE_RPS=$(awk '/^Requests\/sec:/{printf "%.0f", $2}' "$f.side")
		SURGE_SIDE_P99=$(to_ms "$(awk '/Latency Distribution/{d=1} d && $1=="99%"{print $2; exit}' "$f.side")")
	fi
	((t1 > 0)) || t1=$(date +%s%N)
	surge_starts "$base" "$token" >"$dir/after.txt"
	# Seats still free at the starts raced for.
	SURGE_LEFT=$(awk 'NR == FNR {race[$1 " " $2] = 1; next} ($1 " " $2) in race {n += $3} END{print n + 0}' \
		"$dir/starts.txt" "$dir/after.txt")
	SURGE_OVER=$(sq "SELECT COUNT(*) FROM slots WHERE booked > capacity OR staff_booked > staff_capacity")
	SURGE_MISMATCH=$(sq "SELECT COUNT(*) FROM slots s WHERE s.id IN (SELECT slot_id FROM appointments WHERE $SURGE_EMAILS)
		AND (SELECT COUNT(*) FROM appointments a WHERE a.slot_id = s.id AND a.status <> 'cancelled') <> s.booked + s.staff_booked")
	SURGE_ROWS=$(($(surge_count) - before))
	sw() { awk -F= -v k="$1" '$1==k{print $2}' "$f"; }
	SURGE_BOOKED=$(sw surge_booked)
	SURGE_5XX=$(sw surge_5xx)
	SURGE_MS=$(((t1 - t0) / 1000000))
	SURGE_RATE=$(awk -v b="$SURGE_ROWS" -v ms="$SURGE_MS" 'BEGIN{if (ms > 0) printf "%.0f", b / ms * 1000; else print "?"}')
	SURGE_P50=$(to_ms "$(awk '/Latency Distribution/{d=1} d && $1=="50%"{print $2; exit}' "$f")")
	SURGE_P99=$(to_ms "$(awk '/Latency Distribution/{d=1} d && $1=="99%"{print $2; exit}' "$f")")
	SURGE_OK=yes
	[[ $SURGE_ROWS == "$SURGE_SEATS" && $SURGE_LEFT == 0 && $SURGE_OVER == 0 && $SURGE_MISMATCH == 0 ]] || SURGE_OK=no
	# Without a kill: every seat answered 201 and nothing failed. With one: every 201 answered
	# is in the database (none lost); the answers cut off by the kill are 5xx.
	if [[ -z $kill_pid ]]; then
		[[ $SURGE_BOOKED == "$SURGE_SEATS" && $SURGE_5XX == 0 ]] || SURGE_OK=no
	else
		((SURGE_BOOKED <= SURGE_ROWS)) || SURGE_OK=no
	fi
	rm -rf "$dir"
	say "surge: $SURGE_ROWS of $SURGE_SEATS booked in $SURGE_MS ms ($SURGE_BOOKED answered 201, $SURGE_5XX 5xx), exactly once: $SURGE_OK"
}
