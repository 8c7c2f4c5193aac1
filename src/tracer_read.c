// SPDX-License-Identifier: GPL-2.0
/* The tracer's reader: the kernel's maps, the probe report and the per-program
 * counters copied into a struct vt_snapshot, the one way anything the kernel
 * counted reaches an output. A device unbound and bound again is a new kernel
 * object, but the BPF side keeps one slot per PCI address, so it stays one
 * device here. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "vfio_trace.h"
#include "vfio_trace.skel.h"
#include "kallsyms.h"
#include "kernel_features.h"
#include "probes.h"
#include "stack_names.h"
#include "tracer_read.h"

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

/* The device a reset record names as the one the reset was called on
 * (a hot reset's set names it on each device), by @names: each slot's
 * address, "" where none. The caller need not be traced (-d). */
static void name_reset_via(struct vt_dev_snapshot *d, const struct vt_bdf_key *names, __u32 nslots)
{
	const struct vt_disable_record *r = &d->info.last_disable;

	d->off_via[0] = '\0';
	if ((r->cause == VT_OFF_RESET || r->cause == VT_OFF_HOT_RESET) && r->via_slot < nslots)
		memcpy(d->off_via, names[r->via_slot].bdf, VT_BDF_LEN);
}

/*
 * Every entry of the hash map @fd, up to @max, into @keys and @vals (room for
 * @max each) in as few calls as the map allows: a key-by-key walk is two
 * syscalls an entry, which at 256 devices or a thousand pinning processes
 * was most of a snapshot's time (bench/frontend-scale). @count is what is
 * left of @max, so no hash bucket outgrows a call (-ENOSPC). Batch lookups
 * are 5.6's (commit 057996380a42), older than any kernel vfio-trace loads on.
 * Returns the number read, or -errno.
 */
static long read_hash(int fd, __u32 max, void *keys, size_t key_size, void *vals, size_t val_size)
{
	__u32 n = 0, batch = 0, count;

	while (n < max) {
		count = max - n;
		if (bpf_map_lookup_batch(fd, n ? &batch : NULL, &batch, (char *)keys + n * key_size,
					 (char *)vals + n * val_size, &count, NULL)) {
			n += count;
			/* ENOENT: the last batch */
			return errno == ENOENT ? (long)n : -(long)errno;
		}
		n += count;
	}
	return (long)n;
}

/* The whole of bdf_slots, each PCI address by its slot in @names ("" where
 * none). @end: one past the highest named slot. 0 or -errno. */
static int read_slot_names(int fd, __u32 nslots, struct vt_bdf_key *names, __u32 *end)
{
	struct vt_bdf_key *keys = calloc(nslots, sizeof(*keys));
	__u32 *slots = calloc(nslots, sizeof(*slots));
	long n = -ENOMEM;

	*end = 0;
	if (keys && slots)
		n = read_hash(fd, nslots, keys, sizeof(*keys), slots, sizeof(*slots));
	for (long i = 0; i < n; i++) {
		if (slots[i] >= nslots)
			continue;
		names[slots[i]] = keys[i];
		names[slots[i]].bdf[VT_BDF_LEN - 1] = '\0';
		if (slots[i] >= *end)
			*end = slots[i] + 1;
	}
	free(keys);
	free(slots);
	return n < 0 ? (int)n : 0;
}

/* The devices array as the programs see it, mapped read-only once
 * (bpf/maps.bpf.h says why); NULL when it cannot be. */
static const struct vt_device *devices_view(struct vt_tracer *t)
{
	const struct bpf_map *map = t->skel->maps.devices;
	size_t page = (size_t)sysconf(_SC_PAGESIZE), len;
	void *p;

	if (t->devices_view)
		return t->devices_view;
	/* elements are 8-byte aligned; the whole is mapped in pages */
	len = (size_t)bpf_map__max_entries(map) * ((bpf_map__value_size(map) + 7) & ~7UL);
	len = (len + page - 1) / page * page;
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, bpf_map__fd(map), 0);
	if (p == MAP_FAILED)
		return NULL;
	t->devices_view = p;
	t->devices_view_len = len;
	return p;
}

