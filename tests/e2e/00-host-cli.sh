#!/usr/bin/env bash
# The command line on the development host itself (no VM): bad input gets one
# line and exit 2; a kernel without vfio gets an explanation, not a libbpf dump.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
bin=$top/build/vfio-trace

# expect_usage_error NAME ARGS...: exit 2, exactly one line on stderr, nothing on stdout.
expect_usage_error() {
	local name=$1 out err rc=0
	shift
	out=$("$bin" "$@" 2>/tmp/vt-cli-err) || rc=$?
	err=$(cat /tmp/vt-cli-err)
	if [ "$rc" -eq 2 ] && [ -z "$out" ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] &&
		[[ $err == "vfio-trace: "* ]]; then
		ok "usage error: $name ($err)"
	else
		not_ok "usage error: $name: rc $rc, stdout '$out', stderr '$err'"
	fi
}

expect_usage_error "bad BDF" -d 0000:zz:00.0
expect_usage_error "device number out of range" -d 0000:00:20.0
expect_usage_error "function out of range" -d 00:01.8
expect_usage_error "zero interval" 0
expect_usage_error "negative interval" -- -1
expect_usage_error "interval not a number" abc
expect_usage_error "count without interval" --count 3
expect_usage_error "too many positionals" 1 2 3
expect_usage_error "bad pid" -p 0
expect_usage_error "pid not a number" -p 12x
expect_usage_error "unknown option" --frobnicate
expect_usage_error "export without a directory" export
expect_usage_error "textfile dir outside export" --textfile-dir /tmp
expect_usage_error "more -d devices than --max-devices has room for" --max-devices 2 -d 1:0.0 -d 2:0.0 -d 3:0.0
expect_usage_error "events takes no interval" events 1
expect_usage_error "--stacks with export" export --textfile-dir /tmp --stacks
expect_usage_error "--stacks with probes" probes --stacks
expect_usage_error "--stacks takes no value" --stacks=5
expect_usage_error "--lockdep outside probes" lockdep --lockdep
expect_usage_error "--keep without --watch-kmsg" lockdep --keep 5
expect_usage_error "--keep out of range" lockdep --watch-kmsg /tmp --keep 0
expect_usage_error "--watch-kmsg outside lockdep" --watch-kmsg /tmp
# The flight recorder's directory is checked before anything is attached.
expect_usage_error "--watch-kmsg into a missing directory" lockdep --watch-kmsg /nonexistent/dumps
expect_usage_error "--watch-kmsg into a file" lockdep --watch-kmsg /etc/hostname
expect_usage_error "--watch-kmsg where no file can be made" lockdep --watch-kmsg /proc

check_cmd "--help exits 0" "$bin" --help
# The version and the git revision the binary was built from.
check_eq "--version" "$("$bin" --version)" \
	"vfio-trace 0.1.0 (git $(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown))"
expect_usage_error "two subcommands" probes lockdep
expect_usage_error "-o with export" export --textfile-dir /tmp -o /tmp/x
expect_usage_error "-o without a file name" probes -o ""
expect_usage_error "a subcommand after INTERVAL" 1 events

if [ "$(id -u)" -ne 0 ]; then
	skip "host kernel checks: not root"
	e2e_finish
fi

# Least privilege: without CAP_SYS_ADMIN it names the capability, one line, exit 1.
if command -v setpriv > /dev/null; then
	rc=0
	setpriv --inh-caps=-sys_admin --bounding-set=-sys_admin "$bin" probes > /dev/null 2>/tmp/vt-cli-err || rc=$?
	check_eq "without CAP_SYS_ADMIN: exit code" "$rc" 1
	check_eq "without CAP_SYS_ADMIN: names it in one line" \
		"$(grep -c 'missing capability CAP_SYS_ADMIN' /tmp/vt-cli-err)/$(wc -l < /tmp/vt-cli-err)" 1/1
else
	skip "capability check: setpriv (util-linux) not installed"
fi

