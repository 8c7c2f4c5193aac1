#!/bin/sh
# shellcheck shell=dash
# Scenario: vfio-workload in basic mode with non-default counts.
#
# Runs the workload against edu (bound to vfio-pci by the guest init), keeps
# its JSON as $VT_OUT/ground-truth.json, and checks that what it counted is
# exactly what these counts must produce. Any mismatch fails the scenario.
. /lib/vt/lib.sh
vt_require_vfio

GT=$VT_OUT/ground-truth.json
TOUCHES=5
PREADS=4
DIS_TOUCHES=4
DIS_PREADS=3
DIS_PWRITES=1
TOGGLES=2
RESETS=2
DMA_MIB=8
PAGES=$((DMA_MIB * 1024 * 1024 / 4096))

vt_log "vfio-workload on $VT_BDF ($VT_GROUP_DEV), kernel $VT_RELEASE"
vfio-workload --bdf "$VT_BDF" --group "$VT_GROUP_DEV" \
	--touches "$TOUCHES" --preads "$PREADS" --disabled-touches "$DIS_TOUCHES" \
	--disabled-preads "$DIS_PREADS" --disabled-pwrites "$DIS_PWRITES" \
	--toggles "$TOGGLES" --resets "$RESETS" --dma-size "${DMA_MIB}M" --json "$GT"
rc=$?
vt_check_eq "vfio-workload exit status" "$rc" 0
[ -s "$GT" ] || vt_die "no ground truth in $GT"
cat "$GT"

j() { vt_json_get "$GT" "$1"; }

vt_check_eq mode "$(j mode)" basic
vt_check_eq faults_exact "$(j faults_exact)" true
vt_check_eq anomalies "$(j anomalies)" 0
vt_check_eq comm "$(j comm)" vfio-workload
vt_check_ge pid "$(j pid)" 1

# One fault for the first touch after mmap, after each re-enable, after each
# reset; the workload measured them (getrusage) and modelled them.
vt_check_ge faults.nopage "$(j faults.nopage)" 1
vt_check_eq faults.nopage "$(j faults.nopage)" $((1 + TOGGLES + RESETS))
vt_check_eq "faults.nopage = model" "$(j faults.nopage)" "$(j faults.nopage_model)"
vt_check_eq faults.sigbus "$(j faults.sigbus)" $((TOGGLES * DIS_TOUCHES))

vt_check_eq touches "$(j touches)" $((TOUCHES + TOGGLES * (DIS_TOUCHES + 1) + RESETS))
vt_check_eq sigbus "$(j sigbus)" $((TOGGLES * DIS_TOUCHES))
vt_check_eq preads "$(j preads)" $((PREADS + TOGGLES * DIS_PREADS))
vt_check_eq pwrites "$(j pwrites)" $((TOGGLES * DIS_PWRITES))
vt_check_eq eio "$(j eio)" $((TOGGLES * (DIS_PREADS + DIS_PWRITES)))

vt_check_eq memory_disables "$(j memory_disables)" "$TOGGLES"
vt_check_eq memory_enables "$(j memory_enables)" "$TOGGLES"
vt_check_eq resets "$(j resets)" "$RESETS"
vt_check_eq zaps_expected "$(j zaps_expected)" $((TOGGLES + RESETS))

vt_check_eq dma_map_bytes "$(j dma_map_bytes)" $((DMA_MIB * 1024 * 1024))
vt_check_eq pages_pinned "$(j pages_pinned)" "$PAGES"
vt_check_eq pages_unpinned "$(j pages_unpinned)" "$PAGES"
vt_check_eq locked_vm_pages.map_delta "$(j locked_vm_pages.map_delta)" "$PAGES"
vt_check_eq locked_vm_pages.unmap_delta "$(j locked_vm_pages.unmap_delta)" "$PAGES"
vt_check_eq dma_roundtrips "$(j dma_roundtrips)" 1
vt_check_eq dma_ok "$(j dma_ok)" true

vt_finish