/* One device of the array, at @slot and named by bdf_slots, into the
 * snapshot; skipped while it is being learned or when -d excludes it. The
 * BPF side may be updating it as it is copied, as with a lookup; what is
 * checked is the copy, which the snapshot keeps. */
static int add_device(struct vt_snapshot *s, size_t *cap, __u32 slot, const struct vt_device *val)
{
	struct vt_dev_snapshot *d;

	if (grow((void **)&s->devs, cap, s->ndevs, sizeof(*s->devs)))
		return -ENOMEM;
	d = &s->devs[s->ndevs];
	d->info = val->info;
	d->stats = val->stats;
	if (!d->info.bdf[0] || !d->info.traced)
		return 0;
	s->ndevs++;
	d->info.bdf[VT_BDF_LEN - 1] = '\0';
	d->instances = d->info.bindings ? d->info.bindings : 1;
	d->slot = slot;
	/* Unknown until the attribution step (attribution.h) fills them. */
	memset(&d->owner, 0, sizeof(d->owner));
	d->reset_method[0] = '\0';
	return 0;
}

/* Devices seen are the keys of bdf_slots (bound or not any more; a key is
 * never deleted); their figures are in the devices array at the slot, read
 * in slot order, that is, in the order vfio-trace first saw them. */
static int read_devices(struct vt_tracer *t, struct vt_snapshot *s)
{
	int slots_fd = bpf_map__fd(t->skel->maps.bdf_slots);
	__u32 nslots = bpf_map__max_entries(t->skel->maps.devices);
	struct vt_bdf_key *names = calloc(nslots, sizeof(*names));
	const struct vt_device *view = devices_view(t);
	__u32 end;
	size_t cap = 0, i;
	int err = 0;

	if (!names)
		return -ENOMEM;
	if (!view || read_slot_names(slots_fd, nslots, names, &end)) {
		/* nothing read: the interval shows no devices, and says why */
		s->map_read_errors++;
		goto out;
	}
	/* Sized once: doubling copied each 7 KiB device about once more. */
	for (__u32 slot = 0; slot < end; slot++)
		cap += names[slot].bdf[0] != '\0';
	s->devs = cap ? malloc(cap * sizeof(*s->devs)) : NULL;
	if (cap && !s->devs) {
		err = -ENOMEM;
		goto out;
	}
	for (__u32 slot = 0; slot < end && !err; slot++)
		if (names[slot].bdf[0])
			err = add_device(s, &cap, slot, &view[slot]);
	for (i = 0; i < s->ndevs && !err; i++)
		name_reset_via(&s->devs[i], names, nslots);
out:
	free(names);
	return err;
}

