#!/usr/bin/env bash
# vfio-trace in the VM against two more ways of using a device, each compared
# with the workload's ground truth:
#  - ioeventfd: writes that vfio's ioeventfd handler drops because
#    PCI_COMMAND.MEMORY is clear (kind="ioeventfd_drop"), on every kernel;
#  - iommufd: /dev/iommu, an IOAS and the vfio cdev instead of the type1
#    container, so pins are counted on path="iommufd", on kernels whose guest
#    has the vfio cdev (6.6+; here lockdep-6.12 and vt-6.18), skipped elsewhere.
# Each in the default mode on every kernel, and in --kprobes mode on those of
# VT_KPROBES_KERNELS.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

IOEVENTFDS=5
ioeventfd_args=(--ioeventfds "$IOEVENTFDS" --toggles 1 --resets 1)
iommufd_args=(--iommufd --touches 5 --disabled-touches 4 --disabled-preads 3
	--disabled-pwrites 1 --toggles 2 --resets 2 --ioeventfds 3 --dma-size 8M)

# What every run must show: all five processes ended well, a textfile, the
# workload's run as modelled, and nothing the tracer had to drop.
check_run() {
	local name=$1 g=$2 f
	for f in workload export events summary probes; do
		check_eq "$name: $f exit status" "$(cat "$g/$f.rc" 2>/dev/null)" 0
	done
	[ -s "$g/vfio_trace.prom" ] || { not_ok "$name: no textfile written"; return 1; }
	[ -s "$g/ground-truth.json" ] || { not_ok "$name: no ground truth written"; return 1; }
	check_eq "$name: the workload saw no anomaly" "$(jq -r .anomalies "$g/ground-truth.json")" 0
	check_eq "$name: nothing lost" "$(prom_sum "$g/vfio_trace.prom" vfio_trace_events_lost_total '')" 0
}

# check_ioeventfd_drops NAME DIR: the drop counter and events against truth.
check_ioeventfd_drops() {
	local name=$1 g=$2 p=$2/vfio_trace.prom bdf d want off
	j() { jq -r "$1" "$g/ground-truth.json"; }
	bdf=$(j .bdf)
	d="device=\"$bdf\""
	want=$(j .ioeventfd_writes_disabled)
	off=$(j .ioeventfd.offset)
	check_eq "$name: ioeventfd probe attached" "$(awk '$1 == "ioeventfd" { print $4 }' "$g/probes.txt")" attached
	check_eq "$name: ioeventfd_drop accesses" \
		"$(prom_value "$p" "vfio_trace_disabled_memory_accesses_total{$d,kind=\"ioeventfd_drop\"}")" "$want"
	check_eq "$name: ioeventfd_drop events" \
		"$(jq -s '[.[] | select(.kind == "ioeventfd_drop")] | length' "$g/events.ndjson")" "$want"
	check_eq "$name: ioeventfd_drop events on the device's BAR0 at the register" \
		"$(jq -s --arg b "$bdf" --argjson o "$off" '[.[] | select(.kind == "ioeventfd_drop") |
			select(.bdf != $b or .bar != 0 or .offset != $o)] | length' "$g/events.ndjson")" 0
	check_eq "$name: every drop names the disabling task" \
		"$(jq -s '[.[] | select(.kind == "ioeventfd_drop") |
			select(.disabled_by.comm != "vfio-workload")] | length' "$g/events.ndjson")" 0
	check_eq "$name: memory disables" \
		"$(prom_value "$p" "vfio_trace_memory_disables_total{$d}")" "$(j .memory_disables)"
	check_eq "$name: zaps, all reasons" "$(prom_sum "$p" vfio_trace_bar_zaps_total "$d")" "$(j .zaps_expected)"
}

check_ioeventfd() {
	local name=$1 g=$2/guest
	check_run "$name" "$g" || return
	check_eq "$name: the workload dropped as many writes as asked" \
		"$(jq -r .ioeventfd_writes_disabled "$g/ground-truth.json")" "$IOEVENTFDS"
	check_eq "$name: and wrote as many with memory on" \
		"$(jq -r .ioeventfd.landed "$g/ground-truth.json")" "$IOEVENTFDS"
	# The counter equals the disabled writes alone: none of the enabled ones
	# was counted as a drop.
	check_ioeventfd_drops "$name" "$g"
}

