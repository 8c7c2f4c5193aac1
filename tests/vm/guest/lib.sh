# shellcheck shell=dash
# Helpers for test-bed scenarios. The guest has busybox only (ash, awk, no jq).
# A scenario starts with:
#
#   . /lib/vt/lib.sh
#
# and ends with `vt_finish`, which exits non-zero if any check failed.
#
# The guest init exports:
#   VT_KERNEL      test-bed kernel name (debian-6.1, lockdep-6.12, vt-5.15, ...)
#   VT_RELEASE     uname -r
#   VT_BDF         edu's PCI address, bound to vfio-pci (e.g. 0000:01:00.0)
#   VT_BDFS        every edu's (run-vm --edus N), space-separated, VT_BDF first
#   VT_PM_BDF      the e1000e's (run-vm --e1000e), bound to vfio-pci; else empty
#   VT_GROUP       its IOMMU group number; VT_GROUP_DEV=/dev/vfio/$VT_GROUP
#   VT_CDEV        /dev/vfio/devices/vfioN on kernels with the vfio cdev, else empty
#   VT_OUT         /out: everything written here lands in OUT/guest/ on the host
#   VT_SCENARIO    this scenario's name; VT_TIMEOUT: the host's timeout in seconds
#   VT_SETUP_OK    1 if modules, bind and group node all worked; else 0 and
#   VT_SETUP_ERRORS says what failed
#
# Failures are counted in this shell: a check run inside a pipeline or $(...)
# runs in a subshell and its failure is lost.

VT_CHECKS=0
VT_FAILURES=0

vt_log() {
	echo "[$VT_SCENARIO] $*"
}

vt_pass() {
	echo "PASS: $*"
}

# Record a failure and go on.
vt_fail() {
	VT_FAILURES=$((VT_FAILURES + 1))
	echo "FAIL: $*"
}

# Record a failure and stop the scenario.
vt_die() {
	vt_fail "$*"
	exit 1
}

# Stop the scenario as skipped (run-vm exits 77).
vt_skip() {
	echo "SKIP: $*"
	exit 77
}

# vt_not_checked NAME REASON: a check this run gives no occasion for, and
# why (a skip in the e2e results, not a pass).
vt_not_checked() {
	echo "NOT CHECKED: $1: $2"
}

# vt_check_eq NAME GOT WANT: string comparison, one PASS/FAIL line.
vt_check_eq() {
	VT_CHECKS=$((VT_CHECKS + 1))
	if [ "$2" = "$3" ]; then
		vt_pass "$1 = $2"
	else
		vt_fail "$1: got '$2', want '$3'"
	fi
}

# vt_check_ge NAME GOT MIN: integer comparison, one PASS/FAIL line.
vt_check_ge() {
	VT_CHECKS=$((VT_CHECKS + 1))
	if [ "$2" -ge "$3" ] 2>/dev/null; then
		vt_pass "$1 = $2 (>= $3)"
	else
		vt_fail "$1: got '$2', want >= $3"
	fi
}

# vt_check NAME COMMAND [ARG...]: passes if the command succeeds.
vt_check() {
	local name=$1
	shift
	VT_CHECKS=$((VT_CHECKS + 1))
	if "$@"; then
		vt_pass "$name"
	else
		vt_fail "$name (exit $?: $*)"
	fi
}

# Stop unless the guest init loaded vfio, bound edu and found its group node.
# vt_mode MODE: sets $flags to vfio-trace's flags for a scenario's mode
# argument: none for fentry (the default), --kprobes for kprobes; any other
# mode stops the scenario.
vt_mode() {
	case ${1:-fentry} in
	fentry) flags= ;;
	kprobes) flags=--kprobes ;;
	*) vt_die "unknown mode '$1'" ;;
	esac
}

vt_require_vfio() {
	[ "$VT_SETUP_OK" = 1 ] || vt_die "test bed setup failed: $VT_SETUP_ERRORS"
}

