// SPDX-License-Identifier: GPL-2.0
/*
 * vt-bench-probe: load one set of the reference probes in bench.bpf.c and keep
 * them attached until SIGINT or SIGTERM.
 *
 *   vt-bench-probe empty FUNC          fentry/fexit on FUNC that return at once
 *   vt-bench-probe empty-kprobe FUNC   kprobe/kretprobe on FUNC that return at once
 *   vt-bench-probe funclat FUNC        a funclatency-style histogram of FUNC (fentry/fexit)
 *   vt-bench-probe funclat-task FUNC   the same, entry times in task storage, not a hash
 *   vt-bench-probe locks               count calls of the rwsem and mutex entry points
 *   vt-bench-probe lock-floor          empty programs on every hook of `vfio-trace lockdep`
 *   vt-bench-probe empty-session FUNC  a kprobe session program on FUNC that returns at once
 *                                      (it runs at the entry and at the return)
 *   vt-bench-probe funclat-session FUNC  funclat's histogram from one session program, the
 *                                      entry time in its cookie (6.10+)
 *
 * Once attached it says "... Hit Ctrl-C to end." on stderr, the words vfio-trace
 * uses, so the benchmark waits for both the same way. On SIGINT or SIGTERM it
 * prints what its programs counted on stdout ("key value" lines) and exits 0.
 * Exit 1: could not load or attach; 2: bad command line. VT_BENCH_VERBOSE=1 in
 * the environment shows libbpf's log.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "bench.h"
#include "bench.skel.h"

static volatile sig_atomic_t exiting;

static void on_signal(int sig)
{
	exiting = 1;
}

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list args)
{
	static int verbose = -1;

	if (verbose < 0)
		verbose = getenv("VT_BENCH_VERBOSE") != NULL;
	if (!verbose && level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, args);
}

static int usage(void)
{
	fprintf(stderr, "usage: vt-bench-probe empty|empty-kprobe|funclat|funclat-task FUNC\n"
			"       vt-bench-probe empty-session|funclat-session FUNC\n"
			"       vt-bench-probe locks|lock-floor\n");
	return 2;
}

static const char *const lock_funcs[VT_BENCH_LOCK_MAX] = {
#define VT_BENCH_LOCK_NAME(fn) [VT_BENCH_LOCK_##fn] = #fn,
	VT_BENCH_LOCK_FUNCS(VT_BENCH_LOCK_NAME)
#undef VT_BENCH_LOCK_NAME
};

/* The count_* program of each lock function, in enum order. */
static struct bpf_program *lock_prog(struct bench_bpf *skel, int i)
{
	char name[64];

	snprintf(name, sizeof(name), "count_%s", lock_funcs[i]);
	return bpf_object__find_program_by_name(skel->obj, name);
}

/* Whether the kernel has the target of a floor_* program: the function in
 * vmlinux BTF, or the tracepoint's btf_trace_ typedef. */
static bool floor_target_exists(const struct btf *vmlinux, struct bpf_program *prog)
{
	const char *sec = bpf_program__section_name(prog), *target = strchr(sec, '/');
	char typedef_name[128];

	if (!target)
		return false;
	target++;
	if (!strncmp(sec, "tp_btf/", 7)) {
		snprintf(typedef_name, sizeof(typedef_name), "btf_trace_%s", target);
		return btf__find_by_name_kind(vmlinux, typedef_name, BTF_KIND_TYPEDEF) > 0;
	}
	return btf__find_by_name_kind(vmlinux, target, BTF_KIND_FUNC) > 0;
}

/* Latencies the lat_* programs put into the histogram. */
static __u64 lat_events(const struct bench_bpf *skel)
{
	__u64 total = 0;

	for (int i = 0; i < VT_BENCH_LAT_SLOTS; i++)
		total += skel->bss->lat_slots[i];
	return total;
}

/* Wait for SIGINT or SIGTERM without a window between the check and the sleep. */
static int wait_for_signal(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block, old;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &block, &old) || sigaction(SIGINT, &sa, NULL) ||
	    sigaction(SIGTERM, &sa, NULL)) {
		perror("vt-bench-probe: signals");
		return -1;
	}
	while (!exiting)
		sigsuspend(&old);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return 0;
}

/* lock-floor: every floor_* program whose target this kernel has, attached
 * where the kernel takes it; prints "attached N" when stopped. */