check_iommufd() {
	local name=$1 g=$2/guest p=$2/guest/vfio_trace.prom bdf d op
	check_run "$name" "$g" || return
	j() { jq -r "$1" "$g/ground-truth.json"; }
	check_eq "$name: the workload used iommufd" "$(j .iommu)" iommufd
	bdf=$(j .bdf)
	d="device=\"$bdf\""
	for op in pin_iommufd pin_iommufd_pages; do
		check_eq "$name: $op attached" "$(awk -v op="$op" '$1 == op { print $4 }' "$g/probes.txt")" attached
	done
	check_eq "$name: pinned pages (iommufd)" "$(prom_value "$p" 'vfio_trace_pinned_pages_total{path="iommufd"}')" "$(j .pages_pinned)"
	check_eq "$name: unpinned pages (iommufd)" "$(prom_value "$p" 'vfio_trace_unpinned_pages_total{path="iommufd"}')" "$(j .pages_unpinned)"
	check_eq "$name: pin calls (iommufd) = IOMMU_IOAS_MAP ioctls" "$(prom_value "$p" 'vfio_trace_pin_calls_total{path="iommufd"}')" "$(j .ioas_maps)"
	check_eq "$name: pin errors (iommufd)" "$(prom_value "$p" 'vfio_trace_pin_errors_total{path="iommufd"}')" "$(j .ioas_map_errors)"
	check_eq "$name: no type1 pins" "$(prom_value "$p" 'vfio_trace_pinned_pages_total{path="type1"}')" 0
	check_eq "$name: summary pinned pages (iommufd)" "$(jq '.pins.iommufd.pages' "$g/summary.json")" "$(j .pages_pinned)"
	check_eq "$name: faults nopage" "$(prom_value "$p" "vfio_trace_mmap_faults_total{$d,bar=\"0\",result=\"nopage\"}")" "$(j .faults.nopage)"
	check_eq "$name: faults sigbus" "$(prom_value "$p" "vfio_trace_mmap_faults_total{$d,bar=\"0\",result=\"sigbus\"}")" "$(j .faults.sigbus)"
	check_eq "$name: SIGBUS accesses" "$(prom_value "$p" "vfio_trace_disabled_memory_accesses_total{$d,kind=\"sigbus\"}")" "$(j .sigbus)"
	check_eq "$name: EIO accesses" "$(prom_value "$p" "vfio_trace_disabled_memory_accesses_total{$d,kind=\"eio\"}")" "$(j .eio)"
	check_eq "$name: zaps by config write" "$(prom_value "$p" "vfio_trace_bar_zaps_total{$d,reason=\"config_write\"}")" "$(j .memory_disables)"
	check_eq "$name: zaps by reset" "$(prom_value "$p" "vfio_trace_bar_zaps_total{$d,reason=\"reset\"}")" "$(j .resets)"
	check_eq "$name: SIGBUS events" "$(jq -s '[.[] | select(.kind == "sigbus")] | length' "$g/events.ndjson")" "$(j .sigbus)"
	check_eq "$name: EIO events" "$(jq -s '[.[] | select(.kind == "eio")] | length' "$g/events.ndjson")" "$(j .eio)"
	# The workload's ioeventfd phase runs through the cdev's device fd too.
	check_ioeventfd_drops "$name" "$g"
}

for kernel in $VT_TEST_KERNELS; do
	out=$top/build/e2e/$kernel/trace-ioeventfd
	run_vm "$kernel ioeventfd: boot" "$out" --kernel "$kernel" trace-workload fentry --core "${ioeventfd_args[@]}"
	case $? in
	0) check_ioeventfd "$kernel ioeventfd" "$out" ;;
	77) continue ;;
	esac

	# The first boot's environment says whether this kernel has the vfio cdev.
	env=$out/guest/_vt/env.txt
	if [ -s "$env" ] && ! grep -q '^VT_CDEV=/' "$env"; then
		skip "$kernel iommufd: $(sed -n 's/^VT_RELEASE=//p' "$env") has no vfio device cdev (VFIO_DEVICE_CDEV, 6.6+), so no --iommufd"
		continue
	fi
	out=$top/build/e2e/$kernel/trace-iommufd
	run_vm "$kernel iommufd: boot" "$out" --kernel "$kernel" trace-workload fentry --core "${iommufd_args[@]}" &&
		check_iommufd "$kernel iommufd" "$out"
done

# Both again in --kprobes mode, on the kernels of VT_KPROBES_KERNELS.
for kernel in $(kprobes_kernels); do
	out=$top/build/e2e/$kernel/trace-ioeventfd-kprobes
	run_vm "$kernel ioeventfd --kprobes: boot" "$out" --kernel "$kernel" trace-workload kprobes --core \
		"${ioeventfd_args[@]}"
	case $? in
	0) check_ioeventfd "$kernel ioeventfd --kprobes" "$out" ;;
	77) continue ;;
	esac
	grep -q '^VT_CDEV=/' "$out/guest/_vt/env.txt" 2>/dev/null || continue
	out=$top/build/e2e/$kernel/trace-iommufd-kprobes
	run_vm "$kernel iommufd --kprobes: boot" "$out" --kernel "$kernel" trace-workload kprobes --core \
		"${iommufd_args[@]}" &&
		check_iommufd "$kernel iommufd --kprobes" "$out"
done
e2e_finish
