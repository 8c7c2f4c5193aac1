#!/bin/sh
# shellcheck shell=dash
# Scenario: vfio-workload --iommufd: /dev/iommu, an IOAS and the device's vfio
# cdev instead of the container and group, IOMMU_IOAS_MAP/UNMAP instead of
# MAP/UNMAP_DMA, and the same BAR, disable, DMA and reset steps as basic mode.
# Checks the workload's own ground truth against these counts.
#
# On a kernel without the vfio cdev (before 6.6) it checks that the workload
# refuses clearly (exit 4, one line naming what is missing), then skips.
. /lib/vt/lib.sh
vt_require_vfio

GT=$VT_OUT/ground-truth.json
TOUCHES=5
DIS_TOUCHES=4
DIS_PREADS=3
DIS_PWRITES=1
TOGGLES=2
RESETS=2
IOEVENTFDS=3
DMA_MIB=8
PAGES=$((DMA_MIB * 1024 * 1024 / 4096))

if [ -z "$VT_CDEV" ]; then
	vfio-workload --bdf "$VT_BDF" --iommufd --json "$GT" 2>"$VT_OUT/workload.err"
	rc=$?
	cat "$VT_OUT/workload.err"
	vt_check_eq "no vfio cdev: vfio-workload --iommufd exit status" "$rc" 4
	vt_check "no vfio cdev: the error names the missing cdev" \
		grep -q 'not supported by this kernel.*cdev' "$VT_OUT/workload.err"
	vt_check "no vfio cdev: no ground truth written" test ! -e "$GT"
	[ "$VT_FAILURES" -eq 0 ] || vt_finish
	vt_skip "kernel $VT_RELEASE has no vfio cdev (VFIO_DEVICE_CDEV, 6.6+)"
fi

vt_log "vfio-workload --iommufd on $VT_BDF ($VT_CDEV), kernel $VT_RELEASE"
vfio-workload --bdf "$VT_BDF" --iommufd \
	--touches "$TOUCHES" --disabled-touches "$DIS_TOUCHES" --disabled-preads "$DIS_PREADS" \
	--disabled-pwrites "$DIS_PWRITES" --toggles "$TOGGLES" --resets "$RESETS" \
	--ioeventfds "$IOEVENTFDS" --dma-size "${DMA_MIB}M" --json "$GT"
rc=$?
vt_check_eq "vfio-workload exit status" "$rc" 0
[ -s "$GT" ] || vt_die "no ground truth in $GT"
cat "$GT"

j() { vt_json_get "$GT" "$1"; }

vt_check_eq mode "$(j mode)" basic
vt_check_eq iommu "$(j iommu)" iommufd
vt_check_eq cdev "$(j cdev)" "$VT_CDEV"
vt_check_eq anomalies "$(j anomalies)" 0
vt_check_eq faults_exact "$(j faults_exact)" true

# DMA through the IOAS: one map, one unmap, every page pinned once and
# accounted in VmPin (mm->pinned_vm); /dev/iommu's default rlimit mode leaves
# VmLck alone.
vt_check_eq ioas_maps "$(j ioas_maps)" 1
vt_check_eq ioas_map_errors "$(j ioas_map_errors)" 0
vt_check_eq ioas_unmaps "$(j ioas_unmaps)" 1
vt_check_eq dma_map_bytes "$(j dma_map_bytes)" $((DMA_MIB * 1024 * 1024))
vt_check_eq pages_pinned "$(j pages_pinned)" "$PAGES"
vt_check_eq pages_unpinned "$(j pages_unpinned)" "$PAGES"
vt_check_eq pin_accounting "$(j pin_accounting)" VmPin
vt_check_eq pinned_vm_pages.map_delta "$(j pinned_vm_pages.map_delta)" "$PAGES"
vt_check_eq pinned_vm_pages.unmap_delta "$(j pinned_vm_pages.unmap_delta)" "$PAGES"
vt_check_eq locked_vm_pages.map_delta "$(j locked_vm_pages.map_delta)" 0
vt_check_eq dma_roundtrips "$(j dma_roundtrips)" 1
vt_check_eq dma_ok "$(j dma_ok)" true

# The device steps, as in workload-basic, plus the ioeventfd phase's own
# memory disable, enable and fault.
vt_check_eq faults.nopage "$(j faults.nopage)" $((1 + TOGGLES + 1 + RESETS))
vt_check_eq "faults.nopage = model" "$(j faults.nopage)" "$(j faults.nopage_model)"
vt_check_eq faults.sigbus "$(j faults.sigbus)" $((TOGGLES * DIS_TOUCHES))
vt_check_eq sigbus "$(j sigbus)" $((TOGGLES * DIS_TOUCHES))
vt_check_eq eio "$(j eio)" $((TOGGLES * (DIS_PREADS + DIS_PWRITES)))
vt_check_eq memory_disables "$(j memory_disables)" $((TOGGLES + 1))
vt_check_eq resets "$(j resets)" "$RESETS"
vt_check_eq zaps_expected "$(j zaps_expected)" $((TOGGLES + 1 + RESETS))
vt_check_eq ioeventfd_writes_disabled "$(j ioeventfd_writes_disabled)" "$IOEVENTFDS"
vt_check_eq ioeventfd_writes_enabled "$(j ioeventfd_writes_enabled)" "$IOEVENTFDS"
vt_check_eq "ioeventfd: enabled writes seen in the register" "$(j ioeventfd.landed)" "$IOEVENTFDS"

# An unknown cdev path fails cleanly, as a failed step (exit 1).
vfio-workload --bdf "$VT_BDF" --iommufd --cdev /dev/vfio/devices/vfio999 -q \
	--json "$VT_OUT/bad.json" 2>"$VT_OUT/bad-cdev.err"
vt_check_eq "--cdev that does not exist: exit status" "$?" 1

vt_finish
