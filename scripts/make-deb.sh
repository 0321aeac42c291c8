#!/usr/bin/env bash
# `make deb`: build/deb/finestreta_VERSION_ARCH.deb with dpkg-deb, from `make install` into a
# staging folder (PREFIX=/usr, the unit in /lib/systemd/system). Maintainer scripts and the
# control template are in deploy/debian/; the library dependencies come from dpkg-shlibdeps.
# DEB_MAINTAINER overrides the Maintainer field.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}

version=$("$BUILD/finestreta" --version | awk '{print $2}')
arch=$(dpkg --print-architecture)
maintainer=${DEB_MAINTAINER:-Finestreta maintainers <maintainers@finestreta.invalid>}
out=build/deb
stage=$out/finestreta_${version}_$arch
rm -rf "$stage"
mkdir -p "$stage/DEBIAN"

DESTDIR="$PWD/$stage" PREFIX=/usr SYSCONFDIR=/etc UNITDIR=/lib/systemd/system BUILD="$BUILD" \
	scripts/install.sh >/dev/null
strip --strip-unneeded -o "$stage/usr/bin/finestreta.tmp" "$stage/usr/bin/finestreta"
mv "$stage/usr/bin/finestreta.tmp" "$stage/usr/bin/finestreta"
chmod 0755 "$stage/usr/bin/finestreta"
# The package's postinst sets the settings file's owner and mode; ship it 0644 for dpkg.
chmod 0644 "$stage/etc/finestreta/finestreta.ini"

# Library dependencies, as dpkg-shlibdeps reads them (it wants a debian/control beside it).
shl=$(mktemp -d)
mkdir -p "$shl/debian"
printf 'Source: finestreta\n\nPackage: finestreta\nArchitecture: any\n' >"$shl/debian/control"
depends=$(cd "$shl" && dpkg-shlibdeps -O "$OLDPWD/$stage/usr/bin/finestreta" 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
rm -rf "$shl"
if [[ -z "$depends" ]]; then
	echo "make-deb: dpkg-shlibdeps found no dependencies" >&2
	exit 1
fi

size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@MAINTAINER@|$maintainer|" \
	-e "s|@SIZE@|$size|" -e "s|@DEPENDS@|$depends|" deploy/debian/control.in >"$stage/DEBIAN/control"
echo /etc/finestreta/finestreta.ini >"$stage/DEBIAN/conffiles"
install -m 0755 deploy/debian/postinst deploy/debian/prerm deploy/debian/postrm "$stage/DEBIAN/"
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -print0 | sort -z | xargs -0 md5sum | sed 's|  \./|  |') \
	>"$stage/DEBIAN/md5sums"

deb=$out/finestreta_${version}_$arch.deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "make-deb: $deb"
