// SPDX-License-Identifier: GPL-2.0
/* The tracer's reader: the kernel's maps, the probe report and the per-program
 * counters copied into a struct vt_snapshot, the one way anything the kernel
 * counted reaches an output. A device unbound and bound again is a new kernel
 * object, but the BPF side keeps one slot per PCI address, so it stays one
 * device here. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "vfio_trace.h"
#include "vfio_trace.skel.h"
#include "kernel_features.h"
#include "probes.h"
#include "tracer.h"

/* Room for entry n of *arr, doubling it. A snapshot is built every interval,
 * so it is sized to what is there, not to the maps' capacity: calloc()ing
 * 256 devices (1.7 MB) each time was most of the frontend's CPU time. */
static int grow(void **arr, size_t *cap, size_t n, size_t size)
{
	size_t ncap = *cap ? *cap * 2 : 4;
	void *p;

	if (n < *cap)
		return 0;
	p = realloc(*arr, ncap * size);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

/* Devices seen are the keys of bdf_slots (bound or not any more); their
 * figures are in the devices array at the slot. A key is never deleted, so the
 * walk sees each PCI address once and never restarts. */
static int read_devices(struct vt_tracer *t, struct vt_snapshot *s)
{
	int slots_fd = bpf_map__fd(t->skel->maps.bdf_slots);
	int fd = bpf_map__fd(t->skel->maps.devices);
	struct vt_device *val = malloc(sizeof(*val));
	struct vt_bdf_key key, next, *prev = NULL;
	size_t cap = 0;
	__u32 slot;

	if (!val)
		return -ENOMEM;
	while (!bpf_map_get_next_key(slots_fd, prev, &next)) {
		struct vt_dev_snapshot *d;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(slots_fd, &key, &slot) ||
		    bpf_map_lookup_elem(fd, &slot, val)) {
			if (errno != ENOENT) /* deleted between the two calls: fine */
				s->map_read_errors++;
			continue;
		}
		/* An entry being learned, or one excluded by -d. */
		if (!val->info.bdf[0] || !val->info.traced)
			continue;
		val->info.bdf[VT_BDF_LEN - 1] = '\0';
		if (grow((void **)&s->devs, &cap, s->ndevs, sizeof(*s->devs))) {
			free(val);
			return -ENOMEM;
		}
		d = &s->devs[s->ndevs++];
		d->info = val->info;
		d->stats = val->stats;
		d->instances = val->info.bindings ? val->info.bindings : 1;
		d->slot = slot;
	}
	free(val);
	return 0;
}

static int read_pins(struct vt_tracer *t, struct vt_snapshot *s)
{
	int fd = bpf_map__fd(t->skel->maps.pin_stats);
	int procs_fd = bpf_map__fd(t->skel->maps.pin_procs);
	size_t max = bpf_map__max_entries(t->skel->maps.pin_procs), cap = 0;
	struct vt_pin_proc_key key, next, *prev = NULL;
	__u32 path;

	for (path = 0; path < VT_PIN_PATH_MAX; path++)
		if (bpf_map_lookup_elem(fd, &path, &s->pins[path]))
			s->map_read_errors++;

	while (s->nprocs < max && !bpf_map_get_next_key(procs_fd, prev, &next)) {
		key = next;
		prev = &key;
		if (grow((void **)&s->procs, &cap, s->nprocs, sizeof(*s->procs)))
			return -ENOMEM;
		if (bpf_map_lookup_elem(procs_fd, &key, &s->procs[s->nprocs].val)) {
			if (errno != ENOENT)
				s->map_read_errors++;
			continue;
		}
		s->procs[s->nprocs].val.comm[VT_COMM_LEN - 1] = '\0';
		s->procs[s->nprocs++].key = key;
	}
	return 0;
}

/* The kernel skips a program rather than nest it on one CPU, and counts the
 * skip per program; those are lost updates too. */
static __u64 read_prog_misses(struct vt_tracer *t, __u64 *errors)
{
	struct bpf_program *prog;
	__u64 misses = 0;

	bpf_object__for_each_program(prog, t->skel->obj) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(prog);

		if (fd < 0)
			continue; /* not loaded on this kernel */
		if (bpf_obj_get_info_by_fd(fd, &info, &len))
			(*errors)++;
		else
			misses += info.recursion_misses;
	}
	return misses;
}

static int read_probes(struct vt_tracer *t, struct vt_snapshot *s)
{
	const struct vt_probe_report *live = vt_probes_report(t->probes);
	struct vt_probe_report *r = calloc(1, sizeof(*r));

	if (!r)
		return -ENOMEM;
	s->probes = r;
	if (live->n) {
		r->items = calloc(live->n, sizeof(*r->items));
		if (!r->items)
			return -ENOMEM;
		memcpy(r->items, live->items, live->n * sizeof(*r->items));
		r->n = live->n;
	}
	r->vfio_attached = vt_probes_vfio_attached(t->probes);
	r->no_vfio = vt_probes_no_vfio(t->probes);
	r->task_storage = t->task_storage;
	return 0;
}

/* Functions are never this long: an address this far past the last symbol is
 * not in kallsyms at all (the BPF program and its trampoline). */
#define VT_MAX_FUNC_OFFSET 0x10000

