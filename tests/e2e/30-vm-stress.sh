#!/usr/bin/env bash
# The stress workload under vfio-trace: real memory_lock contention, split into
# readers (faults, BAR reads) and writers (memory disables), with wait and hold
# histograms for the device, and nothing lost.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

check_stress() {
	local kernel=$1 out=$2 mode=${3:-stacks} name
	name="$kernel stress"
	[ "$mode" = stacks ] || name+=" --$mode"
	local g=$out/guest p=$out/guest/vfio_trace.prom bdf d read_c write_c wait_count delivered events_lost lost missed ev_missed
	j() { jq -r "$1" "$g/ground-truth.json"; }
	bdf=$(j .bdf)
	d="device=\"$bdf\""
	missed=$(prom_value "$p" 'vfio_trace_events_lost_total{reason="prog_missed"}')

	check_eq "$name: workload exit status" "$(cat "$g/workload.rc")" 0
	check_eq "$name: export exit status" "$(cat "$g/export.rc")" 0
	read_c=$(prom_value "$p" "vfio_trace_memory_lock_contentions_total{$d,mode=\"read\"}")
	write_c=$(prom_value "$p" "vfio_trace_memory_lock_contentions_total{$d,mode=\"write\"}")
	check_gt "$name: memory_lock contentions, read + write" "$((read_c + write_c))" 0
	# Each contention is also counted by the path its waiter was on; a
	# read-side path (fault, BAR access) only ever waits to read, a
	# write-side one (config write, reset, MSI setup) only to write.
	local by_path read_paths write_paths
	by_path=$(prom_sum "$p" vfio_trace_memory_lock_contentions_by_path_total "$d")
	read_paths=$(($(prom_value "$p" "vfio_trace_memory_lock_contentions_by_path_total{$d,path=\"fault\"}") +
		$(prom_value "$p" "vfio_trace_memory_lock_contentions_by_path_total{$d,path=\"bar_rw\"}")))
	write_paths=$((by_path - read_paths -
		$(prom_value "$p" "vfio_trace_memory_lock_contentions_by_path_total{$d,path=\"unknown\"}")))
	echo "# $name: contentions read $read_c, write $write_c; by the waiter's path: read-side $read_paths, write-side $write_paths, unknown $((by_path - read_paths - write_paths))"
	check_eq "$name: every contention counted once by its waiter's path" \
		"$by_path" "$((read_c + write_c))"
	check_cmd "$name: read contentions come from read-side paths (fault, bar_rw: $read_paths of $read_c)" \
		test "$read_paths" -ge 1 -a "$read_paths" -le "$read_c"
	check_cmd "$name: write contentions come from write-side paths ($write_paths of $write_c)" \
		test "$write_paths" -ge 1 -a "$write_paths" -le "$write_c"
	wait_count=$(prom_sum "$p" vfio_trace_memory_lock_wait_seconds_count "$d")
	check_eq "$name: wait histogram count = contentions that ended" "$wait_count" "$((read_c + write_c))"
	check_gt "$name: hold histogram, fault/read" \
		"$(prom_value "$p" "vfio_trace_memory_lock_hold_seconds_count{$d,mode=\"read\",path=\"fault\"}")" 0
	check_gt "$name: hold histogram, bar_rw/read" \
		"$(prom_value "$p" "vfio_trace_memory_lock_hold_seconds_count{$d,mode=\"read\",path=\"bar_rw\"}")" 0
	check_gt "$name: hold histogram, config_write/write" \
		"$(prom_value "$p" "vfio_trace_memory_lock_hold_seconds_count{$d,mode=\"write\",path=\"config_write\"}")" 0
	check_accounted "$name: SIGBUS accesses vs workload's count" \
		"$(prom_value "$p" "vfio_trace_disabled_memory_accesses_total{$d,kind=\"sigbus\"}")" "$(j .sigbus)" "$missed"
	check_accounted "$name: EIO accesses vs workload's count" \
		"$(prom_value "$p" "vfio_trace_disabled_memory_accesses_total{$d,kind=\"eio\"}")" "$(j .eio)" "$missed"
	check_accounted "$name: memory disables vs workload's toggles off" \
		"$(prom_value "$p" "vfio_trace_memory_disables_total{$d}")" "$(j .memory_disables)" "$missed"
	check_accounted "$name: memory-off windows vs workload's enables" \
		"$(prom_value "$p" "vfio_trace_memory_off_seconds_count{$d}")" "$(j .memory_enables)" "$missed"
	check_accounted "$name: zaps vs workload's expectation" \
		"$(prom_sum "$p" vfio_trace_bar_zaps_total "$d")" "$(j .zaps_expected)" "$missed"
	check_accounted "$name: zaps by a reset vs workload's resets (--reset-ms: $(j .stress.resets) of them during the storm)" \
		"$(prom_value "$p" "vfio_trace_bar_zaps_total{$d,reason=\"reset\"}")" "$(j .resets)" "$missed"
	# Every event is either delivered or counted as lost, never silently dropped.
	# (--stacks adds a line per contention: not one of these)
	delivered=$(jq -s '[.[] | select(.kind != "contention")] | length' "$g/events.ndjson")
	events_lost=$(sed -n 's/^vfio-trace: \([0-9]*\) events lost.*/\1/p' "$g/events.err")
	ev_missed=$(sed -n 's/^vfio-trace: \([0-9]*\) probe runs missed.*/\1/p' "$g/events.err")
	check_accounted "$name: events delivered + counted lost vs accesses + memory toggles" \
		"$((delivered + ${events_lost:-0}))" "$(($(j .sigbus) + $(j .eio) + $(j .memory_disables) + $(j .memory_enables)))" "${ev_missed:-0}"
	check_gt "$name: SIGBUS events delivered" \
		"$(jq -s '[.[] | select(.kind == "sigbus")] | length' "$g/events.ndjson")" 0
	lost=$(prom_sum "$p" vfio_trace_events_lost_total '')
	# A skipped entry shows as missed_start at its exit, a skipped exit as
	# missed_end at the next entry: consequences of the skipped runs, no more.
	local unpaired
	unpaired=$(($(prom_value "$p" 'vfio_trace_events_lost_total{reason="missed_start"}') +
		$(prom_value "$p" 'vfio_trace_events_lost_total{reason="missed_end"}')))
	check_eq "$name: nothing lost but skipped runs and their unpaired ends" \
		"$((lost - missed - unpaired))" 0
	check_eq "$name: unpaired ends no more than the skipped runs" \
		"$([ "$unpaired" -le "$missed" ] && echo yes || echo "no: $unpaired > $missed")" yes
	check_cmd "$name: promtool check metrics" promtool check metrics < "$p"
	# Who held the device: the workload, while it ran; nobody once it
	# closed it (no stale owner in the final textfile).
	local wpid owner
	wpid=$(cat "$g/workload.pid")
	owner=$(grep "^vfio_trace_device_owner{device=\"$bdf\"," "$g/textfile-during.prom")
	echo "# $name: owner while the workload ran: $owner"
	check_eq "$name: owner while it ran: the workload's VM, pid and comm" \
		"$(sed -n 's/.*,vm="\([^"]*\)",pid="\([0-9]*\)",comm="\([^"]*\)",.*} 1$/\1 \2 \3/p' <<<"$owner")" \
		"$(j .name) $wpid vfio-workload"
	check_eq "$name: events that do not name the workload's VM" \
		"$(jq -s --arg vm "$(j .name)" '[.[] | select(.vm != $vm)] | length' "$g/events.ndjson")" 0
	check_eq "$name: no owner once it closed the device" \
		"$(grep -c '^vfio_trace_device_owner{' "$p")" 0
	# The text summary runs beside the others in the --stacks run only.
	[ "$mode" != stacks ] ||
		check_cmd "$name: the text summary named the holder while it ran" \
			grep -q "^$bdf (.*), held by vfio-workload\[$wpid\]" "$g/stacks-text.txt"
	# and named the VM beside the process that pinned its memory.
	[ "$mode" != stacks ] || [ "$(j .pages_pinned)" = 0 ] ||
		check_cmd "$name: the text summary's pinning row names the process by its VM ($(j .name))" \
			grep -qE "^    $wpid +$(j .name) +type1 " "$g/stacks-text.txt"
	check_wait_source "$name" "$g"
}

