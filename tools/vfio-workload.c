/*
 * vfio-workload: use a PCI device through the VFIO UAPI the way QEMU or DPDK
 * would, and print what actually happened as one JSON object (the ground
 * truth that vfio-trace's tests compare the tracer's counts against).
 *
 * Every number is counted where it happens, never derived from what was
 * asked for:
 *   - SIGBUS is counted inside the signal handler;
 *   - -EIO is counted from the return value of each pread()/pwrite();
 *   - page faults on the BAR mapping are read from the kernel's own
 *     per-thread fault accounting (getrusage(RUSAGE_THREAD)) around each
 *     access; a simple model of when a fault must happen is kept beside it,
 *     and any disagreement is reported as an anomaly;
 *   - pinned pages come from MAP_DMA/UNMAP_DMA, cross-checked with VmLck
 *     (type1 accounts pinned pages in mm->locked_vm); with --iommufd from
 *     IOMMU_IOAS_MAP/UNMAP, cross-checked with VmPin (iommufd always
 *     accounts in mm->pinned_vm; /dev/iommu's default RLIMIT_MEMLOCK mode
 *     charges the user, not mm->locked_vm, so VmLck does not move);
 *   - ioeventfd writes are counted only once the kernel has consumed them:
 *     see ioeventfd_kick().
 *
 * Built for qemu's "edu" device (1234:11e8) behind its own pcie-root-port,
 * bound to vfio-pci; see shared/research/vm-testbed.md.
 *
 * Build: gcc -O2 -g -Wall -Wextra -static -pthread \
 *            -o build/vfio-workload tools/vfio-workload.c
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <linux/vfio.h>
#if __has_include(<linux/iommufd.h>)
#include <linux/iommufd.h>
#endif

/*
 * iommufd (6.2+) and the vfio device cdev (6.6+) are newer than the 6.1 UAPI
 * headers of Debian 12.  The ABI is stable: what follows is the subset used
 * here, as include/uapi/linux/iommufd.h and vfio.h define it.
 */
#ifndef IOMMU_IOAS_MAP
#define IOMMUFD_TYPE		(';')
#define IOMMUFD_CMD_IOAS_ALLOC	0x81
#define IOMMUFD_CMD_IOAS_MAP	0x85
#define IOMMUFD_CMD_IOAS_UNMAP	0x86

struct iommu_ioas_alloc {
	__u32 size;
	__u32 flags;
	__u32 out_ioas_id;
};
#define IOMMU_IOAS_ALLOC	_IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_ALLOC)

enum iommufd_ioas_map_flags {
	IOMMU_IOAS_MAP_FIXED_IOVA = 1 << 0,
	IOMMU_IOAS_MAP_WRITEABLE = 1 << 1,
	IOMMU_IOAS_MAP_READABLE = 1 << 2,
};

struct iommu_ioas_map {
	__u32 size;
	__u32 flags;
	__u32 ioas_id;
	__u32 __reserved;
	__aligned_u64 user_va;
	__aligned_u64 length;
	__aligned_u64 iova;
};
#define IOMMU_IOAS_MAP		_IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_MAP)

struct iommu_ioas_unmap {
	__u32 size;
	__u32 ioas_id;
	__aligned_u64 iova;
	__aligned_u64 length;
};
#define IOMMU_IOAS_UNMAP	_IO(IOMMUFD_TYPE, IOMMUFD_CMD_IOAS_UNMAP)
#endif

#ifndef VFIO_DEVICE_BIND_IOMMUFD
struct vfio_device_bind_iommufd {
	__u32 argsz;
	__u32 flags;
	__s32 iommufd;
	__u32 out_devid;
};
#define VFIO_DEVICE_BIND_IOMMUFD	_IO(VFIO_TYPE, VFIO_BASE + 18)

struct vfio_device_attach_iommufd_pt {
	__u32 argsz;
	__u32 flags;
	__u32 pt_id;
};
#define VFIO_DEVICE_ATTACH_IOMMUFD_PT	_IO(VFIO_TYPE, VFIO_BASE + 19)
#endif

#define PROG "vfio-workload"

/* Exit codes. */
#define EXIT_FAIL	1	/* a VFIO or system step failed */
#define EXIT_USAGE	2	/* bad command line */
#define EXIT_ANOMALY	3	/* ran to the end, but the kernel did not behave as modelled */
#define EXIT_UNSUPPORTED 4	/* this kernel lacks what the options ask for (--iommufd) */

/*
 * qemu's edu device (docs/specs/edu.rst in qemu).  Registers are 32-bit
 * (or 64-bit from 0x80 on); all of them live in BAR0's first page, so every
 * access this program makes goes to that one page.
 */
#define EDU_VENDOR		0x1234
#define EDU_DEVICE		0x11e8
#define EDU_REG_ID		0x00	/* reads 0x010000ed */
#define EDU_ID_VALUE		0x010000edu
#define EDU_REG_LIVENESS	0x04	/* reads back the inverse of what was written */
#define EDU_REG_DMA_SRC		0x80
#define EDU_REG_DMA_DST		0x88
#define EDU_REG_DMA_CNT		0x90
#define EDU_REG_DMA_CMD		0x98
#define EDU_DMA_START		0x1	/* set to start; edu clears it when done */
#define EDU_DMA_TO_RAM		0x2	/* direction: 0 = RAM -> edu, 1 = edu -> RAM */
#define EDU_DMA_BUF		0x40000	/* edu's 4 KiB internal buffer */
/*
 * QEMU 7.2's edu aborts the whole emulator on a transfer that ends exactly
 * at the end of its 4 KiB buffer (an off-by-one in edu_check_range), so stay
 * in the first half.
 */
#define EDU_DMA_MAX		2048
/* edu's default dma_mask is 28 bits: larger IOVAs are silently clamped. */
#define EDU_IOVA_LIMIT		(1ULL << 28)

#define DEFAULT_IOVA		0x100000ULL
#define DEFAULT_DMA_SIZE	(4ULL << 20)

/*
 * --ioeventfds: the ioeventfd writes IOEVENTFD_DATA to edu's liveness
 * register, which only keeps (the inverse of) the last value written and
 * drives nothing else.  Before the writes with memory off, and before each
 * write with memory on, the workload writes a sentinel of its own there, so a
 * read back tells which of the two wrote last.
 */
#define IOEVENTFD_REG		EDU_REG_LIVENESS
#define IOEVENTFD_DATA		0x10efd00du
#define IOEVENTFD_SENTINEL	0x5e000000u
/* Between two eventfd writes while memory is disabled (see ioeventfd_kick). */
#define IOEVENTFD_GAP_US	1000
/* How long an enabled write may take to land before it is an anomaly. */
#define IOEVENTFD_LAND_MS	2000

struct opts {
	const char *bdf_arg;
	const char *group_arg;
	const char *json_path;
	const char *cdev_arg;
	uint64_t dma_size;
	uint64_t iova;
	unsigned long touches;
	unsigned long preads;
	unsigned long disabled_touches;
	unsigned long disabled_preads;
	unsigned long disabled_pwrites;
	unsigned long toggles;
	unsigned long resets;
	unsigned long dma_rounds;
	unsigned long dma_bytes;
	double stress_s;		/* 0: basic mode */
	unsigned long threads;
	unsigned long toggle_us;
	unsigned long pause_us;
	unsigned long ioeventfds;	/* eventfd writes with memory off, and as many with it on */
	unsigned long ioeventfd_idle_ms;	/* from registering it to its first write */
	bool iommufd;			/* /dev/iommu + the vfio cdev instead of container/group */
	bool no_dma;
	bool quiet;
};

/* What happened.  Only the main thread writes this; workers have their own. */
struct truth {
	uint64_t touches;		/* BAR mmap touches (32-bit loads), any outcome */
	uint64_t sigbus;		/* SIGBUS caught in the handler, all threads */
	uint64_t preads;		/* pread() calls on BAR0, any outcome */
	uint64_t pwrites;		/* pwrite() calls on BAR0, any outcome */
	uint64_t eio;			/* BAR0 pread/pwrite calls that failed with EIO */
	uint64_t bar_reads_ok;
	uint64_t bar_writes_ok;
	uint64_t nopage;		/* successful faults measured around BAR accesses */
	uint64_t nopage_model;		/* faults the model says those accesses must take */
	uint64_t other_faults;		/* faults measured around accesses that raised SIGBUS */
	uint64_t mmio_ops;		/* edu register accesses for DMA (not counted as touches) */
	uint64_t config_reads;
	uint64_t command_writes;	/* every successful PCI_COMMAND write */
	uint64_t memory_disables;	/* COMMAND writes that cleared MEMORY */
	uint64_t memory_enables;	/* COMMAND writes that set MEMORY after it was clear */
	uint64_t resets;
	uint64_t zaps;			/* memory_disables + resets */
	uint64_t dma_map_bytes;
	uint64_t pages_pinned;
	uint64_t pages_unpinned;
	int64_t locked_pinned;		/* VmLck delta across MAP_DMA, in pages */
	int64_t locked_unpinned;	/* VmLck delta across UNMAP_DMA, in pages */
	int64_t pinvm_pinned;		/* VmPin delta across the map, in pages */
	int64_t pinvm_unpinned;		/* VmPin delta across the unmap, in pages */
	uint64_t ioas_maps;		/* IOMMU_IOAS_MAP ioctls issued (--iommufd) */
	uint64_t ioas_map_errors;
	uint64_t ioas_unmaps;		/* IOMMU_IOAS_UNMAP ioctls that succeeded */
	/*
	 * eventfd writes the kernel consumed (so each ran vfio's ioeventfd
	 * handler once) while memory was disabled, and while it was enabled.
	 */
	uint64_t ioeventfd_writes_disabled;
	uint64_t ioeventfd_writes_enabled;
	struct {
		uint64_t landed;	/* enabled writes seen in the register */
		uint64_t landed_late;	/* ... only after the write() returned */
		uint64_t undrained;	/* writes the kernel did not consume */
		bool registered;	/* VFIO_DEVICE_IOEVENTFD succeeded */
		bool unregistered;	/* ... and the fd -1 form removed it */
		bool disabled_kept;	/* no disabled write reached the register */
	} ioeventfd;
	uint64_t dma_roundtrips;
	bool dma_ok;
	uint64_t anomalies;
	struct {
		double seconds;		/* measured length of the toggle loop */
		uint64_t toggles;	/* complete disable + enable cycles */
		uint64_t touches;
		uint64_t sigbus;
		uint64_t preads;
		uint64_t eio;
		uint64_t faults;	/* measured, not exact: see faults_exact */
		double write_ms_total;	/* time spent in PCI_COMMAND writes */
		double write_ms_max;	/* (memory_lock write side, and the zap) */
	} stress;
	struct {
		double setup, basic, stress, ioeventfd, dma, resets, teardown, total;
	} ms;
};

