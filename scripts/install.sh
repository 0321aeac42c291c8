#!/usr/bin/env bash
# `make install`: copies the binary and the data it reads into their places.
#   BINDIR/finestreta
#   DATADIR/finestreta/{templates,static,locale,migrations}   (server.root)
#   DATADIR/finestreta/examples/{catalogue.json,holidays/,finestreta.ini.example,nginx.conf}
#   SYSCONFDIR/finestreta/finestreta.ini   (from the example; never overwritten)
#   UNITDIR/finestreta.service             (deploy/finestreta.service with these paths)
# Variables (from make): DESTDIR, PREFIX (default /usr), BINDIR, DATADIR, SYSCONFDIR (/etc),
# UNITDIR (PREFIX/lib/systemd/system), DOCDIR (DATADIR/doc/finestreta), BUILD (the build folder
# holding finestreta).
set -euo pipefail
cd "$(dirname "$0")/.."

PREFIX=${PREFIX:-/usr}
BINDIR=${BINDIR:-$PREFIX/bin}
DATADIR=${DATADIR:-$PREFIX/share}
SYSCONFDIR=${SYSCONFDIR:-/etc}
UNITDIR=${UNITDIR:-$PREFIX/lib/systemd/system}
DOCDIR=${DOCDIR:-$DATADIR/doc/finestreta}
BUILD=${BUILD:-build}
DESTDIR=${DESTDIR:-}

if [[ ! -x "$BUILD/finestreta" ]]; then
	echo "install: $BUILD/finestreta not found; run make first" >&2
	exit 1
fi

share="$DATADIR/finestreta"
install -d "$DESTDIR$BINDIR" "$DESTDIR$share/examples/holidays" "$DESTDIR$SYSCONFDIR/finestreta" "$DESTDIR$UNITDIR"
install -m 0755 "$BUILD/finestreta" "$DESTDIR$BINDIR/finestreta"
for dir in templates static locale migrations; do
	rm -rf "$DESTDIR$share/${dir:?}" # files an older version had and this one has not
	while IFS= read -r -d '' f; do
		install -D -m 0644 "$f" "$DESTDIR$share/$f"
	done < <(find "$dir" -type f -print0)
done
install -m 0644 deploy/demo/catalogue.json deploy/demo/facilities.csv deploy/demo/postcodes.csv deploy/finestreta.ini.example deploy/nginx.conf "$DESTDIR$share/examples/"
install -m 0644 deploy/holidays/*.csv "$DESTDIR$share/examples/holidays/"
install -d "$DESTDIR$DOCDIR"
install -m 0644 README.md docs/*.md "$DESTDIR$DOCDIR/"

# The example configuration names the Debian paths; point it at these ones.
ini="$DESTDIR$SYSCONFDIR/finestreta/finestreta.ini"
if [[ -e "$ini" ]]; then
	echo "install: keeping the existing $ini"
else
	sed -e "s|^root = .*|root = $share|" deploy/finestreta.ini.example >"$ini"
	chmod 0640 "$ini"
fi
sed -e "s|/usr/bin/finestreta|$BINDIR/finestreta|g" -e "s|/etc/finestreta/|$SYSCONFDIR/finestreta/|g" \
	deploy/finestreta.service >"$DESTDIR$UNITDIR/finestreta.service"
chmod 0644 "$DESTDIR$UNITDIR/finestreta.service"
echo "install: $DESTDIR$BINDIR/finestreta, data in $DESTDIR$share, settings in $ini"