# probes names where memory_lock waits come from: the contention tracepoints
# (5.19+), or on an older kernel the rwsem slow paths, with that reason.
check_wait_source() {
	local name=$1 g=$2 line
	line=$(grep -E '^ *memory_lock_wait ' "$g/probes.txt")
	echo "# $name: $line"
	if grep -q 'no lock:contention_begin/end tracepoints' "$g/probes.txt"; then
		check_cmd "$name: probes: memory_lock waits from rwsem_down_read_slowpath" \
			grep -qE '^ *memory_lock_wait +rwsem_down_read_slowpath +[a-z]+ +attached' "$g/probes.txt"
		check_cmd "$name: probes: write waits from rwsem_down_write_slowpath" \
			grep -qE '^ *memory_lock_wait_write +rwsem_down_write_slowpath +[a-z]+ +attached' "$g/probes.txt"
	else
		check_cmd "$name: probes: memory_lock waits from lock:contention_begin" \
			grep -qE '^ *memory_lock_wait +lock:contention_begin/end +tracepoint +attached' "$g/probes.txt"
	fi
	case $name in
	vt-5.15*) check_cmd "$name: probes says 5.15 has no contention tracepoints" \
		grep -q 'no lock:contention_begin/end tracepoints' "$g/probes.txt" ;;
	esac
}

