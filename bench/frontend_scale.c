// SPDX-License-Identifier: GPL-2.0
/*
 * frontend-scale: what the user-space side costs per interval as a host grows,
 * without a kernel that can trace (issue 16).
 *
 *   frontend-scale [--compact] DEVICES THREADS INTERVALS
 *
 * Creates vfio-trace's maps as a run with room for DEVICES would
 * (vt_tracer_open_maps: the BPF object with no program loaded), fills them as
 * a host with DEVICES devices and THREADS threads inside traced calls would
 * leave them (every device with faults, contentions, zaps, accesses and full
 * histograms; the per-thread hash with THREADS entries; a pinning process per
 * 8 threads), then runs INTERVALS intervals of what `vfio-trace export` and an
 * interval summary do: read the maps into a snapshot through the same reader
 * (vt_tracer_snapshot), diff it against the previous one, write the textfile
 * atomically (full, or with --compact as `export --series compact` writes
 * it) and render the JSON summary. Between intervals every device's
 * counters move, outside the measured part.
 *
 * Prints one line of key=value figures, per interval and in process CPU time
 * (user and system: the textfile's write and rename count, as export makes them): reading
 * the maps into a snapshot, writing the textfile, and the JSON summary of
 * the interval (diff and render); export's share of a core at a 1 s interval
 * (read + textfile); the peak RSS; the textfile's size.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "vfio_trace.skel.h"
#include "render_json.h"
#include "render_prom.h"
#include "snapshot.h"
#include "textfile.h"
#include "tracer.h"

static __u64 cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static __u64 next_rand(__u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void fill_hist(struct vt_hist *h, __u64 *seed, __u64 scale)
{
	for (int i = 0; i < VT_HIST_SLOTS; i++) {
		__u64 n = next_rand(seed) % scale;

		h->slots[i] += n;
		h->count += n;
		h->sum_ns += n << i;
	}
}

/* A device's counters after some traffic; called again each interval. */
static void traffic(struct vt_device *d, __u64 *seed)
{
	struct vt_device_stats *s = &d->stats;

	for (int b = 0; b < VT_BAR_SLOTS; b++)
		for (int r = 0; r < VT_FAULT_RESULT_MAX; r++)
			s->faults[b][r] += next_rand(seed) % 100;
	for (int o = 0; o < VT_ORDER_MAX; o++)
		s->fault_orders[o] += next_rand(seed) % 100;
	for (int r = 0; r < VT_FAULT_RESULT_MAX; r++)
		fill_hist(&s->fault_ns[r], seed, 50);
	for (int m = 0; m < VT_MODE_MAX; m++) {
		s->contentions[m] += next_rand(seed) % 20;
		fill_hist(&s->wait_ns[m], seed, 10);
		for (int p = 0; p < VT_PATH_MAX; p++)
			fill_hist(&s->hold_ns[m][p], seed, 30);
	}
	s->vma_lock_contentions += next_rand(seed) % 5;
	fill_hist(&s->vma_lock_wait_ns, seed, 5);
	for (int z = 0; z < VT_ZAP_REASON_MAX; z++)
		s->zaps[z] += next_rand(seed) % 10;
	fill_hist(&s->zap_ns, seed, 10);
	for (int a = 0; a < VT_ACCESS_KIND_MAX; a++)
		s->accesses[a] += next_rand(seed) % 50;
	s->memory_disables += 3;
	s->memory_enables += 3;
	for (int p = 0; p <= VT_PATH_MAX; p++)
		s->contention_paths[p] += next_rand(seed) % 10;
}

static int fill(struct vt_tracer *t, unsigned int ndev, unsigned int nthreads, __u64 *seed,
		struct vt_device *devs)
{
	int slots_fd = bpf_map__fd(t->skel->maps.bdf_slots);
	int dev_fd = bpf_map__fd(t->skel->maps.devices);
	int holds_fd = bpf_map__fd(t->skel->maps.holds);
	int procs_fd = bpf_map__fd(t->skel->maps.pin_procs);
	size_t hold_size = bpf_map__value_size(t->skel->maps.holds);
	char *hold = calloc(1, hold_size);

	if (!hold)
		return -ENOMEM;
	for (__u32 i = 0; i < ndev; i++) {
		struct vt_bdf_key key = {};
		struct vt_device *d = &devs[i];

		snprintf(key.bdf, sizeof(key.bdf), "0000:%02x:%02x.%u", ((i >> 8) + 1) & 0xff,
			 (i >> 3) & 0x1f, i & 7);
		memcpy(d->info.bdf, key.bdf, sizeof(key.bdf));
		d->info.vendor = 0x10de;
		d->info.device_id = 0x2330;
		d->info.traced = 1;
		d->info.bindings = 1;
		d->info.vdev = 0xffff888000000000ULL + (__u64)i * 0x10000;
		d->info.memory_lock = d->info.vdev + 0x5a0;
		traffic(d, seed);
		if (bpf_map_update_elem(slots_fd, &key, &i, BPF_ANY) ||
		    bpf_map_update_elem(dev_fd, &i, d, BPF_ANY))
			goto fail;
	}
	for (__u32 tid = 1; tid <= nthreads; tid++)
		if (bpf_map_update_elem(holds_fd, &tid, hold, BPF_ANY))
			goto fail;
	for (__u32 p = 0; p < nthreads / 8 && p < bpf_map__max_entries(t->skel->maps.pin_procs);
	     p++) {
		struct vt_pin_proc_key key = { .tgid = 1000 + p, .path = 0 };
		struct vt_pin_proc val = { .calls = p + 1, .pages = 512 * (p + 1) };

		snprintf(val.comm, sizeof(val.comm), "qemu-system-x86");
		if (bpf_map_update_elem(procs_fd, &key, &val, BPF_ANY))
			goto fail;
	}
	free(hold);
	return 0;
fail:
	free(hold);
	return -errno;
}

