#!/bin/sh
# shellcheck shell=dash
# Scenario: vfio-workload --ioeventfds N (default 5) in basic mode.
#
# An ioeventfd on edu's BAR0 liveness register is signalled N times with
# PCI_COMMAND.MEMORY clear (vfio's handler drops each write) and N times with
# it set (each write reaches edu, read back through the mmap). Checks that the
# workload's own ground truth is exactly what these counts must give.
#
# Usage: workload-ioeventfd.sh [N]
. /lib/vt/lib.sh
vt_require_vfio

GT=$VT_OUT/ground-truth.json
N=${1:-5}
TOGGLES=1
RESETS=1

vt_log "vfio-workload --ioeventfds $N on $VT_BDF ($VT_GROUP_DEV), kernel $VT_RELEASE"
vfio-workload --bdf "$VT_BDF" --group "$VT_GROUP_DEV" --ioeventfds "$N" \
	--toggles "$TOGGLES" --resets "$RESETS" --json "$GT"
rc=$?
vt_check_eq "vfio-workload exit status" "$rc" 0
[ -s "$GT" ] || vt_die "no ground truth in $GT"
cat "$GT"

j() { vt_json_get "$GT" "$1"; }

vt_check_eq mode "$(j mode)" basic
vt_check_eq iommu "$(j iommu)" type1
vt_check_eq anomalies "$(j anomalies)" 0
vt_check_eq params.ioeventfds "$(j params.ioeventfds)" "$N"
vt_check_eq ioeventfd_writes_disabled "$(j ioeventfd_writes_disabled)" "$N"
vt_check_eq ioeventfd_writes_enabled "$(j ioeventfd_writes_enabled)" "$N"
vt_check_eq "ioeventfd: every enabled write seen in the register" "$(j ioeventfd.landed)" "$N"
vt_check_eq "ioeventfd: no write left unconsumed" "$(j ioeventfd.undrained)" 0
vt_check_eq "ioeventfd: no disabled write reached edu" "$(j ioeventfd.disabled_kept)" true
vt_check_eq "ioeventfd: registered" "$(j ioeventfd.registered)" true
vt_check_eq "ioeventfd: removed" "$(j ioeventfd.unregistered)" true
vt_check_eq "ioeventfd: BAR" "$(j ioeventfd.bar)" 0
vt_check_eq "ioeventfd: offset" "$(j ioeventfd.offset)" 4

# The ioeventfd phase is one more memory disable (and zap) and enable, and
# one more fault after it; the rest is as in workload-basic.
vt_check_eq memory_disables "$(j memory_disables)" $((TOGGLES + 1))
vt_check_eq memory_enables "$(j memory_enables)" $((TOGGLES + 1))
vt_check_eq zaps_expected "$(j zaps_expected)" $((TOGGLES + 1 + RESETS))
vt_check_eq faults.nopage "$(j faults.nopage)" $((1 + TOGGLES + 1 + RESETS))
vt_check_eq "faults.nopage = model" "$(j faults.nopage)" "$(j faults.nopage_model)"
vt_check_eq pages_pinned "$(j pages_pinned)" 1024
vt_check_eq pages_unpinned "$(j pages_unpinned)" 1024
vt_check_eq dma_ok "$(j dma_ok)" true

# N = 0 leaves everything as it was: no ioeventfd, no extra toggle.
vfio-workload --bdf "$VT_BDF" --group "$VT_GROUP_DEV" --toggles "$TOGGLES" \
	--resets "$RESETS" --json "$VT_OUT/ground-truth-0.json" -q
vt_check_eq "vfio-workload --ioeventfds 0 exit status" "$?" 0
vt_check_eq "no ioeventfd: writes_disabled" \
	"$(vt_json_get "$VT_OUT/ground-truth-0.json" ioeventfd_writes_disabled)" 0
vt_check_eq "no ioeventfd: memory_disables" \
	"$(vt_json_get "$VT_OUT/ground-truth-0.json" memory_disables)" "$TOGGLES"

vt_finish