struct wl {
	const struct opts *o;
	char bdf[64];
	char group_path[PATH_MAX];
	int group_no;
	char cdev_path[PATH_MAX];	/* --iommufd: /dev/vfio/devices/vfioN */
	int container;
	int group;
	int device;
	int iommufd;		/* --iommufd: /dev/iommu */
	uint32_t ioas_id;
	uint32_t iommufd_devid;	/* from VFIO_DEVICE_BIND_IOMMUFD */
	uint32_t hwpt_id;	/* from VFIO_DEVICE_ATTACH_IOMMUFD_PT */
	int efd;		/* --ioeventfds: the eventfd */
	struct vfio_region_info bar;
	struct vfio_region_info cfg;
	uint16_t vendor;
	uint16_t devid;
	uint16_t cmd;		/* PCI_COMMAND with MEMORY set, written back on restore */
	bool mem_disabled;
	long page;
	uint8_t *dma_buf;
	bool dma_mapped;
	volatile uint8_t *bar_map;
	size_t bar_len;
	bool populated;		/* model: BAR page mapped in our page tables */
	bool model_known;	/* false after stress: the workers may have refaulted it */
	struct truth t;
};

/* ---------------------------------------------------------------- errors */

static bool quiet;

/* "vfio-workload: STEP: strerror(errno)"; returns -1. */
static int sys_fail(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(err));
	errno = err;
	return -1;
}

/* "vfio-workload: MESSAGE" for failures that have no errno; returns -1. */
static int msg_fail(const char *fmt, ...)
{
	va_list ap;

	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

/* A pread/pwrite that did not move exactly @want bytes. */
static int io_fail(const char *step, ssize_t n, size_t want)
{
	if (n < 0)
		return sys_fail("%s", step);
	return msg_fail("%s: short transfer (%zd of %zu bytes)", step, n, want);
}

static void note(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	fputs(PROG ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* The kernel did something the model did not predict: say so, count it. */
static void anomaly(struct wl *w, const char *fmt, ...)
{
	va_list ap;

	w->t.anomalies++;
	fputs(PROG ": anomaly: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void sleep_us(unsigned long us)
{
	struct timespec ts = { .tv_sec = us / 1000000, .tv_nsec = (us % 1000000) * 1000 };

	while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR)
		;
}

/* ------------------------------------------------------ SIGBUS and faults */

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

static int install_sigbus(void)
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

/*
 * One 32-bit access through the BAR mapping.  Returns 0 when it completed,
 * 1 when it raised SIGBUS (already counted by the handler).
 */
static __attribute__((noinline)) int mmio_access(volatile uint32_t *p, bool write, uint32_t *val)
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
static uint64_t thread_faults(void)
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
static __attribute__((noinline)) void warm_up(void)
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
static int bar_access(struct wl *w, unsigned off, bool write, uint32_t *val)
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
	w->t.nopage_model += expect;
	if (w->model_known && got != (uint64_t)expect)
		anomaly(w, "BAR %s at 0x%x took %" PRIu64 " fault(s), model expected %d",
			write ? "write" : "read", off, got, expect);
	w->populated = true;
	w->model_known = true;
	return 0;
}

/* ------------------------------------------------------------- resolving */

static bool looks_like_bdf(const char *s)
{
	/* DDDD:BB:DD.F */
	return strlen(s) == 12 && s[4] == ':' && s[7] == ':' && s[10] == '.';
}

/* The single entry of @dir that looks like a BDF; -1 if none or several. */
static int single_bdf_in(const char *dir, char *out, size_t len, int *count)
{
	struct dirent *de;
	DIR *d = opendir(dir);

	*count = 0;
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (!looks_like_bdf(de->d_name))
			continue;
		if (++*count == 1)
			snprintf(out, len, "%s", de->d_name);
	}
	closedir(d);
	return *count == 1 ? 0 : -1;
}

static int group_of_bdf(const char *bdf, int *group)
{
	char path[PATH_MAX], link[PATH_MAX];
	const char *slash;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return sys_fail("readlink %s", path);
	link[n] = '\0';
	slash = strrchr(link, '/');
	*group = atoi(slash ? slash + 1 : link);
	return 0;
}

/* --bdf and/or --group (or the one device bound to vfio-pci) → both. */
static int resolve_device(struct wl *w)
{
	const struct opts *o = w->o;
	char dir[PATH_MAX];
	int count, g = -1;

	if (o->bdf_arg) {
		if (strlen(o->bdf_arg) == 7)	/* BB:DD.F */
			snprintf(w->bdf, sizeof(w->bdf), "0000:%s", o->bdf_arg);
		else
			snprintf(w->bdf, sizeof(w->bdf), "%s", o->bdf_arg);
	}
	if (o->group_arg) {
		const char *a = o->group_arg, *num;

		if (a[0] == '/')
			snprintf(w->group_path, sizeof(w->group_path), "%s", a);
		else
			snprintf(w->group_path, sizeof(w->group_path), "/dev/vfio/%s", a);
		num = strrchr(w->group_path, '/') + 1;
		w->group_no = atoi(num);
		if (!*num || strspn(num, "0123456789") != strlen(num))
			return msg_fail("--group: '%s' is not /dev/vfio/N or N", a);
	}

	if (!w->bdf[0] && o->group_arg) {
		snprintf(dir, sizeof(dir), "/sys/kernel/iommu_groups/%d/devices", w->group_no);
		if (single_bdf_in(dir, w->bdf, sizeof(w->bdf), &count) < 0)
			return msg_fail("%s: expected exactly one device, found %d; pass --bdf", dir,
					count);
	}
	if (!w->bdf[0]) {
		if (single_bdf_in("/sys/bus/pci/drivers/vfio-pci", w->bdf, sizeof(w->bdf),
				  &count) < 0)
			return msg_fail("no --bdf or --group, and %d devices are bound to vfio-pci",
					count);
	}
	if (group_of_bdf(w->bdf, &g) < 0)
		return -1;
	if (o->group_arg && g != w->group_no)
		return msg_fail("%s is in IOMMU group %d, not %d", w->bdf, g, w->group_no);
	if (!o->group_arg) {
		w->group_no = g;
		snprintf(w->group_path, sizeof(w->group_path), "/dev/vfio/%d", g);
	}
	return 0;
}

/* --------------------------------------------------------- VFIO set-up */

static int vfio_open(struct wl *w)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	int v;

	w->container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (w->container < 0)
		return sys_fail("open /dev/vfio/vfio");
	v = ioctl(w->container, VFIO_GET_API_VERSION);
	if (v < 0)
		return sys_fail("VFIO_GET_API_VERSION");
	if (v != VFIO_API_VERSION)
		return msg_fail("VFIO_GET_API_VERSION: kernel has %d, expected %d", v,
				VFIO_API_VERSION);
	v = ioctl(w->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU);
	if (v < 0)
		return sys_fail("VFIO_CHECK_EXTENSION");
	if (v == 0)
		return msg_fail("VFIO_CHECK_EXTENSION: no VFIO_TYPE1v2_IOMMU "
				"(is vfio_iommu_type1 loaded?)");

	w->group = open(w->group_path, O_RDWR | O_CLOEXEC);
	if (w->group < 0)
		return sys_fail("open %s", w->group_path);
	if (ioctl(w->group, VFIO_GROUP_GET_STATUS, &status) < 0)
		return sys_fail("VFIO_GROUP_GET_STATUS");
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		return msg_fail("VFIO_GROUP_GET_STATUS: group %d is not viable "
				"(bind every device in it to vfio-pci)", w->group_no);
	if (ioctl(w->group, VFIO_GROUP_SET_CONTAINER, &w->container) < 0)
		return sys_fail("VFIO_GROUP_SET_CONTAINER");
	if (ioctl(w->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) < 0)
		return sys_fail("VFIO_SET_IOMMU");
	w->device = ioctl(w->group, VFIO_GROUP_GET_DEVICE_FD, w->bdf);
	if (w->device < 0)
		return sys_fail("VFIO_GROUP_GET_DEVICE_FD %s", w->bdf);
	return 0;
}

/* Set by the --iommufd set-up when the kernel lacks what it needs. */
static bool unsupported;

/*
 * The device's vfio cdev: --cdev, else /sys/bus/pci/devices/BDF/vfio-dev/vfioN
 * with a "dev" attribute.  Before 6.6 (no VFIO_DEVICE_CDEV) that directory
 * exists too, but its vfioN has no dev_t.
 */
static int find_cdev(struct wl *w)
{
	char dir[PATH_MAX], attr[PATH_MAX + 300];
	struct dirent *de;
	int found = 0;
	DIR *d;

	if (w->o->cdev_arg) {
		snprintf(w->cdev_path, sizeof(w->cdev_path), "%s", w->o->cdev_arg);
		return 0;
	}
	snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s/vfio-dev", w->bdf);
	d = opendir(dir);
	if (!d) {
		sys_fail("--iommufd: %s", dir);
		unsupported = errno == ENOENT;
		return -1;
	}
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "vfio", 4) != 0)
			continue;
		snprintf(attr, sizeof(attr), "%s/%s/dev", dir, de->d_name);
		if (access(attr, F_OK) == 0 && !found++)
			snprintf(w->cdev_path, sizeof(w->cdev_path), "/dev/vfio/devices/%s",
				 de->d_name);
	}
	closedir(d);
	if (found == 1)
		return 0;
	if (found == 0) {
		unsupported = true;
		return msg_fail("--iommufd: not supported by this kernel: %s has no vfio device "
				"cdev (%s/vfioN/dev is missing; the cdev needs Linux 6.6+ with "
				"CONFIG_VFIO_DEVICE_CDEV)", w->bdf, dir);
	}
	return msg_fail("--iommufd: %s has %d vfio cdevs; pass --cdev", w->bdf, found);
}

/*
 * The iommufd way (what QEMU does with -object iommufd): an IO address space
 * in /dev/iommu, the device opened through its cdev, bound to the iommufd and
 * attached to the IOAS.  No container, no group fd.
 */