static int floor_main(void)
{
	struct bpf_link *links[64] = {};
	struct bench_bpf *skel;
	struct btf *vmlinux;
	struct bpf_program *prog;
	int rc = 1, n = 0;

	libbpf_set_print(print_libbpf);
	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux) {
		fprintf(stderr, "vt-bench-probe: no vmlinux BTF: %s\n", strerror(errno));
		return 1;
	}
	skel = bench_bpf__open();
	if (!skel) {
		fprintf(stderr, "vt-bench-probe: cannot open the BPF object: %s\n",
			strerror(errno));
		btf__free(vmlinux);
		return 1;
	}
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, !strncmp(bpf_program__name(prog), "floor_", 6) &&
							floor_target_exists(vmlinux, prog));
	if (bench_bpf__load(skel)) {
		fprintf(stderr, "vt-bench-probe: cannot load the BPF programs: %s\n",
			strerror(errno));
		goto cleanup;
	}
	bpf_object__for_each_program(prog, skel->obj) {
		if (!bpf_program__autoload(prog) || n == (int)(sizeof(links) / sizeof(links[0])))
			continue;
		links[n] = bpf_program__attach(prog);
		if (links[n])
			n++;
	}
	if (!n) {
		fprintf(stderr, "vt-bench-probe: no lock hook could be attached\n");
		goto cleanup;
	}
	fprintf(stderr, "vt-bench-probe: lock-floor, %d programs attached... Hit Ctrl-C to end.\n",
		n);
	if (wait_for_signal())
		goto cleanup;
	printf("attached %d\n", n);
	rc = 0;
cleanup:
	for (int i = 0; i < n; i++)
		bpf_link__destroy(links[i]);
	bench_bpf__destroy(skel);
	btf__free(vmlinux);
	return rc;
}

/* include/uapi/linux/bpf.h, 6.10: newer than the build's headers and libbpf. */
#define VT_BENCH_TRACE_KPROBE_SESSION 56

/* Whether this kernel knows kprobe session programs: the attach type in its BTF. */
static bool kernel_has_sessions(const struct btf *vmlinux)
{
	int id = btf__find_by_name_kind(vmlinux, "bpf_attach_type", BTF_KIND_ENUM);
	const struct btf_type *t = id > 0 ? btf__type_by_id(vmlinux, id) : NULL;
	const struct btf_enum *e = t ? btf_enum(t) : NULL;

	for (int i = 0; t && i < btf_vlen(t); i++)
		if (!strcmp(btf__name_by_offset(vmlinux, e[i].name_off),
			    "BPF_TRACE_KPROBE_SESSION"))
			return true;
	return false;
}

/* empty-session, funclat-session: one program, attached to FUNC as a
 * session (BPF_LINK_CREATE with the kprobe_multi attributes, by name). */
static int session_main(const char *mode, const char *func)
{
	struct bench_bpf *skel = NULL;
	struct bpf_program *prog, *chosen;
	struct btf *vmlinux;
	union bpf_attr attr;
	const char *syms[1] = { func };
	int rc = 1, link = -1;

	libbpf_set_print(print_libbpf);
	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux) {
		fprintf(stderr, "vt-bench-probe: no vmlinux BTF: %s\n", strerror(errno));
		return 1;
	}
	if (!kernel_has_sessions(vmlinux)) {
		fprintf(stderr,
			"vt-bench-probe: this kernel has no kprobe session programs (6.10+)\n");
		goto cleanup;
	}
	skel = bench_bpf__open();
	if (!skel) {
		fprintf(stderr, "vt-bench-probe: cannot open the BPF object: %s\n",
			strerror(errno));
		goto cleanup;
	}
	chosen =
		strcmp(mode, "empty-session") ? skel->progs.lat_session : skel->progs.empty_session;
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, prog == chosen);
	bpf_program__set_expected_attach_type(chosen,
					      (enum bpf_attach_type)VT_BENCH_TRACE_KPROBE_SESSION);
	if (bench_bpf__load(skel)) {
		fprintf(stderr, "vt-bench-probe: cannot load the BPF programs: %s\n",
			strerror(errno));
		goto cleanup;
	}
	memset(&attr, 0, sizeof(attr));
	attr.link_create.prog_fd = bpf_program__fd(chosen);
	attr.link_create.attach_type = VT_BENCH_TRACE_KPROBE_SESSION;
	attr.link_create.kprobe_multi.cnt = 1;
	attr.link_create.kprobe_multi.syms = (__u64)(unsigned long)syms;
	link = (int)syscall(__NR_bpf, BPF_LINK_CREATE, &attr, sizeof(attr));
	if (link < 0) {
		fprintf(stderr, "vt-bench-probe: cannot attach a session to %s: %s\n", func,
			strerror(errno));
		goto cleanup;
	}
	fprintf(stderr, "vt-bench-probe: %s, 1 program attached to %s... Hit Ctrl-C to end.\n",
		mode, func);
	if (wait_for_signal())
		goto cleanup;
	if (chosen == skel->progs.lat_session)
		printf("events %llu\n", (unsigned long long)lat_events(skel));
	rc = 0;
cleanup:
	if (link >= 0)
		close(link);
	bench_bpf__destroy(skel);
	btf__free(vmlinux);
	return rc;
}

