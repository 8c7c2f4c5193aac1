#!/usr/bin/env bash
# Installing, on the host (no VM): make install lays out what the tree has
# (binary, man page, completion, units, rules, dashboards) and make uninstall
# takes it all back; make deb builds a package that lintian passes without an
# error, that dpkg installs into an empty chroot, where its static binary runs
# and fails cleanly without a kernel to trace, and that dpkg removes again.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
work=$top/build/e2e/package
rm -rf "$work"
mkdir -p "$work"

# What --version must say: the version in main.c and the tree's revision.
version=$(sed -n 's/^#define VT_VERSION "\(.*\)"$/\1/p' "$top/src/main.c")
rev=$(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)
want_version="vfio-trace $version (git $rev)"

# expected_files PREFIX: every file make install must write, from what the
# tree holds, one "MODE PATH" a line, sorted.
expected_files() {
	local p=$1 f
	{
		echo "755 $p/sbin/vfio-trace"
		[ -f "$top/doc/vfio-trace.8" ] && echo "644 $p/share/man/man8/vfio-trace.8"
		[ -f "$top/contrib/bash-completion/vfio-trace" ] &&
			echo "644 $p/share/bash-completion/completions/vfio-trace"
		for f in "$top"/contrib/systemd/*.service; do
			[ -f "$f" ] && echo "644 $p/lib/systemd/system/${f##*/}"
		done
		for f in "$top"/contrib/prometheus/*.yml; do
			[ -f "$f" ] && [[ $f != *.test.yml ]] && echo "644 $p/share/vfio-trace/prometheus/${f##*/}"
		done
		for f in "$top"/contrib/grafana/*.json; do
			[ -f "$f" ] && echo "644 $p/share/vfio-trace/grafana/${f##*/}"
		done
	} | sort
}

# installed_files DIR: every non-directory under DIR, as expected_files lists them.
installed_files() {
	(cd "$1" && find . ! -type d -printf '%m /%P\n' | sort)
}

# --- make install / make uninstall ---------------------------------------
stage=$work/stage
if out=$(make -s -C "$top" install DESTDIR="$stage" PREFIX=/usr 2>&1); then
	ok "install: make install DESTDIR=... PREFIX=/usr"
else
	not_ok "install: make install failed: $(echo "$out" | tail -n 3 | tr '\n' ' ')"
fi
want=$(expected_files /usr)
got=$(installed_files "$stage")
if [ "$got" = "$want" ]; then
	ok "install: every file the tree has, with its mode ($(echo "$want" | wc -l))"
else
	not_ok "install: files differ from the tree's (-want +got): $(diff <(echo "$want") <(echo "$got") | grep '^[<>]' | tr '\n' ' ')"
fi
check_eq "install: the installed binary's --version" "$("$stage/usr/sbin/vfio-trace" --version 2>&1)" "$want_version"

