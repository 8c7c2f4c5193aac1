// SPDX-License-Identifier: GPL-2.0
/* `vfio-trace lockdep`: the lock order threads really follow, as edges
 * "B acquired while A held", with the first stack of each and the cycles the
 * edges close. Works without CONFIG_LOCKDEP and tells devices apart. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "vfio_trace.h"
#include "vfio_trace.skel.h"
#include "commands.h"
#include "json_writer.h"
#include "signals.h"
#include "tracer.h"

#define VT_STACK_DEPTH 127
#define VT_STACK_SHOWN 12

struct edge_rec {
	struct vt_edge_key key;
	struct vt_edge val;
};

struct edge_set {
	struct edge_rec *items;
	size_t n;
};

static int edge_cmp(const void *a, const void *b)
{
	const struct vt_edge_key *x = &((const struct edge_rec *)a)->key;
	const struct vt_edge_key *y = &((const struct edge_rec *)b)->key;

	return memcmp(x, y, sizeof(*x));
}

static int read_edges(struct vt_tracer *t, struct edge_set *es)
{
	int fd = bpf_map__fd(t->skel->maps.edges);
	size_t cap = bpf_map__max_entries(t->skel->maps.edges);
	struct vt_edge_key key, next, *prev = NULL;

	es->items = calloc(cap, sizeof(*es->items));
	if (!es->items)
		return -ENOMEM;
	while (es->n < cap && !bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &es->items[es->n].val))
			continue;
		es->items[es->n++].key = key;
	}
	qsort(es->items, es->n, sizeof(*es->items), edge_cmp);
	return 0;
}

static const char *mode_word(int class, int mode)
{
	/* vma_lock and igate are mutexes: no read side to speak of. */
	if (class == VT_LC_VMA_LOCK || class == VT_LC_IGATE)
		return "";
	return mode == VT_MODE_READ ? " (read)" : " (write)";
}

static const char *device_word(const struct vt_edge_key *k)
{
	/* Only edges between two per-device locks can say same or other. */
	if (k->from_class == VT_LC_MMAP_LOCK || k->to_class == VT_LC_MMAP_LOCK)
		return "-";
	return k->same_device ? "same" : "other";
}

/* Simple cycles of the class graph, each found once (from its smallest class).
 * A class nested in itself on two devices is reported apart, not as a cycle. */
struct cycles {
	int path[VT_LC_MAX];
	int found[16][VT_LC_MAX + 1];
	int lens[16];
	int n;
};

static void find_cycles_from(bool adj[VT_LC_MAX][VT_LC_MAX], int start, int node, int depth,
			     bool *on_path, struct cycles *c)
{
	int next;

	c->path[depth] = node;
	on_path[node] = true;
	for (next = start; next < VT_LC_MAX; next++) {
		if (!adj[node][next])
			continue;
		if (next == start && depth > 0 && c->n < 16) {
			memcpy(c->found[c->n], c->path, (depth + 1) * sizeof(int));
			c->found[c->n][depth + 1] = start;
			c->lens[c->n++] = depth + 2;
		} else if (next > start && !on_path[next]) {
			find_cycles_from(adj, start, next, depth + 1, on_path, c);
		}
	}
	on_path[node] = false;
}

static void find_cycles(const struct edge_set *es, struct cycles *c)
{
	bool adj[VT_LC_MAX][VT_LC_MAX] = {};
	bool on_path[VT_LC_MAX] = {};
	size_t i;
	int s;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < es->n; i++) {
		const struct vt_edge_key *k = &es->items[i].key;

		if (k->from_class < VT_LC_MAX && k->to_class < VT_LC_MAX &&
		    k->from_class != k->to_class)
			adj[k->from_class][k->to_class] = true;
	}
	for (s = 0; s < VT_LC_MAX; s++)
		find_cycles_from(adj, s, s, 0, on_path, c);
}

/* Functions are never this long: an address this far past the last symbol is
 * not in kallsyms at all (the BPF program and its trampoline). */
#define VT_MAX_FUNC_OFFSET 0x10000

