#!/usr/bin/env bash
# Many devices at once: 8 edu devices, each behind its own root port (its own
# IOMMU group), all bound to vfio-pci, one stress workload per device running
# at the same time (threads faulting and reading the BAR, the memory bit
# flipping, resets, a DMA map). Every device's counts in the textfile and in
# the JSON summary equal that device's own ground truth, and nothing is lost.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

NDEV=8

check_many() {
	local kernel=$1 out=$2
	local g=$out/guest
	local p=$g/vfio_trace.prom s=$g/summary.json missed truth bdf d n=0
	missed=$(prom_value "$p" 'vfio_trace_events_lost_total{reason="prog_missed"}')
	for f in export export_compact summary events; do
		check_eq "$kernel many: $f exit status" "$(cat "$g/$f.rc" 2>/dev/null)" 0
	done
	check_eq "$kernel many: ground truths, one per device" "$(find "$g/truth" -name '*.json' | wc -l)" "$NDEV"
	check_eq "$kernel many: devices in the textfile" \
		"$(grep -c '^vfio_trace_device_info{' "$p")" "$NDEV"
	check_eq "$kernel many: devices in the JSON summary" "$(jq '.devices | length' "$s")" "$NDEV"
	local by_bdf events_lost
	by_bdf=$(jq -s 'group_by(.bdf) | map({(.[0].bdf): length}) | add // {}' "$g/events.ndjson")
	events_lost=$(sed -n 's/^vfio-trace: \([0-9]*\) events lost.*/\1/p' "$g/events.err")
	for truth in "$g"/truth/*.json; do
		j() { jq -r "$1" "$truth"; }
		bdf=$(j .bdf)
		d="device=\"$bdf\""
		n=$((n + 1))
		check_gt "$kernel many: $bdf: its workload flipped memory and reset" \
			"$(($(j .memory_disables) > 0 && $(j .stress.resets) > 0))" 0
		# Textfile, by device.
		check_accounted "$kernel many: $bdf: SIGBUS accesses (textfile)" \
			"$(prom_value "$p" "vfio_trace_disabled_memory_accesses_total{$d,kind=\"sigbus\"}")" "$(j .sigbus)" "$missed"
		check_accounted "$kernel many: $bdf: EIO accesses (textfile)" \
			"$(prom_value "$p" "vfio_trace_disabled_memory_accesses_total{$d,kind=\"eio\"}")" "$(j .eio)" "$missed"
		check_accounted "$kernel many: $bdf: memory disables (textfile)" \
			"$(prom_value "$p" "vfio_trace_memory_disables_total{$d}")" "$(j .memory_disables)" "$missed"
		check_accounted "$kernel many: $bdf: zaps (textfile)" \
			"$(prom_sum "$p" vfio_trace_bar_zaps_total "$d")" "$(j .zaps_expected)" "$missed"
		check_accounted "$kernel many: $bdf: zaps by a reset (textfile)" \
			"$(prom_value "$p" "vfio_trace_bar_zaps_total{$d,reason=\"reset\"}")" "$(j .resets)" "$missed"
		check_gt "$kernel many: $bdf: faults that mapped the BAR (textfile)" \
			"$(prom_value "$p" "vfio_trace_mmap_faults_total{$d,bar=\"0\",result=\"nopage\"}")" 0
		# The JSON summary, by device: the same numbers.
		local js
		js=$(jq -c --arg b "$bdf" '.devices[] | select(.bdf == $b) |
			[.disabled_memory_accesses.sigbus, .disabled_memory_accesses.eio, .memory_disables,
			 ([.zaps.by_reason[]] | add), .zaps.by_reason.reset]' "$s")
		check_eq "$kernel many: $bdf: JSON summary: SIGBUS, EIO, disables, zaps, reset zaps" \
			"$js" "[$(j .sigbus),$(j .eio),$(j .memory_disables),$(j .zaps_expected),$(j .resets)]"
		check_eq "$kernel many: $bdf: its owner while it ran: its own workload" \
			"$(sed -n "s/^vfio_trace_device_owner{device=\"$bdf\",vm=\"\",pid=\"\([0-9]*\)\",comm=\"\([^\"]*\)\",.*} 1$/\1 \2/p" "$g/textfile-during.prom")" \
			"$(j .pid) vfio-workload"
		check_accounted "$kernel many: $bdf: events for it vs its accesses and toggles" \
			"$(jq -r --arg b "$bdf" '.[$b] // 0' <<<"$by_bdf")" \
			"$(j '.sigbus + .eio + .memory_disables + .memory_enables')" "$((${events_lost:-0} + ${missed:-0}))"
	done
	check_eq "$kernel many: every device checked" "$n" "$NDEV"
	# Pins are counted by path, not device (the pinning calls do not know
	# it): all workloads' DMA maps together.
	check_accounted "$kernel many: pages pinned, all workloads' DMA maps" \
		"$(prom_sum "$p" vfio_trace_pinned_pages_total '')" "$(jq -s 'map(.pages_pinned) | add' "$g"/truth/*.json)" "$missed"
	check_accounted "$kernel many: pages unpinned, all workloads' DMA unmaps" \
		"$(prom_sum "$p" vfio_trace_unpinned_pages_total '')" "$(jq -s 'map(.pages_unpinned) | add' "$g"/truth/*.json)" "$missed"
	# Events: one per SIGBUS/EIO and per memory toggle, across all devices,
	# each carrying its own device.
	local delivered want=0
	for truth in "$g"/truth/*.json; do
		want=$((want + $(jq '.sigbus + .eio + .memory_disables + .memory_enables' "$truth")))
	done
	delivered=$(jq -s 'length' "$g/events.ndjson")
	check_accounted "$kernel many: events delivered + counted lost vs every device's accesses and toggles" \
		"$((delivered + ${events_lost:-0}))" "$want" "${missed:-0}"
	check_eq "$kernel many: events name exactly the $NDEV devices" \
		"$(jq -r '.bdf' "$g/events.ndjson" | sort -u | wc -l)" "$NDEV"
	local lost unpaired
	lost=$(prom_sum "$p" vfio_trace_events_lost_total '')
	unpaired=$(($(prom_value "$p" 'vfio_trace_events_lost_total{reason="missed_start"}') +
		$(prom_value "$p" 'vfio_trace_events_lost_total{reason="missed_end"}')))
	check_eq "$kernel many: nothing lost but skipped runs and their unpaired ends" \
		"$((lost - ${missed:-0} - unpaired))" 0
	check_cmd "$kernel many: promtool check metrics" promtool check metrics < "$p"
	check_compact "$kernel" "$g" "$missed"
}

# full_sum FILE NAME SUBSTRING...: sum of NAME's samples (labelled) whose
# labels contain every substring.
full_sum() {
	local file=$1 name=$2
	shift 2
	awk -v name="$name" -v subs="$*" '
		BEGIN { n_subs = split(subs, sub_, " ") }
		index($1, name "{") == 1 {
			for (i = 1; i <= n_subs; i++) if (!index($1, sub_[i])) next
			s += $2; n++
		}
		END { if (n) printf "%d\n", s; else print "absent" }' "$file"
}

# The compact textfile (export --series compact, a tracer of its own beside
# the full one): each histogram's count is the sum of the full textfile's
# per-device counts, faults per device are the sum over the BARs, the other
# counters are the same, and no histogram has a device label. Two tracers see
# the same events; they may differ by the runs each reported missed.
check_compact() {
	local kernel=$1 g=$2 missed=$3
	local c=$g/vfio_trace_compact.prom p=$g/vfio_trace.prom cmissed tol bdf d truth f want
	cmissed=$(prom_value "$c" 'vfio_trace_events_lost_total{reason="prog_missed"}')
	tol=$((${missed:-0} + ${cmissed:-0}))
	check_eq "$kernel many compact: devices in the textfile" \
		"$(grep -c '^vfio_trace_device_info{' "$c")" "$NDEV"
	check_eq "$kernel many compact: histogram series with a device label" \
		"$(grep -c '^vfio_trace_[a-z_]*_seconds_[a-z]*{device=' "$c")" 0
	for f in mmap_fault_duration bar_zap_duration memory_off bar_blackout; do
		want=$(full_sum "$p" "vfio_trace_${f}_seconds_count" 'device="')
		check_gt "$kernel many compact: $f: observations in the full textfile" "$want" 0
		check_between "$kernel many compact: $f: the host's count vs the devices' in the full textfile" \
			"$(prom_value "$c" "vfio_trace_${f}_seconds_count")" $((want - tol)) $((want + tol))
	done
	for m in read write; do
		want=$(full_sum "$p" vfio_trace_memory_lock_hold_seconds_count "mode=\"$m\"")
		check_gt "$kernel many compact: $m holds in the full textfile" "$want" 0
		check_between "$kernel many compact: $m holds: the host's count vs the devices'" \
			"$(full_sum "$c" vfio_trace_memory_lock_hold_seconds_count "mode=\"$m\"")" \
			$((want - tol)) $((want + tol))
	done
	for truth in "$g"/truth/*.json; do
		bdf=$(jq -r .bdf "$truth")
		d="device=\"$bdf\""
		want=$(full_sum "$p" vfio_trace_mmap_faults_total "$d" 'result="nopage"')
		check_between "$kernel many compact: $bdf: faults that mapped, all BARs" \
			"$(prom_value "$c" "vfio_trace_mmap_faults_total{$d,result=\"nopage\"}")" \
			$((want - tol)) $((want + tol))
		check_accounted "$kernel many compact: $bdf: SIGBUS accesses" \
			"$(prom_value "$c" "vfio_trace_disabled_memory_accesses_total{$d,kind=\"sigbus\"}")" \
			"$(jq -r .sigbus "$truth")" "${cmissed:-0}"
	done
	check_cmd "$kernel many compact: promtool check metrics" promtool check metrics < "$c"
}

# Debian 6.1 and 6.18 (the newest LTS; under single-threaded TCG since its
# guest once hung after the workloads under MTTCG, see run-vm): the map code
# is the same everywhere (VT_MANY_KERNELS).
kernels=
for k in ${VT_MANY_KERNELS:-debian-6.1 vt-6.18}; do
	[[ " $VT_TEST_KERNELS " == *" $k "* ]] && kernels+=" $k"
done
[ -n "$kernels" ] || skip "many devices: none of ${VT_MANY_KERNELS:-debian-6.1 vt-6.18} in VT_TEST_KERNELS ($VT_TEST_KERNELS)"
for kernel in $kernels; do
	out=$top/build/e2e/$kernel/trace-many
	run_vm "$kernel many: boot with $NDEV devices" "$out" --kernel "$kernel" --edus "$NDEV" --mem 2G \
		--timeout 600 trace-many &&
		{ guest_checks "$kernel many" "$out.log"; check_many "$kernel" "$out"; }
done
e2e_finish
