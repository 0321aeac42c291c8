#!/usr/bin/env bash
# Installs what Finestreta needs to build and test, and nothing when all is present.
# As root it runs apt-get itself; otherwise it prints the exact command and fails,
# so `make demo` / `make check` never half-work on a machine that lacks a library.
set -euo pipefail

# The one list of Debian packages the project needs (build, tests, fuzzing, browser).
DEB_PACKAGES="build-essential pkg-config clang libclang-rt-14-dev
	libmicrohttpd-dev libjansson-dev libsqlite3-dev sqlite3 libpq-dev libsodium-dev
	libinih-dev libcmocka-dev gettext postgresql chromium nodejs npm python3 curl tzdata
	libcurl4-openssl-dev libical-dev libcairo2-dev libpango1.0-dev libqrencode-dev libxlsxwriter-dev fonts-dejavu-core
	python3-aiosmtpd python3-icalendar poppler-utils openssl libssl-dev coturn espeak-ng zbar-tools python3-openpyxl libzbar-dev
	libbrotli-dev zlib1g-dev fonts-wqy-microhei"

# Packages that count as present when their command is, whatever dpkg says:
# Node.js may come from another repository whose nodejs already ships npm, and
# Debian's npm package would conflict with it.
declare -A BY_COMMAND=([nodejs]=node [npm]=npm)

cd "$(dirname "$0")/.."

missing=()
# One dpkg-query for all packages keeps the all-present case fast.
status=$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' $DEB_PACKAGES 2>/dev/null || true)
for pkg in $DEB_PACKAGES; do
	if [[ -n "${BY_COMMAND[$pkg]:-}" ]] && command -v "${BY_COMMAND[$pkg]}" >/dev/null 2>&1; then
		continue
	fi
	if ! grep -qE "^$pkg ii" <<<"$status"; then
		missing+=("$pkg")
	fi
done

if ((${#missing[@]})); then
	cmd="apt-get install -y --no-install-recommends ${missing[*]}"
	if [[ $(id -u) -ne 0 ]]; then
		echo "install-deps: missing Debian packages: ${missing[*]}" >&2
		echo "install-deps: run as root:" >&2
		echo "  apt-get update && $cmd" >&2
		exit 1
	fi
	echo "install-deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# A fresh machine may have no package lists at all; update once, first.
	if ! apt-get install -y --no-install-recommends "${missing[@]}"; then
		apt-get update
		apt-get install -y --no-install-recommends "${missing[@]}"
	fi
fi

scripts/check-node.sh || exit 1

# The browser comes from Debian (chromium); playwright-core must never download one.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [[ ! -d node_modules || package-lock.json -nt node_modules ]]; then
	echo "install-deps: npm ci"
	npm ci --no-audit --no-fund --loglevel=error
	touch node_modules
fi