static int read_pins(struct vt_tracer *t, struct vt_snapshot *s)
{
	int fd = bpf_map__fd(t->skel->maps.pin_stats);
	int procs_fd = bpf_map__fd(t->skel->maps.pin_procs);
	__u32 max = bpf_map__max_entries(t->skel->maps.pin_procs), path;
	struct vt_pin_proc_key *keys;
	struct vt_pin_proc *vals;
	long n;

	for (path = 0; path < VT_PIN_PATH_MAX; path++)
		if (bpf_map_lookup_elem(fd, &path, &s->pins[path]))
			s->map_read_errors++;

	keys = malloc(max * sizeof(*keys));
	vals = malloc(max * sizeof(*vals));
	n = keys && vals ? read_hash(procs_fd, max, keys, sizeof(*keys), vals, sizeof(*vals))
			 : -ENOMEM;
	if (n > 0)
		s->procs = malloc((size_t)n * sizeof(*s->procs));
	if (n > 0 && !s->procs)
		n = -ENOMEM;
	for (long i = 0; i < n; i++) {
		s->procs[i].key = keys[i];
		s->procs[i].val = vals[i];
		s->procs[i].val.comm[VT_COMM_LEN - 1] = '\0';
	}
	free(keys);
	free(vals);
	if (n == -ENOMEM)
		return -ENOMEM;
	if (n < 0) /* the processes are missing from this snapshot, and it says so */
		s->map_read_errors++;
	else
		s->nprocs = (size_t)n;
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
	const struct vt_probe_report *live;
	struct vt_probe_report *r = calloc(1, sizeof(*r));

	if (!r)
		return -ENOMEM;
	s->probes = r;
	if (!t->probes) /* the maps alone (vt_tracer_open_maps) */
		return 0;
	live = vt_probes_report(t->probes);
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

/* All symbols: lockdep mode's kernel, or --stacks' kallsyms alone. */
static long long symbolize(struct vt_tracer *t, __u64 addr, char *buf, size_t len)
{
	if (t->kernel)
		return vt_kernel_symbolize(t->kernel, addr, buf, len);
	return vt_kallsyms_symbolize(t->ksyms, addr, buf, len);
}

/* A stack the BPF side took, named (stack_names.h). */
static long long name_addr(void *arg, __u64 addr, char *buf, size_t len)
{
	return symbolize(arg, addr, buf, len);
}

static int read_stack(struct vt_tracer *t, const __u64 *ips, int n, struct vt_frames *f)
{
	return vt_name_stack(name_addr, t, ips, n, f);
}

static int read_edge_stack(struct vt_tracer *t, struct vt_lock_edge *e)
{
	struct vt_frames f = { 0 };
	int n = e->val.nframes < VT_EDGE_STACK_DEPTH ? e->val.nframes : VT_EDGE_STACK_DEPTH;
	int err = read_stack(t, e->val.stack, n, &f);

	e->frames = f.names;
	e->frames_len = f.len;
	e->nframes = f.n;
	return err;
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
		if (read_edge_stack(t, e))
			s->map_read_errors++;
	}
	return 0;
}

struct vt_named_stack {
	__u64 key;
	struct vt_frames frames;
};

static int named_cmp(const void *a, const void *b)
{
	__u64 x = ((const struct vt_named_stack *)a)->key,
	      y = ((const struct vt_named_stack *)b)->key;

	return x < y ? -1 : x > y;
}

static const struct vt_named_stack *find_named(const struct vt_tracer *t, __u64 key)
{
	struct vt_named_stack k = { .key = key };

	return t->nnamed ? bsearch(&k, t->named, t->nnamed, sizeof(k), named_cmp) : NULL;
}

void vt_tracer_read_release(struct vt_tracer *t)
{
	if (t->devices_view)
		munmap((void *)t->devices_view, t->devices_view_len);
	t->devices_view = NULL;
	t->devices_view_len = 0;
	for (size_t i = 0; i < t->nnamed; i++)
		free(t->named[i].frames.names);
	free(t->named);
	t->named = NULL;
	t->nnamed = 0;
	vt_kallsyms_free(t->ksyms);
	t->ksyms = NULL;
}

/*
 * Names the stacks of @keys (none named yet), once each: a stack's frames
 * never change under its key. Without lockdep mode's symbol table, the
 * symbols are read from /proc/kallsyms for these frames only
 * (vt_kallsyms_load_addrs): the whole table was 13 MB, most of the peak RSS.
 * A stack the map does not have (a read error) is counted, and named empty.
 */
