// SPDX-License-Identifier: GPL-2.0
/*
 * Power states (power.bpf.h):
 *   vfio_pm_config_write(vdev, pos, count, perm, offset, val)
 *       a write to the PM capability; at its control register a move into
 *       D3hot zaps the BARs first (5.19+)
 *   vfio_pci_set_power_state(vdev, state)
 *       every move vfio makes, from that write, open, close and idle
 *   vfio_pci_core_ioctl_feature(core_vdev, flags, arg, argsz)
 *       6.1+: the low power requests
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

SEC("fentry/vfio_pci_core_ioctl_feature")
int BPF_PROG(feature_entry, void *core_vdev, __u32 flags)
{
	return vt_feature_begin(core_vdev, flags);
}

SEC("fexit/vfio_pci_core_ioctl_feature")
int BPF_PROG(feature_exit, void *core_vdev, __u32 flags, void *arg, size_t argsz, int ret)
{
	return vt_feature_end(ret);
}

SEC("kprobe")
int BPF_KPROBE(feature_entry_kp, void *core_vdev, __u32 flags)
{
	return vt_feature_begin(core_vdev, flags);
}

SEC("kretprobe")
int BPF_KRETPROBE(feature_exit_kp, int ret)
{
	return vt_feature_end(ret);
}
