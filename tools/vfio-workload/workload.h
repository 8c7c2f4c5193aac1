/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of vfio-workload share: the options, the ground truth it
 * counts, and the state of one run. main.c owns the one struct wl; the steps
 * update it, and only report.c writes it out.
 */
#ifndef VFIO_WORKLOAD_H
#define VFIO_WORKLOAD_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/vfio.h>

#define PROG "vfio-workload"

#define EXIT_FAIL 1	   /* a VFIO or system step failed */
#define EXIT_USAGE 2	   /* bad command line */
#define EXIT_ANOMALY 3	   /* ran to the end, but the kernel did not behave as modelled */
#define EXIT_UNSUPPORTED 4 /* this kernel lacks what the options ask for (--iommufd) */

/*
 * qemu's edu device (docs/specs/edu.rst in qemu).  Registers are 32-bit
 * (or 64-bit from 0x80 on); all of them live in BAR0's first page, so every
 * access this program makes goes to that one page.
 */
#define EDU_VENDOR 0x1234
#define EDU_DEVICE 0x11e8
#define EDU_REG_ID 0x00 /* reads 0x010000ed */
#define EDU_ID_VALUE 0x010000edu
#define EDU_REG_LIVENESS 0x04 /* reads back the inverse of what was written */
#define EDU_REG_DMA_SRC 0x80
#define EDU_REG_DMA_DST 0x88
#define EDU_REG_DMA_CNT 0x90
#define EDU_REG_DMA_CMD 0x98
#define EDU_DMA_START 0x1   /* set to start; edu clears it when done */
#define EDU_DMA_TO_RAM 0x2  /* direction: 0 = RAM -> edu, 1 = edu -> RAM */
#define EDU_DMA_BUF 0x40000 /* edu's 4 KiB internal buffer */
/*
 * QEMU 7.2's edu aborts the whole emulator on a transfer that ends exactly
 * at the end of its 4 KiB buffer (an off-by-one in edu_check_range), so stay
 * in the first half.
 */
#define EDU_DMA_MAX 2048
/* edu's default dma_mask is 28 bits: larger IOVAs are silently clamped. */
#define EDU_IOVA_LIMIT (1ULL << 28)

/*
 * --ioeventfds: the ioeventfd writes IOEVENTFD_DATA to edu's liveness
 * register, which only keeps (the inverse of) the last value written and
 * drives nothing else.  Before the writes with memory off, and before each
 * write with memory on, the workload writes a sentinel of its own there, so a
 * read back tells which of the two wrote last.
 */
#define IOEVENTFD_REG EDU_REG_LIVENESS
#define IOEVENTFD_DATA 0x10efd00du
#define IOEVENTFD_SENTINEL 0x5e000000u
/* Between two eventfd writes while memory is disabled (see ioeventfd_kick). */
#define IOEVENTFD_GAP_US 1000
/* How long an enabled write may take to land before it is an anomaly. */
#define IOEVENTFD_LAND_MS 2000

struct opts {
	const char *bdf_arg;
	const char *group_arg;
	const char *json_path;
	const char *cdev_arg;
	const char *name; /* --name: a VM name for vfio-trace to find, as QEMU's -name */
	uint64_t dma_size;
	uint64_t iova;
	unsigned long touches;
	unsigned long preads;
	unsigned long disabled_touches;
	unsigned long disabled_preads;
	unsigned long disabled_pwrites;
	unsigned long toggles;
	unsigned long resets;
	unsigned long off_resets;	  /* resets with memory disabled (--off-resets) */
	unsigned long d3_cycles;	  /* D3hot and back through the PM capability */
	unsigned long low_power_cycles;	  /* LOW_POWER_ENTRY and EXIT */
	unsigned long hot_resets;	  /* VFIO_DEVICE_PCI_HOT_RESET calls */
	unsigned long hot_reset_readers;  /* threads preading BAR0 meanwhile */
	const char *hot_reset_reader_bdf; /* ... of this device of the set instead */
	unsigned long dma_rounds;
	unsigned long dma_bytes;
	double stress_s; /* 0: basic mode */
	unsigned long threads;
	unsigned long toggle_us;
	unsigned long pause_us;
	unsigned long reset_ms;	  /* stress: a VFIO_DEVICE_RESET this often (0: none) */
	unsigned long ioeventfds; /* eventfd writes with memory off, and as many with it on */
	unsigned long ioeventfd_idle_ms; /* from registering it to its first write */
	unsigned long ioeventfd_busy;	 /* writes while a reset holds memory_lock */
	double wait_release_s;		 /* hold the device until vfio asks for it (0: no) */
	unsigned long linger_ms;	 /* hold it this long after the steps (0: no) */
	bool pmd_aligned;		 /* BAR0 mapped alone at a 2 MiB boundary */
	bool iommufd;			 /* /dev/iommu + the vfio cdev instead of container/group */
	bool no_dma;
	bool quiet;
};