# --stacks under the same storm (the event stream and the JSON summary above
# with it, and a text summary): the
# waiters of each top pair are on their path's code, a write-held lock's
# holder is a write bracket whose stack from when it took the lock is that
# bracket's code, and the stacks were all kept.
# Frames that each path's code shows, by the path names of the JSON.
declare -A PATH_FRAME=(
	[fault]='^vfio_pci_mmap_(huge_|page_)?fault\+'
	[bar_rw]='^vfio_pci_bar_rw\+'
	[config_write]='^vfio_(basic_config_write|config_do_rw|pci_config_rw)\+'
	[reset]='^vfio_pci_(core_)?ioctl(_reset)?\+'
	[hot_reset]='^vfio_pci_(core_)?ioctl(_pci_hot_reset)?\+'
	[memory_enable]='^vfio_pci_memory_lock_and_enable\+'
)

check_stacks() {
	local kernel=$1 out=$2
	local g=$out/guest s=$out/guest/summary.json bdf top path re n bad
	bdf=$(jq -r .bdf "$g/ground-truth.json")
	check_eq "$kernel stacks: summary exit status" "$(cat "$g/summary.rc" 2>/dev/null)" 0
	check_eq "$kernel stacks: text summary exit status" "$(cat "$g/stacks-text.rc" 2>/dev/null)" 0
	top=$(jq -c --arg b "$bdf" '.devices[] | select(.bdf == $b) | .contention_stacks.top // []' "$s" 2>/dev/null)
	echo "# $kernel stacks: top pairs (waiter -> holder, count, wait):"
	jq -r '.[] | "#   \(.waiter.mode) \(.waiter.path) -> \(.holder.mode) \(.holder.path), x\(.count), \(.wait_ns) ns"' <<<"${top:-[]}"
	check_gt "$kernel stacks: contended pairs on the device" \
		"$(jq --arg b "$bdf" '.devices[] | select(.bdf == $b) | .contention_stacks.pairs // 0' "$s" 2>/dev/null)" 0
	# Waiters on a read-side path: each one's stack goes through that path.
	n=$(jq '[.[] | select(.waiter.path == "fault" or .waiter.path == "bar_rw")] | length' <<<"${top:-[]}")
	check_gt "$kernel stacks: top pairs whose waiter faults or reads the BAR" "${n:-0}" 0
	bad=
	for path in fault bar_rw; do
		re=${PATH_FRAME[$path]}
		bad+=$(jq -r --arg p "$path" --arg re "$re" '.[] | select(.waiter.path == $p) |
			select([.waiter.stack[] | test($re)] | any | not) | "\($p) waiter without \($re): \(.waiter.stack[:6])"' <<<"${top:-[]}")
	done
	bad=$(printf '%s' "$bad" | tr '\n' ';')
	check_eq "$kernel stacks: each such waiter's stack is on its path's code" "${bad:-none}" none
	# Stacks start at the kernel code that waits (the rwsem slow path;
	# PREEMPT_RT's rwbase_rt): vfio-trace's own frames
	# (program, tracepoint runner, trampolines and the traced entries they
	# repeat, "f+0x5") are left out.
	check_eq "$kernel stacks: every waiter stack starts at the lock's slow path" \
		"$(jq -r '[.[] | .waiter.stack[0] // "(none)" | select(test("^(rwsem_down_(read|write)_slowpath|_*down_(read|write)[a-z_]*|_*rwbase_(read|write)_lock|rt_mutex_slowlock[a-z_]*)\\+") | not)] | unique | join(" ") | if . == "" then "yes" else . end' <<<"${top:-[]}")" yes
	# Below the first frame: before 5.19 the wait is seen at the slow path's
	# own entry (its fentry), so there the first frame is that entry,
	# "rwsem_down_read_slowpath+0x5", which is where the waiting starts.
	check_eq "$kernel stacks: no waiter stack shows a trampoline's fentry call site" \
		"$(jq -r '[.[] | .waiter.stack[1:][] | select(test("\\+0x[59]( |$)"))] | unique | join(" ") | if . == "" then "none" else . end' <<<"${top:-[]}")" none
	# A write-held lock: the holder is a write bracket, with that bracket's
	# stack from when it took the lock.
	# The top pairs rank by total wait: writes are rare under the stress
	# run (a few of some hundred contentions), so a write-held pair is among
	# them in some runs only. The event stream has every contention: the
	# write holders are counted there, and their stacks checked on the top
	# pairs that have one.
	local ev=$g/events.ndjson
	check_gt "$kernel stacks: contentions held for write (events), by a config write or a reset" \
		"$(jq -s '[.[] | select(.kind == "contention" and .holder.mode == "write" and (.holder.path == "config_write" or .holder.path == "reset"))] | length' "$ev" 2>/dev/null)" 0
	bad=$(jq -r '.[] | select(.holder.mode == "write") |
		select(.holder.path | IN("config_write", "reset", "hot_reset", "memory_enable") | not) |
		"write holder on \(.holder.path)"' <<<"${top:-[]}")
	for path in config_write reset hot_reset memory_enable; do
		re=${PATH_FRAME[$path]}
		bad+=$(jq -r --arg p "$path" --arg re "$re" '.[] | select(.holder.mode == "write" and .holder.path == $p) |
			select([.holder.stack[] | test($re)] | any | not) | "\($p) holder without \($re): \(.holder.stack[:6])"' <<<"${top:-[]}")
	done
	bad=$(printf '%s' "$bad" | tr '\n' ';')
	check_eq "$kernel stacks: each write holder is a write bracket, its stack on that path's code" "${bad:-none}" none
	check_eq "$kernel stacks: write holders are the workload (events and top pairs)" \
		"$( { jq -r '.[] | select(.holder.mode == "write") | .holder.comm' <<<"${top:-[]}"
			jq -r 'select(.kind == "contention" and .holder.mode == "write") | .holder.comm' "$ev"; } |
			sort -u | paste -sd, -)" vfio-workload
	check_eq "$kernel stacks: no stack or pair lost" \
		"$(jq '.lost.contention_stack + .lost.contention_map_full' "$s" 2>/dev/null)" 0
	# The event stream: a line per contention, with the waiter and the holder.
	check_gt "$kernel stacks: contention events held for write by a config write or reset" \
		"$(jq -s '[.[] | select(.kind == "contention" and .holder != null and .holder.mode == "write" and
			(.holder.path == "config_write" or .holder.path == "reset"))] | length' "$g/events.ndjson" 2>/dev/null)" 0
	check_eq "$kernel stacks: read waits in events come from read-side paths" \
		"$(jq -s '[.[] | select(.kind == "contention" and .waiter.mode == "read" and
			(.waiter.path | IN("fault", "bar_rw", "unknown") | not))] | length' "$g/events.ndjson" 2>/dev/null)" 0
	# Peak RSS with --stacks, for information only: memory is measured in
	# bench/ (side by side, under icount), never asserted in a test.
	echo "# $kernel stacks: peak RSS $(awk '{ print $2 }' "$g/stacks-text.hwm" 2>/dev/null) kB with --stacks, $(awk '{ print $2 }' "$g/export.hwm" 2>/dev/null) kB for export without"
	check_cmd "$kernel stacks: the text summary shows the pairs and a write holder" \
		grep -q "held for write by vfio-workload\[" "$g/stacks-text.txt"
}