static int iommufd_open(struct wl *w)
{
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct vfio_device_attach_iommufd_pt attach = { .argsz = sizeof(attach) };

	if (find_cdev(w) < 0)
		return -1;
	w->iommufd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (w->iommufd < 0) {
		unsupported = errno == ENOENT || errno == ENODEV || errno == ENXIO;
		return sys_fail("--iommufd: open /dev/iommu (iommufd needs Linux 6.2+ with "
				"CONFIG_IOMMUFD, and its module loaded)");
	}
	if (ioctl(w->iommufd, IOMMU_IOAS_ALLOC, &alloc) < 0)
		return sys_fail("IOMMU_IOAS_ALLOC");
	w->ioas_id = alloc.out_ioas_id;

	w->device = open(w->cdev_path, O_RDWR | O_CLOEXEC);
	if (w->device < 0)
		return sys_fail("open %s", w->cdev_path);
	bind.iommufd = w->iommufd;
	if (ioctl(w->device, VFIO_DEVICE_BIND_IOMMUFD, &bind) < 0)
		return sys_fail("VFIO_DEVICE_BIND_IOMMUFD %s", w->cdev_path);
	w->iommufd_devid = bind.out_devid;
	attach.pt_id = w->ioas_id;
	if (ioctl(w->device, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach) < 0)
		return sys_fail("VFIO_DEVICE_ATTACH_IOMMUFD_PT (IOAS %u)", w->ioas_id);
	w->hwpt_id = attach.pt_id;
	note("iommufd: IOAS %u, %s bound as device %u, attached (page table %u)", w->ioas_id,
	     w->cdev_path, w->iommufd_devid, w->hwpt_id);
	return 0;
}

static int region_info(struct wl *w, unsigned index, struct vfio_region_info *ri)
{
	memset(ri, 0, sizeof(*ri));
	ri->argsz = sizeof(*ri);
	ri->index = index;
	if (ioctl(w->device, VFIO_DEVICE_GET_REGION_INFO, ri) < 0)
		return sys_fail("VFIO_DEVICE_GET_REGION_INFO %u", index);
	return 0;
}

static int cfg_read16(struct wl *w, unsigned off, uint16_t *v, const char *step)
{
	ssize_t n = pread(w->device, v, sizeof(*v), w->cfg.offset + off);

	if (n != sizeof(*v))
		return io_fail(step, n, sizeof(*v));
	w->t.config_reads++;
	return 0;
}

static int command_write(struct wl *w, uint16_t v)
{
	ssize_t n = pwrite(w->device, &v, sizeof(v), w->cfg.offset + PCI_COMMAND);

	if (n != sizeof(v))
		return io_fail("pwrite PCI_COMMAND", n, sizeof(v));
	w->t.command_writes++;
	return 0;
}

/*
 * Clear or set PCI_COMMAND_MEMORY.  Clearing it makes vfio zap every BAR
 * mapping under memory_lock (write); from then on faults get SIGBUS and
 * BAR reads/writes get EIO until it is set again.
 */
static int set_memory(struct wl *w, bool on)
{
	uint16_t v = on ? (w->cmd | PCI_COMMAND_MEMORY) : (w->cmd & ~PCI_COMMAND_MEMORY);

	if (command_write(w, v) < 0)
		return -1;
	if (!on) {
		w->t.memory_disables++;
		w->t.zaps++;
		w->populated = false;
		w->mem_disabled = true;
	} else if (w->mem_disabled) {
		w->t.memory_enables++;
		w->mem_disabled = false;
	}
	return 0;
}

static int device_setup(struct wl *w)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	uint16_t cmd;

	if (ioctl(w->device, VFIO_DEVICE_GET_INFO, &info) < 0)
		return sys_fail("VFIO_DEVICE_GET_INFO");
	if (!(info.flags & VFIO_DEVICE_FLAGS_PCI))
		return msg_fail("VFIO_DEVICE_GET_INFO: %s is not a vfio-pci device", w->bdf);
	if (info.num_regions <= VFIO_PCI_CONFIG_REGION_INDEX)
		return msg_fail("VFIO_DEVICE_GET_INFO: only %u regions", info.num_regions);
	if (w->o->resets && !(info.flags & VFIO_DEVICE_FLAGS_RESET))
		return msg_fail("VFIO_DEVICE_GET_INFO: %s cannot be reset "
				"(put it behind its own pcie-root-port, or pass --resets 0)",
				w->bdf);

	if (region_info(w, VFIO_PCI_BAR0_REGION_INDEX, &w->bar) < 0)
		return -1;
	if (region_info(w, VFIO_PCI_CONFIG_REGION_INDEX, &w->cfg) < 0)
		return -1;
	if ((w->bar.flags & (VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
			     VFIO_REGION_INFO_FLAG_MMAP)) !=
	    (VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE | VFIO_REGION_INFO_FLAG_MMAP))
		return msg_fail("VFIO_DEVICE_GET_REGION_INFO: BAR0 flags 0x%x lack read/write/mmap",
				w->bar.flags);
	if (w->bar.size < (uint64_t)w->page)
		return msg_fail("VFIO_DEVICE_GET_REGION_INFO: BAR0 is only %llu bytes",
				(unsigned long long)w->bar.size);
	note("device %s, %s: %u regions, %u irqs, BAR0 %llu KiB at region offset 0x%llx",
	     w->bdf, w->o->iommufd ? w->cdev_path : w->group_path, info.num_regions, info.num_irqs,
	     (unsigned long long)w->bar.size >> 10, (unsigned long long)w->bar.offset);

	if (cfg_read16(w, PCI_VENDOR_ID, &w->vendor, "pread PCI_VENDOR_ID") < 0 ||
	    cfg_read16(w, PCI_DEVICE_ID, &w->devid, "pread PCI_DEVICE_ID") < 0 ||
	    cfg_read16(w, PCI_COMMAND, &cmd, "pread PCI_COMMAND") < 0)
		return -1;
	if (!w->o->no_dma && (w->vendor != EDU_VENDOR || w->devid != EDU_DEVICE))
		return msg_fail("%s is %04x:%04x, not qemu edu (1234:11e8); pass --no-dma",
				w->bdf, w->vendor, w->devid);
	w->cmd = cmd | PCI_COMMAND_MEMORY;
	w->mem_disabled = !(cmd & PCI_COMMAND_MEMORY);
	note("PCI_COMMAND 0x%04x", cmd);
	if (w->mem_disabled) {
		note("memory decoding is off; enabling it");
		if (set_memory(w, true) < 0)
			return -1;
	}
	return 0;
}

/*
 * A /proc/self/status size in pages: VmLck is mm->locked_vm, where vfio type1
 * accounts its pins; VmPin is mm->pinned_vm, where iommufd accounts them.
 */
static int64_t status_pages(struct wl *w, const char *field)
{
	char line[256];
	size_t len = strlen(field);
	long long kb = -1;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, field, len) == 0 && line[len] == ':' &&
		    sscanf(line + len + 1, " %lld kB", &kb) == 1)
			break;
	fclose(f);
	return kb < 0 ? -1 : kb * 1024 / w->page;
}

static int64_t locked_pages(struct wl *w)
{
	return status_pages(w, "VmLck");
}

static int64_t pinned_vm_pages(struct wl *w)
{
	return status_pages(w, "VmPin");
}

static int64_t delta(int64_t from, int64_t to)
{
	return (from < 0 || to < 0) ? -1 : to - from;
}

/* The anonymous memory the device DMAs to and from, faulted in. */
static int dma_buffer(struct wl *w)
{
	void *buf;

	buf = mmap(NULL, w->o->dma_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		   -1, 0);
	if (buf == MAP_FAILED)
		return sys_fail("mmap DMA buffer");
	w->dma_buf = buf;
	memset(buf, 0, w->o->dma_size);
	return 0;
}

static int dma_map_type1(struct wl *w)
{
	const struct opts *o = w->o;
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.iova = o->iova,
		.size = o->dma_size,
		.vaddr = (uintptr_t)w->dma_buf,
	};
	int64_t before, after, pin0, pin1;

	before = locked_pages(w);
	pin0 = pinned_vm_pages(w);
	if (ioctl(w->container, VFIO_IOMMU_MAP_DMA, &map) < 0)
		return sys_fail("VFIO_IOMMU_MAP_DMA");
	after = locked_pages(w);
	pin1 = pinned_vm_pages(w);
	w->dma_mapped = true;
	w->t.dma_map_bytes = map.size;
	w->t.pages_pinned = map.size / w->page;
	w->t.locked_pinned = (before < 0 || after < 0) ? -1 : after - before;
	w->t.pinvm_pinned = delta(pin0, pin1);
	if (w->t.locked_pinned >= 0 && (uint64_t)w->t.locked_pinned != w->t.pages_pinned)
		anomaly(w, "MAP_DMA of %" PRIu64 " pages raised VmLck by %" PRId64 " pages",
			w->t.pages_pinned, w->t.locked_pinned);
	note("MAP_DMA %" PRIu64 " KiB at IOVA 0x%" PRIx64 ": %" PRIu64 " pages pinned",
	     (uint64_t)map.size >> 10, o->iova, w->t.pages_pinned);
	return 0;
}

static int dma_unmap_type1(struct wl *w)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = w->o->iova,
		.size = w->o->dma_size,
	};
	int64_t before, after, pin0, pin1;

	before = locked_pages(w);
	pin0 = pinned_vm_pages(w);
	if (ioctl(w->container, VFIO_IOMMU_UNMAP_DMA, &unmap) < 0)
		return sys_fail("VFIO_IOMMU_UNMAP_DMA");
	after = locked_pages(w);
	pin1 = pinned_vm_pages(w);
	w->dma_mapped = false;
	w->t.pages_unpinned = unmap.size / w->page;
	w->t.locked_unpinned = (before < 0 || after < 0) ? -1 : before - after;
	w->t.pinvm_unpinned = delta(pin1, pin0);
	if (w->t.locked_unpinned >= 0 && (uint64_t)w->t.locked_unpinned != w->t.pages_unpinned)
		anomaly(w, "UNMAP_DMA of %" PRIu64 " pages lowered VmLck by %" PRId64 " pages",
			w->t.pages_unpinned, w->t.locked_unpinned);
	note("UNMAP_DMA: %" PRIu64 " pages unpinned", w->t.pages_unpinned);
	return 0;
}

/*
 * IOMMU_IOAS_MAP with a device attached pins every page at once and accounts
 * the pins in do_update_pinned(): always mm->pinned_vm (VmPin), and
 * mm->locked_vm (VmLck) only in the per-process RLIMIT_MEMLOCK mode, which
 * /dev/iommu does not default to (its default charges user->locked_vm).  That
 * default mode also enforces RLIMIT_MEMLOCK with no CAP_IPC_LOCK exemption,
 * so lift the limit first, as a VMM would.
 */
