#!/usr/bin/env bash
# vfio-trace in the VM on the real vfio-pci driver, in fentry and --kprobes
# mode: every counter it exports must equal the workload's ground truth.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

# The ioeventfd waits a second before its first write, so the check vfio-trace
# attaches on demand when it is registered is in place for every write.
workload_args=(--touches 5 --disabled-touches 4 --disabled-preads 3 --disabled-pwrites 1
	--toggles 2 --resets 2 --dma-size 8M --ioeventfds 2 --ioeventfd-idle 1000)

# check_against_truth MODE DIR
check_against_truth() {
	local mode=$1 g=$2/guest p j bdf
	p=$g/vfio_trace.prom
	j() { jq -r "$1" "$g/ground-truth.json"; }
	for f in workload export events summary probes; do
		check_eq "$mode: $f exit status" "$(cat "$g/$f.rc" 2>/dev/null)" 0
	done
	[ -s "$p" ] || { not_ok "$mode: no textfile written"; return; }
	bdf=$(j .bdf)
	local d="device=\"$bdf\""
	check_eq "$mode: faults nopage" "$(prom_value "$p" "vfio_trace_mmap_faults_total{$d,bar=\"0\",result=\"nopage\"}")" "$(j .faults.nopage)"
	check_eq "$mode: faults sigbus" "$(prom_value "$p" "vfio_trace_mmap_faults_total{$d,bar=\"0\",result=\"sigbus\"}")" "$(j .faults.sigbus)"
	check_eq "$mode: SIGBUS accesses" "$(prom_value "$p" "vfio_trace_disabled_memory_accesses_total{$d,kind=\"sigbus\"}")" "$(j .sigbus)"
	check_eq "$mode: EIO accesses" "$(prom_value "$p" "vfio_trace_disabled_memory_accesses_total{$d,kind=\"eio\"}")" "$(j .eio)"
	check_eq "$mode: zaps, all reasons" "$(prom_sum "$p" vfio_trace_bar_zaps_total "$d")" "$(j .zaps_expected)"
	check_eq "$mode: zaps by config write" "$(prom_value "$p" "vfio_trace_bar_zaps_total{$d,reason=\"config_write\"}")" "$(j .memory_disables)"
	check_eq "$mode: zaps by reset" "$(prom_value "$p" "vfio_trace_bar_zaps_total{$d,reason=\"reset\"}")" "$(j .resets)"
	check_eq "$mode: memory disables" "$(prom_value "$p" "vfio_trace_memory_disables_total{$d}")" "$(j .memory_disables)"
	check_eq "$mode: pinned pages" "$(prom_value "$p" 'vfio_trace_pinned_pages_total{path="type1"}')" "$(j .pages_pinned)"
	check_eq "$mode: unpinned pages" "$(prom_value "$p" 'vfio_trace_unpinned_pages_total{path="type1"}')" "$(j .pages_unpinned)"
	check_eq "$mode: nothing lost" "$(prom_sum "$p" vfio_trace_events_lost_total '')" 0
	check_eq "$mode: device_info" "$(prom_value "$p" "vfio_trace_device_info{$d,vendor=\"1234\",device_id=\"11e8\"}")" 1
	check_cmd "$mode: promtool check metrics" promtool check metrics < "$p"
	check_eq "$mode: no temporary file left" "$(grep -cv '^\.\{1,2\}$\|^vfio_trace.prom$' "$g/textfile-dir.txt")" 0

	# The event stream: one line per disabled access, with the right device,
	# BAR and task.
	check_cmd "$mode: events are NDJSON" jq -e . "$g/events.ndjson"
	check_eq "$mode: SIGBUS events" "$(jq -s '[.[] | select(.kind == "sigbus")] | length' "$g/events.ndjson")" "$(j .sigbus)"
	check_eq "$mode: EIO events" "$(jq -s '[.[] | select(.kind == "eio")] | length' "$g/events.ndjson")" "$(j .eio)"
	check_eq "$mode: memory_disable events" "$(jq -s '[.[] | select(.kind == "memory_disable")] | length' "$g/events.ndjson")" "$(j .memory_disables)"
	check_eq "$mode: access events on the device's BAR0 by the workload" \
		"$(jq -s --arg b "$bdf" '[.[] | select(.kind == "sigbus" or .kind == "eio") | select(.bdf != $b or .bar != 0 or .comm != "vfio-workload")] | length' "$g/events.ndjson")" 0
	check_eq "$mode: every access names the disabling task" \
		"$(jq -s '[.[] | select(.kind == "sigbus" or .kind == "eio") | select(.disabled_by.comm != "vfio-workload")] | length' "$g/events.ndjson")" 0

	# ioeventfd writes dropped with memory off, seen by the probe attached on
	# demand: before the workload it waits, after it it is attached.
	check_eq "$mode: ioeventfd_drop accesses" "$(prom_value "$p" "vfio_trace_disabled_memory_accesses_total{$d,kind=\"ioeventfd_drop\"}")" "$(j .ioeventfd_writes_disabled)"
	check_eq "$mode: ioeventfd_drop events" "$(jq -s '[.[] | select(.kind == "ioeventfd_drop")] | length' "$g/events.ndjson")" "$(j .ioeventfd_writes_disabled)"
	check_eq "$mode: ioeventfd check waits for an ioeventfd" "$(awk '$1 == "ioeventfd_check" { print $4 }' "$g/probes.txt")" on-demand
	check_eq "$mode: ioeventfd check attached once one was registered" \
		"$(jq '.probes[] | select(.operation == "ioeventfd_check") | .attached' "$g/summary.json")" true
	check_eq "$mode: and said so" "$(grep -c 'an ioeventfd is in use' "$g/events.err")" 1

	# The JSON summary (one document at SIGTERM) agrees with the textfile.
	check_cmd "$mode: summary is JSON" jq -e . "$g/summary.json"
	check_eq "$mode: summary SIGBUS faults" "$(jq --arg b "$bdf" '[.devices[] | select(.bdf == $b) | .faults.by_result.sigbus] | add' "$g/summary.json")" "$(j .faults.sigbus)"
	check_eq "$mode: summary pinned pages" "$(jq '.pins.type1.pages' "$g/summary.json")" "$(j .pages_pinned)"

	# Fault orders: one per fault, "page" where the handler tells (6.12+).
	check_eq "$mode: fault orders add up to the faults" \
		"$(prom_sum "$p" vfio_trace_mmap_fault_orders_total "$d")" "$(prom_sum "$p" vfio_trace_mmap_faults_total "$d")"

	# Where the handler passes an order (6.12+), edu's 1 MiB BAR only ever
	# maps single pages.
	if [ "$(awk '$1 == "huge_fault" { print $4 }' "$g/probes.txt")" = attached ]; then
		check_eq "$mode: every fault is order 0 (page)" \
			"$(prom_value "$p" "vfio_trace_mmap_fault_orders_total{$d,order=\"page\"}")" \
			"$(prom_sum "$p" vfio_trace_mmap_faults_total "$d")"
	fi

	local want_mode=fentry op
	[[ $mode == *kprobes ]] && want_mode=kprobe
	check_eq "$mode: fault probe mode" "$(awk '$1 == "fault" { print $3 }' "$g/probes.txt")" "$want_mode"
	# What the workload exercises must be attached on every kernel; the rest
	# may be unavailable, but then with a reason.
	for op in fault bar_rw memory_lock_wait config_write reset zap pin unpin; do
		check_eq "$mode: $op attached" "$(awk -v op="$op" '$1 == op { print $4 }' "$g/probes.txt")" attached
	done
	if [[ $mode == *fentry ]]; then
		local f
		for f in filter-bdf filter-pid; do
			check_eq "$mode: $f exit status" "$(cat "$g/$f.rc" 2>/dev/null)" 0
			check_eq "$mode: $f: no device counted" "$(jq '.devices | length' "$g/$f.json")" 0
			check_eq "$mode: $f: nothing lost" "$(jq '[.lost[]] | add' "$g/$f.json")" 0
		done
		f=ioeventfd-state
		check_eq "$mode: $f exit status" "$(cat "$g/$f.rc" 2>/dev/null)" 0
		check_eq "$mode: $f: the check never attached" \
			"$(jq '.probes[] | select(.operation == "ioeventfd_check") | .attached' "$g/$f.json")" false
		check_eq "$mode: $f: drops told from the device's state" \
			"$(jq --arg b "$bdf" '[.devices[] | select(.bdf == $b) | .disabled_memory_accesses.ioeventfd_drop] | add' "$g/$f.json")" \
			"$(j .ioeventfd_writes_disabled)"
	fi

	# The hash where forced (kprobe runs) and on PREEMPT_RT, where task
	# storage lookups fail under preemption (src/tracer.c).
	local want_state="task local storage"
	[[ $mode == *kprobes || $mode == *-rt* ]] && want_state="tid-keyed hash"
	check_eq "$mode: per-thread state" \
		"$(sed -n 's/^per-thread state: \([a-z -]*\).*/\1/p' "$g/probes.txt" | sed 's/ *$//')" "$want_state"
	check_eq "$mode: every unavailable probe says why" \
		"$(awk 'NR > 1 && $4 == "unavailable" && NF < 6' "$g/probes.txt" | wc -l)" 0
}