int main(int argc, char **argv)
{
	struct bpf_program *entry = NULL, *exit_prog = NULL, *prog;
	struct bpf_link *links[VT_BENCH_LOCK_MAX] = {};
	bool attached_lock[VT_BENCH_LOCK_MAX] = {};
	struct bench_bpf *skel = NULL;
	struct btf *vmlinux = NULL;
	const char *mode, *func = NULL;
	bool kprobe = false, locks = false;
	int rc = 1, nlinks = 0, i;
	__u64 total;

	if (argc < 2)
		return usage();
	mode = argv[1];
	if (!strcmp(mode, "lock-floor"))
		return argc == 2 ? floor_main() : usage();
	if (!strcmp(mode, "empty-session") || !strcmp(mode, "funclat-session"))
		return argc == 3 ? session_main(mode, argv[2]) : usage();
	if (!strcmp(mode, "locks")) {
		if (argc != 2)
			return usage();
		locks = true;
	} else if (!strcmp(mode, "empty") || !strcmp(mode, "empty-kprobe") ||
		   !strcmp(mode, "funclat") || !strcmp(mode, "funclat-task")) {
		if (argc != 3)
			return usage();
		func = argv[2];
		kprobe = !strcmp(mode, "empty-kprobe");
	} else {
		return usage();
	}
	libbpf_set_print(print_libbpf);

	skel = bench_bpf__open();
	if (!skel) {
		fprintf(stderr, "vt-bench-probe: cannot open the BPF object: %s\n",
			strerror(errno));
		return 1;
	}
	/* Load only the programs of this mode. */
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, false);
	if (!strcmp(mode, "empty")) {
		entry = skel->progs.empty_entry;
		exit_prog = skel->progs.empty_exit;
	} else if (kprobe) {
		entry = skel->progs.empty_entry_kp;
		exit_prog = skel->progs.empty_exit_kp;
	} else if (!strcmp(mode, "funclat")) {
		entry = skel->progs.lat_entry;
		exit_prog = skel->progs.lat_exit;
	} else if (!locks) {
		entry = skel->progs.lat_task_entry;
		exit_prog = skel->progs.lat_task_exit;
	}
	if (entry) {
		bpf_program__set_autoload(entry, true);
		bpf_program__set_autoload(exit_prog, true);
		/* libbpf looks FUNC up in vmlinux, then in each module's BTF. */
		if (!kprobe && (bpf_program__set_attach_target(entry, 0, func) ||
				bpf_program__set_attach_target(exit_prog, 0, func))) {
			fprintf(stderr, "vt-bench-probe: cannot target %s\n", func);
			goto cleanup;
		}
	} else {
		/* Only the lock functions this kernel has; the others would fail the load. */
		vmlinux = btf__load_vmlinux_btf();
		if (!vmlinux) {
			fprintf(stderr, "vt-bench-probe: no vmlinux BTF: %s\n", strerror(errno));
			goto cleanup;
		}
		for (i = 0; i < VT_BENCH_LOCK_MAX; i++)
			if (btf__find_by_name_kind(vmlinux, lock_funcs[i], BTF_KIND_FUNC) > 0)
				bpf_program__set_autoload(lock_prog(skel, i), true);
	}

	if (bench_bpf__load(skel)) {
		fprintf(stderr, "vt-bench-probe: cannot load the BPF programs: %s\n",
			strerror(errno));
		goto cleanup;
	}

	if (entry) {
		if (kprobe) {
			links[0] = bpf_program__attach_kprobe(entry, false, func);
			links[1] =
				links[0] ? bpf_program__attach_kprobe(exit_prog, true, func) : NULL;
		} else {
			links[0] = bpf_program__attach(entry);
			links[1] = links[0] ? bpf_program__attach(exit_prog) : NULL;
		}
		if (!links[0] || !links[1]) {
			fprintf(stderr, "vt-bench-probe: cannot attach to %s: %s\n", func,
				strerror(errno));
			goto cleanup;
		}
		nlinks = 2;
	} else {
		/* A function can be in BTF and still refuse a trampoline; count what attaches. */
		for (i = 0; i < VT_BENCH_LOCK_MAX; i++) {
			prog = lock_prog(skel, i);
			if (!bpf_program__autoload(prog))
				continue;
			links[i] = bpf_program__attach(prog);
			if (links[i]) {
				attached_lock[i] = true;
				nlinks++;
			}
		}
		if (!nlinks) {
			fprintf(stderr, "vt-bench-probe: no lock function could be traced\n");
			goto cleanup;
		}
	}

	fprintf(stderr, "vt-bench-probe: %s, %d programs attached%s%s... Hit Ctrl-C to end.\n",
		mode, nlinks, func ? " to " : "", func ? func : "");
	if (wait_for_signal())
		goto cleanup;

	if (locks) {
		total = 0;
		for (i = 0; i < VT_BENCH_LOCK_MAX; i++) {
			if (!attached_lock[i])
				continue;
			printf("%s %llu\n", lock_funcs[i],
			       (unsigned long long)skel->bss->lock_calls[i]);
			total += skel->bss->lock_calls[i];
		}
		printf("total %llu\n", (unsigned long long)total);
	} else if (!strncmp(mode, "funclat", 7)) {
		printf("events %llu\nmissed %llu\n", (unsigned long long)lat_events(skel),
		       (unsigned long long)skel->bss->lat_missed);
	}
	rc = 0;
cleanup:
	for (i = 0; i < VT_BENCH_LOCK_MAX; i++)
		bpf_link__destroy(links[i]);
	btf__free(vmlinux);
	bench_bpf__destroy(skel);
	return rc;
}