static int dma_map_iommufd(struct wl *w)
{
	const struct opts *o = w->o;
	struct iommu_ioas_map map = {
		.size = sizeof(map),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = w->ioas_id,
		.user_va = (uintptr_t)w->dma_buf,
		.length = o->dma_size,
		.iova = o->iova,
	};
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	int64_t lck0, lck1, pin0, pin1;

	if (setrlimit(RLIMIT_MEMLOCK, &rl) < 0)
		note("setrlimit RLIMIT_MEMLOCK: %s (IOMMU_IOAS_MAP may fail)", strerror(errno));
	lck0 = locked_pages(w);
	pin0 = pinned_vm_pages(w);
	w->t.ioas_maps++;
	if (ioctl(w->iommufd, IOMMU_IOAS_MAP, &map) < 0) {
		w->t.ioas_map_errors++;
		return sys_fail("IOMMU_IOAS_MAP %" PRIu64 " bytes at IOVA 0x%" PRIx64,
				o->dma_size, o->iova);
	}
	lck1 = locked_pages(w);
	pin1 = pinned_vm_pages(w);
	w->dma_mapped = true;
	w->t.dma_map_bytes = map.length;
	w->t.pages_pinned = map.length / w->page;
	w->t.locked_pinned = delta(lck0, lck1);
	w->t.pinvm_pinned = delta(pin0, pin1);
	if (w->t.pinvm_pinned >= 0 && (uint64_t)w->t.pinvm_pinned != w->t.pages_pinned)
		anomaly(w, "IOMMU_IOAS_MAP of %" PRIu64 " pages raised VmPin by %" PRId64 " pages",
			w->t.pages_pinned, w->t.pinvm_pinned);
	note("IOMMU_IOAS_MAP %" PRIu64 " KiB at IOVA 0x%" PRIx64 ": %" PRIu64
	     " pages pinned (VmPin +%" PRId64 ", VmLck +%" PRId64 ")",
	     (uint64_t)map.length >> 10, o->iova, w->t.pages_pinned, w->t.pinvm_pinned,
	     w->t.locked_pinned);
	return 0;
}

static int dma_unmap_iommufd(struct wl *w)
{
	struct iommu_ioas_unmap unmap = {
		.size = sizeof(unmap),
		.ioas_id = w->ioas_id,
		.iova = w->o->iova,
		.length = w->o->dma_size,
	};
	int64_t lck0, lck1, pin0, pin1;

	lck0 = locked_pages(w);
	pin0 = pinned_vm_pages(w);
	if (ioctl(w->iommufd, IOMMU_IOAS_UNMAP, &unmap) < 0)
		return sys_fail("IOMMU_IOAS_UNMAP");
	lck1 = locked_pages(w);
	pin1 = pinned_vm_pages(w);
	w->dma_mapped = false;
	w->t.ioas_unmaps++;
	/* The kernel returns in length the bytes it unmapped. */
	w->t.pages_unpinned = unmap.length / w->page;
	w->t.locked_unpinned = delta(lck1, lck0);
	w->t.pinvm_unpinned = delta(pin1, pin0);
	if (unmap.length != w->o->dma_size)
		anomaly(w, "IOMMU_IOAS_UNMAP unmapped %" PRIu64 " bytes, %" PRIu64 " were mapped",
			(uint64_t)unmap.length, w->o->dma_size);
	if (w->t.pinvm_unpinned >= 0 && (uint64_t)w->t.pinvm_unpinned != w->t.pages_unpinned)
		anomaly(w, "IOMMU_IOAS_UNMAP of %" PRIu64 " pages lowered VmPin by %" PRId64 " pages",
			w->t.pages_unpinned, w->t.pinvm_unpinned);
	note("IOMMU_IOAS_UNMAP: %" PRIu64 " pages unpinned", w->t.pages_unpinned);
	return 0;
}

static int dma_map(struct wl *w)
{
	if (dma_buffer(w) < 0)
		return -1;
	return w->o->iommufd ? dma_map_iommufd(w) : dma_map_type1(w);
}

static int dma_unmap(struct wl *w)
{
	return w->o->iommufd ? dma_unmap_iommufd(w) : dma_unmap_type1(w);
}

static int bar_mmap(struct wl *w)
{
	void *p;

	/* Only the first page is ever touched, but map the BAR as QEMU would. */
	w->bar_len = w->bar.size;
	p = mmap(NULL, w->bar_len, PROT_READ | PROT_WRITE, MAP_SHARED, w->device, w->bar.offset);
	if (p == MAP_FAILED)
		return sys_fail("mmap BAR0");
	w->bar_map = p;
	w->populated = false;
	w->model_known = true;
	bus_lo = (uintptr_t)p;
	bus_hi = (uintptr_t)p + w->bar_len;
	return 0;
}

/* ------------------------------------------------------------ the steps */

/* Touches from the main thread: 32-bit loads of ID (0x0) and liveness (0x4). */
static int touch_enabled(struct wl *w, unsigned long n, const char *when)
{
	unsigned long i;
	uint32_t v;

	for (i = 0; i < n; i++) {
		unsigned off = (i & 1) ? EDU_REG_LIVENESS : EDU_REG_ID;

		w->t.touches++;
		if (bar_access(w, off, false, &v))
			return msg_fail("BAR0 touch %s: SIGBUS with memory enabled", when);
		if (off == EDU_REG_ID && !w->o->no_dma && v != EDU_ID_VALUE)
			anomaly(w, "edu ID register reads 0x%08x, expected 0x%08x", v, EDU_ID_VALUE);
	}
	return 0;
}

static int touch_disabled(struct wl *w, unsigned long n)
{
	unsigned long i;
	uint32_t v;

	for (i = 0; i < n; i++) {
		w->t.touches++;
		if (!bar_access(w, EDU_REG_ID, false, &v))
			anomaly(w, "BAR0 touch with memory disabled did not raise SIGBUS (read 0x%08x)",
				v);
	}
	return 0;
}

/* BAR0 read through the device fd; *eio set when it failed with EIO. */
static int bar_pread(struct wl *w, unsigned off, uint32_t *v, bool *eio)
{
	ssize_t n = pread(w->device, v, sizeof(*v), w->bar.offset + off);

	w->t.preads++;
	*eio = n < 0 && errno == EIO;
	if (*eio) {
		w->t.eio++;
		return 0;
	}
	if (n != sizeof(*v))
		return io_fail("pread BAR0", n, sizeof(*v));
	w->t.bar_reads_ok++;
	return 0;
}

static int bar_pwrite(struct wl *w, unsigned off, uint32_t v, bool *eio)
{
	ssize_t n = pwrite(w->device, &v, sizeof(v), w->bar.offset + off);

	w->t.pwrites++;
	*eio = n < 0 && errno == EIO;
	if (*eio) {
		w->t.eio++;
		return 0;
	}
	if (n != sizeof(v))
		return io_fail("pwrite BAR0", n, sizeof(v));
	w->t.bar_writes_ok++;
	return 0;
}

static int preads_enabled(struct wl *w, unsigned long n)
{
	unsigned long i;
	uint32_t v;
	bool eio;

	for (i = 0; i < n; i++) {
		unsigned off = (i & 1) ? EDU_REG_LIVENESS : EDU_REG_ID;

		if (bar_pread(w, off, &v, &eio) < 0)
			return -1;
		if (eio)
			return msg_fail("pread BAR0: EIO with memory enabled");
		if (off == EDU_REG_ID && !w->o->no_dma && v != EDU_ID_VALUE)
			anomaly(w, "pread of edu ID gives 0x%08x, expected 0x%08x", v, EDU_ID_VALUE);
	}
	return 0;
}

/* Steps 6 and 7: one memory disable/enable cycle in the main thread. */
static int memory_cycle(struct wl *w)
{
	const struct opts *o = w->o;
	unsigned long i;
	uint32_t v;
	bool eio;

	if (set_memory(w, false) < 0)
		return -1;
	touch_disabled(w, o->disabled_touches);
	for (i = 0; i < o->disabled_preads; i++) {
		if (bar_pread(w, EDU_REG_ID, &v, &eio) < 0)
			return -1;
		if (!eio)
			anomaly(w, "pread BAR0 with memory disabled succeeded (0x%08x)", v);
	}
	for (i = 0; i < o->disabled_pwrites; i++) {
		/* The liveness register: harmless should the write ever land. */
		if (bar_pwrite(w, EDU_REG_LIVENESS, 0x5a5a0000u + (uint32_t)i, &eio) < 0)
			return -1;
		if (!eio)
			anomaly(w, "pwrite BAR0 with memory disabled succeeded");
	}
	if (set_memory(w, true) < 0)
		return -1;
	return touch_enabled(w, 1, "after re-enabling memory");
}

/* ---- edu DMA through the IOMMU */

static int edu_reg(struct wl *w, unsigned off, bool write, uint32_t *v)
{
	w->t.mmio_ops++;
	if (bar_access(w, off, write, v))
		return msg_fail("edu register 0x%x: SIGBUS with memory enabled", off);
	return 0;
}

static int edu_transfer(struct wl *w, uint64_t src, uint64_t dst, uint32_t len, uint32_t cmd)
{
	uint32_t s = (uint32_t)src, d = (uint32_t)dst, c = cmd | EDU_DMA_START;
	double deadline;

	/* A 32-bit write sets the whole 64-bit register; all addresses are < 2^28. */
	if (edu_reg(w, EDU_REG_DMA_SRC, true, &s) < 0 ||
	    edu_reg(w, EDU_REG_DMA_DST, true, &d) < 0 ||
	    edu_reg(w, EDU_REG_DMA_CNT, true, &len) < 0 ||
	    edu_reg(w, EDU_REG_DMA_CMD, true, &c) < 0)
		return -1;
	/* edu runs the transfer from a timer 100 ms (virtual) later. */
	deadline = now_ms() + 10000;
	for (;;) {
		if (edu_reg(w, EDU_REG_DMA_CMD, false, &c) < 0)
			return -1;
		if (!(c & EDU_DMA_START))
			return 0;
		if (now_ms() > deadline)
			return msg_fail("edu DMA 0x%" PRIx64 " -> 0x%" PRIx64 ": timed out (cmd 0x%x)",
					src, dst, c);
		sleep_us(1000);
	}
}