# vt_ksyms SYMBOL...: one line per symbol, "SYMBOL MODULE" where MODULE is
# "vmlinux" for the core kernel and "-" if the symbol is absent. Parsed by
# field: module symbols end with a TAB and "[module]".
vt_ksyms() {
	awk -v list="$*" '
		BEGIN { n = split(list, want, " "); for (i = 1; i <= n; i++) where[want[i]] = "-" }
		($3 in where) && where[$3] == "-" {
			m = $4
			gsub(/[][]/, "", m)
			where[$3] = (m == "" ? "vmlinux" : m)
		}
		END { for (i = 1; i <= n; i++) print want[i], where[want[i]] }
	' /proc/kallsyms
}

# Modules that tests/modules/build made for this kernel: the fixtures
# (tests/modules/*) and the Debian modules loaded beside them. None is loaded
# at boot; the directory is empty when they were not built.
VT_EXTRA_MODULES=/lib/modules/vt/extra

# vt_insmod NAME [PARAM=VALUE...]: load $VT_EXTRA_MODULES/NAME.ko unless a
# module of that name is loaded already.
vt_insmod() {
	local name=$1
	shift
	grep -q "^$name " /proc/modules && return 0
	if [ ! -f "$VT_EXTRA_MODULES/$name.ko" ]; then
		echo "vt_insmod: no $name.ko in the guest (tests/modules/build $VT_KERNEL makes it)"
		return 1
	fi
	insmod "$VT_EXTRA_MODULES/$name.ko" "$@"
}

# vt_lockseed_load: the vt_lockseed fixture loaded and its debugfs files at
# $VT_LOCKSEED (trigger, count, lock_addr). Mounts debugfs if the init did not.
VT_LOCKSEED=/sys/kernel/debug/vt_lockseed
vt_lockseed_load() {
	if ! grep -q ' /sys/kernel/debug debugfs ' /proc/mounts; then
		mount -t debugfs debugfs /sys/kernel/debug || return 1
	fi
	vt_insmod vt_lockseed && [ -w "$VT_LOCKSEED/trigger" ]
}

# vt_first_last_bdf: VT_FIRST_BDF and VT_LAST_BDF, the first and the last
# address of $VT_BDFS (run-vm --edus N); stops the scenario unless there are
# two or more.
vt_first_last_bdf() {
	local b
	VT_FIRST_BDF=''
	VT_LAST_BDF=''
	for b in $VT_BDFS; do
		[ -n "$VT_FIRST_BDF" ] || VT_FIRST_BDF=$b
		VT_LAST_BDF=$b
	done
	[ -n "$VT_FIRST_BDF" ] && [ "$VT_FIRST_BDF" != "$VT_LAST_BDF" ] ||
		vt_die "needs two devices or more (run-vm --edus 2), have: $VT_BDFS"
}

# vt_json_get FILE PATH: print the value at PATH in a JSON file, where PATH is
# keys and array indexes joined by dots ("probes.0.name"). Strings come out
# unquoted, objects and arrays as raw JSON. Exits 1 if PATH is absent.
# A tiny tokenizer, enough for vfio-trace's own output (no \u escapes).
vt_json_get() {
	awk -v want="$2" '
		function path(   p, k) {
			p = ""
			for (k = 1; k <= d; k++)
				p = p (k > 1 ? "." : "") (type[k] == "o" ? key[k] : idx[k])
			return p
		}
		BEGIN { RS = "\001" }
		{ s = s $0 }
		END {
			n = length(s); d = 0; i = 1; grab = -1
			while (i <= n) {
				c = substr(s, i, 1)
				if (c ~ /[[:space:]:]/) { i++; continue }
				if (c == ",") {
					if (type[d] == "a") idx[d]++; else expect_key[d] = 1
					i++; continue
				}
				if (c == "}" || c == "]") {
					if (d == grab) { print substr(s, start, i - start + 1); exit 0 }
					d--; i++; continue
				}
				if (c == "{" || c == "[") {
					if (path() == want && grab < 0) { grab = d + 1; start = i }
					d++
					type[d] = (c == "{" ? "o" : "a"); idx[d] = 0; expect_key[d] = 1
					i++; continue
				}
				if (c == "\"") {
					j = i + 1
					while (j <= n && (cj = substr(s, j, 1)) != "\"") j += (cj == "\\" ? 2 : 1)
					tok = substr(s, i + 1, j - i - 1); i = j + 1
					gsub(/\\"/, "\"", tok); gsub(/\\\\/, "\\", tok)
				} else {
					j = i
					while (j <= n && substr(s, j, 1) !~ /[]},[:space:]]/) j++
					tok = substr(s, i, j - i); i = j
				}
				if (type[d] == "o" && expect_key[d]) { key[d] = tok; expect_key[d] = 0; continue }
				if (grab < 0 && path() == want) { print tok; exit 0 }
			}
			exit 1
		}
	' "$1"
}