static int name_stacks(struct vt_tracer *t, struct vt_snapshot *s, const __u64 *keys, size_t n)
{
	int fd = bpf_map__fd(t->skel->maps.stacks), err = 0;
	struct vt_stack *stacks = calloc(n, sizeof(*stacks));
	__u64 *addrs = calloc(n * VT_CONTENTION_STACK_DEPTH, sizeof(*addrs));
	struct vt_named_stack *grown = realloc(t->named, (t->nnamed + n) * sizeof(*grown));
	size_t naddrs = 0;

	if (grown)
		t->named = grown;
	if (!stacks || !addrs || !grown) {
		err = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (bpf_map_lookup_elem(fd, &keys[i], &stacks[i])) {
			s->map_read_errors++;
			stacks[i].nframes = 0;
		}
		if (stacks[i].nframes > VT_CONTENTION_STACK_DEPTH)
			stacks[i].nframes = VT_CONTENTION_STACK_DEPTH;
		for (__u32 k = 0; k < stacks[i].nframes; k++)
			addrs[naddrs++] = stacks[i].ips[k];
	}
	/* Unreadable, the frames are bare addresses (read_stack). */
	if (!t->kernel) {
		err = vt_kallsyms_load_proc_addrs(&t->ksyms, addrs, naddrs);
		if (err == -ENOMEM)
			goto out;
		err = 0;
	}
	for (size_t i = 0; i < n; i++) {
		struct vt_named_stack *named = &t->named[t->nnamed];

		memset(named, 0, sizeof(*named));
		named->key = keys[i];
		t->nnamed++;
		err = read_stack(t, stacks[i].ips, (int)stacks[i].nframes, &named->frames);
		if (err)
			break;
	}
	qsort(t->named, t->nnamed, sizeof(*t->named), named_cmp);
out:
	vt_kallsyms_free(t->ksyms);
	t->ksyms = NULL;
	free(addrs);
	free(stacks);
	return err;
}

static int copy_named(const struct vt_tracer *t, __u64 key, struct vt_frames *f)
{
	const struct vt_named_stack *named = key ? find_named(t, key) : NULL;

	memset(f, 0, sizeof(*f));
	if (!named || !named->frames.len)
		return 0;
	f->names = malloc(named->frames.len);
	if (!f->names)
		return -ENOMEM;
	memcpy(f->names, named->frames.names, named->frames.len);
	f->len = named->frames.len;
	f->n = named->frames.n;
	return 0;
}