/* Step 8: RAM -> edu -> RAM through the IOMMU, and compare. */
static int dma_roundtrips(struct wl *w)
{
	const struct opts *o = w->o;
	uint32_t len = (uint32_t)o->dma_bytes;
	uint64_t dst_off = (o->dma_size / 2) & ~63ULL;
	uint8_t *src = w->dma_buf, *dst = w->dma_buf + dst_off;
	uint16_t cmd;
	unsigned long r;
	uint32_t i;
	bool all_ok = true;

	if (cfg_read16(w, PCI_COMMAND, &cmd, "pread PCI_COMMAND") < 0)
		return -1;
	if (!(cmd & PCI_COMMAND_MASTER) && command_write(w, cmd | PCI_COMMAND_MASTER) < 0)
		return -1;

	for (r = 0; r < o->dma_rounds; r++) {
		for (i = 0; i < len; i++)
			src[i] = (uint8_t)(i * 7 + 0x5a + r * 13) ^ (uint8_t)(i >> 8);
		memset(dst, 0xcc, len);
		atomic_thread_fence(memory_order_seq_cst);
		if (edu_transfer(w, o->iova, EDU_DMA_BUF, len, 0) < 0 ||
		    edu_transfer(w, EDU_DMA_BUF, o->iova + dst_off, len, EDU_DMA_TO_RAM) < 0)
			return -1;
		atomic_thread_fence(memory_order_seq_cst);
		w->t.dma_roundtrips++;
		if (memcmp(src, dst, len) != 0) {
			all_ok = false;
			anomaly(w, "edu DMA round trip %lu: data differs", r);
		}
	}
	w->t.dma_ok = all_ok && w->t.dma_roundtrips > 0;
	note("edu DMA: %" PRIu64 " round trip(s) of %u bytes, %s", w->t.dma_roundtrips, len,
	     w->t.dma_ok ? "data matches" : "DATA MISMATCH");

	/* Put bus mastering back the way it was. */
	if (!(cmd & PCI_COMMAND_MASTER) && command_write(w, cmd) < 0)
		return -1;
	return 0;
}

/* ---- ioeventfd */

/*
 * VFIO_DEVICE_IOEVENTFD for a 4-byte write of IOEVENTFD_DATA to @reg of BAR0,
 * or (fd -1) its removal; the kernel matches the removal on BAR, offset,
 * size and data.
 */
static int ioeventfd_set(struct wl *w, int fd)
{
	struct vfio_device_ioeventfd ie = {
		.argsz = sizeof(ie),
		.flags = VFIO_DEVICE_IOEVENTFD_32,
		.offset = w->bar.offset + IOEVENTFD_REG,
		.data = IOEVENTFD_DATA,
		.fd = fd,
	};

	if (ioctl(w->device, VFIO_DEVICE_IOEVENTFD, &ie) < 0)
		return sys_fail("VFIO_DEVICE_IOEVENTFD %s", fd < 0 ? "(remove)" : "(add)");
	return 0;
}

/*
 * One eventfd write, counted only once the kernel has processed it.
 *
 * eventfd's write() adds to the counter and, with the counter lock held,
 * wakes the waiters synchronously.  vfio's virqfd is the only waiter: its
 * wakeup callback first drains the counter (eventfd_ctx_do_read) and then
 * calls vfio_pci_ioeventfd_handler(), all before write() returns.  So once
 * write() returns, a non-blocking read() that finds the counter empty proves
 * the handler ran for this write, and for this write alone: writes never
 * pile up into one handler call.  A counter still holding the value means
 * nobody consumed it: that write is not counted, and it is an anomaly.
 *
 * The handler drops the write or does it inline.  Only when memory_lock is
 * contended does it defer to vfio_pci_ioeventfd_thread() on a workqueue,
 * where two writes could merge into one work item; nothing contends here
 * (this thread is the only user of the device), and the caller spaces writes
 * with memory off by IOEVENTFD_GAP_US anyway, and polls the register after
 * each write with memory on.  Both functions are where vfio-trace counts a
 * drop, so either path counts once per write.
 */
static int ioeventfd_kick(struct wl *w, uint64_t *counter)
{
	uint64_t one = 1, left;
	ssize_t n;

	n = write(w->efd, &one, sizeof(one));
	if (n != sizeof(one))
		return io_fail("write eventfd", n, sizeof(one));
	n = read(w->efd, &left, sizeof(left));
	if (n < 0 && errno == EAGAIN) {
		(*counter)++;
		return 0;
	}
	if (n != sizeof(left))
		return io_fail("read eventfd", n, sizeof(left));
	w->t.ioeventfd.undrained++;
	anomaly(w, "eventfd still held %" PRIu64 " after write(): vfio's ioeventfd handler "
		"did not consume it", left);
	return 0;
}

/* Write @v to the ioeventfd's register through the mmap, and check it took. */
static int ioeventfd_sentinel(struct wl *w, uint32_t v)
{
	uint32_t r = v;

	if (edu_reg(w, IOEVENTFD_REG, true, &r) < 0 || edu_reg(w, IOEVENTFD_REG, false, &r) < 0)
		return -1;
	if (r != ~v)
		anomaly(w, "edu liveness register reads 0x%08x after writing 0x%08x "
			"(expected 0x%08x)", r, v, ~v);
	return 0;
}

/*
 * The ioeventfd phase: register one on edu's liveness register, signal it N
 * times with PCI_COMMAND.MEMORY clear (vfio drops each write), N times with
 * it set (each write reaches the device, checked by reading it back), and
 * remove it.
 */
static int ioeventfds(struct wl *w)
{
	unsigned long i, n = w->o->ioeventfds;
	uint32_t v;
	double deadline;
	bool late;

	w->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (w->efd < 0)
		return sys_fail("eventfd");
	if (ioeventfd_set(w, w->efd) < 0)
		return -1;
	w->t.ioeventfd.registered = true;
	if (w->o->ioeventfd_idle_ms)
		sleep_us(w->o->ioeventfd_idle_ms * 1000);

	/* With memory off: every write is dropped, the sentinel stays. */
	if (ioeventfd_sentinel(w, IOEVENTFD_SENTINEL) < 0 || set_memory(w, false) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (i)
			sleep_us(IOEVENTFD_GAP_US);
		if (ioeventfd_kick(w, &w->t.ioeventfd_writes_disabled) < 0)
			return -1;
	}
	/* Let a deferred write, were there one, run before memory is back. */
	sleep_us(IOEVENTFD_GAP_US);
	if (set_memory(w, true) < 0 || edu_reg(w, IOEVENTFD_REG, false, &v) < 0)
		return -1;
	w->t.ioeventfd.disabled_kept = v == ~IOEVENTFD_SENTINEL;
	if (!w->t.ioeventfd.disabled_kept)
		anomaly(w, "an ioeventfd write reached edu while memory was disabled "
			"(liveness reads 0x%08x, expected 0x%08x)", v, ~IOEVENTFD_SENTINEL);

	/* With memory on: each write lands; wait until it shows. */
	for (i = 0; i < n; i++) {
		uint64_t before = w->t.ioeventfd_writes_enabled;

		if (ioeventfd_sentinel(w, IOEVENTFD_SENTINEL + 1 + (uint32_t)i) < 0 ||
		    ioeventfd_kick(w, &w->t.ioeventfd_writes_enabled) < 0)
			return -1;
		if (w->t.ioeventfd_writes_enabled == before)
			continue;	/* not consumed: already an anomaly */
		/* Inline in the handler, it has landed by now; deferred, soon. */
		deadline = now_ms() + IOEVENTFD_LAND_MS;
		for (late = false;; late = true) {
			if (edu_reg(w, IOEVENTFD_REG, false, &v) < 0)
				return -1;
			if (v == ~IOEVENTFD_DATA) {
				w->t.ioeventfd.landed++;
				w->t.ioeventfd.landed_late += late;
				break;
			}
			if (now_ms() > deadline) {
				anomaly(w, "ioeventfd write %lu with memory enabled never reached "
					"edu (liveness reads 0x%08x)", i, v);
				break;
			}
			sleep_us(1000);
		}
	}

	if (ioeventfd_set(w, -1) < 0)
		return -1;
	w->t.ioeventfd.unregistered = true;
	close(w->efd);
	w->efd = -1;
	note("ioeventfd: %" PRIu64 " writes dropped with memory disabled, %" PRIu64
	     " written with it enabled (%" PRIu64 " seen in the register)",
	     w->t.ioeventfd_writes_disabled, w->t.ioeventfd_writes_enabled, w->t.ioeventfd.landed);
	return 0;
}

/* Step 9: VFIO_DEVICE_RESET zaps the BAR mapping; the next touch faults. */
static int resets(struct wl *w)
{
	unsigned long i;

	for (i = 0; i < w->o->resets; i++) {
		if (ioctl(w->device, VFIO_DEVICE_RESET) < 0)
			return sys_fail("VFIO_DEVICE_RESET");
		w->t.resets++;
		w->t.zaps++;
		w->populated = false;
		if (touch_enabled(w, 1, "after VFIO_DEVICE_RESET") < 0)
			return -1;
	}
	return 0;
}

/* ---- stress */

static atomic_bool stress_stop;

/*
 * Spin (no syscall, no device access) for @us microseconds.  Under TCG every
 * edu register access takes qemu's big lock; threads that hammer the device
 * back to back starve qemu's own timers and interrupts, and a vCPU can then
 * sit idle for tens of seconds with work queued.  Pausing only after an
 * access that reached the device keeps the SIGBUS, fault and EIO paths (the
 * ones that take memory_lock) running at full speed.
 */
static void pause_us(unsigned long us)
{
	double end;

	if (!us)
		return;
	end = now_ms() + us / 1000.0;
	while (now_ms() < end)
		__builtin_ia32_pause();
}

struct worker {
	_Alignas(64) pthread_t tid;
	bool started;
	volatile uint32_t *bar;	/* touch workers */
	int fd;			/* pread worker */
	uint64_t offset;
	unsigned long pause_us;
	uint64_t touches;
	uint64_t sigbus;
	uint64_t faults;
	uint64_t preads;
	uint64_t reads_ok;
	uint64_t eio;
	int err;		/* pread worker: errno of an unexpected failure */
};

static void *touch_worker(void *arg)
{
	struct worker *k = arg;
	uint64_t f0, touches = 0;
	uint32_t v;

	warm_up();	/* keep this thread's stack faults out of its count */
	f0 = thread_faults();

	while (!atomic_load_explicit(&stress_stop, memory_order_relaxed)) {
		touches++;
		if (mmio_access(k->bar + (touches & 1), false, &v) == 0)
			pause_us(k->pause_us);
	}
	k->touches = touches;
	k->sigbus = bus_caught;
	k->faults = thread_faults() - f0;
	return NULL;
}

static void *pread_worker(void *arg)
{
	struct worker *k = arg;
	uint32_t v;
	ssize_t n;

	while (!atomic_load_explicit(&stress_stop, memory_order_relaxed)) {
		n = pread(k->fd, &v, sizeof(v), k->offset);
		k->preads++;
		if (n == sizeof(v)) {
			k->reads_ok++;
			pause_us(k->pause_us);
		} else if (n < 0 && errno == EIO) {
			k->eio++;
		} else {
			k->err = n < 0 ? errno : EIO;
			atomic_store(&stress_stop, true);
			break;
		}
	}
	return NULL;
}

/*
 * One memory bit flip of the stress loop, timed: with readers hammering
 * memory_lock the write side waits, so a flip takes far longer than
 * --toggle-us on some kernels.
 */