static int read_stack(struct vt_tracer *t, __s64 id, __u64 *ips)
{
	__u32 key = id;
	char sym[256];
	int skip = 0;
	long long off;

	if (id < 0)
		return -ENOENT;
	if (bpf_map_lookup_elem(bpf_map__fd(t->skel->maps.edge_stacks), &key, ips))
		return -errno;
	/* The stack starts inside vfio-trace itself; show it from the lock call. */
	while (skip < VT_STACK_DEPTH && ips[skip]) {
		off = vt_kernel_symbolize(t->kernel, ips[skip], sym, sizeof(sym));
		if (off >= 0 && off < VT_MAX_FUNC_OFFSET)
			break;
		skip++;
	}
	memmove(ips, ips + skip, (VT_STACK_DEPTH - skip) * sizeof(*ips));
	memset(ips + VT_STACK_DEPTH - skip, 0, skip * sizeof(*ips));
	return 0;
}

/* A frame's name; an address too far past its symbol is not in kallsyms at all. */
static void frame_name(struct vt_tracer *t, __u64 ip, char *buf, size_t len)
{
	if (vt_kernel_symbolize(t->kernel, ip, buf, len) >= VT_MAX_FUNC_OFFSET)
		snprintf(buf, len, "0x%llx", (unsigned long long)ip);
}

static void print_text(struct vt_tracer *t, const struct edge_set *es, const struct cycles *c,
		       double seconds, const __u64 *lost)
{
	__u64 ips[VT_STACK_DEPTH];
	char sym[256];
	size_t i;
	int j;

	printf("Lock order seen in %.1f s: %zu edges (B acquired while A held)\n\n", seconds, es->n);
	if (es->n)
		printf("%-34s    %-34s %9s %6s  %s\n", "A (held)", "B (acquired)", "COUNT", "DEVICE",
		       "FIRST BY");
	for (i = 0; i < es->n; i++) {
		const struct vt_edge_key *k = &es->items[i].key;
		const struct vt_edge *e = &es->items[i].val;
		char from[64], to[64], by[48];

		snprintf(from, sizeof(from), "%s%s", vt_lock_class_name(k->from_class),
			 mode_word(k->from_class, k->from_mode));
		snprintf(to, sizeof(to), "%s%s", vt_lock_class_name(k->to_class),
			 mode_word(k->to_class, k->to_mode));
		snprintf(by, sizeof(by), "%.16s[%u]", e->comm, e->pid);
		printf("%-34s -> %-34s %9llu %6s  %s%s\n", from, to, (unsigned long long)e->count,
		       device_word(k), by, k->direct ? "" : " (through another tracked lock)");
		if (read_stack(t, e->stack_id, ips))
			continue;
		for (j = 0; j < VT_STACK_SHOWN && j < VT_STACK_DEPTH && ips[j]; j++) {
			frame_name(t, ips[j], sym, sizeof(sym));
			printf("        %s\n", sym);
		}
	}
	printf("\n");
	if (!c->n)
		printf("No cycle among the tracked lock classes.\n");
	for (j = 0; j < c->n; j++) {
		int m;

		printf("Cycle (possible deadlock): ");
		for (m = 0; m < c->lens[j]; m++)
			printf("%s%s", m ? " -> " : "", vt_lock_class_name(c->found[j][m]));
		printf("\n");
	}
	if (lost[VT_LOST_LOCK_DEPTH] || lost[VT_LOST_EDGE_MAP_FULL] || lost[VT_LOST_TASK_MAP_FULL] ||
	    lost[VT_LOST_PROG_MISSED])
		printf("Lost: %llu acquisitions deeper than %d tracked locks, %llu edges (map full), "
		       "%llu threads (map full), %llu probe runs the kernel skipped\n",
		       (unsigned long long)lost[VT_LOST_LOCK_DEPTH], VT_LOCK_DEPTH,
		       (unsigned long long)lost[VT_LOST_EDGE_MAP_FULL],
		       (unsigned long long)lost[VT_LOST_TASK_MAP_FULL],
		       (unsigned long long)lost[VT_LOST_PROG_MISSED]);
}

static void json_lock(struct json_writer *w, const char *key, int class, int mode)
{
	jw_begin_object(w, key);
	jw_string(w, "class", vt_lock_class_name(class));
	jw_string(w, "mode", vt_lock_mode_name(mode));
	jw_end_object(w);
}