/* A frame of vfio-trace's own: a BPF program, a trampoline, or the runner of
 * a tracepoint's programs (bpf_trace_runN, for tp_btf). Without
 * bpf_jit_kallsyms they are in no symbol's range (a bare address, or one too
 * far past the last symbol); with it, the kernel lists them under [bpf]
 * (bpf_prog_<tag>_<name>, bpf_trampoline_<id>). */
static bool own_frame(long long off, const char *sym)
{
	return off < 0 || off >= VT_MAX_FUNC_OFFSET || !strncmp(sym, "bpf_prog_", 9) ||
	       !strncmp(sym, "bpf_trampoline_", 15) || strstr(sym, " [bpf]") ||
	       !strncmp(sym, "bpf_trace_run", 13);
}

/* Same function: "f+0x38 [m]" and "f+0x5 [m]". */
static bool same_function(const char *a, const char *b)
{
	size_t n = strcspn(a, "+");

	return n == strcspn(b, "+") && !strncmp(a, b, n);
}

static int add_frame(struct vt_lock_edge *e, size_t *cap, const char *sym)
{
	size_t len = strlen(sym) + 1;

	if (e->frames_len + len > *cap) {
		size_t ncap = *cap ? 2 * *cap : 1024;
		char *p = realloc(e->frames, ncap);

		if (!p)
			return -ENOMEM;
		e->frames = p;
		*cap = ncap;
	}
	memcpy(e->frames + e->frames_len, sym, len);
	e->frames_len += len;
	e->nframes++;
	return 0;
}

/*
 * The names of an edge's first stack, from the kernel code that took the
 * lock. vfio-trace's own frames are left out: the program and trampoline it
 * starts in, and those of other traced functions further down, each with the
 * traced function's entry that its trampoline repeats ("f+0x5" after "f+0x38").
 * Where kallsyms hides every address, the bare addresses are shown instead.
 */
static int read_stack(struct vt_tracer *t, struct vt_lock_edge *e)
{
	const __u64 *ips = e->val.stack;
	int i, err, n = e->val.nframes < VT_EDGE_STACK_DEPTH ? e->val.nframes : VT_EDGE_STACK_DEPTH;
	char sym[256], last[256] = "";
	bool dropped = true, named = false;
	size_t cap = 0;

	for (i = 0; i < n; i++) {
		long long off = vt_kernel_symbolize(t->kernel, ips[i], sym, sizeof(sym));

		named |= off >= 0;
		if (own_frame(off, sym) || (dropped && last[0] && same_function(sym, last))) {
			dropped = true;
			continue;
		}
		dropped = false;
		snprintf(last, sizeof(last), "%s", sym);
		err = add_frame(e, &cap, sym);
		if (err)
			return err;
	}
	for (i = 0; !named && i < n; i++) {
		snprintf(sym, sizeof(sym), "0x%llx", (unsigned long long)ips[i]);
		err = add_frame(e, &cap, sym);
		if (err)
			return err;
	}
	return 0;
}

/* The lock-order edges of `vfio-trace lockdep`, each with its first stack. */
static int read_edges(struct vt_tracer *t, struct vt_snapshot *s)
{
	int fd = bpf_map__fd(t->skel->maps.edges);
	size_t max = bpf_map__max_entries(t->skel->maps.edges), cap = 0;
	struct vt_edge_key key, next, *prev = NULL;

	while (s->nedges < max && !bpf_map_get_next_key(fd, prev, &next)) {
		struct vt_lock_edge *e;

		key = next;
		prev = &key;
		if (grow((void **)&s->edges, &cap, s->nedges, sizeof(*s->edges)))
			return -ENOMEM;
		e = &s->edges[s->nedges];
		memset(e, 0, sizeof(*e));
		if (bpf_map_lookup_elem(fd, &key, &e->val)) {
			if (errno != ENOENT)
				s->map_read_errors++;
			continue;
		}
		e->key = key;
		s->nedges++;
		if (read_stack(t, e))
			s->map_read_errors++;
	}
	return 0;
}

int vt_tracer_snapshot(struct vt_tracer *t, struct vt_snapshot *s)
{
	struct timespec mono;
	struct timeval tv;
	int err;

	memset(s, 0, sizeof(*s));
	gettimeofday(&tv, NULL);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	s->wall_time = tv.tv_sec + tv.tv_usec / 1e6;
	s->mono_ns = (__u64)mono.tv_sec * 1000000000ULL + mono.tv_nsec;
	s->started_ns = t->started_ns;

	err = read_devices(t, s);
	if (!err)
		err = read_pins(t, s);
	if (!err)
		err = read_probes(t, s);
	if (!err && t->cfg.lock_order)
		err = read_edges(t, s);
	for (unsigned int i = 0; i < t->cfg.nlocks; i++)
		snprintf(s->user_locks[i], sizeof(s->user_locks[i]), "%s", t->cfg.locks[i]);
	s->nuser_locks = t->cfg.nlocks;
	if (err) {
		snapshot_free(s);
		return err;
	}
	/* .bss is memory-mapped: a plain read of each counter. */
	memcpy(s->lost, (const void *)t->skel->bss->lost, sizeof(s->lost));
	s->lost[VT_LOST_PROG_MISSED] = read_prog_misses(t, &s->map_read_errors);
	snapshot_sort(s);
	return 0;
}
