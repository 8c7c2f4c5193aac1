#!/usr/bin/env bash
# vfio-trace in the VM on the real vfio-pci driver, in fentry and --kprobes
# mode: every counter it exports must equal the workload's ground truth.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

# The ioeventfd waits a second before its first write, so the check vfio-trace
# attaches on demand when it is registered is in place for every write.
# --pmd-aligned: BAR0 alone in a 2 MiB-aligned span, so whether its first
# fault tries a PMD depends on the kernel's THP setting, not on ASLR.
workload_args=(--touches 5 --disabled-touches 4 --disabled-preads 3 --disabled-pwrites 1
	--toggles 2 --resets 2 --off-resets 1 --dma-size 8M --ioeventfds 2 --ioeventfd-idle 1000 --ioeventfd-busy 2
	--pmd-aligned)

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
	# --off-resets: a reset with memory off leaves it off, by the config
	# write: the accesses after it name that, never the reset.
	check_eq "$mode: every access names the config write as the cause" \
		"$(jq -s '[.[] | select(.kind == "sigbus" or .kind == "eio") | select(.disabled_by.cause != "command")] | length' "$g/events.ndjson")" 0
	check_eq "$mode: every memory_enable names the disable it ends" \
		"$(jq -s '[.[] | select(.kind == "memory_enable") | select(.disabled_by.comm != "vfio-workload")] | length' "$g/events.ndjson")" 0
	# Memory came back at the end: the record is closed, so a later failed
	# access could never be pinned on that write.
	check_eq "$mode: memory-off windows, one per enable" \
		"$(prom_value "$p" "vfio_trace_memory_off_seconds_count{$d}")" "$(j .memory_enables)"
	# BAR blackouts: each zap is followed by a touch that faults the BAR in
	# again (after the ioeventfd step's, the next zap's), and every refused
	# access falls in one.
	check_eq "$mode: blackouts, one per zap ended by a refault" \
		"$(prom_value "$p" "vfio_trace_bar_blackout_seconds_count{$d}")" "$(j .blackouts)"
	check_eq "$mode: accesses refused in a blackout" \
		"$(prom_value "$p" "vfio_trace_blackout_failed_accesses_total{$d}")" \
		"$(j '.sigbus + .eio + .ioeventfd_writes_disabled')"
	check_eq "$mode: the summary's disable record is closed when memory came back" \
		"$(jq --arg b "$bdf" '[.devices[] | select(.bdf == $b) | .last_disable | .enabled_ts_ns != null and .enabled_ts_ns >= .ts_ns] | all' "$g/summary.json")" true

	# ioeventfd writes dropped with memory off, seen by the probe attached on
	# demand: before the workload it waits, after it it is attached.
	check_eq "$mode: ioeventfd_drop accesses" "$(prom_value "$p" "vfio_trace_disabled_memory_accesses_total{$d,kind=\"ioeventfd_drop\"}")" "$(j .ioeventfd_writes_disabled)"
	check_eq "$mode: ioeventfd_drop events" "$(jq -s '[.[] | select(.kind == "ioeventfd_drop")] | length' "$g/events.ndjson")" "$(j .ioeventfd_writes_disabled)"
	check_eq "$mode: ioeventfd check waits for an ioeventfd" "$(awk '$1 == "ioeventfd_check" { print $4 }' "$g/probes.txt")" on-demand
	check_eq "$mode: ioeventfd check attached once one was registered" \
		"$(jq '.probes[] | select(.operation == "ioeventfd_check") | .attached' "$g/summary.json")" true
	check_eq "$mode: and said so" "$(grep -c 'an ioeventfd is in use' "$g/events.err")" 1
	# --ioeventfd-busy: writes made while a reset held memory_lock, which
	# the handler leaves to its thread (a failed read trylock). The workload
	# knows each was made inside the reset, and is sure of the failure for
	# those whose reset was still in when write() returned; a vCPU stalled
	# by the host can leave one uncertain, never wrong.
	check_eq "$mode: ioeventfd writes made inside a reset" "$(j .ioeventfd.busy_sent)" 2
	check_gt "$mode: ioeventfd writes surely left to the thread" "$(j .ioeventfd.deferred)" 0
	busy_traced=$(prom_value "$p" "vfio_trace_trylock_failures_total{$d,op=\"ioeventfd\"}")
	check_between "$mode: ioeventfd trylocks given up, no fewer than sure, no more than made" \
		"$busy_traced" "$(j .ioeventfd.deferred)" "$(j .ioeventfd.busy_sent)"
	check_eq "$mode: trylock_failed events of the ioeventfd" \
		"$(jq -s '[.[] | select(.kind == "trylock_failed" and .trylock == "ioeventfd")] | length' "$g/events.ndjson")" \
		"$busy_traced"
	# The stream ran with --stacks (trace-workload): each names what held
	# memory_lock, the reset's write on the reset path, in the workload's
	# thread that made it (not the one that wrote the eventfd).
	check_eq "$mode: ioeventfd trylock events that name the reset, by another thread of the workload, as the holder" \
		"$(jq -s --argjson pid "$(cat "$g/workload.pid")" '[.[] | select(.kind == "trylock_failed" and .trylock == "ioeventfd") |
			select(.holder.mode == "write" and .holder.path == "reset" and .holder.pid == $pid and
				.holder.comm == "vfio-workload" and .holder.tid != .tid)] | length' "$g/events.ndjson")" \
		"$busy_traced"
	check_eq "$mode: no other trylock given up" \
		"$(prom_value "$p" "vfio_trace_trylock_failures_total{$d,op=\"hot_reset\"}") $(prom_value "$p" "vfio_trace_trylock_failures_total{$d,op=\"zap\"}")" "0 0"

	# The JSON summary (one document at SIGTERM) agrees with the textfile.
	check_cmd "$mode: summary is JSON" jq -e . "$g/summary.json"
	# How VFIO_DEVICE_RESET resets the device: the first method the kernel
	# lists (every kernel of the test bed has the file).
	method=$(awk '{ print $1 }' "$g/reset_method.txt" 2>/dev/null)
	check_gt "$mode: the kernel lists a reset method for the device" "${#method}" 0
	check_eq "$mode: summary names the reset method the kernel tries first" \
		"$(jq -r --arg b "$bdf" '.devices[] | select(.bdf == $b) | .reset_method' "$g/summary.json")" "$method"
	check_eq "$mode: and so does vfio_trace_device_info" \
		"$(grep -c "^vfio_trace_device_info{$d,vendor=\"1234\",device_id=\"11e8\",reset_method=\"$method\"} 1\$" "$p")" 1
	check_eq "$mode: summary SIGBUS faults" "$(jq --arg b "$bdf" '[.devices[] | select(.bdf == $b) | .faults.by_result.sigbus] | add' "$g/summary.json")" "$(j .faults.sigbus)"
	check_eq "$mode: summary pinned pages" "$(jq '.pins.type1.pages' "$g/summary.json")" "$(j .pages_pinned)"

	# Fault orders: one per fault, "page" where the handler tells (6.12+).
	check_eq "$mode: fault orders add up to the faults" \
		"$(prom_sum "$p" vfio_trace_mmap_fault_orders_total "$d")" "$(prom_sum "$p" vfio_trace_mmap_faults_total "$d")"

	# Up to 6.11 the handler maps the whole VMA at its first fault: order vma.
	if [ "$(awk '$1 == "fault" { print $2 }' "$g/probes.txt")" = vfio_pci_mmap_fault ]; then
		check_eq "$mode: every fault maps the VMA (order vma, up to 6.11)" \
			"$(prom_value "$p" "vfio_trace_mmap_fault_orders_total{$d,order=\"vma\"}")" \
			"$(prom_sum "$p" vfio_trace_mmap_faults_total "$d")"
	fi
	# Where the handler passes an order (6.12+), edu's 1 MiB BAR only ever
	# maps single pages. With THP on, the kernel may first try a PUD and a
	# PMD (each when that level of the page table is empty): the handler
	# answers VM_FAULT_FALLBACK and the kernel retries one level down, so
	# one user fault is up to three handler runs. The fallbacks are the
	# PMD- and PUD-order runs, and the user faults (the ground truth above)
	# are the page-order ones. (An empty PUD, a whole 1 GiB with nothing
	# else mapped, depends on ASLR: one run in four or so.)
	# The huge handler is traced as the huge_fault operation or, where the
	# page fault handler only calls it, as the fault operation itself.
	if [ "$(awk '$1 == "huge_fault" { print $4 }' "$g/probes.txt")" = attached ] ||
		[ "$(awk '$1 == "fault" { print $2 }' "$g/probes.txt")" = vfio_pci_mmap_huge_fault ]; then
		local runs fallbacks
		runs=$(prom_sum "$p" vfio_trace_mmap_faults_total "$d")
		fallbacks=$(awk -v d="$d" 'index($1, "vfio_trace_mmap_faults_total{") == 1 && index($1, d) &&
			index($1, "result=\"fallback\"") { s += $2 } END { print s + 0 }' "$p")
		check_eq "$mode: every fallback is a PMD- or PUD-order run" \
			"$(($(prom_value "$p" "vfio_trace_mmap_fault_orders_total{$d,order=\"pmd\"}") +
				$(prom_value "$p" "vfio_trace_mmap_fault_orders_total{$d,order=\"pud\"}")))" \
			"$fallbacks"
		check_eq "$mode: the other runs are order 0 (page), one per user fault" \
			"$(prom_value "$p" "vfio_trace_mmap_fault_orders_total{$d,order=\"page\"}")" \
			"$((runs - fallbacks))"
		check_eq "$mode: user faults are the ground truth's" "$((runs - fallbacks))" \
			"$(($(j .faults.nopage) + $(j .faults.sigbus)))"
		# The BAR alone in an aligned 2 MiB (--pmd-aligned): its first
		# fault meets an empty PMD, which THP "always" tries to fill
		# whole; "madvise" does not without an madvise, "never" never.
		local thp
		thp=$(sed -n 's/.*\[\([a-z]*\)\].*/\1/p' "$g/thp.txt" 2>/dev/null)
		echo "# $mode: THP ${thp:-unknown}, PMD-order fallbacks $fallbacks"
		case $thp in
		always) check_gt "$mode: THP always: the aligned BAR's first fault tried a PMD" \
			"$(prom_value "$p" "vfio_trace_mmap_fault_orders_total{$d,order=\"pmd\"}")" 0 ;;
		madvise | never) check_eq "$mode: THP $thp: no fault tried a PMD" "$fallbacks" 0 ;;
		*) not_ok "$mode: the guest's THP setting was not recorded (thp.txt)" ;;
		esac
	fi

	local want_mode=fentry op
	[[ $mode == *kprobes || $mode == *refuse ]] && want_mode=kprobe
	[[ $mode == *kprobe-multi ]] && want_mode=kprobe.multi
	check_eq "$mode: fault probe mode" "$(awk '$1 == "fault" { print $3 }' "$g/probes.txt")" "$want_mode"
	# A program the kernel refuses costs its own operation's fentry, and says
	# why (tracer.c); the other operations keep theirs.
	if [[ $mode == *refuse ]]; then
		for op in fault bar_rw; do
			check_eq "$mode: $op fell back to kprobe" "$(awk -v op="$op" '$1 == op { print $3 }' "$g/probes.txt")" kprobe
			check_gt "$mode: $op says which program the kernel refused" \
				"$(awk -v op="$op" '$1 == op && /program (fault_exit|huge_fault_exit|bar_rw_entry) refused by the kernel: /' "$g/probes.txt" | wc -l)" 0
		done
		check_eq "$mode: config_write kept fentry" "$(awk '$1 == "config_write" { print $3 }' "$g/probes.txt")" fentry
	fi
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
		# -d with 15 addresses, the device last (the rest not on this
		# machine, some given twice): the device, and only it, counted
		# exactly as the unfiltered summary counted it.
		f=filter-many
		check_eq "$mode: $f exit status" "$(cat "$g/$f.rc" 2>/dev/null)" 0
		check_eq "$mode: $f: only the device counted" "$(jq -r '[.devices[].bdf] | join(" ")' "$g/$f.json")" "$bdf"
		local counts='.devices[] | select(.bdf == $b) | [.faults.by_result, .disabled_memory_accesses, .zaps.by_reason]'
		check_eq "$mode: $f: its faults, disabled accesses and zaps as the unfiltered summary's" \
			"$(jq -c --arg b "$bdf" "$counts" "$g/$f.json")" "$(jq -c --arg b "$bdf" "$counts" "$g/summary.json")"
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

