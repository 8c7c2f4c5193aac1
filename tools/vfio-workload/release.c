// SPDX-License-Identifier: GPL-2.0
/*
 * vfio's release request (--wait-release): when the device is to go away (PCI
 * hot-unplug, unbind), vfio_unregister_group_dev() waits for its user to
 * close it, and asks through the eventfd on VFIO_PCI_REQ_IRQ_INDEX, once at
 * once and again every 10 s. QEMU registers that eventfd when it realizes a
 * vfio-pci device, and on a request unplugs the device from its guest and
 * closes it. This does the same: register at set-up, hold the device (its
 * BAR mapped, its DMA mapped) until the request comes, then stop and let go.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "workload.h"

/* The request eventfd on VFIO_PCI_REQ_IRQ_INDEX, or (fd -1) none. */
static int req_trigger(struct wl *w, int fd)
{
	char buf[sizeof(struct vfio_irq_set) + sizeof(int)];
	struct vfio_irq_set *set = (struct vfio_irq_set *)buf;

	set->argsz = sizeof(buf);
	set->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	set->index = VFIO_PCI_REQ_IRQ_INDEX;
	set->start = 0;
	set->count = 1;
	*(int *)set->data = fd;
	if (ioctl(w->device, VFIO_DEVICE_SET_IRQS, set) < 0)
		return sys_fail("VFIO_DEVICE_SET_IRQS (request eventfd %s)", fd < 0 ? "off" : "on");
	return 0;
}

int release_setup(struct wl *w)
{
	struct vfio_irq_info irq = { .argsz = sizeof(irq), .index = VFIO_PCI_REQ_IRQ_INDEX };

	if (ioctl(w->device, VFIO_DEVICE_GET_IRQ_INFO, &irq) < 0)
		return sys_fail("VFIO_DEVICE_GET_IRQ_INFO (request)");
	if (irq.count < 1 || !(irq.flags & VFIO_IRQ_INFO_EVENTFD))
		return msg_fail(
			"--wait-release: %s has no request interrupt (count %u, flags 0x%x)",
			w->bdf, irq.count, irq.flags);
	w->req_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (w->req_efd < 0)
		return sys_fail("eventfd (request)");
	return req_trigger(w, w->req_efd);
}

/*
 * Hold the device until vfio asks for it, at most o->wait_release_s. Nothing
 * touches the device meanwhile, so every count stays exact. Then the trigger
 * is taken off, as QEMU does before it closes the device; the caller unmaps
 * the DMA and cleanup() closes the rest.
 */
int release_wait(struct wl *w)
{
	struct pollfd p = { .fd = w->req_efd, .events = POLLIN };
	double t0 = now_ms(), left;
	uint64_t n;
	int r;

	/* Not a note: the scenario waits for this line, with --quiet too. */
	fprintf(stderr, PROG ": holding %s until vfio asks for it back (at most %.0f s)\n", w->bdf,
		w->o->wait_release_s);
	for (;;) {
		left = w->o->wait_release_s * 1000 - (now_ms() - t0);
		if (left <= 0)
			return msg_fail("--wait-release: no release request for %s in %.0f s",
					w->bdf, w->o->wait_release_s);
		r = poll(&p, 1, (int)left + 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return sys_fail("poll (request eventfd)");
		if (r > 0)
			break;
	}
	if (read(w->req_efd, &n, sizeof(n)) != sizeof(n))
		return sys_fail("read (request eventfd)");
	w->t.release.requested = true;
	w->t.release.requests = n;
	w->t.release.wait_ms = now_ms() - t0;
	note("vfio asked for %s back after %.0f ms (%" PRIu64 " request(s)); letting it go", w->bdf,
	     w->t.release.wait_ms, n);
	return req_trigger(w, -1);
}