static long file_size(const char *dir, const char *name)
{
	char path[128];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) ? -1 : (long)st.st_size;
}

static long peak_rss_kib(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

static int render_to_null(const struct vt_snapshot *s)
{
	FILE *f = fopen("/dev/null", "we");
	int err;

	if (!f)
		return -errno;
	err = render_json(f, s);
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

int main(int argc, char **argv)
{
	struct vt_tracer_config cfg = { 0 };
	struct vt_snapshot prev = { 0 }, cur, diff;
	struct vt_tracer t;
	unsigned int ndev, nthreads, intervals;
	struct vt_device *devs;
	char dir[] = "/tmp/vt-frontend-scale.XXXXXX", path[64];
	__u64 seed = 0x9e3779b97f4a7c15ULL, read_ns = 0, export_ns = 0, summary_ns = 0, t0;
	struct prom_options opts = { .series = PROM_SERIES_FULL };
	struct prom_job job = { NULL, &opts };
	long size = 0;
	int err, dev_fd;

	if (argc > 1 && !strcmp(argv[1], "--compact")) {
		opts.series = PROM_SERIES_COMPACT;
		argc--;
		argv++;
	}
	if (argc != 4 || sscanf(argv[1], "%u", &ndev) != 1 ||
	    sscanf(argv[2], "%u", &nthreads) != 1 || sscanf(argv[3], "%u", &intervals) != 1 ||
	    !ndev || ndev > 4096 || nthreads > 1048576 || !intervals) {
		fprintf(stderr, "usage: frontend-scale [--compact] DEVICES(1-4096) THREADS "
				"INTERVALS\n");
		return 2;
	}
	cfg.max_devices = ndev > VT_DEFAULT_MAX_DEVICES ? ndev : 0;
	cfg.max_threads = nthreads > 16384 ? nthreads : 0;
	devs = calloc(ndev, sizeof(*devs));
	if (!devs || !mkdtemp(dir)) {
		perror("frontend-scale");
		return 1;
	}
	err = vt_tracer_open_maps(&t, &cfg);
	if (err) {
		fprintf(stderr, "frontend-scale: cannot create the maps: %s\n", strerror(-err));
		rmdir(dir);
		return 1;
	}
	err = fill(&t, ndev, nthreads, &seed, devs);
	if (err) {
		fprintf(stderr, "frontend-scale: cannot fill the maps: %s\n", strerror(-err));
		goto out;
	}
	dev_fd = bpf_map__fd(t.skel->maps.devices);
	for (unsigned int i = 0; i < intervals && !err; i++) {
		__u64 t1, t2;

		t0 = cpu_ns();
		err = vt_tracer_snapshot(&t, &cur);
		if (err)
			break;
		t1 = cpu_ns();
		job.snapshot = &cur;
		err = textfile_replace(dir, "vfio_trace.prom", render_prom_cb, &job);
		t2 = cpu_ns();
		if (!err)
			err = snapshot_diff(&diff, &cur, &prev);
		if (!err) {
			err = render_to_null(&diff);
			snapshot_free(&diff);
		}
		snapshot_free(&prev);
		prev = cur;
		read_ns += t1 - t0;
		export_ns += t2 - t1;
		summary_ns += cpu_ns() - t2;
		/* The next interval's traffic: not the frontend's cost. */
		for (__u32 d = 0; d < ndev && !err; d++) {
			traffic(&devs[d], &seed);
			if (bpf_map_update_elem(dev_fd, &d, &devs[d], BPF_ANY))
				err = -errno;
		}
	}
	if (err) {
		fprintf(stderr, "frontend-scale: interval failed: %s\n", strerror(-err));
		goto out;
	}
	/* A reader that dropped or repeated devices would look cheap. */
	for (size_t i = 0; i < prev.ndevs && !err; i++)
		if (prev.devs[i].slot != i ||
		    memcmp(prev.devs[i].info.bdf, devs[i].info.bdf, sizeof(devs[i].info.bdf)))
			err = -EPROTO;
	if (err || prev.ndevs != ndev) {
		fprintf(stderr, "frontend-scale: the reader saw %zu devices, not the %u filled\n",
			prev.ndevs, ndev);
		err = err ? err : -EPROTO;
		goto out;
	}
	size = file_size(dir, "vfio_trace.prom");
	/* export = read + textfile; an interval summary = read + diff + render. */
	printf("devices=%u threads=%u series=%s intervals=%u devices_read=%zu read_us=%.1f "
	       "textfile_us=%.1f summary_json_us=%.1f export_core_percent_at_1s=%.4f "
	       "peak_rss_kib=%ld textfile_bytes=%ld\n",
	       ndev, nthreads, opts.series == PROM_SERIES_COMPACT ? "compact" : "full", intervals,
	       prev.ndevs, read_ns / 1e3 / intervals, export_ns / 1e3 / intervals,
	       summary_ns / 1e3 / intervals, (read_ns + export_ns) / 1e7 / intervals,
	       peak_rss_kib(), size);
out:
	snapshot_free(&prev);
	vt_tracer_stop(&t);
	snprintf(path, sizeof(path), "%s/vfio_trace.prom", dir);
	unlink(path);
	rmdir(dir);
	free(devs);
	return err ? 1 : 0;
}
