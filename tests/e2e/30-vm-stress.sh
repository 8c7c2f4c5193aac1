#!/usr/bin/env bash
# The stress workload under vfio-trace: real memory_lock contention, split into
# readers (faults, BAR reads) and writers (memory disables), with wait and hold
# histograms for the device, and nothing lost.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

kernel=${VT_TEST_KERNEL:-debian-6.1}
out=$top/build/e2e/$kernel/trace-stress
mkdir -p "$(dirname "$out")"
run_vm "stress: boot $kernel" "$out" --kernel "$kernel" trace-workload fentry --stress 3 || e2e_finish
g=$out/guest
p=$g/vfio_trace.prom
j() { jq -r "$1" "$g/ground-truth.json"; }
bdf=$(j .bdf)
d="device=\"$bdf\""

check_eq "stress: workload exit status" "$(cat "$g/workload.rc")" 0
check_eq "stress: export exit status" "$(cat "$g/export.rc")" 0
read_c=$(prom_value "$p" "vfio_trace_memory_lock_contentions_total{$d,mode=\"read\"}")
write_c=$(prom_value "$p" "vfio_trace_memory_lock_contentions_total{$d,mode=\"write\"}")
check_gt "stress: memory_lock contentions, read + write" "$((read_c + write_c))" 0
check_eq "stress: contentions split by mode (both series present)" \
	"$([ "$read_c" != absent ] && [ "$write_c" != absent ] && echo yes)" yes
wait_count=$(prom_sum "$p" vfio_trace_memory_lock_wait_seconds_count "$d")
check_eq "stress: wait histogram count = contentions that ended" "$wait_count" "$((read_c + write_c))"
check_gt "stress: hold histogram, fault/read" \
	"$(prom_value "$p" "vfio_trace_memory_lock_hold_seconds_count{$d,mode=\"read\",path=\"fault\"}")" 0
check_gt "stress: hold histogram, bar_rw/read" \
	"$(prom_value "$p" "vfio_trace_memory_lock_hold_seconds_count{$d,mode=\"read\",path=\"bar_rw\"}")" 0
check_gt "stress: hold histogram, config_write/write" \
	"$(prom_value "$p" "vfio_trace_memory_lock_hold_seconds_count{$d,mode=\"write\",path=\"config_write\"}")" 0
check_eq "stress: SIGBUS accesses = workload's count" \
	"$(prom_value "$p" "vfio_trace_disabled_memory_accesses_total{$d,kind=\"sigbus\"}")" "$(j .sigbus)"
check_eq "stress: EIO accesses = workload's count" \
	"$(prom_value "$p" "vfio_trace_disabled_memory_accesses_total{$d,kind=\"eio\"}")" "$(j .eio)"
check_eq "stress: memory disables = workload's toggles off" \
	"$(prom_value "$p" "vfio_trace_memory_disables_total{$d}")" "$(j .memory_disables)"
check_eq "stress: zaps = workload's expectation" "$(prom_sum "$p" vfio_trace_bar_zaps_total "$d")" "$(j .zaps_expected)"
# Every event is either delivered or counted as lost, never silently dropped.
delivered=$(jq -s 'length' "$g/events.ndjson")
events_lost=$(sed -n 's/^vfio-trace: \([0-9]*\) events lost.*/\1/p' "$g/events.err")
check_eq "stress: events delivered + counted lost = accesses + memory toggles" \
	"$((delivered + ${events_lost:-0}))" "$(($(j .sigbus) + $(j .eio) + $(j .memory_disables) + $(j .memory_enables)))"
check_gt "stress: SIGBUS events delivered" \
	"$(jq -s '[.[] | select(.kind == "sigbus")] | length' "$g/events.ndjson")" 0
lost=$(prom_sum "$p" vfio_trace_events_lost_total '')
check_eq "stress: nothing lost" "$lost" 0
check_cmd "stress: promtool check metrics" promtool check metrics < "$p"
e2e_finish
