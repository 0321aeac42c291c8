#!/usr/bin/env bash
# `make test-deb`: installs build/deb/finestreta_*.deb on this machine, starts the service,
# checks that it answers, then purges the package. As root only, and never over a finestreta
# package that is already installed (it would replace and then purge it).
#
# The service starts under systemd when systemd runs this machine (PID 1). In a container
# without it, the unit's ExecStart runs the way the unit says: as its User and Group, in its
# WorkingDirectory, with the StateDirectory created for it, a clean environment plus its
# EnvironmentFile, no new privileges and no capabilities, a private /tmp, a read-only file
# system except the state directory (ProtectSystem=strict) and hidden home folders — only the
# listening port may differ, when 127.0.0.1:8080 is taken. Ends with "deb: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}

. scripts/lib/testkit.sh
finish() { summary deb; exit; }

if [[ $(id -u) -ne 0 ]]; then
	echo "test-deb: run as root (it installs and purges the package)" >&2
	exit 2
fi
if dpkg-query -W -f='${db:Status-Abbrev}' finestreta 2>/dev/null | grep -q '^i'; then
	echo "test-deb: a finestreta package is installed already; not touching it" >&2
	exit 2
fi
deb=$(ls -t build/deb/finestreta_*.deb 2>/dev/null | head -n 1)
[[ -n "$deb" ]] || { echo "test-deb: no package; run make deb" >&2; exit 2; }
echo "test-deb: $deb"

had_user=0
getent passwd finestreta >/dev/null && had_user=1
pid=""
cleanup() {
	[[ -n "$pid" ]] && kill "$pid" 2>/dev/null
	if dpkg-query -W -f='${db:Status-Abbrev}' finestreta 2>/dev/null | grep -q '^[ir]'; then
		dpkg --purge finestreta >/dev/null 2>&1
	fi
	if ((!had_user)) && getent passwd finestreta >/dev/null; then
		userdel finestreta 2>/dev/null
		getent group finestreta >/dev/null && groupdel finestreta 2>/dev/null
	fi
}
trap cleanup EXIT

# The package itself.
contents=$(dpkg-deb --contents "$deb")
for f in ./usr/bin/finestreta ./usr/share/finestreta/templates/layout/base.html ./usr/share/finestreta/migrations/ \
	./usr/share/finestreta/examples/catalogue.json ./etc/finestreta/finestreta.ini ./lib/systemd/system/finestreta.service \
	./usr/share/doc/finestreta/operations.md; do
	check "the package holds $f" grep -q " $f\$" <<<"$contents"
done
check "finestreta.ini is a conffile" bash -c 'dpkg-deb --ctrl-tarfile "$1" | tar -xO ./conffiles | grep -qx /etc/finestreta/finestreta.ini' _ "$deb"

# Install.
if ! dpkg -i "$deb" >/tmp/test-deb.log 2>&1; then
	cat /tmp/test-deb.log >&2
	bad "dpkg -i $deb"
	finish
fi
ok "dpkg -i $deb"
unit=/lib/systemd/system/finestreta.service
check "systemd-analyze verify accepts the unit" systemd-analyze verify "$unit"
exposure=$(systemd-analyze security --offline=true "$unit" 2>/dev/null | sed -n 's/.*Overall exposure level for finestreta.service: \([0-9.]*\).*/\1/p')
check "systemd-analyze security rates the unit's exposure low ($exposure < 2.5)" \
	python3 -c 'import sys; sys.exit(0 if sys.argv[1] and float(sys.argv[1]) < 2.5 else 1)' "$exposure"
for key in "ProtectSystem=strict" "NoNewPrivileges=yes" "PrivateTmp=yes" "StateDirectory=finestreta" "User=finestreta"; do
	check "the unit says $key" grep -qx "$key" "$unit"
done
IFS=: read -r _ _ uid _ _ home shell < <(getent passwd finestreta)
check "system user finestreta (uid $uid)" test -n "$uid" -a "${uid:-1000}" -lt 1000
check "its home is /var/lib/finestreta and it has no shell" test "$home:$shell" = /var/lib/finestreta:/usr/sbin/nologin
check "finestreta.ini is root:finestreta 0640" test "$(stat -c '%U:%G %a' /etc/finestreta/finestreta.ini)" = "root:finestreta 640"
check "/var/lib/finestreta belongs to finestreta" test "$(stat -c '%U:%G %a' /var/lib/finestreta)" = "finestreta:finestreta 750"
check "postinst ran the migrations (the database belongs to finestreta)" \
	test "$(stat -c %U /var/lib/finestreta/finestreta.db 2>/dev/null)" = finestreta
out=$(cd /var/lib/finestreta && runuser -u finestreta -- finestreta migrate --config /etc/finestreta/finestreta.ini 2>&1)
check "nothing left to migrate ('$out')" test "$out" = "no migration to apply; the database is up to date"

