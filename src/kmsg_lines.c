// SPDX-License-Identifier: GPL-2.0
#include <limits.h>
#include <string.h>
#include "kmsg_lines.h"

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

void kline_copy(char *dst, size_t size, const char *s, size_t n, bool *cut)
{
	while (n && *s == ' ') {
		s++;
		n--;
	}
	while (n && s[n - 1] == ' ')
		n--;
	if (n > size - 1) {
		n = size - 1;
		*cut = true;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* Digits at *p as an int (a pid, a depth, a CPU): false when there are none
 * or too many. */
static bool parse_int(const char **p, int *out)
{
	const char *s = *p;
	long long v = 0;

	if (!is_digit(*s))
		return false;
	for (; is_digit(*s); s++) {
		v = v * 10 + (*s - '0');
		if (v > INT_MAX)
			return false;
	}
	*p = s;
	*out = (int)v;
	return true;
}

static bool parse_ull(const char **p, unsigned long long *out)
{
	const char *s = *p;
	unsigned long long v = 0;

	if (!is_digit(*s))
		return false;
	for (; is_digit(*s); s++) {
		unsigned d = (unsigned)(*s - '0');

		if (v > (ULLONG_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*p = s;
	*out = v;
	return true;
}

/* clang-format off */
static const struct {
	const char *title;
	enum vt_kmsg_kind kind;
} lockdep_titles[] = {
	{ "WARNING: possible circular locking dependency detected",	VT_KMSG_CIRCULAR },
	{ "[ INFO: possible circular locking dependency detected ]",	VT_KMSG_CIRCULAR },
	{ "WARNING: possible recursive locking detected",		VT_KMSG_RECURSIVE },
	{ "[ INFO: possible recursive locking detected ]",		VT_KMSG_RECURSIVE },
	{ "WARNING: inconsistent lock state",				VT_KMSG_INCONSISTENT },
	{ "[ INFO: inconsistent lock state ]",				VT_KMSG_INCONSISTENT },
	{ "WARNING: possible irq lock inversion dependency detected",	VT_KMSG_IRQ_INVERSION },
	{ "[ INFO: possible irq lock inversion dependency detected ]",	VT_KMSG_IRQ_INVERSION },
};
/* clang-format on */

enum vt_kmsg_kind kline_title(const char *s, bool after_banner)
{
	struct vt_kmsg_task t;
	bool cut = false;

	/* Every line is asked: most start with none of the titles' letters. */
	if (!s[0] || !strchr("W[IBwN", s[0]))
		return VT_KMSG_KIND_MAX;
	for (size_t i = 0; i < sizeof(lockdep_titles) / sizeof(lockdep_titles[0]); i++)
		if (!strcmp(s, lockdep_titles[i].title))
			return lockdep_titles[i].kind;
	/* Lockdep's other reports share the banner and the grammar; the title
	 * is kept in the report. "BUG: Invalid wait context" is lockdep's too. */
	if (after_banner &&
	    ((starts(s, "WARNING: ") && !starts(s, "WARNING: CPU: ")) ||
	     starts(s, "[ BUG: Invalid wait context ]") || starts(s, "BUG: Invalid wait context")))
		return VT_KMSG_LOCKDEP_OTHER;
	if (starts(s, "INFO: task ") && kline_hung_task(s, &t, &cut))
		return VT_KMSG_HUNG_TASK;
	if (kline_soft_lockup(s, &t, &cut))
		return VT_KMSG_SOFT_LOCKUP;
	return VT_KMSG_KIND_MAX;
}

bool kline_is_blank(const char *s)
{
	return s[strspn(s, " ")] == '\0';
}

bool kline_is_indented(const char *s)
{
	return s[0] == ' ' && !kline_is_blank(s);
}

static bool is_row_of(const char *s, char c)
{
	size_t n = strspn(s, (char[]){ c, '\0' });

	return n >= 8 && s[n + strspn(s + n, " ")] == '\0';
}

bool kline_is_banner(const char *s)
{
	return is_row_of(s, '=');
}

bool kline_is_dashes(const char *s)
{
	return is_row_of(s, '-');
}

/* "{usage}" (characters of get_usage_chars(): . + - ?) at s, then the
 * optional "-{outer:inner}" wait types of 5.5 and later. Returns the end of
 * the suffix, NULL when s does not start one. */
static const char *usage_suffix(const char *s)
{
	if (*s++ != '{')
		return NULL;
	s += strspn(s, ".+-?");
	if (*s++ != '}')
		return NULL;
	if (s[0] == '-' && s[1] == '{') {
		const char *p = s + 2;
		int a, b;

		if (parse_int(&p, &a) && *p == ':' && (p++, parse_int(&p, &b)) && *p == '}')
			return p + 1;
	}
	return s;
}

const char *kline_lock_name(const char *s, char *name, size_t size, bool *cut)
{
	const char *open = strchr(s, '('), *p;

	if (!open)
		return NULL;
	/* The first ")" followed by a usage suffix closes the name: names
	 * have parentheses of their own, "(work_completion)(&w->work)", but
	 * none holds "){". */
	for (p = open + 1; (p = strstr(p, "){")) != NULL; p++) {
		const char *end = usage_suffix(p + 1);

		if (end) {
			if (p == open + 1)
				return NULL;
			kline_copy(name, size, open + 1, (size_t)(p - open - 1), cut);
			return end;
		}
	}
	return NULL;
}

bool kline_lock(const char *s, struct vt_kmsg_lock *l, bool *cut)
{
	const char *p = s, *end;
	size_t n = 0;

	memset(l, 0, sizeof(*l));
	/* %px of the instance: 8 or 16 hex digits (a hashed %p on old kernels). */
	while (is_hex(p[n]))
		n++;
	if (n) {
		if (n > sizeof(l->addr) - 1 || p[n] != ' ')
			return false;
		memcpy(l->addr, p, n);
		p += n;
	}
	p += strspn(p, " ");
	if (*p != '(')
		return false;
	end = kline_lock_name(p, l->name, sizeof(l->name), cut);
	if (!end)
		return false;
	if (starts(end, ", at: "))
		kline_copy(l->at, sizeof(l->at), end + 6, strlen(end + 6), cut);
	else if (end[strspn(end, " ")] != '\0')
		return false;
	return true;
}

bool kline_held(const char *s, int *depth, struct vt_kmsg_lock *l, bool *cut)
{
	const char *p = s + strspn(s, " ");

	if (p == s || *p++ != '#' || !parse_int(&p, depth) || *p++ != ':')
		return false;
	return kline_lock(p + strspn(p, " "), l, cut);
}

bool kline_chain_entry(const char *s, int *depth, char *name, size_t size, bool *cut)
{
	const char *p = s, *end;

	if (!starts(p, "-> #"))
		return false;
	p += 4;
	if (!parse_int(&p, depth) || *p != ' ')
		return false;
	p += strspn(p, " ");
	if (*p != '(')
		return false;
	end = kline_lock_name(p, name, size, cut);
	return end && *end == ':';
}

bool kline_scenario_lock(const char *s, char *name, size_t size, bool *cut)
{
	const char *p = s + strspn(s, " ");
	size_t n;

	if (p == s)
		return false;
	if (starts(p, "rlock("))
		p += 6;
	else if (starts(p, "sync("))
		p += 5;
	else if (starts(p, "lock("))
		p += 5;
	else
		return false;
	n = strlen(p);
	while (n && p[n - 1] == ' ')
		n--;
	if (n < 3 || p[n - 2] != ')' || p[n - 1] != ';')
		return false;
	kline_copy(name, size, p, n - 2, cut);
	return name[0] != '\0';
}

/* The comm of "NAME/PID" or "NAME:PID": s[0..n), spaces and all. */
static bool set_comm(struct vt_kmsg_task *t, const char *comm, size_t n, bool *cut)
{
	if (!n)
		return false;
	kline_copy(t->comm, sizeof(t->comm), comm, n, cut);
	return true;
}

bool kline_task(const char *s, struct vt_kmsg_task *t, bool *cut)
{
	/* What follows "NAME/PID" in lockdep's task lines. */
	static const char *const verbs[] = { " is ", " [HC", " just ", " takes:" };

	memset(t, 0, sizeof(*t));
	t->cpu = -1;
	if (s[0] == ' ' || !s[0])
		return false;
	/* A comm may hold '/' ("kworker/u8:2"): the first "/PID" followed by
	 * one of the verbs is the one. */
	for (const char *slash = strchr(s, '/'); slash; slash = strchr(slash + 1, '/')) {
		const char *p = slash + 1;
		int pid;

		if (!parse_int(&p, &pid))
			continue;
		for (size_t v = 0; v < sizeof(verbs) / sizeof(verbs[0]); v++) {
			if (starts(p, verbs[v])) {
				t->pid = pid;
				return set_comm(t, s, (size_t)(slash - s), cut);
			}
		}
	}
	return false;
}

/* "NAME/PID" filling s[0..end): the PID is the digits after the last '/'. */
static bool comm_slash_pid(const char *s, const char *end, struct vt_kmsg_task *t, bool *cut)
{
	const char *digits = end, *p;

	while (digits > s && is_digit(digits[-1]))
		digits--;
	if (digits == end || digits - 1 <= s || digits[-1] != '/')
		return false;
	p = digits;
	if (!parse_int(&p, &t->pid) || p != end)
		return false;
	return set_comm(t, s, (size_t)(digits - 1 - s), cut);
}

bool kline_held_by(const char *s, struct vt_kmsg_task *t, bool *cut)
{
	const char *p = s, *by;
	size_t n = strlen(s);
	int count;

	memset(t, 0, sizeof(*t));
	t->cpu = -1;
	if (starts(p, "no locks held by ")) {
		by = p + strlen("no locks held by ");
		if (!n || s[n - 1] != '.')
			return false;
	} else {
		if (!parse_int(&p, &count))
			return false;
		if (starts(p, " lock held by "))
			by = p + strlen(" lock held by ");
		else if (starts(p, " locks held by "))
			by = p + strlen(" locks held by ");
		else
			return false;
		if (!n || s[n - 1] != ':')
			return false;
	}
	return comm_slash_pid(by, s + n - 1, t, cut);
}

bool kline_hung_task(const char *s, struct vt_kmsg_task *t, bool *cut)
{
	static const char mid[] = " blocked for more than ";
	const char *name = s + strlen("INFO: task "), *at, *colon, *p;

	memset(t, 0, sizeof(*t));
	t->cpu = -1;
	if (!starts(s, "INFO: task "))
		return false;
	/* A comm is 15 bytes, too short to hold mid: its first occurrence is
	 * the one. The PID follows the last ':' before it (comms hold ':', as
	 * "kworker/0:1" does). */
	at = strstr(name, mid);
	if (!at)
		return false;
	for (colon = at; colon > name && colon[-1] != ':'; colon--)
		;
	if (colon == name)
		return false;
	p = colon;
	if (!parse_int(&p, &t->pid) || p != at)
		return false;
	p = at + strlen(mid);
	if (!parse_ull(&p, &t->secs) || strcmp(p, " seconds."))
		return false;
	return set_comm(t, name, (size_t)(colon - 1 - name), cut);
}

bool kline_soft_lockup(const char *s, struct vt_kmsg_task *t, bool *cut)
{
	static const char bug[] = "BUG: soft lockup - CPU#";
	const char *p = s, *open, *close, *colon;

	memset(t, 0, sizeof(*t));
	t->cpu = -1;
	/* "watchdog: " since 4.15 (pr_fmt), "NMI watchdog: " before it. */
	if (starts(p, "watchdog: "))
		p += strlen("watchdog: ");
	else if (starts(p, "NMI watchdog: "))
		p += strlen("NMI watchdog: ");
	if (!starts(p, bug))
		return false;
	p += strlen(bug);
	if (!parse_int(&p, &t->cpu) || !starts(p, " stuck for "))
		return false;
	p += strlen(" stuck for ");
	if (!parse_ull(&p, &t->secs) || !starts(p, "s! ["))
		return false;
	open = p + strlen("s! [");
	close = open + strlen(open);
	if (close == open || close[-1] != ']')
		return false;
	close--;
	for (colon = close; colon > open && colon[-1] != ':'; colon--)
		;
	if (colon == open)
		return false;
	p = colon;
	if (!parse_int(&p, &t->pid) || p != close)
		return false;
	return set_comm(t, open, (size_t)(colon - 1 - open), cut);
}

/* clang-format off */
/* Lines of dump_stack() and show_regs() that are not indented: x86 and
 * arm64, the two architectures vfio hosts run on. */
static const char *const stack_prefixes[] = {
	"CPU: ", "Hardware name: ", "Call Trace:", "Call trace:", "Workqueue: ",
	"Modules linked in:", "RIP: ", "Code: ", "RSP: ", "RAX: ", "RDX: ", "RBP: ",
	"R10: ", "R13: ", "FS: ", "CS: ", "CR2: ", "DR0: ", "DR3: ", "PKRU: ",
	"pstate: ", "pc : ", "lr : ", "sp : ", "irq event stamp:", "hardirqs last",
	"softirqs last", "Sched_ext: ",
};
/* clang-format on */

bool kline_is_stack(const char *s)
{
	const char *p;
	int reg;

	if (kline_is_indented(s))
		return true;
	for (size_t i = 0; i < sizeof(stack_prefixes) / sizeof(stack_prefixes[0]); i++)
		if (starts(s, stack_prefixes[i]))
			return true;
	/* arm64 registers: "x29: ffff800082f4b9a0 x28: ..." */
	p = s + 1;
	return s[0] == 'x' && parse_int(&p, &reg) && starts(p, ": ");
}

bool kline_is_task_end(const char *s)
{
	return !strcmp(s + strspn(s, " "), "</TASK>") && s[0] == ' ';
}

bool kline_dump_task(const char *s, struct vt_kmsg_task *t, bool *cut)
{
	/* What print_tainted() and a loaded kdump kernel put after the comm. */
	static const char *const after[] = { " Not tainted", " Tainted: ", " Kdump: loaded" };
	const char *p = s + strlen("CPU: "), *pid, *comm, *end = NULL;

	memset(t, 0, sizeof(*t));
	if (!starts(s, "CPU: ") || !parse_int(&p, &t->cpu))
		return false;
	pid = strstr(p, " PID: ");
	if (!pid)
		return false;
	p = pid + strlen(" PID: ");
	if (!parse_int(&p, &t->pid) || !starts(p, " Comm: "))
		return false;
	comm = p + strlen(" Comm: ");
	for (size_t i = 0; i < sizeof(after) / sizeof(after[0]); i++) {
		const char *at = strstr(comm, after[i]);

		if (at && (!end || at < end))
			end = at;
	}
	if (!end)
		return false;
	return set_comm(t, comm, (size_t)(end - comm), cut);
}