rc=0
"$bin" export --textfile-dir /nonexistent/dir > /dev/null 2>/tmp/vt-cli-err || rc=$?
check_eq "export to a missing dir: exit code" "$rc" 1
check_eq "export to a missing dir: one line" "$(wc -l < /tmp/vt-cli-err)" 1

if compgen -G '/sys/module/vfio_pci_core' > /dev/null; then
	skip "no-vfio behaviour: this host has vfio_pci_core loaded"
	e2e_finish
fi
rc=0
"$bin" probes > /tmp/vt-cli-out 2>/tmp/vt-cli-err || rc=$?
check_eq "probes without vfio: exit code 3" "$rc" 3
check_eq "probes without vfio: explains it" "$(grep -c 'is vfio-pci loaded' /tmp/vt-cli-err)" 1
check_eq "probes without vfio: no libbpf output" "$(grep -c 'libbpf' /tmp/vt-cli-err)" 0
check_eq "probes without vfio: fault is unavailable" \
	"$(awk '$1 == "fault" { print $4 }' /tmp/vt-cli-out)" unavailable
# probes --lockdep: lockdep mode's probes too, each with a status, and the
# unavailable ones with a reason (the host refuses fentry; the allocation
# tracepoints for fs_reclaim are tp_btf, which it may allow).
rc=0
"$bin" probes --lockdep > /tmp/vt-cli-out 2>/tmp/vt-cli-err || rc=$?
check_eq "probes --lockdep without vfio: exit code 3" "$rc" 3
check_eq "probes --lockdep: the lock functions and fs_reclaim's tracepoints are listed" \
	"$(awk '$1 == "lock:down_read" || $1 == "lock:mutex_unlock" || $1 ~ /^lock:fs_reclaim_/' /tmp/vt-cli-out | wc -l)" 4
check_eq "probes --lockdep: every unavailable probe says why" \
	"$(awk 'NR > 1 && $4 == "unavailable" && NF < 6' /tmp/vt-cli-out | wc -l)" 0
check_eq "probes without --lockdep lists none of them" "$("$bin" probes 2>/dev/null | grep -c '^lock:')" 0
# -o FILE: probes' report replaces FILE atomically (it is written even with
# nothing to trace), a run that ends without output leaves FILE as it was,
# and nothing temporary stays behind.
odir=$(mktemp -d)
echo old > "$odir/report.txt"
rc=0
"$bin" -o "$odir/report.txt" probes > /tmp/vt-cli-out 2>/tmp/vt-cli-err || rc=$?
check_eq "probes -o FILE: exit code 3" "$rc" 3
check_eq "probes -o FILE: nothing on stdout" "$(wc -c < /tmp/vt-cli-out)" 0
check_eq "probes -o FILE: the report is in FILE" "$(head -c 9 "$odir/report.txt")" OPERATION
echo old > "$odir/summary.txt"
rc=0
"$bin" --duration 1 -o "$odir/summary.txt" > /dev/null 2>&1 || rc=$?
check_eq "summary -o FILE without vfio: exit code 3" "$rc" 3
check_eq "summary -o FILE without vfio: FILE as it was" "$(cat "$odir/summary.txt")" old
check_eq "-o leaves no temporary file" "$(ls -A "$odir" | grep -cv '^report.txt$\|^summary.txt$')" 0
rc=0
"$bin" probes -o "$odir/no/such/dir/f" > /dev/null 2>/tmp/vt-cli-err || rc=$?
check_eq "-o into a missing directory: exit code 1" "$rc" 1
check_eq "-o into a missing directory: one line saying so" \
	"$(grep -c '^vfio-trace: cannot write -o .*No such file or directory' /tmp/vt-cli-err)/$(wc -l < /tmp/vt-cli-err)" 1/1
rm -rf "$odir"
rc=0
"$bin" --duration 1 > /tmp/vt-cli-out 2>/tmp/vt-cli-err || rc=$?
check_eq "summary without vfio: exit code 3" "$rc" 3
check_eq "summary without vfio: one line" "$(wc -l < /tmp/vt-cli-err)" 1
rm -f /tmp/vt-cli-out /tmp/vt-cli-err
e2e_finish
