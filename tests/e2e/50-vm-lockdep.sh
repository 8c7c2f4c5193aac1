#!/usr/bin/env bash
# `vfio-trace lockdep` in the VM. On every kernel it must see the fault path's
# order (mmap_lock before memory_lock) and lose nothing. On the lockdep kernel,
# /proc/lockdep is the oracle: every edge vfio-trace reports between classes
# lockdep knows must be in lockdep's dependency graph (directly, or through
# locks vfio-trace does not track); the edges lockdep has among the tracked
# classes that vfio-trace did not see are reported, and lock_stat's
# memory_lock contention is printed beside vfio-trace's.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

# lockdep_graph FILE: "FROM<TAB>TO" per direct dependency, "#N" suffixes
# dropped (lockdep numbers classes that share a name).
lockdep_graph() {
	awk '
		/^[0-9a-f]+ / { from = $0; sub(/^.*: /, "", from); sub(/#[0-9]+$/, "", from); next }
		/^ -> \[/ { to = $0; sub(/^ -> \[[0-9a-f]+\] /, "", to); sub(/#[0-9]+$/, "", to); print from "\t" to }
	' "$1" | sort -u
}

# reachable GRAPH FROM TO: lockdep orders FROM before TO, directly or not.
reachable() {
	awk -F'\t' -v from="$2" -v to="$3" '
		{ adj[$1] = adj[$1] SUBSEP $2 }
		END {
			queue[1] = from; seen[from] = 1; head = 1; tail = 1
			while (head <= tail) {
				n = split(adj[queue[head++]], next_, SUBSEP)
				for (i = 2; i <= n; i++) {
					if (next_[i] == to) exit 0
					if (!seen[next_[i]]++) queue[++tail] = next_[i]
				}
			}
			exit 1
		}' "$1"
}

check_lockdep_run() {
	local kernel=$1 g=$2/guest graph edges n from to count direct
	check_eq "$kernel lockdep: exit status" "$(cat "$g/lockdep.rc")" 0
	check_eq "$kernel lockdep: text mode exit status" "$(cat "$g/lockdep-text.rc")" 0
	check_eq "$kernel lockdep: text mode -o FILE: the report is in FILE" \
		"$(grep -c '^Lock order seen in ' "$g/lockdep-text.txt" 2>/dev/null)" 1
	check_eq "$kernel lockdep: text mode -o FILE: nothing else on stdout or stderr" \
		"$(grep -vc 'Hit Ctrl-C\|cannot be unloaded' "$g/lockdep-text.stdout")" 0
	check_cmd "$kernel lockdep: output is JSON" jq -e . "$g/lockdep.json"
	check_eq "$kernel lockdep: one JSON document on one line" "$(wc -l < "$g/lockdep.json")" 1
	# Only what the kernel itself skipped (PREEMPT_RT preempts BPF programs)
	# and its unpaired entries and exits.
	check_eq "$kernel lockdep: nothing lost but skipped runs and their unpaired ends" \
		"$(jq '.lost | [to_entries[] | select(.key != "prog_missed" and .key != "missed_start" and .key != "missed_end") | .value] | add' "$g/lockdep.json")" 0
	check_eq "$kernel lockdep: unpaired ends no more than the skipped runs" \
		"$(jq '.lost | (.missed_start + .missed_end) <= .prog_missed' "$g/lockdep.json")" true
	check_gt "$kernel lockdep: mmap_lock -> memory_lock (the fault path) seen" \
		"$(jq '[.edges[] | select(.from.class == "&mm->mmap_lock" and .to.class == "&vdev->memory_lock") | .count] | add // 0' "$g/lockdep.json")" 0
	check_gt "$kernel lockdep: memory_lock taken for writing after something (zap or config write)" \
		"$(jq '[.edges[] | select(.to.class == "&vdev->memory_lock" and .to.mode == "write") | .count] + [.edges[] | select(.from.class == "&vdev->memory_lock" and .from.mode == "write") | .count] | add // 0' "$g/lockdep.json")" 0
	check_eq "$kernel lockdep: the report says fs_reclaim's allocation tracepoints are attached" \
		"$(jq -c '[.probes[] | select(.operation | startswith("lock:fs_reclaim")) | .attached]' "$g/lockdep.json")" '[true,true]'
	# `probes --lockdep` says the same of this kernel as lockdep mode does.
	check_eq "$kernel lockdep: probes --lockdep exit status" "$(cat "$g/probes-lockdep.rc" 2>/dev/null)" 0
	check_eq "$kernel lockdep: probes --lockdep: down_read and the fs_reclaim tracepoints attached" \
		"$(awk '($1 == "lock:down_read" || $1 ~ /^lock:fs_reclaim_/) && $4 == "attached"' "$g/probes-lockdep.txt" | wc -l)" 3
	check_eq "$kernel lockdep: the DOT graph has every edge" \
		"$(grep -c -- '" -> "' "$g/lockdep.dot")" "$(jq '.edges | length' "$g/lockdep.json")"
	if command -v dot > /dev/null 2>&1; then
		check_cmd "$kernel lockdep: Graphviz draws the DOT graph" dot -Tsvg -o "$g/lockdep.svg" "$g/lockdep.dot"
	else
		skip "$kernel lockdep: Graphviz is not installed (tools/install-deps installs it)"
	fi
	# (Kernel functions named bpf_*, such as bpf_map_mmap() when vfio-trace
	# maps its own ring buffer, are real frames.)
	check_eq "$kernel lockdep: no stack frame is vfio-trace's own (BPF program, trampoline)" \
		"$(jq '[.edges[].first.stack[] | select(startswith("0x") or startswith("bpf_prog_") or startswith("bpf_trampoline_") or contains("[bpf]"))] | length' "$g/lockdep.json")" 0
	# The edges whose stack starts elsewhere are named, with their first
	# frames, so that a failure says which path it was.
	check_eq "$kernel lockdep: every stack starts in the lock function (or the allocator, into fs_reclaim)" \
		"$(jq -r '[.edges[] | select((.to.class != "fs_reclaim" and ((.first.stack[0] // "none") | test("^(down_|mutex_)") | not)) or (.to.class == "fs_reclaim" and ((.first.stack[0] // "none") | test("alloc|kmalloc|kmem_cache|slab") | not))) | "\(.from.class) -> \(.to.class): \(.first.stack[0:4] | join(" < "))"] | if length == 0 then "none" else join("; ") end' "$g/lockdep.json")" none
	check_eq "$kernel lockdep: every edge has its first stack" \
		"$(jq '[.edges[] | select((.first.stack | length) == 0)] | length' "$g/lockdep.json")" 0

	if [ ! -s "$g/proc-lockdep.txt" ]; then
		skip "$kernel lockdep oracle: this kernel has no /proc/lockdep (no CONFIG_LOCKDEP)"
		return
	fi
	graph=$(mktemp)
	lockdep_graph "$g/proc-lockdep.txt" > "$graph"
	edges=$(jq -r '.edges[] | select(.from.class != .to.class) | [.from.class, .to.class, .count, .direct] | @tsv' "$g/lockdep.json" | sort -u)
	n=0
	while IFS=$'\t' read -r from to count direct; do
		[ -n "$from" ] || continue
		n=$((n + 1))
		if grep -qxF "$from"$'\t'"$to" "$graph"; then
			ok "$kernel lockdep oracle: $from -> $to ($count) is a direct lockdep dependency"
		elif reachable "$graph" "$from" "$to"; then
			ok "$kernel lockdep oracle: $from -> $to ($count) is in lockdep's graph through other locks"
		else
			not_ok "$kernel lockdep oracle: $from -> $to ($count, direct=$direct) is not in /proc/lockdep"
		fi
	done <<< "$edges"
	check_gt "$kernel lockdep oracle: edges compared" "$n" 0
	# Lockdep's own edges among the classes vfio-trace tracks that it missed.
	local tracked='&mm->mmap_lock|&vdev->vma_lock|&vdev->memory_lock|&mapping->i_mmap_rwsem|&vdev->igate|fs_reclaim'
	local missed
	missed=$(awk -F'\t' -v t="$tracked" 'BEGIN { n = split(t, a, "|"); for (i = 1; i <= n; i++) k[a[i]] = 1 }
		($1 in k) && ($2 in k) && $1 != $2' "$graph" | while IFS=$'\t' read -r from to; do
		jq -e --arg f "$from" --arg t "$to" 'any(.edges[]; .from.class == $f and .to.class == $t)' \
			"$g/lockdep.json" > /dev/null || echo "$from -> $to"
	done)
	echo "# $kernel: lockdep edges among tracked classes not seen by vfio-trace: ${missed:-none}" |
		tr '\n' ' '
	echo
	ok "$kernel lockdep oracle: missed edges reported ($(printf '%s' "$missed" | grep -c . ) of them)"
	rm -f "$graph"

	# lock_stat beside vfio-trace, same run.
	local ls_w ls_r vt_w vt_r
	ls_w=$(awk '$1 == "&vdev->memory_lock-W:" { print $3 }' "$g/proc-lock_stat.txt")
	ls_r=$(awk '$1 == "&vdev->memory_lock-R:" { print $3 }' "$g/proc-lock_stat.txt")
	vt_r=$(jq '[.devices[].memory_lock.read.contentions] | add // 0' "$g/summary.json")
	vt_w=$(jq '[.devices[].memory_lock.write.contentions] | add // 0' "$g/summary.json")
	echo "# $kernel memory_lock contentions: lock_stat read ${ls_r:-?} write ${ls_w:-?}; vfio-trace read $vt_r write $vt_w"
	check_cmd "$kernel lock_stat: memory_lock contention figures found" test -n "$ls_r$ls_w"
	# lock_stat counts every acquisition whose fast path failed, over a
	# longer window (enabled before vfio-trace attached, read after it
	# detached); contention_begin fires only once a waiter is about to
	# queue. So vfio-trace can never count more, in either mode.
	check_cmd "$kernel lock_stat: vfio-trace's read contentions ($vt_r) within lock_stat's (${ls_r:-?})" \
		test "$vt_r" -le "${ls_r:-0}"
	check_cmd "$kernel lock_stat: vfio-trace's write contentions ($vt_w) within lock_stat's (${ls_w:-?})" \
		test "$vt_w" -le "${ls_w:-0}"
}

for kernel in $VT_TEST_KERNELS; do
	out=$top/build/e2e/$kernel/trace-lockdep
	run_vm "$kernel lockdep: boot" "$out" --kernel "$kernel" trace-lockdep &&
		check_lockdep_run "$kernel" "$out"
done
e2e_finish
