#!/bin/sh
# shellcheck shell=dash
# Scenario: the guest half of bench/run. It measures what vfio-trace costs next
# to an untraced run, empty probes, a funclatency-style probe and bpftrace, and
# writes every raw figure to $VT_OUT/results.txt, one record a line
# ("TYPE key=value ..."); bench/report turns them into medians and ratios.
#
# Usage: bench-guest.sh [KEY=VALUE ...]
#   sections=fault,locks,events,frontend,startup   what to run, in this order
#   label=NAME            how the host booted us (icount, tcg); only recorded
#   reps=3                alternating repetitions of the fault-path configurations
#   pread=4000 fault=1000 zap=300     operations per timed loop
#   warmup=100            untimed operations before each timed loop
#   configs=untraced,empty,empty-kprobe,empty-session,funclat,funclat-session,funclat-task,vfio-trace,vfio-trace-kprobes,vfio-trace-kprobe-multi,bpftrace
#   lock_reps=3 lock_iters=400 lock_threads=2 lock_pages=16
#   lock_configs=untraced,vfio-trace,vfio-trace-lockdep,lock-floor
#   stress_s=5            seconds of vfio-workload --stress under `vfio-trace events`
#   eio_s=5 eio_threads=2 seconds and threads of the EIO storm (vt-bench-vfio eio)
#   frontend_s=30         seconds each frontend mode runs at a 1 s interval
#   startup_reps=3
#
# Every tracer runs with its output in a file, and counts as attached once
# that file says "Hit Ctrl-C" (vfio-trace and vt-bench-probe print it on
# stderr; the bpftrace script prints it from its BEGIN probe). Records of a
# configuration that could not run say so ("skip ... why=") instead of
# going missing.
# shellcheck source-path=SCRIPTDIR source=../guest/lib.sh
. /lib/vt/lib.sh
vt_require_vfio

sections=fault,locks,events,frontend,startup
label=tcg
reps=3
pread=4000
fault=1000
zap=300
warmup=100
configs=untraced,empty,empty-kprobe,empty-session,funclat,funclat-session,funclat-task,vfio-trace,vfio-trace-kprobes,vfio-trace-kprobe-multi,bpftrace
lock_reps=3
lock_iters=400
lock_threads=2
lock_pages=16
lock_configs=untraced,vfio-trace,vfio-trace-lockdep,lock-floor
stress_s=5
eio_s=5
eio_threads=2
frontend_s=30
startup_reps=3
for arg in "$@"; do
	case $arg in
	sections=* | label=* | reps=* | pread=* | fault=* | zap=* | warmup=* | configs=* | \
		lock_reps=* | lock_iters=* | lock_threads=* | lock_pages=* | lock_configs=* | \
		stress_s=* | eio_s=* | eio_threads=* | frontend_s=* | startup_reps=*)
		eval "${arg%%=*}=\${arg#*=}"
		;;
	*) vt_die "unknown argument '$arg'" ;;
	esac
done

# Debian's bpftrace, when bench/run added it (VT_EXTRA_INITRD).
if [ -x /opt/bpftrace/bin/bpftrace ]; then
	export LD_LIBRARY_PATH=/opt/bpftrace/lib
	PATH=$PATH:/opt/bpftrace/bin
fi

# No address-space randomisation: where a mapping lands decides whether its
# page tables must be allocated, which moves the fault loop by thousands of
# instructions per operation from one process to the next.
echo 0 >/proc/sys/kernel/randomize_va_space

results=$VT_OUT/results.txt
logs=$VT_OUT/logs
mkdir -p "$logs"
: >"$results"
record() {
	echo "$*" >>"$results"
}

# note_cmd TEXT: the exact command behind a figure, recorded once ("cmd TEXT").
note_cmd() {
	grep -qxF "cmd $*" "$results" || record "cmd $*"
}

now_s() {
	cut -d' ' -f1 /proc/uptime
}

commas() {
	echo "$1" | tr ',' ' '
}

