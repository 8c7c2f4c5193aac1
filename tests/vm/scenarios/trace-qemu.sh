#!/bin/sh
# shellcheck shell=dash
# Scenario: a real VMM as the VFIO client. Debian's QEMU (tests/vm/pack-qemu,
# through run-vm's VT_EXTRA_INITRD) runs in the guest with edu as a
# vfio-pci device and -name guest=NAME, paused before its guest's first
# instruction (-S): its device model has then opened the group, mapped guest
# RAM for DMA and reset the device at machine reset, as on a hypervisor host.
# vfio-trace must name that QEMU (pid, comm) and its VM as the device's owner
# and as the process that pinned guest RAM, and see the reset.
. /lib/vt/lib.sh
vt_require_vfio

qemu=/opt/qemu/bin/qemu-system-x86_64
[ -x $qemu ] || vt_skip "no QEMU in the guest (run-vm with VT_EXTRA_INITRD from tests/vm/pack-qemu)"
VM=vt-vm1
RAM_MB=64

vfio-trace -j -d "$VT_BDF" > "$VT_OUT/summary.json" 2> "$VT_OUT/summary.err" &
tracer=$!
vt_wait_for summary "$VT_OUT/summary.err" "Hit Ctrl-C"

LD_LIBRARY_PATH=/opt/qemu/lib $qemu -name "guest=$VM,debug-threads=on" -machine q35 -accel tcg \
	-m $RAM_MB -S -nodefaults -display none -monitor none -serial none \
	-device "vfio-pci,host=$VT_BDF" > "$VT_OUT/qemu.out" 2>&1 &
qpid=$!
# Set up once it holds the group and the device (two vfio fds), then a few
# seconds for vfio-trace's owner scan (at most once a second).
n=0
until [ "$(ls -l /proc/$qpid/fd 2>/dev/null | grep -c vfio)" -ge 2 ]; do
	kill -0 $qpid 2>/dev/null || vt_die "QEMU exited: $(cat "$VT_OUT/qemu.out")"
	[ $n -lt 240 ] || vt_die "QEMU did not open the device in 240 s: $(cat "$VT_OUT/qemu.out")"
	sleep 1
	n=$((n + 1))
done
vt_log "QEMU (pid $qpid) holds the device after ${n}s"
sleep 5
vt_check "QEMU still running" kill -0 $qpid
kill -INT $tracer
wait $tracer
vt_check_eq "tracer exits 0" "$?" 0
kill -TERM $qpid
wait $qpid

s() { vt_json_get "$VT_OUT/summary.json" "$1"; }
vt_check_eq "the device" "$(s devices.0.bdf)" "$VT_BDF"
vt_check_eq "owner: QEMU's pid" "$(s devices.0.owner.pid)" $qpid
vt_check_eq "owner: QEMU's comm" "$(s devices.0.owner.comm)" qemu-system-x86
vt_check_eq "owner: the VM, from QEMU's -name" "$(s devices.0.owner.vm)" $VM
vt_check_eq "owner: holding it open" "$(s devices.0.owner.open)" true
# QEMU's machine reset: vfio_pci_pre_reset() clears PCI_COMMAND's memory,
# I/O and bus master bits, then VFIO_DEVICE_RESET; the guest's firmware,
# which would set them again, never runs (-S).
vt_check_eq "machine reset: QEMU's config write zapped the BARs" "$(s devices.0.zaps.by_reason.config_write)" 1
vt_check_eq "machine reset: QEMU's VFIO_DEVICE_RESET zapped them" "$(s devices.0.zaps.by_reason.reset)" 1
vt_check_eq "machine reset: the memory disable" "$(s devices.0.memory_disables)" 1
vt_check_eq "memory off: by QEMU" "$(s devices.0.last_disable.pid)" $qpid
vt_check_eq "memory off: its cause, the config write" "$(s devices.0.last_disable.cause)" command
vt_check_eq "memory off: still, the firmware never ran" "$(s devices.0.last_disable.enabled_ts_ns)" null
vt_check_eq "pins: by QEMU" "$(s pin_processes.0.pid)" $qpid
vt_check_eq "pins: QEMU's VM" "$(s pin_processes.0.vm)" $VM
vt_check_ge "pins: at least the guest's RAM ($RAM_MB MiB of 4 KiB pages)" \
	"$(s pin_processes.0.pages)" $((RAM_MB * 256))
dmesg > "$VT_OUT/dmesg.txt"
vt_check_eq "no kernel warning, BUG or lockdep splat" \
	"$(grep -cE 'WARNING:|BUG:|Oops|possible (circular|recursive) locking|inconsistent lock state' "$VT_OUT/dmesg.txt")" 0
vt_finish