static int stress_flip(struct wl *w, bool on)
{
	double t0 = now_ms(), dt;
	int r = set_memory(w, on);

	dt = now_ms() - t0;
	w->t.stress.write_ms_total += dt;
	if (dt > w->t.stress.write_ms_max)
		w->t.stress.write_ms_max = dt;
	return r;
}

/*
 * N threads touch the BAR mapping in a loop, one thread preads BAR0 in a
 * loop, and this thread flips PCI_COMMAND_MEMORY every --toggle-us: real
 * memory_lock contention between the writer (config write + zap) and the
 * readers (fault handler, BAR read).
 */
static int stress(struct wl *w)
{
	const struct opts *o = w->o;
	unsigned long n = o->threads + 1, i;
	struct worker *ks;
	double t0, end;
	int ret = 0, e;

	ks = calloc(n, sizeof(*ks));
	if (!ks)
		return sys_fail("calloc");
	atomic_store(&stress_stop, false);
	for (i = 0; i < n; i++) {
		struct worker *k = &ks[i];
		bool is_pread = i == o->threads;

		k->bar = (volatile uint32_t *)w->bar_map;
		k->fd = w->device;
		k->offset = w->bar.offset + EDU_REG_ID;
		k->pause_us = o->pause_us;
		e = pthread_create(&k->tid, NULL, is_pread ? pread_worker : touch_worker, k);
		if (e) {
			errno = e;
			ret = sys_fail("pthread_create");
			break;
		}
		k->started = true;
	}

	t0 = now_ms();
	end = t0 + o->stress_s * 1000;
	while (!ret && now_ms() < end && !atomic_load(&stress_stop)) {
		if (stress_flip(w, false) < 0) {
			ret = -1;
			break;
		}
		sleep_us(o->toggle_us);
		if (stress_flip(w, true) < 0) {
			ret = -1;
			break;
		}
		w->t.stress.toggles++;
		sleep_us(o->toggle_us);
	}
	w->t.stress.seconds = (now_ms() - t0) / 1000;
	atomic_store(&stress_stop, true);

	for (i = 0; i < n; i++) {
		struct worker *k = &ks[i];

		if (!k->started)
			continue;
		pthread_join(k->tid, NULL);
		w->t.stress.touches += k->touches;
		w->t.stress.sigbus += k->sigbus;
		w->t.stress.faults += k->faults;
		w->t.stress.preads += k->preads;
		w->t.stress.eio += k->eio;
		w->t.bar_reads_ok += k->reads_ok;
		if (k->err && !ret) {
			errno = k->err;
			ret = sys_fail("pread BAR0 (stress)");
		}
	}
	free(ks);

	/* The workers' counts join the top-level ones (SIGBUS: in main()). */
	w->t.touches += w->t.stress.touches;
	w->t.preads += w->t.stress.preads;
	w->t.eio += w->t.stress.eio;
	/* Whether the next touch faults depends on which thread touched last. */
	w->populated = false;
	w->model_known = false;

	if (ret == 0 && w->mem_disabled)
		ret = set_memory(w, true);
	note("stress: %.2f s, %" PRIu64 " toggles, %" PRIu64 " touches, %" PRIu64 " SIGBUS, %"
	     PRIu64 " preads, %" PRIu64 " EIO; PCI_COMMAND writes took up to %.1f ms",
	     w->t.stress.seconds, w->t.stress.toggles, w->t.stress.touches, w->t.stress.sigbus,
	     w->t.stress.preads, w->t.stress.eio, w->t.stress.write_ms_max);
	return ret;
}

/* ------------------------------------------------------------ teardown */

static void cleanup(struct wl *w)
{
	if (w->mem_disabled && w->device >= 0) {
		uint16_t v = w->cmd;

		if (pwrite(w->device, &v, sizeof(v), w->cfg.offset + PCI_COMMAND) == sizeof(v))
			w->mem_disabled = false;
	}
	if (w->efd >= 0) {
		if (w->t.ioeventfd.registered && !w->t.ioeventfd.unregistered && w->device >= 0) {
			struct vfio_device_ioeventfd ie = {
				.argsz = sizeof(ie), .flags = VFIO_DEVICE_IOEVENTFD_32,
				.offset = w->bar.offset + IOEVENTFD_REG, .data = IOEVENTFD_DATA,
				.fd = -1,
			};

			ioctl(w->device, VFIO_DEVICE_IOEVENTFD, &ie);
		}
		close(w->efd);
		w->efd = -1;
	}
	if (w->bar_map) {
		munmap((void *)w->bar_map, w->bar_len);
		w->bar_map = NULL;
		bus_lo = bus_hi = 0;
	}
	if (w->dma_mapped && w->iommufd >= 0) {
		struct iommu_ioas_unmap unmap = {
			.size = sizeof(unmap), .ioas_id = w->ioas_id, .iova = w->o->iova,
			.length = w->o->dma_size,
		};

		ioctl(w->iommufd, IOMMU_IOAS_UNMAP, &unmap);
		w->dma_mapped = false;
	} else if (w->dma_mapped) {
		struct vfio_iommu_type1_dma_unmap unmap = {
			.argsz = sizeof(unmap), .iova = w->o->iova, .size = w->o->dma_size,
		};

		ioctl(w->container, VFIO_IOMMU_UNMAP_DMA, &unmap);
		w->dma_mapped = false;
	}
	/* Closing the cdev fd unbinds the device from the iommufd. */
	if (w->device >= 0)
		close(w->device);
	if (w->group >= 0)
		close(w->group);
	if (w->container >= 0)
		close(w->container);
	if (w->iommufd >= 0)
		close(w->iommufd);
	w->device = w->group = w->container = w->iommufd = -1;
	if (w->dma_buf) {
		munmap(w->dma_buf, w->o->dma_size);
		w->dma_buf = NULL;
	}
}

/* ----------------------------------------------------------------- JSON */

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void read_comm(char *buf, size_t len)
{
	FILE *f = fopen("/proc/self/comm", "re");

	snprintf(buf, len, "%s", PROG);
	if (f) {
		if (fgets(buf, (int)len, f))
			buf[strcspn(buf, "\n")] = '\0';
		fclose(f);
	}
}

static void json_write(FILE *f, const struct wl *w)
{
	const struct opts *o = w->o;
	const struct truth *t = &w->t;
	bool stress_mode = o->stress_s > 0;
	struct utsname u;
	char comm[64];

	read_comm(comm, sizeof(comm));
	if (uname(&u) < 0)
		snprintf(u.release, sizeof(u.release), "unknown");

	fprintf(f, "{\"mode\":\"%s\",\"bdf\":", stress_mode ? "stress" : "basic");
	json_str(f, w->bdf);
	fprintf(f, ",\"group\":%d,\"iommu\":\"%s\",\"cdev\":", w->group_no,
		o->iommufd ? "iommufd" : "type1");
	if (o->iommufd)
		json_str(f, w->cdev_path);
	else
		fputs("null", f);
	fprintf(f, ",\n");
	fprintf(f, " \"faults_exact\":%s,\"faults\":{\"nopage\":%" PRIu64 ",\"sigbus\":%" PRIu64,
		stress_mode ? "false" : "true", t->nopage + t->stress.faults, t->sigbus);
	if (!stress_mode)
		fprintf(f, ",\"nopage_model\":%" PRIu64, t->nopage_model);
	fprintf(f, "},\n");
	fprintf(f, " \"touches\":%" PRIu64 ",\"sigbus\":%" PRIu64 ",\"preads\":%" PRIu64
		",\"pwrites\":%" PRIu64 ",\"eio\":%" PRIu64 ",\n",
		t->touches, t->sigbus, t->preads, t->pwrites, t->eio);
	fprintf(f, " \"memory_disables\":%" PRIu64 ",\"memory_enables\":%" PRIu64
		",\"resets\":%" PRIu64 ",\"zaps_expected\":%" PRIu64 ",\n",
		t->memory_disables, t->memory_enables, t->resets, t->zaps);
	fprintf(f, " \"dma_map_bytes\":%" PRIu64 ",\"pages_pinned\":%" PRIu64
		",\"pages_unpinned\":%" PRIu64 ",\"dma_roundtrips\":%" PRIu64 ",\"dma_ok\":%s,\n",
		t->dma_map_bytes, t->pages_pinned, t->pages_unpinned, t->dma_roundtrips,
		t->dma_ok ? "true" : "false");
	fprintf(f, " \"ioas_maps\":%" PRIu64 ",\"ioas_map_errors\":%" PRIu64
		",\"ioas_unmaps\":%" PRIu64 ",\n", t->ioas_maps, t->ioas_map_errors, t->ioas_unmaps);
	fprintf(f, " \"ioeventfd_writes_disabled\":%" PRIu64 ",\"ioeventfd_writes_enabled\":%"
		PRIu64 ",\n", t->ioeventfd_writes_disabled, t->ioeventfd_writes_enabled);
	if (stress_mode)
		fprintf(f, " \"stress\":{\"seconds\":%g,\"elapsed_s\":%.3f,\"threads\":%lu,"
			"\"toggle_us\":%lu,\"pause_us\":%lu,"
			"\"toggles\":%" PRIu64 ",\"touches\":%" PRIu64 ",\"sigbus\":%" PRIu64
			",\"preads\":%" PRIu64 ",\"eio\":%" PRIu64 ",\"faults\":%" PRIu64
			",\"command_write_ms\":{\"avg\":%.3f,\"max\":%.3f}},\n",
			o->stress_s, t->stress.seconds, o->threads, o->toggle_us, o->pause_us,
			t->stress.toggles,
			t->stress.touches, t->stress.sigbus, t->stress.preads, t->stress.eio,
			t->stress.faults,
			t->stress.toggles ? t->stress.write_ms_total / (2.0 * t->stress.toggles) : 0.0,
			t->stress.write_ms_max);
	fprintf(f, " \"pid\":%d,\"comm\":", (int)getpid());
	json_str(f, comm);
	fprintf(f, ",\n");

	/* Beyond the contract: context and cross-checks. */
	fprintf(f, " \"kernel\":");
	json_str(f, u.release);
	fprintf(f, ",\"vendor\":\"%04x\",\"device\":\"%04x\",\"bar0_size\":%llu,"
		"\"page_size\":%ld,\"iova\":%" PRIu64 ",\n",
		w->vendor, w->devid, (unsigned long long)w->bar.size, w->page, o->iova);
	fprintf(f, " \"bar_reads_ok\":%" PRIu64 ",\"bar_writes_ok\":%" PRIu64
		",\"mmio_ops\":%" PRIu64 ",\"config_reads\":%" PRIu64
		",\"command_writes\":%" PRIu64 ",\"other_faults\":%" PRIu64 ",\n",
		t->bar_reads_ok, t->bar_writes_ok, t->mmio_ops, t->config_reads,
		t->command_writes, t->other_faults);
	fprintf(f, " \"locked_vm_pages\":{\"map_delta\":%" PRId64 ",\"unmap_delta\":%" PRId64 "},"
		"\"anomalies\":%" PRIu64 ",\n", t->locked_pinned, t->locked_unpinned, t->anomalies);
	fprintf(f, " \"pinned_vm_pages\":{\"map_delta\":%" PRId64 ",\"unmap_delta\":%" PRId64 "},"
		"\"pin_accounting\":\"%s\",\n", t->pinvm_pinned, t->pinvm_unpinned,
		o->iommufd ? "VmPin" : "VmLck");
	if (o->iommufd)
		fprintf(f, " \"iommufd\":{\"ioas_id\":%u,\"devid\":%u,\"pt_id\":%u},\n",
			w->ioas_id, w->iommufd_devid, w->hwpt_id);
	if (o->ioeventfds)
		fprintf(f, " \"ioeventfd\":{\"bar\":0,\"offset\":%u,\"size\":4,\"data\":%u,"
			"\"registered\":%s,\"unregistered\":%s,\"landed\":%" PRIu64
			",\"landed_late\":%" PRIu64 ",\"undrained\":%" PRIu64
			",\"disabled_kept\":%s,\"gap_us\":%d},\n",
			IOEVENTFD_REG, IOEVENTFD_DATA, t->ioeventfd.registered ? "true" : "false",
			t->ioeventfd.unregistered ? "true" : "false", t->ioeventfd.landed,
			t->ioeventfd.landed_late, t->ioeventfd.undrained,
			t->ioeventfd.disabled_kept ? "true" : "false", IOEVENTFD_GAP_US);
	fprintf(f, " \"params\":{\"touches\":%lu,\"preads\":%lu,\"disabled_touches\":%lu,"
		"\"disabled_preads\":%lu,\"disabled_pwrites\":%lu,\"toggles\":%lu,\"resets\":%lu,"
		"\"dma_size\":%" PRIu64 ",\"dma_bytes\":%lu,\"dma_rounds\":%lu,"
		"\"ioeventfds\":%lu,\"iommufd\":%s},\n",
		o->touches, o->preads, o->disabled_touches, o->disabled_preads,
		o->disabled_pwrites, stress_mode ? 0 : o->toggles, o->resets, o->dma_size,
		o->no_dma ? 0 : o->dma_bytes, o->no_dma ? 0 : o->dma_rounds, o->ioeventfds,
		o->iommufd ? "true" : "false");
	fprintf(f, " \"timings_ms\":{\"setup\":%.1f,\"basic\":%.1f,\"stress\":%.1f,"
		"\"ioeventfd\":%.1f,\"dma\":%.1f,\"resets\":%.1f,\"teardown\":%.1f,"
		"\"total\":%.1f}}\n",
		t->ms.setup, t->ms.basic, t->ms.stress, t->ms.ioeventfd, t->ms.dma, t->ms.resets,
		t->ms.teardown, t->ms.total);
}