# --min-latency 1ns: every fault, zap, reset and pin an event, each with a
# stack of the kernel's own frames from the code that called it; above a day
# none is, and that stream has the usual events.
# vt-5.15's kprobes (on ftrace, at a function's entry) give bpf_get_stack()
# one frame, the probed function's, and its kretprobes none: there the stack
# of a slow operation in kprobe mode is the traced function alone (the
# fentry run walks the callers on the same kernel).
check_slow_events() {
	local mode=$1 g=$2/guest s d bdf own one_frame=${3:-}
	s=$g/slow.ndjson
	bdf=$(jq -r .bdf "$g/ground-truth.json")
	d="device=\"$bdf\""
	slow() { jq -s --arg op "$1" "[.[] | select(.kind == \"slow\" and .slow.op == \$op)${2-}] | length" "$s"; }
	for f in slow slow-none; do
		check_eq "$mode: events --min-latency ($f) exit status" "$(cat "$g/$f.rc" 2>/dev/null)" 0
	done
	check_cmd "$mode: slow events are NDJSON" jq -e . "$s"
	check_eq "$mode: slow faults, one per handler run" "$(slow fault)" \
		"$(prom_sum "$g/vfio_trace.prom" vfio_trace_mmap_faults_total "$d")"
	check_eq "$mode: slow zaps, one per zap" "$(slow zap)" "$(jq -r .zaps_expected "$g/ground-truth.json")"
	check_eq "$mode: slow resets, one per reset" "$(slow reset)" "$(jq -r .resets "$g/ground-truth.json")"
	check_eq "$mode: slow pins, one per pin call" "$(slow pin)" "$(jq '.pins.type1.calls' "$g/summary.json")"
	check_eq "$mode: slow faults, zaps and resets name the device" \
		"$(jq -s --arg b "$bdf" '[.[] | select(.kind == "slow" and .slow.op != "pin" and .bdf != $b)] | length' "$s")" 0
	check_eq "$mode: slow events whose duration is not their value" \
		"$(jq -s '[.[] | select(.kind == "slow" and .slow.duration_ns != .value)] | length' "$s")" 0
	check_eq "$mode: slow events without a stack" \
		"$(jq -s '[.[] | select(.kind == "slow" and (.slow.stack | length) == 0)] | length' "$s")" 0
	own='test("^(bpf_prog_|bpf_trampoline_|__?kretprobe_trampoline)") or test(" \\[bpf\\]")'
	check_eq "$mode: slow events' frames of vfio-trace's own" \
		"$(jq -s "[.[] | select(.kind == \"slow\") | .slow.stack[] | select($own)] | length" "$s")" 0
	if [ -n "$one_frame" ]; then
		check_eq "$mode: slow events whose stack is not the traced function alone" \
			"$(jq -s '[.[] | select(.kind == "slow") | select((.slow.stack | length) != 1 or
				(.slow.stack[0] | test("^(vfio_pci_mmap(_page|_huge)?_fault|unmap_mapping_range|vfio_pci_zap_and_vma_lock|vfio_pci_core_ioctl|vfio_pin_pages_remote|vfio_pin_pages|iommufd_ioas_map)[+]") | not))] | length' "$s")" 0
	else
		check_eq "$mode: slow faults whose stack is not a page fault's (handle_mm_fault)" \
			"$(slow fault ' | select(any(.slow.stack[]; startswith("handle_mm_fault+")) | not)')" 0
		check_eq "$mode: slow resets and pins whose stack is not an ioctl's" \
			"$(jq -s '[.[] | select(.kind == "slow" and (.slow.op == "reset" or .slow.op == "pin")) |
				select(any(.slow.stack[]; test("ioctl")) | not)] | length' "$s")" 0
	fi
	check_eq "$mode: slow events above a day" \
		"$(jq -s '[.[] | select(.kind == "slow")] | length' "$g/slow-none.ndjson")" 0
	check_eq "$mode: and that stream's SIGBUS events" \
		"$(jq -s '[.[] | select(.kind == "sigbus")] | length' "$g/slow-none.ndjson")" \
		"$(jq -r .sigbus "$g/ground-truth.json")"
}