# A real node_exporter on loopback serves the textfile.
check_node_exporter() {
	local prom=$1 dir port pid body
	command -v prometheus-node-exporter >/dev/null || { skip "node_exporter: not installed"; return; }
	dir=$(mktemp -d)
	cp "$prom" "$dir/"
	port=$((20000 + RANDOM % 20000))
	prometheus-node-exporter --web.listen-address="127.0.0.1:$port" \
		--collector.disable-defaults --collector.textfile \
		--collector.textfile.directory="$dir" > "$dir/log" 2>&1 &
	pid=$!
	body=
	for _ in $(seq 1 50); do
		body=$(curl -sf "http://127.0.0.1:$port/metrics" 2>/dev/null) && break
		sleep 0.2
	done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	check_gt "node_exporter serves vfio_trace_mmap_faults_total" \
		"$(echo "$body" | grep -c '^vfio_trace_mmap_faults_total{')" 0
	check_eq "node_exporter: textfile parsed without error" \
		"$(echo "$body" | awk '$1 == "node_textfile_scrape_error" { print $2 }')" 0
	rm -rf "$dir"
}

for kernel in $VT_TEST_KERNELS; do
	for mode in fentry kprobes; do
		out=$top/build/e2e/$kernel/trace-$mode
		run_vm "$kernel $mode: boot" "$out" --kernel "$kernel" trace-workload "$mode" "${workload_args[@]}"
		case $? in
		0) check_against_truth "$kernel $mode" "$out" ;;
		77) break ;;
		esac
		[ "$mode" = fentry ] && [ "$kernel" = debian-6.1 ] && check_node_exporter "$out/guest/vfio_trace.prom"
	done