/* Cycles through a power state that refuses BAR access (--d3-cycles,
 * --low-power-cycles): what each asked for and what it got. */
struct power_truth {
	uint64_t entries; /* requests into the state that succeeded */
	uint64_t exits;	  /* ... and out of it */
	uint64_t sigbus;  /* touches in between, refused */
	uint64_t eio;	  /* preads in between, refused */
};

/* What happened.  Only the main thread writes this; workers have their own. */
struct truth {
	uint64_t touches; /* BAR mmap touches (32-bit loads), any outcome */
	uint64_t sigbus;  /* SIGBUS caught in the handler, all threads */
	uint64_t preads;  /* pread() calls on BAR0, any outcome */
	uint64_t pwrites; /* pwrite() calls on BAR0, any outcome */
	uint64_t eio;	  /* BAR0 pread/pwrite calls that failed with EIO */
	uint64_t bar_reads_ok;
	uint64_t bar_writes_ok;
	uint64_t nopage;       /* successful faults measured around BAR accesses */
	uint64_t nopage_model; /* faults the model says those accesses must take */
	uint64_t other_faults; /* faults measured around accesses that raised SIGBUS */
	uint64_t mmio_ops;     /* edu register accesses for DMA (not counted as touches) */
	uint64_t config_reads;
	uint64_t command_writes;  /* every successful PCI_COMMAND write */
	uint64_t memory_disables; /* COMMAND writes that cleared MEMORY */
	uint64_t memory_enables;  /* COMMAND writes that set MEMORY after it was clear */
	uint64_t resets;
	uint64_t hot_resets;	   /* VFIO_DEVICE_PCI_HOT_RESET calls that reset */
	uint64_t hot_resets_busy;  /* ... that failed with EBUSY (memory_lock in use) */
	uint64_t hot_reset_preads; /* BAR0 preads by the --hot-reset-readers, all read */
	uint64_t hot_reset_set;	   /* devices each hot reset reaches (1: this one alone) */
	uint64_t zaps;		   /* memory_disables + resets */
	uint64_t blackouts;	   /* zaps (one or more) ended by a successful fault */
	uint64_t dma_map_bytes;
	uint64_t pages_pinned;
	uint64_t pages_unpinned;
	int64_t locked_pinned;	 /* VmLck delta across MAP_DMA, in pages */
	int64_t locked_unpinned; /* VmLck delta across UNMAP_DMA, in pages */
	int64_t pinvm_pinned;	 /* VmPin delta across the map, in pages */
	int64_t pinvm_unpinned;	 /* VmPin delta across the unmap, in pages */
	uint64_t ioas_maps;	 /* IOMMU_IOAS_MAP ioctls issued (--iommufd) */
	uint64_t ioas_map_errors;
	uint64_t ioas_unmaps; /* IOMMU_IOAS_UNMAP ioctls that succeeded */
	/*
	 * eventfd writes the kernel consumed (so each ran vfio's ioeventfd
	 * handler once) while memory was disabled, and while it was enabled.
	 */
	uint64_t ioeventfd_writes_disabled;
	uint64_t ioeventfd_writes_enabled;
	struct {
		uint64_t landed;      /* enabled writes seen in the register */
		uint64_t landed_late; /* ... only after the write() returned */
		uint64_t undrained;   /* writes the kernel did not consume */
		bool registered;      /* VFIO_DEVICE_IOEVENTFD succeeded */
		bool unregistered;    /* ... and the fd -1 form removed it */
		bool disabled_kept;   /* no disabled write reached the register */
		uint64_t busy_sent;   /* --ioeventfd-busy writes made inside a reset */
		uint64_t deferred;    /* ... whose reset was still in at write()'s return */
	} ioeventfd;
	struct {
		bool requested;	   /* vfio asked for the device back (--wait-release) */
		uint64_t requests; /* the request eventfd's count when read */
		double wait_ms;	   /* from holding it to the request */
	} release;
	struct power_truth d3;	      /* PCI_PM_CTRL writes of D3hot, then D0 (refused: 5.19+) */
	struct power_truth low_power; /* LOW_POWER_ENTRY, then EXIT (reads wake the device) */
	uint64_t dma_roundtrips;
	bool dma_ok;
	uint64_t anomalies;
	struct {
		double seconds;	  /* measured length of the toggle loop */
		uint64_t toggles; /* complete disable + enable cycles */
		uint64_t touches;
		uint64_t sigbus;
		uint64_t preads;
		uint64_t eio;
		uint64_t faults;       /* measured, not exact: see faults_exact */
		uint64_t resets;       /* the reset worker's (--reset-ms) */
		double write_ms_total; /* time spent in PCI_COMMAND writes */
		double write_ms_max;   /* (memory_lock write side, and the zap) */
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
	char cdev_path[PATH_MAX]; /* --iommufd: /dev/vfio/devices/vfioN */
	int container;
	int group;
	int device;
	int iommufd; /* --iommufd: /dev/iommu */
	uint32_t ioas_id;
	uint32_t iommufd_devid; /* from VFIO_DEVICE_BIND_IOMMUFD */
	uint32_t hwpt_id;	/* from VFIO_DEVICE_ATTACH_IOMMUFD_PT */
	int efd;		/* --ioeventfds: the eventfd */
	int req_efd;		/* --wait-release: vfio's request eventfd */
	struct vfio_region_info bar;
	struct vfio_region_info cfg;
	uint16_t vendor;
	uint16_t devid;
	uint16_t cmd; /* PCI_COMMAND with MEMORY set, written back on restore */
	bool mem_disabled;
	long page;
	uint8_t *dma_buf;
	bool dma_mapped;
	volatile uint8_t *bar_map;
	size_t bar_len;
	bool populated;	  /* model: BAR page mapped in our page tables */
	bool dark;	  /* zapped, and not faulted in again since */
	bool model_known; /* false after stress: the workers may have refaulted it */
	bool unsupported; /* set-up failed for want of kernel support: EXIT_UNSUPPORTED */
	struct truth t;
};

/* vfio zapped the BAR mappings: the next touch faults, and ends a blackout. */
static inline void zapped(struct wl *w)
{
	w->t.zaps++;
	w->populated = false;
	w->dark = true;
}

/* cli.c: fills @o, or says why not on stderr and returns -1. Exits on --help. */
int parse_args(int argc, char **argv, struct opts *o);

/* log.c: every line on stderr starts with PROG. The *_fail() return -1. */
void log_quiet(bool quiet);
int sys_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int msg_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int io_fail(const char *step, ssize_t n, size_t want);
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void anomaly(struct wl *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* clock.c */
double now_ms(void);
void sleep_us(unsigned long us);

/* mmio.c: BAR accesses through the mapping, SIGBUS and fault counting. */
int install_sigbus(void);
void sigbus_watch(const volatile void *p, size_t len);
uint64_t sigbus_caught(void);
int mmio_access(volatile uint32_t *p, bool write, uint32_t *val);
uint64_t thread_faults(void);
void warm_up(void);
int bar_access(struct wl *w, unsigned off, bool write, uint32_t *val);

/* resolve.c: which device, group and cdev, from the options and sysfs. */
int resolve_device(struct wl *w);
int find_cdev(struct wl *w);

/* setup.c */
int vfio_open(struct wl *w);
int iommufd_open(struct wl *w);
int device_setup(struct wl *w);
/* VFIO_DEVICE_GET_REGION_INFO of region @index of @device. */
int region_info(int device, unsigned index, struct vfio_region_info *ri);
int bar_mmap(struct wl *w);

/* config.c: PCI config space through the device fd. */
int cfg_read16(struct wl *w, unsigned off, uint16_t *v, const char *step);
int command_write(struct wl *w, uint16_t v);
int set_memory(struct wl *w, bool on);

/* dma_map.c */
int dma_map(struct wl *w);
int dma_unmap(struct wl *w);

/* steps.c: the basic-mode steps. */
int touch_enabled(struct wl *w, unsigned long n, const char *when);
int preads_enabled(struct wl *w, unsigned long n);
int memory_cycle(struct wl *w);
int resets(struct wl *w);
int d3_cycles(struct wl *w);
int low_power_cycles(struct wl *w);
int hot_resets(struct wl *w);

/* edu.c */
int edu_reg(struct wl *w, unsigned off, bool write, uint32_t *v);
int dma_roundtrips(struct wl *w);

/* ioeventfd.c */
int ioeventfds(struct wl *w);

/* release.c: vfio's request to give the device back (--wait-release). */
int release_setup(struct wl *w);
int release_wait(struct wl *w);

/* stress.c */
int stress(struct wl *w);

/* teardown.c: undoes whatever set-up got to; counts nothing. */
void cleanup(struct wl *w);

/* report.c: the ground truth as JSON, to stdout or atomically to @path. */
int report_emit(const struct wl *w, const char *path);

#endif
