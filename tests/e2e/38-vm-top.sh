#!/usr/bin/env bash
# `vfio-trace top` on a real kernel: two devices, a stress workload on the
# second and the basic one on the first.
# - In batch mode with --sort faults (tests/vm/scenarios/trace-top.sh): added
#   up over the blocks, each device's disabled-memory accesses and zaps equal
#   its workload's ground truth; the busy device shows its VM and the pages it
#   pinned; every block is in the order asked for; memory-off names the
#   workload that last turned it off.
# - On a terminal, through tmux in the guest (tests/vm/scenarios/top-tmux.sh):
#   the rows appear, d, f and r change the order on the screen, and q leaves
#   with the alternate screen off and the terminal's settings as before.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

# The rows of top.txt as "BLOCK BDF OWNER FAULTS_PER_S ZAPS DISABLED PINNED
# MEMORY_OFF...", by column: the fields are fixed-width (src/render_text_top.c's
# ROW_FMT), and a p99 such as "16.8 ms" has a blank inside.
top_rows() {
	awk '/^vfio-trace top - / { block++ }
	     /^[0-9a-f]+:[0-9a-f]+:[0-9a-f]+\.[0-7] / {
		owner = substr($0, 14, 18); sub(/ +$/, "", owner)
		print block, substr($0, 1, 12), owner, substr($0, 33, 8) + 0,
		      substr($0, 69, 6) + 0, substr($0, 76, 9) + 0, substr($0, 86, 7) + 0,
		      substr($0, 95)
	     }' "$1"
}

check_top() {
	local kernel=$1 g=$2/guest rows blocks lost truth bdf n=0
	rows=$(top_rows "$g/top.txt")
	blocks=$(grep -c '^vfio-trace top - ' "$g/top.txt")
	check_eq "$kernel top: exit status after SIGINT" "$(cat "$g/top.rc" 2>/dev/null)" 0
	check_gt "$kernel top: blocks, one per interval" "$blocks" 2
	check_eq "$kernel top: blocks with the column header" \
		"$(grep -c '^DEVICE  *VM/OWNER  *FAULT/s' "$g/top.txt")" "$blocks"
	lost=$(sed -n 's/.*  lost \([0-9]*\)$/\1/p' "$g/top.txt" | awk '{ s += $1 } END { print s + 0 }')
	for truth in "$g"/truth/*.json; do
		j() { jq -r "$1" "$truth"; }
		bdf=$(j .bdf)
		n=$((n + 1))
		mine=$(awk -v b="$bdf" '$2 == b' <<<"$rows")
		check_accounted "$kernel top: $bdf: DISABLED over the blocks vs its SIGBUS and EIO" \
			"$(awk '{ s += $6 } END { print s + 0 }' <<<"$mine")" "$(j '.sigbus + .eio')" "$lost"
		check_accounted "$kernel top: $bdf: ZAPS over the blocks vs its zaps" \
			"$(awk '{ s += $5 } END { print s + 0 }' <<<"$mine")" "$(j .zaps_expected)" "$lost"
		check_eq "$kernel top: $bdf: MEMORY OFF in the last block names its workload" \
			"$(awk 'END { for (i = 8; i <= NF; i++) printf "%s%s", $i, i < NF ? " " : ""; print "" }' <<<"$mine" |
				sed -n 's/^last \([a-z0-9_]* \)\{0,1\}[0-9.]* [nums]* by \(.*\)$/\2/p')" "vfio-workload[$(j .pid)]"
	done
	check_eq "$kernel top: devices checked" "$n" 2
	local busy
	busy=$(jq -r 'select(.mode == "stress") | .bdf' "$g"/truth/*.json)
	check_gt "$kernel top: $busy: blocks naming its VM, vmbusy" \
		"$(awk -v b="$busy" '$2 == b && $3 == "vmbusy"' <<<"$rows" | wc -l)" 0
	check_eq "$kernel top: $busy: PINNED over the blocks (its owner's DMA map)" \
		"$(awk -v b="$busy" '$2 == b { s += $7 } END { print s + 0 }' <<<"$rows")" \
		"$(jq -r 'select(.mode == "stress") | .pages_pinned' "$g"/truth/*.json)"
	# --sort faults: each block by FAULT/s, the largest first, a tie by
	# address. The busy device is the second by address, so this fails when
	# top does not sort.
	check_eq "$kernel top: blocks out of --sort faults order" \
		"$(awk '$1 == pb && ($4 > pf || ($4 == pf && $2 < pd)) { bad++ }
			{ pb = $1; pf = $4; pd = $2 } END { print bad + 0 }' <<<"$rows")" 0
	check_gt "$kernel top: blocks where the busy device, second by address, came first" \
		"$(awk -v b="$busy" '$1 != pb && $2 == b { n++ } { pb = $1 } END { print n + 0 }' <<<"$rows")" 0
}

kernels=
for k in ${VT_TOP_KERNELS:-debian-6.1}; do
	[[ " $VT_TEST_KERNELS " == *" $k "* ]] && kernels+=" $k"
done
[ -n "$kernels" ] || skip "top: none of ${VT_TOP_KERNELS:-debian-6.1} in VT_TEST_KERNELS ($VT_TEST_KERNELS)"
# tmux for the guest (tools/install-deps installs it on the host).
tmux_cpio=$top/build/tmux.cpio
if ! "$top/tests/vm/pack-tmux" "$tmux_cpio" > "$top/build/pack-tmux.log" 2>&1; then
	tmux_cpio=
	skip "top on a terminal: tests/vm/pack-tmux failed: $(tail -n 1 "$top/build/pack-tmux.log")"
fi
for kernel in $kernels; do
	out=$top/build/e2e/$kernel/trace-top
	run_vm "$kernel top: boot with 2 devices" "$out" --kernel "$kernel" --edus 2 --timeout 600 trace-top &&
		{ guest_checks "$kernel top" "$out.log"; check_top "$kernel" "$out"; }
	[ -n "$tmux_cpio" ] || continue
	out=$top/build/e2e/$kernel/top-tmux
	VT_EXTRA_INITRD=$tmux_cpio run_vm "$kernel top on a terminal: boot with 2 devices" "$out" \
		--kernel "$kernel" --edus 2 --timeout 600 top-tmux &&
		guest_checks "$kernel top on a terminal" "$out.log"
done
e2e_finish
