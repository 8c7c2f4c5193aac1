// SPDX-License-Identifier: GPL-2.0
/*
 * The workload's command line. It checks everything it can before a device is
 * opened, so that a bad option costs one line on stderr and EXIT_USAGE, never
 * a half-done run against the device.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "workload.h"

#define DEFAULT_IOVA 0x100000ULL
#define DEFAULT_DMA_SIZE (4ULL << 20)

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
		"      --off-resets N         then N times: disable memory, VFIO_DEVICE_RESET, touch\n"
		"                             and pread BAR0 (still refused), enable memory, touch\n"
		"                             (default 0)\n"
		"      --hot-resets N         VFIO_DEVICE_PCI_HOT_RESETs (a bus reset of every device\n"
		"                             on the bus, all in this group), one touch after each\n"
		"                             that reset; EBUSY counted (default 0; not --iommufd)\n"
		"      --hot-reset-readers N  threads (comm wl-busy-reader) that pread BAR0 while\n"
		"                             the hot resets run, so that some find memory_lock\n"
		"                             in use and fail with EBUSY (default 0)\n"
		"      --hot-reset-reader-bdf BDF  the readers pread that device's BAR0\n"
		"                             instead: another device of the reset's set, in\n"
		"                             this group (full address, 0000:01:00.1)\n"
		"      --d3-cycles N          write D3hot to the PM capability's control register,\n"
		"                             touch and pread BAR0 (refused since Linux 5.19),\n"
		"                             write D0, touch again; N times (default 0; needs a\n"
		"                             device with PM, not edu)\n"
		"      --low-power-cycles N   VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY, touch (SIGBUS) and\n"
		"                             pread BAR0, LOW_POWER_EXIT, touch again; N times\n"
		"                             (default 0; Linux 6.1+)\n"
		"      --ioeventfds N         register an ioeventfd on edu's BAR0 liveness register,\n"
		"                             signal it N times with memory disabled (vfio drops\n"
		"                             each write) and N times enabled, remove it (default 0)\n"
		"      --ioeventfd-idle MS    wait MS between registering the ioeventfd and its\n"
		"                             first write, as a guest's driver kicks long after\n"
		"                             QEMU registered it (default 0)\n"
		"      --ioeventfd-busy N     then N times: signal it while another thread is inside\n"
		"                             VFIO_DEVICE_RESET (memory_lock held for writing), so\n"
		"                             vfio's handler cannot take it and leaves the write\n"
		"                             to its thread (default 0)\n"
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
		"      --reset-ms MS          one more thread issues VFIO_DEVICE_RESET every MS\n"
		"                             milliseconds (default 0 = none). A reset holds\n"
		"                             memory_lock for writing while it sleeps, so the\n"
		"                             memory bit flips wait behind it: write contention\n"
		"                             every kernel shows, whatever its rwsem spinning.\n"
		"Mapping:\n"
		"      --pmd-aligned          map BAR0 at a 2 MiB boundary, alone in its 2 MiB, as\n"
		"                             QEMU aligns BAR mmaps: its first fault then meets\n"
		"                             no page table, and a kernel with vfio's huge_fault\n"
		"                             tries PMD order first (VM_FAULT_FALLBACK for a BAR\n"
		"                             under 2 MiB) before the page-order fault\n"
		"Identity:\n"
		"      --name NAME            stands on the command line as QEMU's -name does:\n"
		"                             vfio-trace names the VM from /proc/PID/cmdline;\n"
		"                             in the JSON as \"name\", otherwise unused\n"
		"      --linger-ms MS         after the steps, keep the device open MS more\n"
		"                             milliseconds, doing nothing: a tracer slowed down\n"
		"                             by the work still sees who holds it\n"
		"Hot-unplug:\n"
		"      --wait-release S       register vfio's request eventfd (as QEMU does), and\n"
		"                             after the steps hold the device until vfio asks\n"
		"                             for it back (hot-unplug, unbind), at most S\n"
		"                             seconds; then UNMAP_DMA and close it. Exit 1 when\n"
		"                             no request came\n"
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
	OPT_TOUCHES = 256,
	OPT_PREADS,
	OPT_DIS_TOUCHES,
	OPT_DIS_PREADS,
	OPT_DIS_PWRITES,
	OPT_TOGGLES,
	OPT_RESETS,
	OPT_DMA_SIZE,
	OPT_IOVA,
	OPT_DMA_BYTES,
	OPT_DMA_ROUNDS,
	OPT_NO_DMA,
	OPT_STRESS,
	OPT_THREADS,
	OPT_TOGGLE_US,
	OPT_PAUSE_US,
	OPT_RESET_MS,
	OPT_JSON,
	OPT_IOEVENTFDS,
	OPT_IOEVENTFD_IDLE,
	OPT_IOMMUFD,
	OPT_CDEV,
	OPT_NAME,
	OPT_LINGER_MS,
	OPT_WAIT_RELEASE,
	OPT_PMD_ALIGNED,
	OPT_D3_CYCLES,
	OPT_LOW_POWER_CYCLES,
	OPT_HOT_RESETS,
	OPT_HOT_RESET_READERS,
	OPT_HOT_RESET_READER_BDF,
	OPT_IOEVENTFD_BUSY,
	OPT_OFF_RESETS,
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
	{ "off-resets", required_argument, NULL, OPT_OFF_RESETS },
	{ "d3-cycles", required_argument, NULL, OPT_D3_CYCLES },
	{ "low-power-cycles", required_argument, NULL, OPT_LOW_POWER_CYCLES },
	{ "hot-resets", required_argument, NULL, OPT_HOT_RESETS },
	{ "hot-reset-readers", required_argument, NULL, OPT_HOT_RESET_READERS },
	{ "hot-reset-reader-bdf", required_argument, NULL, OPT_HOT_RESET_READER_BDF },
	{ "dma-size", required_argument, NULL, OPT_DMA_SIZE },
	{ "iova", required_argument, NULL, OPT_IOVA },
	{ "dma-bytes", required_argument, NULL, OPT_DMA_BYTES },
	{ "dma-rounds", required_argument, NULL, OPT_DMA_ROUNDS },
	{ "no-dma", no_argument, NULL, OPT_NO_DMA },
	{ "stress", required_argument, NULL, OPT_STRESS },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "toggle-us", required_argument, NULL, OPT_TOGGLE_US },
	{ "pause-us", required_argument, NULL, OPT_PAUSE_US },
	{ "reset-ms", required_argument, NULL, OPT_RESET_MS },
	{ "json", required_argument, NULL, OPT_JSON },
	{ "ioeventfds", required_argument, NULL, OPT_IOEVENTFDS },
	{ "ioeventfd-idle", required_argument, NULL, OPT_IOEVENTFD_IDLE },
	{ "ioeventfd-busy", required_argument, NULL, OPT_IOEVENTFD_BUSY },
	{ "iommufd", no_argument, NULL, OPT_IOMMUFD },
	{ "cdev", required_argument, NULL, OPT_CDEV },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "linger-ms", required_argument, NULL, OPT_LINGER_MS },
	{ "pmd-aligned", no_argument, NULL, OPT_PMD_ALIGNED },
	{ "wait-release", required_argument, NULL, OPT_WAIT_RELEASE },
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
		case 'k':
		case 'K': shift = 10; break;
		case 'm':
		case 'M': shift = 20; break;
		case 'g':
		case 'G': shift = 30; break;
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

int parse_args(int argc, char **argv, struct opts *o)
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
		case OPT_OFF_RESETS: r = parse_count(c, optarg, 100000, &o->off_resets); break;
		case OPT_D3_CYCLES: r = parse_count(c, optarg, 100000, &o->d3_cycles); break;
		case OPT_HOT_RESETS: r = parse_count(c, optarg, 100000, &o->hot_resets); break;
		case OPT_HOT_RESET_READERS:
			r = parse_count(c, optarg, 64, &o->hot_reset_readers);
			break;
		case OPT_HOT_RESET_READER_BDF: o->hot_reset_reader_bdf = optarg; break;
		case OPT_LOW_POWER_CYCLES:
			r = parse_count(c, optarg, 100000, &o->low_power_cycles);
			break;
		case OPT_DMA_ROUNDS: r = parse_count(c, optarg, 1000, &o->dma_rounds); break;
		case OPT_DMA_BYTES: r = parse_count(c, optarg, EDU_DMA_MAX, &o->dma_bytes); break;
		case OPT_THREADS: r = parse_count(c, optarg, 64, &o->threads); break;
		case OPT_TOGGLE_US: r = parse_count(c, optarg, 10000000, &o->toggle_us); break;
		case OPT_PAUSE_US: r = parse_count(c, optarg, 10000000, &o->pause_us); break;
		case OPT_RESET_MS: r = parse_count(c, optarg, 86400000, &o->reset_ms); break;
		case OPT_DMA_SIZE: r = parse_num(c, optarg, true, 1ULL << 40, &o->dma_size); break;
		case OPT_IOVA: r = parse_num(c, optarg, false, UINT64_MAX, &o->iova); break;
		case OPT_NO_DMA: o->no_dma = true; break;
		case OPT_JSON: o->json_path = optarg; break;
		case OPT_IOEVENTFDS: r = parse_count(c, optarg, 100000, &o->ioeventfds); break;
		case OPT_IOEVENTFD_BUSY:
			r = parse_count(c, optarg, 1000, &o->ioeventfd_busy);
			break;
		case OPT_IOEVENTFD_IDLE:
			r = parse_count(c, optarg, 60000, &o->ioeventfd_idle_ms);
			break;
		case OPT_IOMMUFD: o->iommufd = true; break;
		case OPT_CDEV: o->cdev_arg = optarg; break;
		case OPT_NAME: o->name = optarg; break;
		case OPT_LINGER_MS: r = parse_count(c, optarg, 600000, &o->linger_ms); break;
		case OPT_PMD_ALIGNED: o->pmd_aligned = true; break;
		case OPT_WAIT_RELEASE:
			errno = 0;
			o->wait_release_s = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(o->wait_release_s >= 1) ||
			    o->wait_release_s > 3600) {
				fprintf(stderr, PROG ": --wait-release: invalid value '%s'\n",
					optarg);
				return -1;
			}
			break;
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
			fprintf(stderr, PROG ": unknown option '%s' (see --help)\n",
				argv[optind - 1]);
			return -1;
		}
		if (r < 0)
			return -1;
	}
	if (optind < argc) {
		fprintf(stderr, PROG ": unexpected argument '%s' (see --help)\n", argv[optind]);
		return -1;
	}

	if (o->ioeventfd_busy && !o->ioeventfds) {
		fprintf(stderr, PROG ": --ioeventfd-busy needs --ioeventfds\n");
		return -1;
	}
	if (o->hot_reset_readers && !o->hot_resets) {
		fprintf(stderr, PROG ": --hot-reset-readers needs --hot-resets\n");
		return -1;
	}
	if (o->hot_reset_reader_bdf && !o->hot_reset_readers) {
		fprintf(stderr, PROG ": --hot-reset-reader-bdf needs --hot-reset-readers\n");
		return -1;
	}
	v = (uint64_t)sysconf(_SC_PAGESIZE);
	if (o->dma_size == 0 || o->dma_size % v || o->iova % v) {
		fprintf(stderr,
			PROG ": --dma-size and --iova must be non-zero multiples of %" PRIu64 "\n",
			v);
		return -1;
	}
	if (!o->no_dma) {
		if (o->iova + o->dma_size > EDU_IOVA_LIMIT || o->iova + o->dma_size < o->iova) {
			fprintf(stderr,
				PROG ": --iova + --dma-size must be <= 0x%llx "
				     "(edu's 28-bit DMA mask)\n",
				EDU_IOVA_LIMIT);
			return -1;
		}
		if (o->dma_bytes == 0 || o->dma_bytes > o->dma_size / 2) {
			fprintf(stderr,
				PROG ": --dma-bytes must be 1..%d and at most half of "
				     "--dma-size\n",
				EDU_DMA_MAX);
			return -1;
		}
	}
	if (o->stress_s > 0 && o->threads == 0) {
		fprintf(stderr, PROG ": --threads must be at least 1\n");
		return -1;
	}
	if (o->reset_ms && !(o->stress_s > 0)) {
		fprintf(stderr, PROG ": --reset-ms is for --stress; basic mode has --resets\n");
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
