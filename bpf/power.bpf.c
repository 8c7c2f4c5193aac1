// SPDX-License-Identifier: GPL-2.0
/*
 * Power states (power.bpf.h):
 *   vfio_pm_config_write(vdev, pos, count, perm, offset, val)
 *       a write to the PM capability; at its control register a move into
 *       D3hot zaps the BARs first (5.19+)
 *   vfio_pci_set_power_state(vdev, state)
 *       every move vfio makes, from that write, open, close and idle
 */
#include "power.bpf.h"

SEC("fentry/vfio_pm_config_write")
int BPF_PROG(power_write_entry, vt_vdev_t *vdev, int pos, int count, void *perm, int offset)
{
	return vt_power_write_begin(vdev, offset);
}

SEC("fexit/vfio_pm_config_write")
int BPF_PROG(power_write_exit)
{
	return vt_power_write_end();
}

SEC("kprobe")
int BPF_KPROBE(power_write_entry_kp, vt_vdev_t *vdev, int pos, int count, void *perm, int offset)
{
	return vt_power_write_begin(vdev, offset);
}

SEC("kretprobe")
int BPF_KRETPROBE(power_write_exit_kp)
{
	return vt_power_write_end();
}

SEC("fexit/vfio_pci_set_power_state")
int BPF_PROG(power_state_exit, vt_vdev_t *vdev, int state, int ret)
{
	return vt_power_state_set(vdev, ret);
}

SEC("kprobe")
int BPF_KPROBE(power_state_entry_kp, vt_vdev_t *vdev)
{
	return vt_power_call_begin(vdev);
}

SEC("kretprobe")
int BPF_KRETPROBE(power_state_exit_kp, int ret)
{
	return vt_power_call_end(ret);
}
