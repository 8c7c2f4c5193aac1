#!/usr/bin/env bash
# A few minutes of the soak (make soak runs the hour): vfio-trace export under
# one stress workload per device, round after round, with a device unbound
# and bound again after each round. Fails on a leak: any BPF map's entries or
# the exporter's open fds still growing once the work is steady, or its RSS
# more than 1 MiB above where it settled (tools/soak-report says how each is
# judged).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

SECONDS_SOAK=${VT_SOAK_SECONDS:-150}
EVERY=${VT_SOAK_EVERY:-15}
kernel=${VT_TEST_KERNELS%% *}
out=$top/build/e2e/$kernel/soak
# One host thread for both vCPUs: with a thread per vCPU on a busy 2-core
# host, a vCPU's timer stops firing under this many processes (an RCU stall,
# then a sleep that never returns), as 34-vm-hotplug found too.
export VT_TCG_THREAD=single
if run_vm "$kernel soak: boot with 4 devices, ${SECONDS_SOAK}s" "$out" --kernel "$kernel" --edus 4 \
	--mem 2G --timeout $((SECONDS_SOAK + 600)) soak "$SECONDS_SOAK" "$EVERY"; then
	guest_checks "$kernel soak" "$out.log"
	check_gt "$kernel soak: samples taken" "$(grep -c '^t=' "$out/guest/soak.txt" 2>/dev/null)" 5
	check_gt "$kernel soak: rounds of work" \
		"$(sed -n 's/^rounds=\([0-9]*\).*/\1/p' "$out/guest/soak-rounds.txt" 2>/dev/null)" 3
	"$top/tools/soak-report" "$out/guest/soak.txt" --out "$out/results.md" \
		--title "Soak: $kernel, ${SECONDS_SOAK}s" > "$out/report.txt" 2> "$out/report.err"
	rc=$?
	[ "$rc" -le 1 ] || not_ok "$kernel soak: tools/soak-report: $(cat "$out/report.err")"
	while read -r name first half_max last slope verdict; do
		if [ "$verdict" = flat ]; then
			ok "$kernel soak: $name flat ($first, at most $half_max in the first half, $last at the end, ${slope}/min)"
		else
			not_ok "$kernel soak: $name $verdict: $first, at most $half_max in the first half, $last at the end (${slope}/min)"
			if [ "$name" = fds ]; then
				echo "# open at the end, not at the first steady sample (fd target):"
				comm -13 <(sort "$out/guest/fds-first.txt") <(sort "$out/guest/fds-last.txt") | sed 's/^/#   /'
			fi
		fi
	done < "$out/report.txt"
	check_gt "$kernel soak: map series judged" "$(wc -l < "$out/report.txt")" 5
fi
e2e_finish