# rotate N LIST: the comma-separated LIST as words, starting at the Nth
# (1-based, wrapping), so that each repetition runs the configurations in a
# different order.
rotate() {
	local n=$1 count i
	# shellcheck disable=SC2046 # the split is the point
	set -- $(commas "$2")
	count=$#
	i=$(((n - 1) % count))
	while [ "$i" -gt 0 ]; do
		set -- "$@" "$1"
		shift
		i=$((i - 1))
	done
	echo "$*"
}

bpf_stats() {  # on | off
	if [ "$1" = on ]; then
		echo 1 >/proc/sys/kernel/bpf_stats_enabled
	else
		echo 0 >/proc/sys/kernel/bpf_stats_enabled
	fi
}

# bpf_diff BEFORE AFTER: "prog=NAME id=ID cnt=N ns=N" for each program that ran
# between the two vt-bench-bpfstats listings.
bpf_diff() {
	awk 'NR == FNR { cnt[$1] = $2; ns[$1] = $3; next }
	     { dc = $2 - cnt[$1]; dn = $3 - ns[$1]
	       if (dc > 0) printf "prog=%s id=%s cnt=%d ns=%d\n", $6, $1, dc, dn }' "$1" "$2"
}

# The vfio functions the reference probes sit on, per path.
fault_func=
for f in vfio_pci_mmap_fault vfio_pci_mmap_page_fault vfio_pci_mmap_huge_fault; do
	if [ "$(vt_ksyms "$f" | cut -d' ' -f2)" != - ]; then
		fault_func=$f
		break
	fi
done
path_func() {
	case $1 in
	pread) echo vfio_pci_bar_rw ;;
	fault) echo "$fault_func" ;;
	esac
}

bpftrace_script() {  # FUNC: the latency histogram bcc's funclatency draws, in bpftrace
	cat <<EOF
BEGIN { printf("bpftrace: $1 latency... Hit Ctrl-C to end.\n"); }
kfunc:$1 { @start[tid] = nsecs; }
kretfunc:$1 /@start[tid]/ { @ns = hist(nsecs - @start[tid]); delete(@start[tid]); }
EOF
}

# start_tracer CFG FUNC LOG: start one configuration in the background and wait
# until it is attached. Sets tracer_pid (empty for untraced). Fails, after
# noting why in LOG, when it exits or does not attach within 300 s.
tracer_pid=
start_tracer() {
	local cfg=$1 func=$2 log=$3 waited=0
	tracer_pid=
	: >"$log"
	case $cfg in
	untraced) return 0 ;;
	empty | empty-kprobe | empty-session | funclat | funclat-task | funclat-session)
		note_cmd "$cfg: vt-bench-probe $cfg $func"
		vt-bench-probe "$cfg" "$func" >"$log" 2>&1 &
		;;
	locks)
		note_cmd "lock counters: vt-bench-probe locks"
		vt-bench-probe locks >"$log" 2>&1 &
		;;
	lock-floor)
		note_cmd "lock-floor: vt-bench-probe lock-floor"
		vt-bench-probe lock-floor >"$log" 2>&1 &
		;;
	vfio-trace)
		note_cmd "vfio-trace: vfio-trace"
		vfio-trace >"$log" 2>&1 &
		;;
	vfio-trace-kprobes)
		note_cmd "vfio-trace-kprobes: vfio-trace --kprobes"
		vfio-trace --kprobes >"$log" 2>&1 &
		;;
	vfio-trace-kprobe-multi)
		note_cmd "vfio-trace-kprobe-multi: vfio-trace --kprobes --kprobe-multi"
		vfio-trace --kprobes --kprobe-multi >"$log" 2>&1 &
		;;
	vfio-trace-lockdep)
		note_cmd "vfio-trace-lockdep: vfio-trace lockdep"
		vfio-trace lockdep >"$log" 2>&1 &
		;;
	bpftrace)
		command -v bpftrace >/dev/null || { echo "bpftrace is not in this guest" >"$log"; return 1; }
		bpftrace_script "$func" >/tmp/latency.bt
		note_cmd "bpftrace: bpftrace latency.bt, with latency.bt: $(tr '\n' ' ' </tmp/latency.bt)"
		bpftrace /tmp/latency.bt >"$log" 2>&1 &
		;;
	*) vt_die "unknown configuration '$cfg'" ;;
	esac
	tracer_pid=$!
	t_attach=$(now_s)
	while ! grep -q "Hit Ctrl-C" "$log"; do
		if ! kill -0 "$tracer_pid" 2>/dev/null || [ $waited -ge 3000 ]; then
			kill -KILL "$tracer_pid" 2>/dev/null
			wait "$tracer_pid" 2>/dev/null
			echo "(not attached after $((waited / 10)) s)" >>"$log"
			tracer_pid=
			return 1
		fi
		sleep 0.1
		waited=$((waited + 1))
	done
	record "attach cfg=$cfg func=${func:--} seconds=$(echo "$t_attach $(now_s)" | awk '{ printf "%.2f", $2 - $1 }')"
	return 0
}