# vt_tracer_start OUT ARGS...: vfio-trace ARGS in the background, its output
# in $VT_OUT/OUT and its messages beside it (OUT's extension .err); returns
# once its probes are attached. vt_tracers_stop ends every one so started.
VT_TRACERS=""
vt_tracer_start() {
	local out=$1
	shift
	vfio-trace "$@" > "$VT_OUT/$out" 2> "$VT_OUT/${out%.*}.err" &
	VT_TRACERS="$VT_TRACERS $!:$out"
	vt_wait_for "$out" "$VT_OUT/${out%.*}.err" "Hit Ctrl-C"
}

# vt_tracers_stop [PREFIX]: two seconds for the last events to drain, then
# SIGINT to each tracer vt_tracer_start started; each must exit 0 (checks
# "PREFIX OUT: vfio-trace exits 0").
vt_tracers_stop() {
	local t
	sleep 2
	for t in $VT_TRACERS; do
		kill -INT "${t%%:*}"
	done
	for t in $VT_TRACERS; do
		wait "${t%%:*}"
		vt_check_eq "${1:+$1 }${t#*:}: vfio-trace exits 0" "$?" 0
	done
	VT_TRACERS=""
}

# vt_device_index FILE BDF: the index in FILE's devices[] (a vfio-trace JSON
# summary) of the device at BDF; exits 1 if it is not there.
vt_device_index() {
	local i=0 b
	while b=$(vt_json_get "$1" "devices.$i.bdf"); do
		[ "$b" != "$2" ] || { echo "$i"; return 0; }
		i=$((i + 1))
	done
	return 1
}

# vt_wait_for NAME FILE PATTERN: until FILE contains PATTERN, at most 240 s
# (loading vfio-trace's programs under TCG on a busy host can take a minute);
# stops the scenario when it never comes.
vt_wait_for() {
	local n=0
	until grep -q "$3" "$2" 2>/dev/null; do
		[ $n -lt 240 ] || vt_die "$1: '$3' never appeared in $2: $(cat "$2" 2>/dev/null)"
		sleep 1
		n=$((n + 1))
	done
}

# Debian's tmux, when run-vm's VT_EXTRA_INITRD carries the archive of
# tests/vm/pack-tmux: a scenario drives a full-screen program as a user would
# (vt_tmux new-session -d, send-keys, capture-pane -p). Every vt_tmux call
# talks to one server, on a socket under /tmp.
VT_TMUX=/opt/tmux
VT_TMUX_DIR=/tmp/vt-tmux
VT_TMUX_SOCKET=$VT_TMUX_DIR/socket

# Stop the scenario as skipped unless the guest has the packed tmux.
vt_require_tmux() {
	[ -x "$VT_TMUX/bin/tmux" ] ||
		vt_skip "no $VT_TMUX/bin/tmux in the guest: run-vm needs VT_EXTRA_INITRD=build/tmux.cpio (tests/vm/pack-tmux build/tmux.cpio makes it)"
}