# Per-thread maps with room for one thread, under the same storm: the threads
# that find no room are counted (task_map_full), exported and said, and
# tracing goes on for the rest.
check_tiny_maps() {
	local kernel=$1 out=$2
	local g=$out/guest p=$out/guest/vfio_trace.prom bdf d full missed allowance
	j() { jq -r "$1" "$g/ground-truth.json"; }
	bdf=$(j .bdf)
	d="device=\"$bdf\""
	for f in workload export events summary; do
		check_eq "$kernel tiny maps: $f exit status" "$(cat "$g/$f.rc" 2>/dev/null)" 0
	done
	full=$(prom_value "$p" 'vfio_trace_events_lost_total{reason="task_map_full"}')
	missed=$(prom_value "$p" 'vfio_trace_events_lost_total{reason="prog_missed"}')
	check_gt "$kernel tiny maps: threads without room counted (task_map_full)" "$full" 0
	check_eq "$kernel tiny maps: the JSON summary reports them too" \
		"$([ "$(jq '.lost.task_map_full' "$g/summary.json")" -gt 0 ] 2>/dev/null && echo yes)" yes
	check_gt "$kernel tiny maps: faults still counted" "$(prom_sum "$p" vfio_trace_mmap_faults_total "$d")" 0
	allowance=$((full + ${missed:-0}))
	check_accounted "$kernel tiny maps: SIGBUS accesses, the shortfall within the losses" \
		"$(prom_value "$p" "vfio_trace_disabled_memory_accesses_total{$d,kind=\"sigbus\"}")" "$(j .sigbus)" "$allowance"
	check_accounted "$kernel tiny maps: EIO accesses, the shortfall within the losses" \
		"$(prom_value "$p" "vfio_trace_disabled_memory_accesses_total{$d,kind=\"eio\"}")" "$(j .eio)" "$allowance"
	check_cmd "$kernel tiny maps: promtool check metrics" promtool check metrics < "$p"
}

