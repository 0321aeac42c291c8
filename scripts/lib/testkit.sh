# Shared by the shell test scripts (test-install.sh, test-nginx.sh, test-deb.sh,
# test-check-node.sh): counted checks, polling, a free loopback port. Source it.
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok: $*"; }
bad() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
# check WHAT CMD...: one check, passed when CMD succeeds.
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}
# wait_for TENTHS CMD...: runs CMD every 0.1 s until it succeeds, TENTHS times at most.
wait_for() {
	local n=$1 i
	shift
	for ((i = 0; i < n; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}
# A port nobody listens on right now on 127.0.0.1.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
# summary NAME: prints "NAME: N passed, N failed"; succeeds when nothing failed.
summary() {
	echo "$1: $pass passed, $fail failed"
	((fail == 0))
}
