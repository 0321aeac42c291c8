#!/bin/sh
# pg-test.sh — a throwaway PostgreSQL 15 cluster for tests.
#
#   scripts/pg-test.sh start DIR   creates and starts a cluster in DIR (must not exist or be empty),
#                                  prints its URL on stdout (the only stdout line):
#                                  postgresql://postgres@127.0.0.1:PORT/finestreta
#   scripts/pg-test.sh stop DIR    stops it and removes DIR
#
# The cluster listens on 127.0.0.1 only, on a free port, with its unix socket in DIR, trust
# authentication (loopback, throwaway) and fsync off. As root, the server runs as the `postgres`
# user (initdb refuses root). PG_BIN overrides the binaries' directory.
set -eu

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
MARK=.finestreta-pg-test

say() { echo "pg-test: $*" >&2; }
die() { say "$*"; exit 1; }

usage() { die "usage: $0 start DIR | stop DIR"; }

# Runs a command as the cluster owner.
as_owner() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

ensure_binaries() {
	[ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ] && return 0
	if [ "$(id -u)" = 0 ]; then
		say "installing postgresql-15"
		DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql-15 >&2 ||
			die "apt-get install -y postgresql-15 failed"
	else
		die "PostgreSQL 15 binaries missing in $PG_BIN; run: sudo apt-get install -y postgresql-15"
	fi
	[ -x "$PG_BIN/initdb" ] || die "no initdb in $PG_BIN after installing"
}

free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

start() {
	dir=$1
	ensure_binaries
	if [ -e "$dir" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
		die "$dir exists and is not empty"
	fi
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	touch "$dir/$MARK"
	if [ "$(id -u)" = 0 ]; then
		id postgres >/dev/null 2>&1 || die "no postgres user (install postgresql-15)"
		chown -R postgres:postgres "$dir"
		chmod 700 "$dir"
		runuser -u postgres -- test -w "$dir" ||
			die "user postgres cannot reach $dir (a parent directory is closed); use a dir under /tmp"
	fi

	as_owner "$PG_BIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale --no-sync \
		>"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }

	# The port is free when picked but could be taken before the server binds: try a few.
	tries=0
	while :; do
		tries=$((tries + 1))
		port=$(free_port)
		cat >"$dir/data/postgresql.auto.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF
		[ "$(id -u)" = 0 ] && chown postgres:postgres "$dir/data/postgresql.auto.conf"
		if as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >&2; then
			break
		fi
		[ "$tries" -lt 3 ] || { cat "$dir/server.log" >&2; die "server did not start"; }
		say "start failed on port $port, trying another"
	done

	i=0
	until "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port"; do
		i=$((i + 1))
		[ "$i" -lt 100 ] || die "server not ready"
		sleep 0.1
	done
	"$PG_BIN/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
		-c "CREATE DATABASE finestreta" >&2 || die "cannot create database finestreta"
	echo "$port" >"$dir/port"
	echo "postgresql://postgres@127.0.0.1:$port/finestreta"
}

stop() {
	dir=$1
	[ -f "$dir/$MARK" ] || die "$dir was not made by $0; not touching it"
	if [ -f "$dir/data/postmaster.pid" ]; then
		as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || say "pg_ctl stop failed"
	fi
	rm -rf "$dir"
}

[ $# -eq 2 ] || usage
case $1 in
start) start "$2" ;;
stop) stop "$2" ;;
*) usage ;;
esac