# The units name /usr/sbin/vfio-trace; installed elsewhere they must name
# where the binary went.
units=("$top"/contrib/systemd/*.service)
if [ -f "${units[0]}" ]; then
	other=$work/stage-local
	make -s -C "$top" install DESTDIR="$other" PREFIX=/usr/local > /dev/null 2>&1
	bad=$(grep -l '/usr/sbin/vfio-trace' "$other"/usr/local/lib/systemd/system/*.service 2>/dev/null)
	right=$(grep -L '^ExecStart=.*/usr/local/sbin/vfio-trace' "$other"/usr/local/lib/systemd/system/*.service 2>/dev/null)
	if [ -z "$bad" ] && [ -z "$right" ] && [ -f "$other/usr/local/sbin/vfio-trace" ]; then
		ok "install: with PREFIX=/usr/local the units' ExecStart is /usr/local/sbin/vfio-trace"
	else
		not_ok "install: PREFIX=/usr/local: units still naming /usr/sbin: '$bad', without ExecStart=/usr/local/sbin/vfio-trace: '$right'"
	fi
	make -s -C "$top" uninstall DESTDIR="$other" PREFIX=/usr/local > /dev/null 2>&1
else
	skip "install: the units' ExecStart under another PREFIX: no contrib/systemd/*.service in this tree"
fi

if out=$(make -s -C "$top" uninstall DESTDIR="$stage" PREFIX=/usr 2>&1); then
	ok "uninstall: make uninstall DESTDIR=... PREFIX=/usr"
else
	not_ok "uninstall: make uninstall failed: $(echo "$out" | tail -n 3 | tr '\n' ' ')"
fi
left=$(installed_files "$stage")
if [ -z "$left" ] && [ ! -e "$stage/usr/share/vfio-trace" ]; then
	ok "uninstall: no file left, and no /usr/share/vfio-trace"
else
	not_ok "uninstall: left behind: $(echo "$left" | tr '\n' ' ')$([ -e "$stage/usr/share/vfio-trace" ] && echo ' /usr/share/vfio-trace')"
fi

# --- make deb --------------------------------------------------------------
if ! command -v dpkg-buildpackage > /dev/null 2>&1 || ! command -v dh > /dev/null 2>&1; then
	skip "deb: dpkg-buildpackage or debhelper is not installed (tools/install-deps installs them)"
	e2e_finish
fi
if ! git -C "$top" rev-parse --git-dir > /dev/null 2>&1; then
	skip "deb: not a git checkout (make deb packages the files git knows of)"
	e2e_finish
fi
if out=$(make -s -C "$top" deb 2>&1); then
	ok "deb: make deb"
else
	not_ok "deb: make deb failed: $(echo "$out" | tail -n 3 | tr '\n' ' ')"
fi
debs=("$top"/build/deb/vfio-trace_*_amd64.deb)
deb=${debs[0]}
if [ ${#debs[@]} -ne 1 ] || [ ! -f "$deb" ]; then
	not_ok "deb: want one build/deb/vfio-trace_*_amd64.deb, found: ${debs[*]}"
	e2e_finish
fi
ok "deb: built ${deb#"$top"/}"

field() { dpkg-deb -f "$deb" "$1" 2>/dev/null; }
date=$(git -C "$top" log -1 --format=%cd --date=format:%Y%m%d 2>/dev/null)
check_eq "deb: Package" "$(field Package)" vfio-trace
check_eq "deb: Version" "$(field Version)" "$version+git$date.${rev//-/.}"
check_eq "deb: Architecture" "$(field Architecture)" amd64
check_eq "deb: Section" "$(field Section)" admin
check_eq "deb: Recommends" "$(field Recommends)" prometheus-node-exporter
# The binary is static: the package needs nothing but dpkg.
if [ -z "$(field Depends)" ] && [ -z "$(field Pre-Depends)" ]; then
	ok "deb: no Depends (a static binary)"
else
	not_ok "deb: Depends '$(field Depends)', Pre-Depends '$(field Pre-Depends)': a static binary needs none"
fi

# The package holds what make install would write (the man page gzipped),
# with a copyright and a changelog.
want_deb=$( (expected_files /usr | sed 's|\(/man8/.*\.8\)$|\1.gz|'
	echo "644 /usr/share/doc/vfio-trace/changelog.gz"
	echo "644 /usr/share/doc/vfio-trace/copyright") | awk '{ print $2 }' | sort)
got_deb=$(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { sub(/^\./, "", $6); print $6 }' |
	grep -v '^/usr/share/lintian/overrides/' | sort)
if [ "$got_deb" = "$want_deb" ]; then
	ok "deb: holds the files make install writes, a copyright and a changelog ($(echo "$want_deb" | wc -l))"
else
	not_ok "deb: contents differ (-want +got): $(diff <(echo "$want_deb") <(echo "$got_deb") | grep '^[<>]' | tr '\n' ' ')"
fi

# lintian: errors fail; warnings and overridden tags are listed (debian/
# vfio-trace.lintian-overrides says why each override is there). It exits 1
# when it could not run, 2 when it found an error, overridden ones included
# under --show-overrides: the E: lines decide.
if ! command -v lintian > /dev/null 2>&1; then
	skip "deb: lintian is not installed (tools/install-deps installs it)"
else
	rc=0
	out=$(lintian --show-overrides "$deb" 2>"$work/lintian.err") || rc=$?
	errors=$(printf '%s\n' "$out" | grep '^E: ')
	warnings=$(printf '%s\n' "$out" | grep '^W: ')
	printf '%s\n' "$out" | grep -E '^(W|O): ' | sed 's/^/  lintian /'
	if [ "$rc" -eq 1 ] || [ "$rc" -gt 2 ]; then
		not_ok "deb: lintian failed (exit $rc): $(tail -n 3 "$work/lintian.err" | tr '\n' ' ')"
	elif [ -n "$errors" ]; then
		while IFS= read -r line; do not_ok "deb: lintian $line"; done <<< "$errors"
	else
		ok "deb: lintian has no error ($(printf '%s' "$warnings" | grep -c '^W: ') warnings, listed above)"
	fi
fi

# --- the package in an empty chroot ---------------------------------------
if [ "$(id -u)" -ne 0 ]; then
	skip "deb: install into a chroot: chroot needs root"
	e2e_finish
fi
root=$work/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/triggers"
touch "$root/var/lib/dpkg/status" "$root/var/lib/dpkg/available"
check_cmd "chroot: dpkg --root -i installs the package into an empty root" \
	dpkg --root="$root" --log=/dev/null -i "$deb"
check_eq "chroot: dpkg's status" \
	"$(dpkg-query --root="$root" -W -f='${db:Status-Status}' vfio-trace 2>/dev/null)" installed
# Nothing else is in the root: the binary runs on its own.
check_eq "chroot: vfio-trace --version" "$(chroot "$root" /usr/sbin/vfio-trace --version 2>&1)" "$want_version"
# No /sys, no /proc in the chroot: no BTF, so nothing to trace. One line on
# stderr that says so, exit 1 (or 3 where vfio-pci is missing), no crash.
rc=0
chroot "$root" /usr/sbin/vfio-trace probes > "$work/probes.out" 2> "$work/probes.err" || rc=$?
err=$(cat "$work/probes.err")
if { [ "$rc" -eq 1 ] || [ "$rc" -eq 3 ]; } && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] &&
	[[ $err == "vfio-trace: "* ]]; then
	ok "chroot: vfio-trace probes fails with one line, exit $rc ($err)"
else
	not_ok "chroot: vfio-trace probes: exit $rc, stderr '$(printf '%s' "$err" | head -n 3 | tr '\n' ' ')'"
fi
check_cmd "chroot: dpkg --root -r removes the package" dpkg --root="$root" --log=/dev/null -r vfio-trace
left=$(cd "$root" && find . ! -type d ! -path './var/lib/dpkg/*' -printf '/%P\n')
# dpkg forgets a removed package that has no conffiles.
status=$(dpkg-query --root="$root" -W -f='${db:Status-Status}' vfio-trace 2>/dev/null) ||
	status=forgotten
if [ -z "$left" ] && { [ "$status" = not-installed ] || [ "$status" = forgotten ]; }; then
	ok "chroot: after dpkg -r, no file of the package is left, and dpkg has it $status"
else
	not_ok "chroot: after dpkg -r: status '$status', left: $(echo "$left" | tr '\n' ' ')"
fi
e2e_finish