stop_tracer() {
	[ -n "$tracer_pid" ] || return 0
	kill -INT "$tracer_pid"
	wait "$tracer_pid"
	tracer_pid=
}

# why LOG: the last line a tracer said, on one line, for a skip record.
why() {
	tail -n 1 "$1" | tr ' ' '_' | cut -c1-160
}

vfio_loop() {  # WARMUP PATH N: vt-bench-vfio's "mode=... n=... ns=..." line
	note_cmd "loop: vt-bench-vfio -b $VT_BDF -g $VT_GROUP_DEV -w $1 $2 $3"
	vt-bench-vfio -b "$VT_BDF" -g "$VT_GROUP_DEV" -w "$1" "$2" "$3" 2>>"$logs/vfio-loop.err"
}

loop_n() {  # PATH: operations per loop
	case $1 in
	pread) echo "$pread" ;;
	fault) echo "$fault" ;;
	zap) echo "$zap" ;;
	esac
}

# One attachment of CFG measured on PATHS: a timed loop per path with the
# kernel's BPF statistics off (they add two clock reads per program run), then
# with them on, a loop per path between two listings of every program's
# run_cnt and run_time_ns.
measure_session() {  # REP CFG FUNC PATHS...
	local rep=$1 cfg=$2 func=$3 log path line n
	shift 3
	log=$logs/fault-$cfg-$rep${func:+-$func}.log
	if ! start_tracer "$cfg" "$func" "$log"; then
		record "skip section=fault cfg=$cfg rep=$rep func=${func:--} why=$(why "$log")"
		return
	fi
	for path in "$@"; do
		n=$(loop_n "$path")
		line=$(vfio_loop "$warmup" "$path" "$n") || vt_fail "vt-bench-vfio $path failed under $cfg"
		record "loop path=$path cfg=$cfg rep=$rep $line"
	done
	if [ "$cfg" != untraced ]; then
		bpf_stats on
		for path in "$@"; do
			n=$(loop_n "$path")
			vt-bench-bpfstats >/tmp/bpf.before
			line=$(vfio_loop 0 "$path" "$n")
			vt-bench-bpfstats >/tmp/bpf.after
			record "statloop path=$path cfg=$cfg rep=$rep $line"
			bpf_diff /tmp/bpf.before /tmp/bpf.after | while read -r p; do
				record "bpf path=$path cfg=$cfg rep=$rep n=$n $p"
			done
		done
		bpf_stats off
	fi
	stop_tracer
}

section_fault() {
	local rep cfg path
	record "meta fault_func=$fault_func pread=$pread fault=$fault zap=$zap warmup=$warmup reps=$reps"
	# How many kprobe-mode operations --kprobe-multi put through fprobe here.
	record "meta kprobe_multi=$(vfio-trace probes --kprobes --kprobe-multi 2>/dev/null |
		awk '$3 == "kprobe.multi" { m++ } $3 == "kprobe" { k++ } END { printf "%d/%d", m, m + k }')"
	rep=1
	while [ $rep -le "$reps" ]; do
		vt_log "fault path: repetition $rep of $reps ($(now_s) s)"
		for cfg in $(rotate "$rep" "$configs"); do
			case $cfg in
			untraced | vfio-trace | vfio-trace-kprobes | vfio-trace-kprobe-multi)
				# vfio-trace attaches everything at once: one session for all paths.
				measure_session "$rep" "$cfg" "" pread fault zap
				;;
			*)
				# A reference probe sits on one function: one session per path.
				for path in pread fault; do
					measure_session "$rep" "$cfg" "$(path_func "$path")" "$path"
				done
				;;
			esac
		done
		rep=$((rep + 1))
	done
}