static int u64_cmp(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

/* The stacks the pairs name that are not named yet, each once. */
static int name_new_stacks(struct vt_tracer *t, struct vt_snapshot *s)
{
	__u64 *keys = calloc(2 * s->ncontentions + 1, sizeof(*keys));
	size_t n = 0, m = 0;
	int err;

	if (!keys)
		return -ENOMEM;
	for (size_t i = 0; i < s->ncontentions; i++) {
		const struct vt_contention_key *k = &s->contentions[i].key;

		if (k->waiter_stack && !find_named(t, k->waiter_stack))
			keys[n++] = k->waiter_stack;
		if (k->holder_stack && !find_named(t, k->holder_stack))
			keys[n++] = k->holder_stack;
	}
	if (n)
		qsort(keys, n, sizeof(*keys), u64_cmp);
	for (size_t i = 0; i < n; i++)
		if (!m || keys[i] != keys[m - 1])
			keys[m++] = keys[i];
	err = m ? name_stacks(t, s, keys, m) : 0;
	free(keys);
	return err;
}

/* --stacks: the contended (waiter, holder) pairs, each stack named. */
static int read_contentions(struct vt_tracer *t, struct vt_snapshot *s)
{
	int fd = bpf_map__fd(t->skel->maps.contention_pairs), err;
	size_t max = bpf_map__max_entries(t->skel->maps.contention_pairs), cap = 0;
	struct vt_contention_key key, next, *prev = NULL;

	while (s->ncontentions < max && !bpf_map_get_next_key(fd, prev, &next)) {
		struct vt_contention_pair *c;

		key = next;
		prev = &key;
		if (grow((void **)&s->contentions, &cap, s->ncontentions, sizeof(*s->contentions)))
			return -ENOMEM;
		c = &s->contentions[s->ncontentions];
		memset(c, 0, sizeof(*c));
		if (bpf_map_lookup_elem(fd, &key, &c->val)) {
			if (errno != ENOENT)
				s->map_read_errors++;
			continue;
		}
		c->key = key;
		c->val.waiter_comm[VT_COMM_LEN - 1] = '\0';
		c->val.holder_comm[VT_COMM_LEN - 1] = '\0';
		s->ncontentions++;
	}
	err = name_new_stacks(t, s);
	for (size_t i = 0; !err && i < s->ncontentions; i++) {
		struct vt_contention_pair *c = &s->contentions[i];

		err = copy_named(t, c->key.waiter_stack, &c->waiter);
		if (!err)
			err = copy_named(t, c->key.holder_stack, &c->holder);
	}
	return err;
}

/* The task's name now; "" when it has exited since (its entry may outlive
 * it until the BPF side sees its next lock operation). */
static void read_comm(__u32 tid, char *comm, size_t len)
{
	char path[32];
	FILE *f;

	comm[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%u/comm", tid);
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(comm, (int)len, f))
		comm[strcspn(comm, "\n")] = '\0';
	fclose(f);
}

/* Files one holder; a stack that holds nothing is left out. */
static int add_holder(struct vt_snapshot *s, size_t *cap, __u32 tid, const struct vt_held *held)
{
	struct vt_lock_holder *h;

	if (!held->depth)
		return 0;
	if (grow((void **)&s->holders, cap, s->nholders, sizeof(*s->holders)))
		return -ENOMEM;
	h = &s->holders[s->nholders++];
	memset(h, 0, sizeof(*h));
	h->tid = tid;
	h->held = *held;
	if (h->held.depth > VT_LOCK_DEPTH)
		h->held.depth = VT_LOCK_DEPTH;
	read_comm(tid, h->comm, sizeof(h->comm));
	return 0;
}

/* The held stacks in task storage, through the held_iter program: whole
 * records, each a thread that holds tracked locks. */
static int read_holders_iter(struct vt_tracer *t, struct vt_snapshot *s)
{
	struct vt_held_record rec[64];
	size_t cap = 0, have = 0;
	int fd = bpf_iter_create(bpf_link__fd(t->held_iter)), err = 0;
	ssize_t n;

	if (fd < 0) {
		s->map_read_errors++;
		return 0;
	}
	/* The kernel writes whole records; a read may still end inside one,
	 * so the tail is kept for the next. */
	while ((n = read(fd, (char *)rec + have, sizeof(rec) - have)) > 0 ||
	       (n < 0 && errno == EINTR)) {
		size_t whole;

		if (n < 0)
			continue;
		have += (size_t)n;
		whole = have / sizeof(rec[0]);
		for (size_t i = 0; i < whole && !err; i++)
			err = add_holder(s, &cap, rec[i].tid, &rec[i].held);
		if (err)
			break;
		have -= whole * sizeof(rec[0]);
		memmove(rec, (char *)rec + whole * sizeof(rec[0]), have);
	}
	if (!err && (n < 0 || have))
		s->map_read_errors++;
	close(fd);
	return err;
}

/* The tasks holding tracked locks right now, for the flight recorder's
 * current holders: from the held map, or its task storage twin. */
static int read_holders(struct vt_tracer *t, struct vt_snapshot *s)
{
	int fd = bpf_map__fd(t->skel->maps.held);
	size_t max = bpf_map__max_entries(t->skel->maps.held), cap = 0;
	__u32 key, next, *prev = NULL;
	struct vt_held held;

	if (t->held_iter)
		return read_holders_iter(t, s);
	while (s->nholders < max && !bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &held)) {
			if (errno != ENOENT)
				s->map_read_errors++;
			continue;
		}
		if (add_holder(s, &cap, key, &held))
			return -ENOMEM;
	}
	return 0;
}

int vt_tracer_read(struct vt_tracer *t, struct vt_snapshot *s)
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
	if (!err && t->cfg.stacks)
		err = read_contentions(t, s);
	if (!err && t->cfg.lock_order)
		err = read_holders(t, s);
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