# Start the service.
value() { sed -n "s/^$1=//p" "$unit" | tail -n 1; }
listen=$(sed -n 's/^listen *= *//p' /etc/finestreta/finestreta.ini)
port=${listen##*:}
if [[ -d /run/systemd/system ]]; then
	echo "test-deb: systemd runs this machine: systemctl start finestreta"
	systemctl restart finestreta.service
	check "systemctl start finestreta" systemctl is-active --quiet finestreta.service
else
	echo "test-deb: no systemd as PID 1 ($(ps -o comm= -p 1)): running the unit's ExecStart as systemd would"
	user=$(value User)
	group=$(value Group)
	wd=$(value WorkingDirectory)
	state=/var/lib/$(value StateDirectory)
	exec_start=$(value ExecStart)
	envfile=$(value EnvironmentFile)
	envfile=${envfile#-}
	install -d -o "$user" -g "$group" -m "$(value StateDirectoryMode)" "$state"
	env_args=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME="$state" USER="$user" LOGNAME="$user")
	if [[ -r "$envfile" ]]; then
		while IFS= read -r l; do [[ "$l" =~ ^[A-Z_]+= ]] && env_args+=("$l"); done <"$envfile"
	fi
	if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
		port=$(free_port)
		echo "test-deb: $listen is taken on this machine; listening on 127.0.0.1:$port instead"
		env_args+=("FINESTRETA_SERVER_LISTEN=127.0.0.1:$port")
	fi
	# ProtectSystem=strict, ProtectHome=yes and PrivateTmp=yes in a mount namespace of its own;
	# User/Group, NoNewPrivileges=yes and an empty CapabilityBoundingSet through setpriv.
	unshare -m --propagation private bash -c '
		set -e
		state=$1 wd=$2 user=$3 group=$4; shift 4
		mount --bind "$state" "$state"
		mount -t tmpfs -o mode=1777 tmpfs /tmp
		mount -t tmpfs -o mode=1777 tmpfs /var/tmp
		for h in /home /root /run/user; do [ -d "$h" ] && mount -t tmpfs -o ro,mode=0755 tmpfs "$h"; done
		awk "{print \$5}" /proc/self/mountinfo | sort -u | while read -r mp; do
			case "$mp" in /proc*|/sys*|/dev*|"$state"|/tmp|/var/tmp|/home|/root|/run/user) continue ;; esac
			mount -o remount,bind,ro "$mp" 2>/dev/null || true
		done
		mount -o remount,bind,rw "$state"
		cd "$wd"
		exec setpriv --reuid="$user" --regid="$group" --init-groups --no-new-privs \
			--inh-caps=-all --bounding-set=-all env -i "$@"
	' bash "$state" "$wd" "$user" "$group" "${env_args[@]}" $exec_start >/tmp/test-deb.service.log 2>&1 &
	pid=$!
fi
wait_for 100 curl -fsS -o /tmp/test-deb.healthz "http://127.0.0.1:$port/healthz" 2>/dev/null
check "GET /healthz answers 200 ($(cat /tmp/test-deb.healthz 2>/dev/null))" grep -q '"status":"ok"' /tmp/test-deb.healthz
check "the home page renders from /usr/share/finestreta" \
	bash -c 'curl -fsS "http://127.0.0.1:$1/?lang=en" | grep -q "<html lang=\"en\""' _ "$port"
spid=$(ss -Hltnp "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2)
check "the server runs as finestreta" test "$(ps -o user= -p "${spid:-0}" 2>/dev/null)" = finestreta
if [[ -n "$pid" ]]; then
	check "the file system is read-only for it outside /var/lib/finestreta" \
		bash -c 'grep -q " / ro," <(nsenter -t "$1" -m cat /proc/self/mounts | awk "{print \" \"\$2\" \"\$4\",\"}") &&
			nsenter -t "$1" -m findmnt -no OPTIONS /var/lib/finestreta | grep -q "^rw"' _ "$spid"
	kill -TERM "$pid"
	wait "$pid"
	rc=$?
	pid=""
	check "SIGTERM stops it with exit 0" test "$rc" -eq 0
else
	systemctl stop finestreta.service
	check "systemctl stop finestreta" bash -c '! systemctl is-active --quiet finestreta.service'
fi
if ((fail)); then tail -20 /tmp/test-deb.service.log >&2 2>/dev/null; fi

# Reinstalling keeps a changed conffile; remove keeps settings and data; purge removes both.
echo "; changed by hand" >>/etc/finestreta/finestreta.ini
dpkg -i --force-confold "$deb" >/dev/null 2>&1
check "a reinstall keeps the changed finestreta.ini" grep -q "changed by hand" /etc/finestreta/finestreta.ini
dpkg -r finestreta >/dev/null 2>&1
check "dpkg -r removes the binary and the data files" test ! -e /usr/bin/finestreta -a ! -e /usr/share/finestreta
check "and keeps the settings and the database" test -e /etc/finestreta/finestreta.ini -a -e /var/lib/finestreta/finestreta.db
dpkg --purge finestreta >/dev/null 2>&1
check "dpkg --purge removes the settings and the state directory" test ! -e /etc/finestreta -a ! -e /var/lib/finestreta
check "the package is gone" bash -c '! dpkg-query -W -f="\${db:Status-Abbrev}" finestreta 2>/dev/null | grep -q "^[ir]"'
rm -f /tmp/test-deb.log /tmp/test-deb.healthz /tmp/test-deb.service.log
finish