section_locks() {
	local rep cfg line log p
	note_cmd "lock workload: vt-bench-locks -t $lock_threads -p $lock_pages $lock_iters"
	record "meta lock_iters=$lock_iters lock_threads=$lock_threads lock_pages=$lock_pages lock_reps=$lock_reps"
	# How many lock operations one run does: counted once, with counters attached.
	log=$logs/locks-count.log
	if start_tracer locks "" "$log"; then
		line=$(vt-bench-locks -t "$lock_threads" -p "$lock_pages" "$lock_iters")
		stop_tracer
		record "lockcount $line"
		grep -E '^[a-z_]+ [0-9]+$' "$log" | while read -r fn count; do
			record "lockcount fn=$fn count=$count"
		done
	else
		record "skip section=lockcount why=$(why "$log")"
	fi
	rep=1
	while [ $rep -le "$lock_reps" ]; do
		vt_log "unrelated locks: repetition $rep of $lock_reps ($(now_s) s)"
		for cfg in $(rotate "$rep" "$lock_configs"); do
			log=$logs/locks-$cfg-$rep.log
			if ! start_tracer "$cfg" "" "$log"; then
				record "skip section=locks cfg=$cfg rep=$rep why=$(why "$log")"
				continue
			fi
			line=$(vt-bench-locks -t "$lock_threads" -p "$lock_pages" "$lock_iters")
			record "locks cfg=$cfg rep=$rep $line"
			if [ "$cfg" != untraced ]; then
				bpf_stats on
				vt-bench-bpfstats >/tmp/bpf.before
				line=$(vt-bench-locks -t "$lock_threads" -p "$lock_pages" "$lock_iters")
				vt-bench-bpfstats >/tmp/bpf.after
				bpf_stats off
				record "lockstat cfg=$cfg rep=$rep $line"
				bpf_diff /tmp/bpf.before /tmp/bpf.after | while read -r p; do
					record "lockbpf cfg=$cfg rep=$rep $p"
				done
			fi
			stop_tracer
		done
		rep=$((rep + 1))
	done
}

# wrap_start NAME CMD...: vt-bench-exec in the background; waits for its ready
# line. Sets wrap_pid and wrap_out.
wrap_start() {
	local name=$1 waited=0
	shift
	wrap_out=$logs/$name.exec
	: >"$wrap_out"
	vt-bench-exec -r "Hit Ctrl-C" -t 300 -d 100000 -e "$logs/$name.err" -- "$@" >"$wrap_out" &
	wrap_pid=$!
	while ! grep -q '^ready_ms=' "$wrap_out"; do
		kill -0 "$wrap_pid" 2>/dev/null || return 1
		[ $waited -lt 3100 ] || return 1
		sleep 0.1
		waited=$((waited + 1))
	done
	return 0
}

wrap_stop() {
	sleep 1	# let the tracer drain its ring buffer before we stop it
	kill -TERM "$wrap_pid"
	wait "$wrap_pid"
}

# "N events lost" on vfio-trace's stderr, or 0.
lost_events() {
	sed -n 's/.* \([0-9][0-9]*\) events lost.*/\1/p' "$1" | tail -n 1 | grep . || echo 0
}