done

# The same run with vfio-trace built with ASan+UBSan (leak check at exit
# included): the same exact counts, and not one sanitizer report. One kernel:
# the user-space code is the same on all.
check_sanitizers() {
	local kernel=$1 g=$2/guest reports
	reports=$(find "$g" -maxdepth 1 -name 'asan.*' -o -maxdepth 1 -name 'ubsan.*' | sort)
	check_eq "$kernel asan: sanitizer reports" "$(echo "$reports" | grep -c .)" 0
	[ -n "$reports" ] && head -n 30 $reports | sed 's/^/# /'
	check_gt "$kernel asan: the traced binary is the sanitized one" \
		"$(grep -c 'AddressSanitizer\|libasan' "$g/san-check.txt" 2>/dev/null)" 0
}

kernel=${VT_TEST_KERNELS%% *}
out=$top/build/e2e/$kernel/trace-asan
san_cpio=$top/build/e2e/san.cpio
if ! make -s -C "$top" san-bin > "$out.build.log" 2>&1; then
	not_ok "$kernel asan: make san-bin failed: $(tail -n 3 "$out.build.log" | tr '\n' ' ')"
elif ! "$top/tests/vm/pack-binary" "$top/build/san/vfio-trace" san "$san_cpio" 2>> "$out.build.log"; then
	not_ok "$kernel asan: packing the sanitized binary failed: $(tail -n 2 "$out.build.log" | tr '\n' ' ')"
else
	VT_EXTRA_INITRD=$san_cpio run_vm "$kernel asan: boot" "$out" --kernel "$kernel" trace-workload asan "${workload_args[@]}"
	case $? in
	0) check_against_truth "$kernel asan" "$out"; check_sanitizers "$kernel" "$out" ;;
	esac
fi
e2e_finish
