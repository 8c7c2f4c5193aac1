// SPDX-License-Identifier: GPL-2.0
/*
 * Fault handlers, newest first:
 *   vfio_pci_mmap_page_fault(vmf)          6.12+: vm_ops->fault, order 0; it calls
 *   vfio_pci_mmap_huge_fault(vmf, order)   6.12+: vm_ops->huge_fault, PMD and PUD
 *                                          (f9e54c3a2f5b "vfio/pci: implement
 *                                          huge_fault support"); often inlined
 *                                          into the page fault handler
 *   vfio_pci_mmap_fault(vmf)               up to 6.11
 * User space chooses among them (src/probes.c, the "fault" operation): the
 * huge pair alone where the page handler only calls it, so each fault runs
 * one pair; else the page pair on whichever of the first and last the
 * kernel has, with the huge pair beside it for PMD and PUD faults.
 */
#include "fault.bpf.h"

SEC("fentry/vfio_pci_mmap_huge_fault")
int BPF_PROG(huge_fault_entry, struct vm_fault *vmf, unsigned int order)
{
	return vt_fault_begin(ctx, vmf, vt_fault_order_class(order), true, true);
}

SEC("fexit/vfio_pci_mmap_huge_fault")
int BPF_PROG(huge_fault_exit, struct vm_fault *vmf, unsigned int order, vm_fault_t ret)
{
	return vt_fault_end(ctx, vmf, ret, true);
}

SEC("fentry/vfio_pci_mmap_page_fault")
int BPF_PROG(page_fault_entry, struct vm_fault *vmf)
{
	return vt_fault_begin(ctx, vmf, VT_ORDER_PAGE, false, true);
}

SEC("fentry/vfio_pci_mmap_fault")
int BPF_PROG(fault_entry, struct vm_fault *vmf)
{
	return vt_fault_begin(ctx, vmf, VT_ORDER_VMA, false, true);
}

/* Shared by vfio_pci_mmap_page_fault and vfio_pci_mmap_fault: same signature. */
SEC("fexit/vfio_pci_mmap_fault")
int BPF_PROG(fault_exit, struct vm_fault *vmf, vm_fault_t ret)
{
	return vt_fault_end(ctx, vmf, ret, true);
}

SEC("kprobe")
int BPF_KPROBE(huge_fault_entry_kp, struct vm_fault *vmf, unsigned int order)
{
	return vt_fault_begin(ctx, vmf, vt_fault_order_class(order), true, false);
}

SEC("kprobe")
int BPF_KPROBE(page_fault_entry_kp, struct vm_fault *vmf)
{
	return vt_fault_begin(ctx, vmf, VT_ORDER_PAGE, false, false);
}

SEC("kprobe")
int BPF_KPROBE(fault_entry_kp, struct vm_fault *vmf)
{
	return vt_fault_begin(ctx, vmf, VT_ORDER_VMA, false, false);
}

SEC("kretprobe")
int BPF_KRETPROBE(fault_exit_kp, vm_fault_t ret)
{
	return vt_fault_end(ctx, NULL, ret, false);
}

SEC("kretprobe")
int BPF_KRETPROBE(huge_fault_exit_kp, vm_fault_t ret)
{
	return vt_fault_end(ctx, NULL, ret, false);
}