# What tmux needs that the busybox guest's init does not set up: pseudo-
# terminals for its panes (devpts on /dev/pts; /dev/ptmx is devtmpfs's node,
# which opens the devpts instance mounted beside it), a writable directory for
# its socket, and a configuration file. Done once per scenario.
vt_tmux_setup() {
	[ -f "$VT_TMUX_DIR/tmux.conf" ] && return 0
	if ! grep -q '^[^ ]* /dev/pts devpts ' /proc/mounts; then
		mkdir -p /dev/pts &&
			mount -t devpts -o mode=0620,ptmxmode=0666 devpts /dev/pts || return 1
	fi
	[ -c /dev/ptmx ] || ln -s pts/ptmx /dev/ptmx || return 1
	# The init mounts a tmpfs on /tmp; where it did not, or /tmp is read-only
	# (root passes test -w anyway), mount one.
	if ! { mkdir -p "$VT_TMUX_DIR" && : >"$VT_TMUX_DIR/tmux.conf"; } 2>/dev/null; then
		mount -t tmpfs tmpfs /tmp && mkdir -p "$VT_TMUX_DIR" || return 1
	fi
	# The server starts with vt_tmux's environment, and each pane inherits the
	# server's: tmux's library path is no business of a program in a pane (a
	# packed one has its own), nor is its locale path. TERMINFO stays, as the
	# panes' TERM (tmux-256color) is found there.
	cat >"$VT_TMUX_DIR/tmux.conf" <<-'EOF'
		set-environment -g -u LD_LIBRARY_PATH
		set-environment -g -u LOCPATH
	EOF
}

# vt_tmux ARG...: the packed tmux with ARGs, on the scenario's server (started
# by the first command that starts one, such as new-session -d). The client's
# TERM is what a user's terminal would say; the guest's console says "linux".
vt_tmux() {
	vt_tmux_setup || {
		echo "vt_tmux: cannot prepare pseudo-terminals or $VT_TMUX_DIR"
		return 1
	}
	LD_LIBRARY_PATH=$VT_TMUX/lib TERMINFO=$VT_TMUX/terminfo LOCPATH=$VT_TMUX/locale \
		TERM=xterm-256color SHELL=/bin/sh \
		"$VT_TMUX/bin/tmux" -S "$VT_TMUX_SOCKET" -f "$VT_TMUX_DIR/tmux.conf" "$@"
}

# vt_uptime: whole seconds since boot. The waits below count time by it, not
# by rounds: under TCG a round of tmux's client takes longer than its sleep.
vt_uptime() {
	cut -d. -f1 /proc/uptime
}

# vt_tmux_wait_screen TARGET PATTERN [SECONDS]: until the visible screen of
# pane TARGET (capture-pane -p) has a line matching PATTERN (grep -E), at most
# SECONDS (default 60: the first tmux under TCG takes a few). Returns 1 when
# it never comes, so that vt_check can count it.
vt_tmux_wait_screen() {
	local end
	end=$(($(vt_uptime) + ${3:-60}))
	until vt_tmux capture-pane -p -t "$1" 2>/dev/null | grep -Eq "$2"; do
		[ "$(vt_uptime)" -lt $end ] || return 1
		sleep 0.2
	done
}

# vt_tmux_wait_exit TARGET [SECONDS]: until the program of pane TARGET has
# exited, at most SECONDS (default 10). It needs remain-on-exit on, so that the
# pane stays to be looked at. #{pane_dead} turns 1 when the pane's terminal
# closes, but its exit status (or the signal that ended it) is set only once
# tmux has reaped the process, which can come later: this waits for that.
# Returns 1 when it never comes (as it did, before pack-tmux's libutempter
# stub, when tmux lost the SIGCHLD).
vt_tmux_wait_exit() {
	local end
	end=$(($(vt_uptime) + ${2:-10}))
	while [ -z "$(vt_tmux display-message -p -t "$1" '#{pane_dead_status}#{pane_dead_signal}' 2>/dev/null)" ]; do
		[ "$(vt_uptime)" -lt $end ] || return 1
		sleep 0.2
	done
}

# Print the tally and exit: 0 if every check passed.
vt_finish() {
	echo "$VT_CHECKS checks, $VT_FAILURES failed"
	[ "$VT_FAILURES" -eq 0 ] || exit 1
	exit 0
}