/* To stdout, or atomically to @path (temporary file + rename). */
static int json_emit(const struct wl *w, const char *path)
{
	char tmp[PATH_MAX];
	FILE *f;
	int fd;

	if (!path) {
		json_write(stdout, w);
		if (fflush(stdout) != 0)
			return sys_fail("write stdout");
		return 0;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof(tmp))
		return msg_fail("--json: path too long");
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return sys_fail("open %s", tmp);
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(tmp);
		return sys_fail("fdopen %s", tmp);
	}
	json_write(f, w);
	if (fflush(f) != 0 || fsync(fd) < 0) {
		sys_fail("write %s", tmp);
		fclose(f);
		unlink(tmp);
		return -1;
	}
	if (fclose(f) != 0) {
		sys_fail("close %s", tmp);
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) < 0) {
		sys_fail("rename %s", path);
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ CLI */

static void usage(FILE *f)
{
	fprintf(f,
"Usage: " PROG " [OPTIONS]\n"
"\n"
"Use a PCI device (qemu's edu) through VFIO like QEMU or DPDK would, and print\n"
"what happened as one JSON object: the ground truth for vfio-trace's tests.\n"
"\n"
"Basic mode (default):\n"
"  open container and group, MAP_DMA, mmap BAR0 and touch it, pread BAR0,\n"
"  clear PCI_COMMAND.MEMORY (touches -> SIGBUS, BAR pread/pwrite -> EIO) and\n"
"  set it again (--toggles times), ioeventfd writes (--ioeventfds), edu DMA\n"
"  round trip through the IOMMU, VFIO_DEVICE_RESET (--resets times), UNMAP_DMA.\n"
"  With --iommufd: /dev/iommu, an IOAS and the device's vfio cdev instead of\n"
"  the container and group, and IOMMU_IOAS_MAP/UNMAP instead of MAP/UNMAP_DMA.\n"
"Stress mode (--stress SECONDS): the memory disable/enable cycles are replaced\n"
"  by THREADS threads touching the mmap, one thread preading BAR0, and the main\n"
"  thread flipping PCI_COMMAND.MEMORY every TOGGLE_US microseconds.\n"
"\n"
"Device:\n"
"  -b, --bdf BDF              PCI device, e.g. 0000:01:00.0\n"
"  -g, --group /dev/vfio/N    its VFIO group (default: from --bdf; with neither,\n"
"                             the only device bound to vfio-pci)\n"
"      --iommufd              use iommufd and the vfio device cdev (Linux 6.6+\n"
"                             with CONFIG_VFIO_DEVICE_CDEV and CONFIG_IOMMUFD)\n"
"      --cdev PATH            the device's cdev (default: from sysfs,\n"
"                             /dev/vfio/devices/vfioN)\n"
"Counts (basic mode):\n"
"      --touches N            BAR0 mmap touches after mmap (default 4)\n"
"      --preads N             4-byte BAR0 preads (default 4)\n"
"      --toggles N            memory disable/enable cycles (default 1)\n"
"      --disabled-touches N   touches per cycle while disabled, SIGBUS (default 3)\n"
"      --disabled-preads N    preads per cycle while disabled, EIO (default 3)\n"
"      --disabled-pwrites N   pwrites per cycle while disabled, EIO (default 1)\n"
"      --resets N             VFIO_DEVICE_RESETs, one touch after each (default 1)\n"
"      --ioeventfds N         register an ioeventfd on edu's BAR0 liveness register,\n"
"                             signal it N times with memory disabled (vfio drops\n"
"                             each write) and N times enabled, remove it (default 0)\n"
"      --ioeventfd-idle MS    wait MS between registering the ioeventfd and its\n"
"                             first write, as a guest's driver kicks long after\n"
"                             QEMU registered it (default 0)\n"
"DMA:\n"
"      --dma-size SIZE        bytes to MAP_DMA, K/M suffix (default 4M)\n"
"      --iova ADDR            IOVA of the mapping (default 0x100000; edu needs\n"
"                             IOVA + SIZE <= 0x10000000)\n"
"      --dma-bytes N          bytes per edu transfer, <= %d (default %d)\n"
"      --dma-rounds N         edu DMA round trips (default 1)\n"
"      --no-dma               skip the edu DMA (for a device that is not edu)\n"
"Stress:\n"
"      --stress SECONDS       run stress mode for SECONDS (may be fractional)\n"
"      --threads N            mmap touching threads (default 2)\n"
"      --toggle-us US         microseconds between memory bit flips (default 200)\n"
"      --pause-us US          spin this long after each touch or pread that reached\n"
"                             the device (default 20; 0 = none). Back-to-back edu\n"
"                             accesses starve qemu's timers under TCG.\n"
"Output:\n"
"      --json FILE            write the JSON to FILE atomically instead of stdout\n"
"  -q, --quiet                no progress on stderr\n"
"  -h, --help                 this text\n"
"\n"
"Exit: 0 done; 1 a VFIO or system step failed (one line on stderr names it);\n"
"2 bad options; 3 done, JSON written, but the kernel did not behave as\n"
"modelled (each case is printed as an 'anomaly' line on stderr); 4 this kernel\n"
"lacks what --iommufd needs (no vfio cdev or no /dev/iommu).\n",
		EDU_DMA_MAX, 1024);
}

enum {
	OPT_TOUCHES = 256, OPT_PREADS, OPT_DIS_TOUCHES, OPT_DIS_PREADS, OPT_DIS_PWRITES,
	OPT_TOGGLES, OPT_RESETS, OPT_DMA_SIZE, OPT_IOVA, OPT_DMA_BYTES, OPT_DMA_ROUNDS,
	OPT_NO_DMA, OPT_STRESS, OPT_THREADS, OPT_TOGGLE_US, OPT_PAUSE_US, OPT_JSON,
	OPT_IOEVENTFDS, OPT_IOEVENTFD_IDLE, OPT_IOMMUFD, OPT_CDEV,
};

static const struct option long_opts[] = {
	{ "bdf", required_argument, NULL, 'b' },
	{ "group", required_argument, NULL, 'g' },
	{ "touches", required_argument, NULL, OPT_TOUCHES },
	{ "preads", required_argument, NULL, OPT_PREADS },
	{ "disabled-touches", required_argument, NULL, OPT_DIS_TOUCHES },
	{ "disabled-preads", required_argument, NULL, OPT_DIS_PREADS },
	{ "disabled-pwrites", required_argument, NULL, OPT_DIS_PWRITES },
	{ "toggles", required_argument, NULL, OPT_TOGGLES },
	{ "resets", required_argument, NULL, OPT_RESETS },
	{ "dma-size", required_argument, NULL, OPT_DMA_SIZE },
	{ "iova", required_argument, NULL, OPT_IOVA },
	{ "dma-bytes", required_argument, NULL, OPT_DMA_BYTES },
	{ "dma-rounds", required_argument, NULL, OPT_DMA_ROUNDS },
	{ "no-dma", no_argument, NULL, OPT_NO_DMA },
	{ "stress", required_argument, NULL, OPT_STRESS },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "toggle-us", required_argument, NULL, OPT_TOGGLE_US },
	{ "pause-us", required_argument, NULL, OPT_PAUSE_US },
	{ "json", required_argument, NULL, OPT_JSON },
	{ "ioeventfds", required_argument, NULL, OPT_IOEVENTFDS },
	{ "ioeventfd-idle", required_argument, NULL, OPT_IOEVENTFD_IDLE },
	{ "iommufd", no_argument, NULL, OPT_IOMMUFD },
	{ "cdev", required_argument, NULL, OPT_CDEV },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const char *opt_name(int c)
{
	const struct option *lo;

	for (lo = long_opts; lo->name; lo++)
		if (lo->val == c)
			return lo->name;
	return "?";
}

/* Unsigned number (decimal or 0x hex), with K/M/G when @sizes. */
static int parse_num(int c, const char *s, bool sizes, uint64_t max, uint64_t *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	if (!*s || *s == '-' || *s == '+')
		goto bad;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		goto bad;
	if (sizes && *end) {
		unsigned shift = 0;

		switch (*end) {
		case 'k': case 'K': shift = 10; break;
		case 'm': case 'M': shift = 20; break;
		case 'g': case 'G': shift = 30; break;
		default: goto bad;
		}
		end++;
		if (*end == 'i' && end[1] == 'B')
			end += 2;
		else if (*end == 'B')
			end++;
		if (v > (ULLONG_MAX >> shift))
			goto bad;
		v <<= shift;
	}
	if (*end || v > max)
		goto bad;
	*out = v;
	return 0;
bad:
	fprintf(stderr, PROG ": --%s: invalid value '%s'\n", opt_name(c), s);
	return -1;
}

static int parse_count(int c, const char *s, uint64_t max, unsigned long *out)
{
	uint64_t v;

	if (parse_num(c, s, false, max, &v) < 0)
		return -1;
	*out = (unsigned long)v;
	return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	const uint64_t many = 100000000;
	uint64_t v;
	char *end;
	int c;

	*o = (struct opts){
		.dma_size = DEFAULT_DMA_SIZE,
		.iova = DEFAULT_IOVA,
		.touches = 4,
		.preads = 4,
		.disabled_touches = 3,
		.disabled_preads = 3,
		.disabled_pwrites = 1,
		.toggles = 1,
		.resets = 1,
		.dma_rounds = 1,
		.dma_bytes = 1024,
		.threads = 2,
		.toggle_us = 200,
		.pause_us = 20,
	};

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":b:g:qh", long_opts, NULL)) != -1) {
		int r = 0;

		switch (c) {
		case 'b': o->bdf_arg = optarg; break;
		case 'g': o->group_arg = optarg; break;
		case 'q': o->quiet = true; break;
		case 'h': usage(stdout); exit(0);
		case OPT_TOUCHES: r = parse_count(c, optarg, many, &o->touches); break;
		case OPT_PREADS: r = parse_count(c, optarg, many, &o->preads); break;
		case OPT_DIS_TOUCHES: r = parse_count(c, optarg, many, &o->disabled_touches); break;
		case OPT_DIS_PREADS: r = parse_count(c, optarg, many, &o->disabled_preads); break;
		case OPT_DIS_PWRITES: r = parse_count(c, optarg, many, &o->disabled_pwrites); break;
		case OPT_TOGGLES: r = parse_count(c, optarg, many, &o->toggles); break;
		case OPT_RESETS: r = parse_count(c, optarg, 100000, &o->resets); break;
		case OPT_DMA_ROUNDS: r = parse_count(c, optarg, 1000, &o->dma_rounds); break;
		case OPT_DMA_BYTES: r = parse_count(c, optarg, EDU_DMA_MAX, &o->dma_bytes); break;
		case OPT_THREADS: r = parse_count(c, optarg, 64, &o->threads); break;
		case OPT_TOGGLE_US: r = parse_count(c, optarg, 10000000, &o->toggle_us); break;
		case OPT_PAUSE_US: r = parse_count(c, optarg, 10000000, &o->pause_us); break;
		case OPT_DMA_SIZE: r = parse_num(c, optarg, true, 1ULL << 40, &o->dma_size); break;
		case OPT_IOVA: r = parse_num(c, optarg, false, UINT64_MAX, &o->iova); break;
		case OPT_NO_DMA: o->no_dma = true; break;
		case OPT_JSON: o->json_path = optarg; break;
		case OPT_IOEVENTFDS: r = parse_count(c, optarg, 100000, &o->ioeventfds); break;
		case OPT_IOEVENTFD_IDLE:
			r = parse_count(c, optarg, 60000, &o->ioeventfd_idle_ms);
			break;
		case OPT_IOMMUFD: o->iommufd = true; break;
		case OPT_CDEV: o->cdev_arg = optarg; break;
		case OPT_STRESS:
			errno = 0;
			o->stress_s = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(o->stress_s > 0) ||
			    o->stress_s > 86400) {
				fprintf(stderr, PROG ": --stress: invalid value '%s'\n", optarg);
				return -1;
			}
			break;
		case ':':
			fprintf(stderr, PROG ": %s needs a value (see --help)\n", argv[optind - 1]);
			return -1;
		default:
			fprintf(stderr, PROG ": unknown option '%s' (see --help)\n", argv[optind - 1]);
			return -1;
		}
		if (r < 0)
			return -1;
	}
	if (optind < argc) {
		fprintf(stderr, PROG ": unexpected argument '%s' (see --help)\n", argv[optind]);
		return -1;
	}

	v = (uint64_t)sysconf(_SC_PAGESIZE);
	if (o->dma_size == 0 || o->dma_size % v || o->iova % v) {
		fprintf(stderr, PROG ": --dma-size and --iova must be non-zero multiples of %" PRIu64
			"\n", v);
		return -1;
	}
	if (!o->no_dma) {
		if (o->iova + o->dma_size > EDU_IOVA_LIMIT || o->iova + o->dma_size < o->iova) {
			fprintf(stderr, PROG ": --iova + --dma-size must be <= 0x%llx "
				"(edu's 28-bit DMA mask)\n", EDU_IOVA_LIMIT);
			return -1;
		}
		if (o->dma_bytes == 0 || o->dma_bytes > o->dma_size / 2) {
			fprintf(stderr, PROG ": --dma-bytes must be 1..%d and at most half of "
				"--dma-size\n", EDU_DMA_MAX);
			return -1;
		}
	}
	if (o->stress_s > 0 && o->threads == 0) {
		fprintf(stderr, PROG ": --threads must be at least 1\n");
		return -1;
	}
	if (o->stress_s > 0 && o->ioeventfds) {
		fprintf(stderr, PROG ": --ioeventfds is for basic mode, not --stress\n");
		return -1;
	}
	if (o->cdev_arg && !o->iommufd) {
		fprintf(stderr, PROG ": --cdev needs --iommufd\n");
		return -1;
	}
	return 0;
}

