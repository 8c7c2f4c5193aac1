// SPDX-License-Identifier: GPL-2.0
/*
 * Accesses through the BAR mapping, and what they cost: the SIGBUS a zapped
 * mapping raises while memory is disabled, and the page faults the kernel
 * accounts to the accessing thread.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include "workload.h"

/*
 * A touch of a zapped BAR mapping while memory is disabled makes vfio's
 * fault handler return VM_FAULT_SIGBUS.  Each thread arms its own jump
 * buffer around one access; the handler counts the signal and jumps back.
 *
 * SA_NODEFER keeps SIGBUS unblocked while the handler runs, so jumping out
 * with sigsetjmp(..., 0) (no mask save, no sigprocmask per touch) leaves
 * the mask as it was.  Without it the second SIGBUS would arrive blocked
 * and the kernel would kill the process.
 */
static __thread sigjmp_buf bus_jmp;
static __thread volatile sig_atomic_t bus_armed;
static __thread volatile uint64_t bus_caught;

/* The BAR mapping, so the handler only swallows SIGBUS that we caused. */
static volatile uintptr_t bus_lo, bus_hi;

static void on_sigbus(int sig, siginfo_t *si, void *uctx)
{
	uintptr_t addr = (uintptr_t)si->si_addr;
	struct sigaction dfl;

	(void)uctx;
	if (!bus_armed || addr < bus_lo || addr >= bus_hi) {
		/* Not ours: return with the default action so the access kills us. */
		memset(&dfl, 0, sizeof(dfl));
		dfl.sa_handler = SIG_DFL;
		sigaction(sig, &dfl, NULL);
		return;
	}
	bus_caught++;
	bus_armed = 0;
	siglongjmp(bus_jmp, 1);
}

int install_sigbus(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, NULL) < 0)
		return sys_fail("sigaction SIGBUS");
	return 0;
}

/* @len 0: no mapping, so no SIGBUS is ours. */
void sigbus_watch(const volatile void *p, size_t len)
{
	bus_lo = (uintptr_t)p;
	bus_hi = (uintptr_t)p + len;
}

/* The calling thread's own count: the stress workers each report theirs. */
uint64_t sigbus_caught(void)
{
	return bus_caught;
}

/*
 * One 32-bit access through the BAR mapping.  Returns 0 when it completed,
 * 1 when it raised SIGBUS (already counted by the handler).  Not inlined:
 * the sigsetjmp() keeps a frame of its own, with no caller variable live
 * across the jump back, and warm_up() faults in the very code that the
 * measured accesses run.
 */
__attribute__((noinline)) int mmio_access(volatile uint32_t *p, bool write, uint32_t *val)
{
	if (sigsetjmp(bus_jmp, 0))
		return 1;
	bus_armed = 1;
	if (write)
		*p = *val;
	else
		*val = *p;
	bus_armed = 0;
	return 0;
}

/*
 * The kernel's count of this thread's successful page faults.  A fault
 * whose handler returns VM_FAULT_SIGBUS is an error and is not counted
 * (mm_account_fault), so around one BAR access this is exactly the number
 * of faults that mapped something.
 */
uint64_t thread_faults(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_THREAD, &ru) < 0)
		return 0;
	return (uint64_t)ru.ru_minflt + (uint64_t)ru.ru_majflt;
}

/*
 * Fault in everything a measured access will use, so the only fault left
 * inside the measurement window is the BAR one: the code of mmio_access()
 * and getrusage(), and enough stack for a signal frame.
 */
__attribute__((noinline)) void warm_up(void)
{
	volatile uint8_t stack[64 * 1024];
	volatile uint32_t scratch = 0;
	uint32_t v;
	size_t i;

	for (i = 0; i < sizeof(stack); i += 512)
		stack[i] = 0;
	for (i = 0; i < 3; i++) {
		(void)thread_faults();
		mmio_access(&scratch, false, &v);
		mmio_access(&scratch, true, &v);
		(void)thread_faults();
	}
}

/*
 * Measured access from the main thread.  Adds the faults it took to the
 * ground truth and compares them with the model: the first access after
 * the mapping is created or zapped must fault exactly once, later ones
 * never.
 */
int bar_access(struct wl *w, unsigned off, bool write, uint32_t *val)
{
	bool expect = !w->populated;
	uint64_t before, got;
	int r;

	before = thread_faults();
	r = mmio_access((volatile uint32_t *)(w->bar_map + off), write, val);
	got = thread_faults() - before;

	if (r) {
		/* Anything counted here is the signal frame, not the BAR. */
		w->t.other_faults += got;
		return r;
	}
	w->t.nopage += got;
	if (got && w->dark) {
		w->t.blackouts++;
		w->dark = false;
	}
	w->t.nopage_model += expect;
	if (w->model_known && got != (uint64_t)expect)
		anomaly(w, "BAR %s at 0x%x took %" PRIu64 " fault(s), model expected %d",
			write ? "write" : "read", off, got, expect);
	w->populated = true;
	w->model_known = true;
	return 0;
}
