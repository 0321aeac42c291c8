#!/usr/bin/env bash
# `make install` into a scratch DESTDIR, then the installed binary at work from another folder:
# the files land where the example configuration expects them, the installed settings file
# names them, migrations run, the server answers /healthz and renders a page. No root needed.
# Ends with "install: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${1:-build}

. scripts/lib/testkit.sh

dest=$(mktemp -d /tmp/finestreta-install.XXXXXX)
pid=""
cleanup() {
	[[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$dest"
}
trap cleanup EXIT

if ! make --no-print-directory -s install BUILD="$BUILD" DESTDIR="$dest" PREFIX=/usr >"$dest.log" 2>&1; then
	cat "$dest.log" >&2
	rm -f "$dest.log"
	bad "make install DESTDIR=$dest PREFIX=/usr"
	summary install
	exit 1
fi
rm -f "$dest.log"
ok "make install DESTDIR=… PREFIX=/usr"

bin=$dest/usr/bin/finestreta
share=$dest/usr/share/finestreta
for f in usr/bin/finestreta usr/share/finestreta/templates/layout/base.html usr/share/finestreta/static/style.css \
	usr/share/finestreta/locale/core/ca.po usr/share/finestreta/migrations/auth/001_foundation.sql \
	usr/share/finestreta/examples/catalogue.json usr/share/finestreta/examples/holidays/catalonia-2027.csv \
	usr/share/finestreta/examples/nginx.conf usr/share/finestreta/examples/haproxy.cfg etc/finestreta/finestreta.ini usr/lib/systemd/system/finestreta.service \
	usr/share/doc/finestreta/operations.md; do
	check "installed $f" test -e "$dest/$f"
done
n_src=$(find templates static locale migrations -type f | wc -l)
n_dst=$(cd "$share" && find templates static locale migrations -type f | wc -l)
check "every data file installed ($n_src)" test "$n_src" -eq "$n_dst"
check "finestreta.ini names the data folder" grep -qx "root = /usr/share/finestreta" "$dest/etc/finestreta/finestreta.ini"
check "the unit starts the installed binary" grep -qx "ExecStart=/usr/bin/finestreta serve --config /etc/finestreta/finestreta.ini" \
	"$dest/usr/lib/systemd/system/finestreta.service"

# Installing again keeps a changed settings file.
echo "# changed by hand" >>"$dest/etc/finestreta/finestreta.ini"
make --no-print-directory -s install BUILD="$BUILD" DESTDIR="$dest" PREFIX=/usr >/dev/null 2>&1
check "a second install keeps the settings file" grep -q "changed by hand" "$dest/etc/finestreta/finestreta.ini"

# The installed binary, run from an unrelated folder with no settings: it finds its data
# next to itself (DESTDIR/usr/share/finestreta), not in the working directory.
work=$dest/var/lib/finestreta
mkdir -p "$work"
out=$(cd "$work" && env -u FINESTRETA_CONFIG "$bin" migrate --db "sqlite:$work/f.db" 2>&1)
# The migrations of the capabilities in the table (those owning a route; the skeleton's are not run).
n=0
for cap in $("$bin" routes | cut -f3 | sort -u); do
	[[ -d "$ROOT/migrations/$cap" ]] && n=$((n + $(find "$ROOT/migrations/$cap" -name '*.sql' | wc -l)))
done
check "migrate from another folder: '$out'" test "$out" = "applied $n migrations; the database is up to date"
port=$(free_port)
(cd "$work" && exec "$bin" serve --db "sqlite:$work/f.db" --listen "127.0.0.1:$port" >"$work/log" 2>&1) &
pid=$!
check "the installed server answers /healthz" wait_for 100 curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz"
page=$(curl -fsS "http://127.0.0.1:$port/?lang=en" 2>/dev/null || true)
check "it renders the home page from the installed templates" grep -q '<html lang="en"' <<<"$page"
check "and serves the installed static files" curl -fsS -o /dev/null "http://127.0.0.1:$port/static/style.css"
kill "$pid" && wait "$pid"
rc=$?
pid=""
check "it stops on SIGTERM with exit 0" test "$rc" -eq 0
if ((fail)); then cat "$work/log" >&2; fi
summary install
