// SPDX-License-Identifier: GPL-2.0
/* The text of `vfio-trace lockdep`: each edge "B acquired while A held" with
 * its first stack, then the cycles and what was lost. */
#include <errno.h>
#include "render_text.h"
#include "render_text_fmt.h"

/* Frames shown per edge; JSON has them all. */
#define VT_STACK_SHOWN 12

static const char *mode_word(int class, int mode)
{
	/* vma_lock and igate are mutexes: no read side to speak of. */
	if (class == VT_LC_VMA_LOCK || class == VT_LC_IGATE)
		return "";
	return mode == VT_MODE_READ ? " (read)" : " (write)";
}

static void print_edge(FILE *f, const struct vt_lock_edge *le)
{
	const struct vt_edge_key *k = &le->key;
	const struct vt_edge *e = &le->val;
	char from[64], to[64], by[48], comm[VT_COMM_LEN + 1];
	const char *frame = NULL;

	snprintf(from, sizeof(from), "%s%s", vt_lock_class_name(k->from_class),
		 mode_word(k->from_class, k->from_mode));
	snprintf(to, sizeof(to), "%s%s", vt_lock_class_name(k->to_class),
		 mode_word(k->to_class, k->to_mode));
	snprintf(by, sizeof(by), "%s[%u]", printable(comm, sizeof(comm), e->comm, sizeof(e->comm)),
		 e->pid);
	fprintf(f, "%-34s -> %-34s %9llu %6s  %s%s\n", from, to, (unsigned long long)e->count,
		vt_edge_device_name(k), by, k->direct ? "" : " (through another tracked lock)");
	for (int j = 0; j < VT_STACK_SHOWN && (frame = snapshot_edge_frame(le, frame)); j++)
		fprintf(f, "        %s\n", frame);
}

int render_text_lock_order(FILE *f, const struct vt_snapshot *snap,
			   const struct vt_lock_cycles *cycles, double seconds)
{
	const __u64 *lost;

	if (!f || !snap || !cycles || (snap->nedges && !snap->edges))
		return -EINVAL;
	lost = snap->lost;
	fprintf(f, "Lock order seen in %.1f s: %zu edges (B acquired while A held)\n\n", seconds,
		snap->nedges);
	if (snap->nedges)
		fprintf(f, "%-34s    %-34s %9s %6s  %s\n", "A (held)", "B (acquired)", "COUNT",
			"DEVICE", "FIRST BY");
	for (size_t i = 0; i < snap->nedges; i++)
		print_edge(f, &snap->edges[i]);
	fputc('\n', f);
	if (!cycles->n)
		fputs("No cycle among the tracked lock classes.\n", f);
	for (int j = 0; j < cycles->n; j++) {
		const struct vt_lock_cycle *c = &cycles->items[j];

		fputs("Cycle (possible deadlock): ", f);
		for (int m = 0; m < c->len; m++)
			fprintf(f, "%s%s", m ? " -> " : "", vt_lock_class_name(c->classes[m]));
		fputc('\n', f);
	}
	if (lost[VT_LOST_LOCK_DEPTH] || lost[VT_LOST_EDGE_MAP_FULL] || lost[VT_LOST_TASK_MAP_FULL] ||
	    lost[VT_LOST_PROG_MISSED])
		fprintf(f, "Lost: %llu acquisitions deeper than %d tracked locks, %llu edges (map "
			"full), %llu threads (map full), %llu probe runs the kernel skipped\n",
			(unsigned long long)lost[VT_LOST_LOCK_DEPTH], VT_LOCK_DEPTH,
			(unsigned long long)lost[VT_LOST_EDGE_MAP_FULL],
			(unsigned long long)lost[VT_LOST_TASK_MAP_FULL],
			(unsigned long long)lost[VT_LOST_PROG_MISSED]);
	return ferror(f) ? -EIO : 0;
}