section_events() {
	local line
	# The issue's storm: the stress workload (SIGBUS, EIO, memory toggles).
	note_cmd "events: vt-bench-exec -r 'Hit Ctrl-C' -e events.err -- vfio-trace events, stopped by SIGTERM 1 s after the storm"
	note_cmd "stress storm: vfio-workload --bdf $VT_BDF --group $VT_GROUP_DEV --stress $stress_s"
	note_cmd "EIO storm: vt-bench-vfio -b $VT_BDF -g $VT_GROUP_DEV eio $eio_s $eio_threads"
	if wrap_start events-stress vfio-trace events; then
		vfio-workload --bdf "$VT_BDF" --group "$VT_GROUP_DEV" --stress "$stress_s" -q \
			--json "$VT_OUT/stress.json" 2>"$logs/stress.err"
		wrap_stop
		record "events kind=stress seconds=$stress_s lost=$(lost_events "$logs/events-stress.err")" \
			"$(tr '\n' ' ' <"$wrap_out")"
	else
		record "skip section=events kind=stress why=$(why "$logs/events-stress.err")"
	fi
	# As many events as the guest can make: threads preading disabled memory.
	if wrap_start events-eio vfio-trace events; then
		line=$(vt-bench-vfio -b "$VT_BDF" -g "$VT_GROUP_DEV" eio "$eio_s" "$eio_threads")
		wrap_stop
		record "events kind=eio $line lost=$(lost_events "$logs/events-eio.err")" \
			"$(tr '\n' ' ' <"$wrap_out")"
	else
		record "skip section=events kind=eio why=$(why "$logs/events-eio.err")"
	fi
	# The same storm untraced: what the tracer costs the storm itself.
	line=$(vt-bench-vfio -b "$VT_BDF" -g "$VT_GROUP_DEV" eio "$eio_s" "$eio_threads")
	record "events kind=eio-untraced $line"
}

section_frontend() {
	local mode end
	mkdir -p /tmp/textfile
	for mode in text json export; do
		case $mode in
		text) set -- vfio-trace 1 ;;
		json) set -- vfio-trace -j 1 ;;
		export) set -- vfio-trace export --textfile-dir /tmp/textfile --interval 1 ;;
		esac
		note_cmd "frontend $mode: vt-bench-exec -r 'Hit Ctrl-C' -- $*, stopped by SIGTERM after ${frontend_s} s"
		if ! wrap_start "frontend-$mode" "$@"; then
			record "skip section=frontend mode=$mode why=$(why "$logs/frontend-$mode.err")"
			continue
		fi
		# Some vfio traffic each second, so every summary has devices and
		# histograms to render.
		end=$(($(cut -d. -f1 /proc/uptime) + frontend_s))
		while [ "$(cut -d. -f1 /proc/uptime)" -lt "$end" ]; do
			vfio_loop 0 zap 5 >/dev/null
			vfio_loop 0 pread 50 >/dev/null
			sleep 1
		done
		kill -TERM "$wrap_pid"
		wait "$wrap_pid"
		record "frontend mode=$mode seconds=$frontend_s $(tr '\n' ' ' <"$wrap_out")"
	done
}

section_startup() {
	local rep
	note_cmd "startup: vt-bench-exec -r 'Hit Ctrl-C' -- vfio-trace [--kprobes]; vt-bench-exec -- vfio-trace probes"
	rep=1
	while [ $rep -le "$startup_reps" ]; do
		for cfg in vfio-trace vfio-trace-kprobes; do
			if [ $cfg = vfio-trace ]; then set -- vfio-trace; else set -- vfio-trace --kprobes; fi
			vt-bench-exec -r "Hit Ctrl-C" -t 300 -e "$logs/startup.err" -- "$@" >/tmp/startup.exec
			record "startup cfg=$cfg rep=$rep $(tr '\n' ' ' </tmp/startup.exec)"
		done
		vt-bench-exec -- vfio-trace probes >/tmp/startup.exec
		record "startup cfg=probes rep=$rep $(tr '\n' ' ' </tmp/startup.exec)"
		rep=$((rep + 1))
	done
}

record "meta label=$label kernel=$VT_KERNEL release=$VT_RELEASE cpus=$(grep -c ^processor /proc/cpuinfo)" \
	"bpftrace=$(command -v bpftrace >/dev/null && bpftrace --version 2>/dev/null | tr ' ' '_' || echo none)"
for section in $(commas "$sections"); do
	vt_log "section $section ($(now_s) s)"
	t0=$(now_s)
	case $section in
	fault) section_fault ;;
	locks) section_locks ;;
	events) section_events ;;
	frontend) section_frontend ;;
	startup) section_startup ;;
	*) vt_die "unknown section '$section'" ;;
	esac
	record "meta section=$section start_s=$t0 end_s=$(now_s)"
done
bpf_stats off
vt_log "done ($(now_s) s)"
vt_finish
