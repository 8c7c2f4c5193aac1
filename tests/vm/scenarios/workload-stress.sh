#!/bin/sh
# shellcheck shell=dash
# Scenario: vfio-workload in stress mode for 3 s.
#
# Two threads fault/touch the BAR mmap, one thread preads BAR0, and the main
# thread flips PCI_COMMAND.MEMORY every 200 us: real memory_lock contention.
# Keeps the JSON as $VT_OUT/ground-truth.json and checks that the stress phase
# really produced SIGBUS, EIO and toggles, and that the exact counters add up.
. /lib/vt/lib.sh
vt_require_vfio

GT=$VT_OUT/ground-truth.json
THREADS=2
RESETS=1

vt_log "vfio-workload --stress 3 on $VT_BDF ($VT_GROUP_DEV), kernel $VT_RELEASE"
vfio-workload --bdf "$VT_BDF" --group "$VT_GROUP_DEV" \
	--stress 3 --threads "$THREADS" --resets "$RESETS" --json "$GT"
rc=$?
vt_check_eq "vfio-workload exit status" "$rc" 0
[ -s "$GT" ] || vt_die "no ground truth in $GT"
cat "$GT"

j() { vt_json_get "$GT" "$1"; }

vt_check_eq mode "$(j mode)" stress
vt_check_eq faults_exact "$(j faults_exact)" false
vt_check_eq anomalies "$(j anomalies)" 0
vt_check_eq comm "$(j comm)" vfio-workload
vt_check_eq stress.threads "$(j stress.threads)" "$THREADS"

# The stress phase did what it is for.
vt_check_ge sigbus "$(j sigbus)" 1
vt_check_ge eio "$(j eio)" 1
vt_check_ge stress.toggles "$(j stress.toggles)" 1
vt_check_ge stress.sigbus "$(j stress.sigbus)" 1
vt_check_ge stress.eio "$(j stress.eio)" 1
vt_check_ge stress.touches "$(j stress.touches)" 1
vt_check_ge faults.nopage "$(j faults.nopage)" 1

# The exact counters still add up: each toggle is one disable (one zap) and
# one enable, and in this mode every SIGBUS and EIO comes from the stress phase.
toggles=$(j stress.toggles)
vt_check_eq memory_disables "$(j memory_disables)" "$toggles"
vt_check_eq memory_enables "$(j memory_enables)" "$toggles"
vt_check_eq resets "$(j resets)" "$RESETS"
vt_check_eq zaps_expected "$(j zaps_expected)" $((toggles + RESETS))
vt_check_eq "sigbus = stress.sigbus" "$(j sigbus)" "$(j stress.sigbus)"
vt_check_eq "faults.sigbus = sigbus" "$(j faults.sigbus)" "$(j sigbus)"
vt_check_eq "eio = stress.eio" "$(j eio)" "$(j stress.eio)"

vt_check_eq pages_pinned "$(j pages_pinned)" 1024
vt_check_eq pages_unpinned "$(j pages_unpinned)" 1024
vt_check_eq dma_ok "$(j dma_ok)" true

# Context for whoever reads the log; not checks. On a LOCK_STAT kernel, what
# the kernel itself saw of memory_lock during the run.
if [ -r /proc/lock_stat ]; then
	awk '/memory_lock-[WR]:/ { on = 1 } on && /^ *\.\.\.\./ { on = 0 } on' \
		/proc/lock_stat >"$VT_OUT/lock_stat-vfio.txt"
	vt_log "lock_stat for memory_lock (also in lock_stat-vfio.txt):"
	cat "$VT_OUT/lock_stat-vfio.txt"
fi
splats=$(dmesg | grep -cE 'possible (circular|recursive) locking|inconsistent lock state|lock held when returning|BUG: (sleeping|scheduling|spinlock)|WARNING: ')
vt_log "lockdep/BUG/WARNING lines in dmesg: $splats"

vt_finish
