#!/usr/bin/env bash
# The stress workload under vfio-trace: real memory_lock contention, split into
# readers (faults, BAR reads) and writers (memory disables), with wait and hold
# histograms for the device, and nothing lost.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

check_stress() {
	local kernel=$1 out=$2
	local g=$out/guest p=$out/guest/vfio_trace.prom bdf d read_c write_c wait_count delivered events_lost lost missed ev_missed
	j() { jq -r "$1" "$g/ground-truth.json"; }
	bdf=$(j .bdf)
	d="device=\"$bdf\""
	missed=$(prom_value "$p" 'vfio_trace_events_lost_total{reason="prog_missed"}')

	check_eq "$kernel stress: workload exit status" "$(cat "$g/workload.rc")" 0
	check_eq "$kernel stress: export exit status" "$(cat "$g/export.rc")" 0
	read_c=$(prom_value "$p" "vfio_trace_memory_lock_contentions_total{$d,mode=\"read\"}")
	write_c=$(prom_value "$p" "vfio_trace_memory_lock_contentions_total{$d,mode=\"write\"}")
	check_gt "$kernel stress: memory_lock contentions, read + write" "$((read_c + write_c))" 0
	# Each contention is also counted by the path its waiter was on; a
	# read-side path (fault, BAR access) only ever waits to read, a
	# write-side one (config write, reset, MSI setup) only to write.
	local by_path read_paths write_paths
	by_path=$(prom_sum "$p" vfio_trace_memory_lock_contentions_by_path_total "$d")
	read_paths=$(($(prom_value "$p" "vfio_trace_memory_lock_contentions_by_path_total{$d,path=\"fault\"}") +
		$(prom_value "$p" "vfio_trace_memory_lock_contentions_by_path_total{$d,path=\"bar_rw\"}")))
	write_paths=$((by_path - read_paths -
		$(prom_value "$p" "vfio_trace_memory_lock_contentions_by_path_total{$d,path=\"unknown\"}")))
	echo "# $kernel stress: contentions read $read_c, write $write_c; by the waiter's path: read-side $read_paths, write-side $write_paths, unknown $((by_path - read_paths - write_paths))"
	check_eq "$kernel stress: every contention counted once by its waiter's path" \
		"$by_path" "$((read_c + write_c))"
	check_cmd "$kernel stress: read contentions come from read-side paths (fault, bar_rw: $read_paths of $read_c)" \
		test "$read_paths" -ge 1 -a "$read_paths" -le "$read_c"
	check_cmd "$kernel stress: write contentions come from write-side paths ($write_paths of $write_c)" \
		test "$write_paths" -ge 1 -a "$write_paths" -le "$write_c"
	wait_count=$(prom_sum "$p" vfio_trace_memory_lock_wait_seconds_count "$d")
	check_eq "$kernel stress: wait histogram count = contentions that ended" "$wait_count" "$((read_c + write_c))"
	check_gt "$kernel stress: hold histogram, fault/read" \
		"$(prom_value "$p" "vfio_trace_memory_lock_hold_seconds_count{$d,mode=\"read\",path=\"fault\"}")" 0
	check_gt "$kernel stress: hold histogram, bar_rw/read" \
		"$(prom_value "$p" "vfio_trace_memory_lock_hold_seconds_count{$d,mode=\"read\",path=\"bar_rw\"}")" 0
	check_gt "$kernel stress: hold histogram, config_write/write" \
		"$(prom_value "$p" "vfio_trace_memory_lock_hold_seconds_count{$d,mode=\"write\",path=\"config_write\"}")" 0
	check_accounted "$kernel stress: SIGBUS accesses vs workload's count" \
		"$(prom_value "$p" "vfio_trace_disabled_memory_accesses_total{$d,kind=\"sigbus\"}")" "$(j .sigbus)" "$missed"
	check_accounted "$kernel stress: EIO accesses vs workload's count" \
		"$(prom_value "$p" "vfio_trace_disabled_memory_accesses_total{$d,kind=\"eio\"}")" "$(j .eio)" "$missed"
	check_accounted "$kernel stress: memory disables vs workload's toggles off" \
		"$(prom_value "$p" "vfio_trace_memory_disables_total{$d}")" "$(j .memory_disables)" "$missed"
	check_accounted "$kernel stress: zaps vs workload's expectation" \
		"$(prom_sum "$p" vfio_trace_bar_zaps_total "$d")" "$(j .zaps_expected)" "$missed"
	# Every event is either delivered or counted as lost, never silently dropped.
	delivered=$(jq -s 'length' "$g/events.ndjson")
	events_lost=$(sed -n 's/^vfio-trace: \([0-9]*\) events lost.*/\1/p' "$g/events.err")
	ev_missed=$(sed -n 's/^vfio-trace: \([0-9]*\) probe runs missed.*/\1/p' "$g/events.err")
	check_accounted "$kernel stress: events delivered + counted lost vs accesses + memory toggles" \
		"$((delivered + ${events_lost:-0}))" "$(($(j .sigbus) + $(j .eio) + $(j .memory_disables) + $(j .memory_enables)))" "${ev_missed:-0}"
	check_gt "$kernel stress: SIGBUS events delivered" \
		"$(jq -s '[.[] | select(.kind == "sigbus")] | length' "$g/events.ndjson")" 0
	lost=$(prom_sum "$p" vfio_trace_events_lost_total '')
	# A skipped entry shows as missed_start at its exit, a skipped exit as
	# missed_end at the next entry: consequences of the skipped runs, no more.
	local unpaired
	unpaired=$(($(prom_value "$p" 'vfio_trace_events_lost_total{reason="missed_start"}') +
		$(prom_value "$p" 'vfio_trace_events_lost_total{reason="missed_end"}')))
	check_eq "$kernel stress: nothing lost but skipped runs and their unpaired ends" \
		"$((lost - missed - unpaired))" 0
	check_eq "$kernel stress: unpaired ends no more than the skipped runs" \
		"$([ "$unpaired" -le "$missed" ] && echo yes || echo "no: $unpaired > $missed")" yes
	check_cmd "$kernel stress: promtool check metrics" promtool check metrics < "$p"
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
	run_vm "$kernel stress: boot" "$out" --kernel "$kernel" trace-workload fentry --stress 3 &&
		check_stress "$kernel" "$out"
done

# One kernel is enough: the map code is the same everywhere.
kernel=${VT_TEST_KERNELS%% *}
out=$top/build/e2e/$kernel/trace-tiny-maps
run_vm "$kernel tiny maps: boot" "$out" --kernel "$kernel" trace-workload tiny-maps --stress 3 &&
	check_tiny_maps "$kernel" "$out"
e2e_finish
