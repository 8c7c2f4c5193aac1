// SPDX-License-Identifier: GPL-2.0
/*
 * A device instance is freed; device.bpf.h forgets it. Newest first:
 *   vfio_pci_core_release_dev(core_vdev)   6.1+: the vfio_device's last
 *                                          reference is gone
 *   vfio_pci_core_uninit_device(vdev)      5.15 to 6.0: vfio_pci_remove(),
 *                                          after the device is unregistered
 * Not vfio_pci_core_unregister_device(): it waits for the last close, and the
 * close path (disable, reset) runs the probes again, which would learn the
 * instance back right after it was forgotten.
 */
#include "device.bpf.h"

SEC("fentry/vfio_pci_core_release_dev")
int BPF_PROG(device_release, void *core_vdev)
{
	return vt_device_forget(vt_vdev_from_core(core_vdev));
}

SEC("fentry/vfio_pci_core_uninit_device")
int BPF_PROG(device_uninit, vt_vdev_t *vdev)
{
	return vt_device_forget(vdev);
}

SEC("kprobe")
int BPF_KPROBE(device_release_kp, void *core_vdev)
{
	return vt_device_forget(vt_vdev_from_core(core_vdev));
}

SEC("kprobe")
int BPF_KPROBE(device_uninit_kp, vt_vdev_t *vdev)
{
	return vt_device_forget(vdev);
}