for kernel in $VT_TEST_KERNELS; do
	out=$top/build/e2e/$kernel/trace-stress
	# --reset-ms: resets during the storm, which hold memory_lock for
	# writing while they sleep, so the memory bit flips queue behind them.
	# Without them a flip meets only short read sections, and the writer's
	# optimistic spinning wins nearly every time: 0 to 6 write contentions
	# in 3 s on 6.1, 6.12 and 5.15, too few to check every run.
	# --name: the workload's command line names a VM the way QEMU's -name does.
	# --linger-ms: the device stays open, idle, 3 s after the storm: on the
	# 6.12 lockdep kernel the storm once starved the exporter and the text
	# summary of any snapshot while the workload held the device, and both
	# owner checks failed (session 7's CI run).
	run_vm "$kernel stress: boot" "$out" --kernel "$kernel" trace-workload stacks --stress 3 --reset-ms 100 \
		--name "vt-$kernel" --linger-ms 3000 &&
		{ check_stress "$kernel" "$out"; check_stacks "$kernel" "$out"; }
done

# The same storm in --kprobes mode on the kernels of VT_KPROBES_KERNELS: on
# 5.15 the rwsem slow paths are then kprobes too.
for kernel in $(kprobes_kernels); do
	out=$top/build/e2e/$kernel/trace-stress-kprobes
	run_vm "$kernel stress --kprobes: boot" "$out" --kernel "$kernel" trace-workload kprobes --core --stress 3 \
		--reset-ms 100 --name "vt-$kernel" --linger-ms 3000 &&
		check_stress "$kernel" "$out" kprobes
done

# One kernel is enough: the map code is the same everywhere.
kernel=${VT_TEST_KERNELS%% *}
out=$top/build/e2e/$kernel/trace-tiny-maps
run_vm "$kernel tiny maps: boot" "$out" --kernel "$kernel" trace-workload tiny-maps --stress 3 &&
	check_tiny_maps "$kernel" "$out"
e2e_finish
