// SPDX-License-Identifier: GPL-2.0
/*
 * Fault handlers, newest first:
 *   vfio_pci_mmap_huge_fault(vmf, order)  6.12+ (Peter Xu's huge pfnmap series;
 *                                         also reached from vfio_pci_mmap_page_fault)
 *   vfio_pci_mmap_fault(vmf)              up to 6.11
 * User space retargets and enables the pair that the running kernel has.
 */
#include "fault.bpf.h"

SEC("fentry/vfio_pci_mmap_huge_fault")
int BPF_PROG(huge_fault_entry, struct vm_fault *vmf, unsigned int order)
{
	return vt_fault_begin(vmf, vt_fault_order_class(order));
}

SEC("fexit/vfio_pci_mmap_huge_fault")
int BPF_PROG(huge_fault_exit, struct vm_fault *vmf, unsigned int order, vm_fault_t ret)
{
	return vt_fault_end(ret);
}

SEC("fentry/vfio_pci_mmap_fault")
int BPF_PROG(fault_entry, struct vm_fault *vmf)
{
	return vt_fault_begin(vmf, VT_ORDER_UNKNOWN);
}

SEC("fexit/vfio_pci_mmap_fault")
int BPF_PROG(fault_exit, struct vm_fault *vmf, vm_fault_t ret)
{
	return vt_fault_end(ret);
}

SEC("kprobe")
int BPF_KPROBE(huge_fault_entry_kp, struct vm_fault *vmf, unsigned int order)
{
	return vt_fault_begin(vmf, vt_fault_order_class(order));
}

SEC("kprobe")
int BPF_KPROBE(fault_entry_kp, struct vm_fault *vmf)
{
	return vt_fault_begin(vmf, VT_ORDER_UNKNOWN);
}

SEC("kretprobe")
int BPF_KRETPROBE(fault_exit_kp, vm_fault_t ret)
{
	return vt_fault_end(ret);
}