static int print_json(struct vt_tracer *t, const struct edge_set *es, const struct cycles *c,
		      double seconds, const __u64 *lost)
{
	__u64 ips[VT_STACK_DEPTH];
	struct json_writer w;
	char sym[256];
	size_t i;
	int j, m;

	jw_init(&w, stdout);
	jw_begin_object(&w, NULL);
	jw_double(&w, "duration_s", seconds, 3);
	jw_begin_array(&w, "edges");
	for (i = 0; i < es->n; i++) {
		const struct vt_edge_key *k = &es->items[i].key;
		const struct vt_edge *e = &es->items[i].val;

		jw_begin_object(&w, NULL);
		json_lock(&w, "from", k->from_class, k->from_mode);
		json_lock(&w, "to", k->to_class, k->to_mode);
		jw_u64(&w, "count", e->count);
		jw_string(&w, "device", device_word(k));
		jw_bool(&w, "direct", k->direct);
		jw_begin_object(&w, "first");
		jw_u64(&w, "pid", e->pid);
		jw_u64(&w, "tid", e->tid);
		jw_string_n(&w, "comm", e->comm, sizeof(e->comm));
		jw_begin_array(&w, "stack");
		if (!read_stack(t, e->stack_id, ips)) {
			for (j = 0; j < VT_STACK_DEPTH && ips[j]; j++) {
				frame_name(t, ips[j], sym, sizeof(sym));
				jw_string(&w, NULL, sym);
			}
		}
		jw_end_array(&w);
		jw_end_object(&w);
		jw_end_object(&w);
	}
	jw_end_array(&w);
	jw_begin_array(&w, "cycles");
	for (j = 0; j < c->n; j++) {
		jw_begin_array(&w, NULL);
		for (m = 0; m < c->lens[j]; m++)
			jw_string(&w, NULL, vt_lock_class_name(c->found[j][m]));
		jw_end_array(&w);
	}
	jw_end_array(&w);
	jw_begin_object(&w, "lost");
	for (j = 0; j < VT_LOST_MAX; j++)
		jw_u64(&w, vt_lost_reason_name(j), lost[j]);
	jw_end_object(&w);
	jw_end_object(&w);
	return jw_finish(&w);
}

int vt_cmd_lockdep(const struct vt_options *o)
{
	struct edge_set es = {};
	struct vt_snapshot snap = {};
	struct cycles cycles;
	struct vt_tracer t;
	__u64 start, lost[VT_LOST_MAX];
	int rc = VT_EXIT_ERROR;
	double seconds;

	rc = vt_start_tracing(&t, o, false);
	if (rc != VT_EXIT_OK)
		return rc == VT_START_INTERRUPTED ? VT_EXIT_OK : rc;
	rc = VT_EXIT_ERROR;
	fprintf(stderr, "Tracing the order of mmap_lock, vma_lock, memory_lock, i_mmap_rwsem and "
		"igate... Hit Ctrl-C to end.\n");
	start = vt_monotonic_ns();
	vt_tracer_wait_until(&t, o->duration_s ? start + (__u64)(o->duration_s * 1e9) : ~0ULL);
	seconds = (vt_monotonic_ns() - start) / 1e9;

	if (read_edges(&t, &es)) {
		fprintf(stderr, "vfio-trace: out of memory reading the lock order\n");
		goto cleanup;
	}
	/* A snapshot, for the losses the kernel counts per program too. */
	if (vt_tracer_snapshot(&t, &snap)) {
		fprintf(stderr, "vfio-trace: cannot read the BPF maps\n");
		goto cleanup;
	}
	memcpy(lost, snap.lost, sizeof(lost));
	find_cycles(&es, &cycles);
	if (o->json) {
		if (print_json(&t, &es, &cycles, seconds, lost))
			goto cleanup;
	} else {
		print_text(&t, &es, &cycles, seconds, lost);
	}
	rc = fflush(stdout) ? VT_EXIT_ERROR : VT_EXIT_OK;
cleanup:
	snapshot_free(&snap);
	free(es.items);
	vt_tracer_stop(&t);
	return rc;
}