/* ----------------------------------------------------------------- main */

int main(int argc, char **argv)
{
	struct opts o;
	struct wl w;
	double t_start, t;
	int rc = EXIT_FAIL;

	if (parse_args(argc, argv, &o) < 0)
		return EXIT_USAGE;
	quiet = o.quiet;

	memset(&w, 0, sizeof(w));
	w.o = &o;
	w.container = w.group = w.device = w.iommufd = w.efd = -1;
	w.page = sysconf(_SC_PAGESIZE);
	t_start = t = now_ms();

	if (resolve_device(&w) < 0 || install_sigbus() < 0)
		goto out;

	/*
	 * Steps 1-3: container, group, device (or iommufd, IOAS, cdev); regions;
	 * MAP_DMA (or IOMMU_IOAS_MAP).
	 */
	if ((o.iommufd ? iommufd_open(&w) : vfio_open(&w)) < 0 || device_setup(&w) < 0)
		goto out;
	if (o.ioeventfds && (w.vendor != EDU_VENDOR || w.devid != EDU_DEVICE)) {
		msg_fail("--ioeventfds writes edu's liveness register; %s is %04x:%04x", w.bdf,
			 w.vendor, w.devid);
		goto out;
	}
	if (dma_map(&w) < 0)
		goto out;
	/* Step 4: mmap BAR0 and touch it. */
	if (bar_mmap(&w) < 0)
		goto out;
	warm_up();
	w.t.ms.setup = now_ms() - t;
	t = now_ms();

	if (touch_enabled(&w, o.touches, "after mmap") < 0)
		goto out;
	/* Step 5: pread BAR0 through the device fd. */
	if (preads_enabled(&w, o.preads) < 0)
		goto out;
	note("%lu touches, %lu preads of BAR0", o.touches, o.preads);

	/* Steps 6-7: memory disable/enable, or the stress phase in its place. */
	if (o.stress_s > 0) {
		w.t.ms.basic = now_ms() - t;
		t = now_ms();
		if (stress(&w) < 0)
			goto out;
		if (touch_enabled(&w, 1, "after stress") < 0)
			goto out;
		w.t.ms.stress = now_ms() - t;
	} else {
		unsigned long i;

		for (i = 0; i < o.toggles; i++)
			if (memory_cycle(&w) < 0)
				goto out;
		note("%lu memory disable/enable cycle(s): %" PRIu64 " SIGBUS, %" PRIu64 " EIO",
		     o.toggles, (uint64_t)bus_caught, w.t.eio);
		w.t.ms.basic = now_ms() - t;
	}

	/* Step 7b: ioeventfd writes with memory disabled, then enabled. */
	t = now_ms();
	if (o.ioeventfds && ioeventfds(&w) < 0)
		goto out;
	w.t.ms.ioeventfd = now_ms() - t;

	/* Step 8: edu DMA round trip through the IOMMU. */
	t = now_ms();
	if (!o.no_dma && dma_roundtrips(&w) < 0)
		goto out;
	w.t.ms.dma = now_ms() - t;

	/* Step 9: resets. */
	t = now_ms();
	if (resets(&w) < 0)
		goto out;
	if (o.resets)
		note("%" PRIu64 " VFIO_DEVICE_RESET(s)", w.t.resets);
	w.t.ms.resets = now_ms() - t;

	/* Step 10: UNMAP_DMA. */
	t = now_ms();
	if (dma_unmap(&w) < 0)
		goto out;
	rc = 0;
out:
	/* The main thread's SIGBUS; the workers' were summed in stress(). */
	w.t.sigbus = bus_caught + w.t.stress.sigbus;
	cleanup(&w);
	if (rc != 0)
		return unsupported ? EXIT_UNSUPPORTED : rc;
	w.t.ms.teardown = now_ms() - t;
	w.t.ms.total = now_ms() - t_start;

	if (json_emit(&w, o.json_path) < 0)
		return EXIT_FAIL;
	note("done in %.0f ms: %" PRIu64 " touches, %" PRIu64 " faults, %" PRIu64 " SIGBUS, %"
	     PRIu64 " EIO, %" PRIu64 " zaps expected%s", w.t.ms.total, w.t.touches,
	     w.t.nopage + w.t.stress.faults, w.t.sigbus, w.t.eio, w.t.zaps,
	     w.t.anomalies ? ", ANOMALIES (see above)" : "");
	return w.t.anomalies ? EXIT_ANOMALY : 0;
}