# What --kprobe-multi chooses on a kernel that gets no run of it (the kprobes
# run's probes-multi.txt): each operation in a kprobe mode either goes through
# fprobe, or stays a classic kprobe and says why.
check_kprobe_multi_choice() {
	local mode=$1 t=$2/guest/probes-multi.txt
	[ -s "$t" ] || { not_ok "$mode: no probes-multi.txt"; return; }
	check_gt "$mode: --kprobe-multi: operations in a kprobe mode" \
		"$(awk 'NR > 1 && ($3 == "kprobe" || $3 == "kprobe.multi")' "$t" | wc -l)" 0
	check_eq "$mode: --kprobe-multi: classic kprobes that do not say why" \
		"$(awk 'NR > 1 && $3 == "kprobe" && !/kprobe\.multi refused|classic: its program is also/' "$t" | wc -l)" 0
}

# Kernels whose trace run is repeated with --kprobes --kprobe-multi (FPROBE).
kprobe_multi_kernels=${VT_KPROBE_MULTI_KERNELS-vt-6.18}

for kernel in $VT_TEST_KERNELS; do
	modes="fentry kprobes"
	[[ " $kprobe_multi_kernels " == *" $kernel "* ]] && modes+=" kprobe-multi"
	for mode in $modes; do
		out=$top/build/e2e/$kernel/trace-$mode
		run_vm "$kernel $mode: boot" "$out" --kernel "$kernel" trace-workload "$mode" "${workload_args[@]}"
		case $? in
		0)
			check_against_truth "$kernel $mode" "$out"
			check_slow_events "$kernel $mode" "$out" \
				"$([ "$kernel $mode" = "vt-5.15 kprobes" ] && echo one-frame)"
			[ "$mode" = kprobes ] && check_kprobe_multi_choice "$kernel $mode" "$out"
			;;
		77) break ;;
		esac
		[ "$mode" = fentry ] && [ "$kernel" = debian-6.1 ] && check_node_exporter "$out/guest/vfio_trace.prom"
	done
done

# The fault and BAR access operations' fentry programs made unloadable
# (VFIO_TRACE_REFUSE): the kernel refuses them,
# vfio-trace loads again without them, their operations fall back to kprobes,
# and the counts are still exact. One kernel: the fallback is user-space logic
# (vt-5.15 refuses one program of its own, bar_rw_entry, on every run).
kernel=${VT_TEST_KERNELS%% *}
out=$top/build/e2e/$kernel/trace-refuse
run_vm "$kernel refuse: boot" "$out" --kernel "$kernel" trace-workload refuse "${workload_args[@]}"
case $? in
0) check_against_truth "$kernel refuse" "$out" ;;
esac

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
