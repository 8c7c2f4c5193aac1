#!/usr/bin/env bash
# The vt_lockseed fixture module (tests/modules/vt_lockseed) on debian-6.1:
# built against Debian's linux-headers of the exact kernel the guest boots
# (tests/modules/build), loaded in the guest and checked there against its
# own ground truth (tests/vm/scenarios/lockseed-basic.sh): lock_addr against
# /proc/kallsyms, N triggers against count, rmmod and insmod again, a clean
# dmesg, and triggers under real memory pressure with reclaim walking the
# triggered file's mapping. Skips, saying why, when the headers cannot be had.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

kernel=debian-6.1
out=$top/build/e2e/$kernel/lockseed-basic
mkdir -p "$(dirname "$out")"

build_fixtures "$kernel" "$kernel lockseed" "$out.build.log" vt_lockseed || e2e_finish

# jq over a lockdep document: the edges from class $1 to class $2.
edge_sel() { printf '.edges[] | select(.from.class == "%s" and .to.class == "%s")' "$1" "$2"; }

# The other half of the cycle, fs_reclaim -> i_mmap_rwsem, and the cycle,
# against the kernel's word: how often reclaim waited for an i_mmap_rwsem
# (lock:contention_begin stacks, reclaim.txt). Each such wait is a down_read()
# in reclaim, so the edge is counted at least as often; with none the race
# was lost on every round, and the cycle cannot be there.
check_reclaim_half() {
	local kernel=$1 g=$2 waits doc=$2/lockdep.json cycle='["&mapping->i_mmap_rwsem","fs_reclaim","&mapping->i_mmap_rwsem"]'
	local reclaim_re='shrink_|try_to_unmap|rmap_walk|folio_referenced|kswapd|reclaim'
	waits=$(awk '$1 == "reclaim_i_mmap_waits" { print $2 }' "$g/reclaim.txt" 2>/dev/null)
	if [ "${waits:-0}" -eq 0 ]; then
		skip "$kernel seeds: the cycle: reclaim never waited for an i_mmap_rwsem ($(awk '$1 == "trigger_rounds" { print $2 }' "$g/reclaim.txt" 2>/dev/null) rounds of triggers; see lockseed-basic.sh)"
		return 0
	fi
	check_gt "$kernel seeds: fs_reclaim -> i_mmap_rwsem, with a reclaim stack" \
		"$(jq "[$(edge_sel fs_reclaim '&mapping->i_mmap_rwsem') | .first.stack[] | select(test(\"$reclaim_re\"))] | length" "$doc")" 0
	check_gt "$kernel seeds: fs_reclaim -> i_mmap_rwsem counted as often as reclaim waited for one ($waits, contention_begin)" \
		"$(jq "[$(edge_sel fs_reclaim '&mapping->i_mmap_rwsem') | .count] | add // 0" "$doc")" $((waits - 1))
	check_eq "$kernel seeds: the cycle i_mmap_rwsem -> fs_reclaim -> i_mmap_rwsem is reported, once" \
		"$(jq -c "[.cycles[] | select(.classes == $cycle)] | length" "$doc")" 1
	check_eq "$kernel seeds: the cycle closes on real lock instances" \
		"$(jq -c "[.cycles[] | select(.classes == $cycle)][0].instances" "$doc")" true
	check_eq "$kernel seeds: every step of the cycle has its first stack" \
		"$(jq -c "[.cycles[] | select(.classes == $cycle)][0].steps | map(.first.stack | length > 0) | all" "$doc")" true
}

# The seeds' bug, found without lockdep: vt_lockseed_lock -> i_mmap_rwsem ->
# fs_reclaim taken by the fixture, fs_reclaim -> i_mmap_rwsem by reclaim, and
# the cycle they close; none in the control window (same pressure, no trigger).
check_seeds_cycle() {
	local kernel=$1 g=$2 doc
	for doc in control lockdep; do
		check_eq "$kernel seeds: lockdep $doc run exit status" "$(cat "$g/$doc.rc" 2>/dev/null)" 0
		check_cmd "$kernel seeds: lockdep $doc run output is JSON" jq -e . "$g/$doc.json"
	done
	doc=$g/lockdep.json
	check_gt "$kernel seeds: vt_lockseed_lock -> i_mmap_rwsem (write) seen" \
		"$(jq "[$(edge_sel vt_lockseed_lock '&mapping->i_mmap_rwsem') | select(.to.mode == \"write\") | .count] | add // 0" "$doc")" 0
	check_gt "$kernel seeds: its first stack is the fixture's" \
		"$(jq "[$(edge_sel vt_lockseed_lock '&mapping->i_mmap_rwsem') | .first.stack[] | select(contains(\"[vt_lockseed]\"))] | length" "$doc")" 0
	check_gt "$kernel seeds: i_mmap_rwsem -> fs_reclaim, first taken by the fixture" \
		"$(jq "[$(edge_sel '&mapping->i_mmap_rwsem' fs_reclaim) | .first.stack[] | select(contains(\"[vt_lockseed]\"))] | length" "$doc")" 0
	check_reclaim_half "$kernel" "$g"
	check_eq "$kernel seeds: nothing lost" \
		"$(jq '.lost | [.lock_depth, .edge_map_full, .task_map_full, .edge_stack] | add' "$doc")" 0
	# The control ran with fs_reclaim live (allocations under mmap_lock in
	# faults), and closed no cycle. Reclaim taking a mapped file's
	# i_mmap_rwsem for good (try_to_unmap) showed only with the triggers:
	# the control's edges say whether it did there too.
	check_gt "$kernel seeds control: allocations that may reclaim seen (-> fs_reclaim)" \
		"$(jq '[.edges[] | select(.to.class == "fs_reclaim") | .count] | add // 0' "$g/control.json")" 0
	echo "# $kernel seeds control: fs_reclaim -> i_mmap_rwsem $(jq "[$(edge_sel fs_reclaim '&mapping->i_mmap_rwsem') | .count] | add // 0" "$g/control.json") times without a trigger"
	check_eq "$kernel seeds control: no cycle without the fixture's trigger" \
		"$(jq '.cycles | length' "$g/control.json")" 0
	if command -v dot > /dev/null 2>&1; then
		check_cmd "$kernel seeds: Graphviz draws the graph" dot -Tsvg -o "$g/lockdep.svg" "$g/lockdep.dot"
	fi
}

# 320 MiB: enough for the kernel and the initramfs, little enough that the
# scenario fills it quickly under TCG.
rc=0
run_vm "$kernel lockseed: boot" "$out" --kernel "$kernel" --mem 320M lockseed-basic || rc=$?
case $rc in
0 | 1)
	guest_checks "$kernel lockseed" "$out.log"
	if [ -s "$out/guest/reclaim.txt" ]; then
		echo "# $kernel lockseed, reclaim under pressure (vmstat: during the triggers; histograms: the whole pressure): $(tr '\n' ' ' <"$out/guest/reclaim.txt")"
	fi
	check_seeds_cycle "$kernel" "$out/guest"
	;;
esac
e2e_finish
