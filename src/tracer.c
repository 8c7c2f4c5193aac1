// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "vfio_trace.h"
#include "vfio_trace.skel.h"
#include "attach_targets.h"
#include "kallsyms.h"
#include "kernel_features.h"
#include "load_log.h"
#include "privileges.h"
#include "probes.h"
#include "signals.h"
#include "stack_names.h"
#include "tracer.h"

#define VT_EVENTS_RINGBUF_BYTES (8U << 20)

static bool libbpf_verbose;
/* While the object loads: where libbpf's warnings go to find a refused
 * program (load_log.h). */
static struct vt_load_log *libbpf_load_log;

/* libbpf's own messages are multi-line dumps; by default we say one line of
 * our own instead, and -v shows libbpf's. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (libbpf_load_log && level == LIBBPF_WARN) {
		va_list copy;
		char *msg = NULL;
		int n;

		va_copy(copy, args);
		n = vasprintf(&msg, fmt, copy);
		va_end(copy);
		if (n >= 0)
			vt_load_log_feed(libbpf_load_log, msg);
		free(msg);
	}
	if (!libbpf_verbose)
		return 0;
	return vfprintf(stderr, fmt, args);
}

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static bool any_slow(const struct vt_tracer_config *c)
{
	for (int k = 0; k < VT_SLOW_KIND_MAX; k++)
		if (c->slow_ns[k])
			return true;
	return false;
}

static void set_knobs(struct vfio_trace_bpf *skel, const struct vt_tracer_config *c,
		      bool task_storage, bool current_task_btf)
{
	bool want_events = c->on_event;

	skel->rodata->targ_tgid = c->pid;
	skel->rodata->targ_bdf_count = c->nbdfs;
	bpf_map__set_max_entries(skel->maps.bdf_filter, c->nbdfs ? c->nbdfs : 1);
	skel->rodata->targ_emit_events = want_events;
	skel->rodata->targ_stacks = c->stacks;
	for (int k = 0; k < VT_SLOW_KIND_MAX; k++)
		skel->rodata->targ_slow_ns[k] = want_events ? c->slow_ns[k] : 0;

	if (c->max_devices) {
		__u32 n = c->max_devices;

		bpf_map__set_max_entries(skel->maps.devices, n);
		bpf_map__set_max_entries(skel->maps.device_slots, n);
		bpf_map__set_max_entries(skel->maps.bdf_slots, n);
		bpf_map__set_max_entries(skel->maps.free_slots, n);
		bpf_map__set_max_entries(skel->maps.inodes, n);
		/* memory_lock, vma_lock, igate and i_mmap_rwsem of each */
		bpf_map__set_max_entries(skel->maps.locks, 4 * n);
		bpf_map__set_max_entries(skel->maps.lock_holders, n);
		bpf_map__set_max_entries(skel->maps.blackout_claims, n);
	}
	if (c->max_threads) {
		struct bpf_map *per_thread[] = {
			skel->maps.holds,
			skel->maps.waits,
			skel->maps.zaps_inflight,
			skel->maps.pins_inflight,
			skel->maps.iommufd_updates,
			skel->maps.ioeventfds_inflight,
			skel->maps.held,
			skel->maps.stack_waits,
			skel->maps.slow_entry_stacks,
		};

		for (size_t k = 0; k < sizeof(per_thread) / sizeof(per_thread[0]); k++)
			bpf_map__set_max_entries(per_thread[k], c->max_threads);
	}

	/* Without --min-latency no reachable code keeps entry stacks. */
	if (!want_events || !any_slow(c))
		bpf_map__set_max_entries(skel->maps.slow_entry_stacks, 1);

	/* Without --stacks no reachable code uses its maps: one entry each. */
	if (!c->stacks) {
		bpf_map__set_max_entries(skel->maps.stacks, 1);
		bpf_map__set_max_entries(skel->maps.contention_pairs, 1);
		bpf_map__set_max_entries(skel->maps.stack_waits, 1);
		bpf_map__set_max_entries(skel->maps.lock_holders, 1);
	}

	/* Per-thread state in task storage, or in the holds hash; the other one
	 * shrinks to a dummy (no reachable code uses it, but it must load). */
	skel->rodata->targ_task_storage = task_storage;
	skel->rodata->targ_current_task_btf = current_task_btf;
	if (task_storage) {
		bpf_map__set_max_entries(skel->maps.holds, 1);
		bpf_map__set_max_entries(skel->maps.held, 1);
	} else {
		struct bpf_map *storage[] = { skel->maps.tasks, skel->maps.held_tasks };

		for (size_t k = 0; k < sizeof(storage) / sizeof(storage[0]); k++) {
			bpf_map__set_type(storage[k], BPF_MAP_TYPE_ARRAY);
			bpf_map__set_map_flags(storage[k], 0);
			bpf_map__set_max_entries(storage[k], 1);
		}
	}

	/* Only `events` reads the ring buffer: give it room for bursts (a SIGBUS
	 * storm is tens of thousands a second), and the others one page. */
	bpf_map__set_max_entries(skel->maps.events, want_events ? VT_EVENTS_RINGBUF_BYTES
								: (__u32)sysconf(_SC_PAGESIZE));
	bpf_map__set_max_entries(skel->maps.requests, (__u32)sysconf(_SC_PAGESIZE));
}

/*
 * Task storage where the kernel allows it, except on PREEMPT_RT: there BPF
 * programs are preemptible, and a task storage lookup fails while a preempted
 * program on the same CPU is inside one (a per-CPU busy count), which the RT
 * stress test saw as hundreds of lost brackets. VFIO_TRACE_THREAD_STATE=hash
 * forces the tid-keyed hash that kernels without task storage (5.10) use, so
 * that path is tested on the test bed's newer kernels too.
 */
static bool choose_thread_state(struct vt_kernel *k, bool force_hash)
{
	return !force_hash && !vt_kernel_is_preempt_rt(k) && vt_kernel_task_storage_usable(k);
}

/* The test and diagnostic switches, checked before any slow work. */
struct env_switches {
	bool force_hash; /* VFIO_TRACE_THREAD_STATE=hash */
	/* VFIO_TRACE_IOEVENTFD_CHECK=never: ioeventfd drops are always decided
	 * from the device's state (access.bpf.h), so that path is tested alone. */
	bool never_check;
	/* VFIO_TRACE_REFUSE=PROG[,PROG...]: programs made unloadable, so that a
	 * test sees the kernel refuse them on any kernel (break_programs()). */
	const char *refuse;
};

static int read_env_switches(struct env_switches *sw, char *why, size_t len)
{
	const char *v = getenv("VFIO_TRACE_THREAD_STATE");

	if (v && strcmp(v, "hash") && strcmp(v, "auto")) {
		snprintf(why, len, "VFIO_TRACE_THREAD_STATE must be 'hash' or 'auto'");
		return -EINVAL;
	}
	sw->force_hash = v && !strcmp(v, "hash");
	v = getenv("VFIO_TRACE_IOEVENTFD_CHECK");
	if (v && strcmp(v, "on-demand") && strcmp(v, "never")) {
		snprintf(why, len, "VFIO_TRACE_IOEVENTFD_CHECK must be 'on-demand' or 'never'");
		return -EINVAL;
	}
	sw->never_check = v && !strcmp(v, "never");
	sw->refuse = getenv("VFIO_TRACE_REFUSE");
	return 0;
}

/* VFIO_TRACE_REFUSE: each named program, if it is to be loaded, becomes a
 * socket filter, which the kernel's verifier refuses (its context and its
 * helpers are a tracing program's): a real refusal, on any kernel. */
static int break_programs(struct bpf_object *obj, const char *list, char *why, size_t len)
{
	char name[VT_PROG_NAME_MAX];

	while (list && *list) {
		size_t n = strcspn(list, ",");
		struct bpf_program *prog;

		if (!n || n >= sizeof(name)) {
			snprintf(why, len, "VFIO_TRACE_REFUSE: bad program list");
			return -EINVAL;
		}
		memcpy(name, list, n);
		name[n] = '\0';
		prog = bpf_object__find_program_by_name(obj, name);
		if (!prog) {
			snprintf(why, len, "VFIO_TRACE_REFUSE: no BPF program '%s'", name);
			return -EINVAL;
		}
		if (bpf_program__autoload(prog))
			bpf_program__set_type(prog, BPF_PROG_TYPE_SOCKET_FILTER);
		list += n + (list[n] == ',');
	}
	return 0;
}

static int on_request(void *ctx, void *data, size_t size)
{
	struct vt_tracer *t = ctx;
	__u32 req;

	if (size < sizeof(req))
		return 0;
	memcpy(&req, data, sizeof(req));
	if (req == VT_REQ_IOEVENTFD_CHECK)
		t->check_requested = true;
	return 0;
}

static bool attach_check(struct vt_tracer *t)
{
	if (vt_probes_attach_on_demand(t->probes) < 0) {
		fprintf(stderr,
			"vfio-trace: cannot attach to __vfio_pci_memory_enabled (`vfio-trace "
			"probes` says why): ioeventfd drops are told from the device's state\n");
		return false;
	}
	/* Only now: a handler that sees this has the probe to decide for it. */
	t->skel->bss->ioeventfd_check_live = 1;
	return true;
}

/* Until an ioeventfd shows up, the BPF side can ask for the probe that sees its
 * dropped writes; without the ring buffer to ask through, it is attached now. */
static void arm_on_demand(struct vt_tracer *t, const struct env_switches *sw)
{
	if (!vt_probes_pending(t->probes))
		return;
	if (sw->never_check) {
		vt_probes_decline_on_demand(t->probes, "VFIO_TRACE_IOEVENTFD_CHECK=never");
		return;
	}
	t->requests = ring_buffer__new(bpf_map__fd(t->skel->maps.requests), on_request, t, NULL);
	if (!t->requests)
		attach_check(t);
}

void vt_tracer_serve(struct vt_tracer *t)
{
	if (!t->requests)
		return;
	ring_buffer__consume(t->requests);
	if (!t->check_requested)
		return;
	/* Nothing else is ever asked for. */
	ring_buffer__free(t->requests);
	t->requests = NULL;
	if (attach_check(t))
		fprintf(stderr, "vfio-trace: an ioeventfd is in use: now also probing "
				"__vfio_pci_memory_enabled for its dropped writes\n");
}

void vt_tracer_wait_until(struct vt_tracer *t, __u64 deadline_ns)
{
	while (t->requests && !vt_exiting) {
		__u64 now = vt_monotonic_ns(), left;
		struct pollfd p = { .fd = ring_buffer__epoll_fd(t->requests), .events = POLLIN };
		struct timespec ts;

		if (now >= deadline_ns)
			return;
		left = deadline_ns - now;
		ts.tv_sec = left / 1000000000ULL;
		ts.tv_nsec = left % 1000000000ULL;
		if (ppoll(&p, 1, &ts, NULL) > 0)
			vt_tracer_serve(t);
	}
	vt_sleep_until(deadline_ns);
}

/* The BPF side takes device slots from this queue (device.bpf.h). */
static int fill_free_slots(struct vfio_trace_bpf *skel)
{
	int fd = bpf_map__fd(skel->maps.free_slots);
	__u32 slot, n = bpf_map__max_entries(skel->maps.devices);

	for (slot = 0; slot < n; slot++)
		if (bpf_map_update_elem(fd, NULL, &slot, BPF_ANY))
			return -errno;
	return 0;
}

/* -d: the addresses in the form the kernel names them (dev_name(), zero
 * padded like the key the BPF side reads with bpf_probe_read_kernel_str). */
static int fill_bdf_filter(struct vfio_trace_bpf *skel, const struct vt_tracer_config *c)
{
	int fd = bpf_map__fd(skel->maps.bdf_filter);
	__u8 yes = 1;

	for (unsigned int i = 0; i < c->nbdfs; i++) {
		struct vt_bdf_key key = {};

		memcpy(key.bdf, c->bdfs[i], strnlen(c->bdfs[i], VT_BDF_LEN - 1));
		if (bpf_map_update_elem(fd, &key, &yes, BPF_ANY))
			return -errno;
	}
	return 0;
}

static long long symbolize_any(void *arg, __u64 addr, char *buf, size_t len)
{
	return vt_kallsyms_symbolize(arg, addr, buf, len);
}

/* A slow operation's event, with its stack named for the consumer. */
static int on_slow_event(struct vt_tracer *t, const struct vt_slow_event *se)
{
	struct vt_frames frames = { 0 };
	int n = se->nframes < VT_SLOW_STACK_DEPTH ? (int)se->nframes : VT_SLOW_STACK_DEPTH;
	int err;

	/* Out of memory, the event still goes out, with the frames named so far. */
	vt_name_stack(symbolize_any, t->all_ksyms, se->ips, n, &frames);
	err = t->cfg.on_event(t->cfg.event_ctx, &se->head, &frames);
	free(frames.names);
	return err;
}

static int on_ringbuf_event(void *ctx, void *data, size_t size)
{
	const struct vt_trace_event *ev = data;
	struct vt_tracer *t = ctx;

	if (size < sizeof(struct vt_trace_event))
		return 0;
	if ((ev->kind == VT_EV_CONTENTION || ev->kind == VT_EV_TRYLOCK_FAILED) &&
	    size < sizeof(struct vt_contention_event))
		return 0;
	if (ev->kind == VT_EV_SLOW)
		return size < sizeof(struct vt_slow_event) ? 0 : on_slow_event(t, data);
	return t->cfg.on_event(t->cfg.event_ctx, ev, NULL);
}

/* --min-latency: any stack may come, so every symbol is kept (a few MB, for
 * as long as it runs). Unreadable, the frames are bare addresses. */
static int load_all_symbols(struct vt_tracer *t)
{
	int err;

	if (!t->cfg.on_event || !any_slow(&t->cfg))
		return 0;
	err = vt_kallsyms_load_proc(&t->all_ksyms, NULL);
	return err == -ENOMEM ? err : 0;
}

/* Only `events` reads the ring buffer of events. */
static int open_events(struct vt_tracer *t)
{
	if (!t->cfg.on_event)
		return 0;
	t->events = ring_buffer__new(bpf_map__fd(t->skel->maps.events), on_ringbuf_event, t, NULL);
	return t->events ? 0 : -errno;
}

/* --lock SYMBOL: each a class of its own, filed in the locks map like a
 * device's locks, under no device. */
static int register_user_locks(struct vt_tracer *t, char *why, size_t len)
{
	for (unsigned int i = 0; i < t->cfg.nlocks; i++) {
		struct vt_lock_owner owner = { .class = VT_LC_MAX + i, .slot = VT_NO_SLOT };
		const char *name = t->cfg.locks[i];
		__u64 addr;
		int err = vt_kernel_ksym_address(t->kernel, name, &addr);

		if (err) {
			snprintf(why, len, "--lock %s: %s", name,
				 err == -ENOENT	    ? "no such symbol in /proc/kallsyms"
				 : err == -ENOTUNIQ ? "several symbols have that name"
				 : err == -EACCES
					 ? "kallsyms hides its address (needs CAP_SYSLOG, or "
					   "kernel.kptr_restrict=0)"
					 : strerror(-err));
			return err;
		}
		/* The filter first: an address in locks but not in it is never seen. */
		t->skel->bss->lock_filter[vt_lock_filter_index(addr)] = 1;
		if (bpf_map_update_elem(bpf_map__fd(t->skel->maps.locks), &addr, &owner, BPF_ANY)) {
			err = -errno;
			snprintf(why, len, "--lock %s: %s", name, strerror(-err));
			return err;
		}
	}
	return 0;
}

/*
 * Opens the BPF object, chooses the probes and loads it. libbpf loads all of an
 * object's programs or none, so when the kernel refuses one (5.15's verifier,
 * for one, refuses an fentry program that reads an int * argument), the
 * object is opened again without it: its operation falls back to its next
 * mode or candidate, and `probes` says why. One refused program costs one
 * probe, not the tool.
 */
static int open_and_load(struct vt_tracer *t, const struct env_switches *sw, char *why, size_t len)
{
	const struct vt_tracer_config *cfg = &t->cfg;
	struct vt_refusals refused = { 0 };
	struct vt_load_log log;
	const char *prog, *reason;
	int err;

	for (;;) {
		/* Lockdep mode names stack frames: it needs every symbol. */
		if (!t->kernel) {
			err = vt_kernel_open(&t->kernel,
					     cfg->lock_order ? NULL : vt_probes_functions(), why,
					     len);
			if (err)
				return err;
		}
		/* before the object is opened: libbpf matches sections then */
		err = vt_attach_targets_register();
		if (err) {
			snprintf(why, len, "cannot register the fentry section handlers: %s",
				 strerror(-err));
			return err;
		}
		t->skel = vfio_trace_bpf__open();
		if (!t->skel) {
			err = -errno;
			snprintf(why, len, "cannot open the BPF object: %s", strerror(-err));
			return err;
		}
		t->task_storage = choose_thread_state(t->kernel, sw->force_hash);
		set_knobs(t->skel, cfg, t->task_storage,
			  vt_kernel_current_task_btf_usable(t->kernel));

		err = vt_probes_select(&t->probes, t->skel->obj, t->kernel, cfg->force_kprobes,
				       cfg->kprobe_multi, cfg->lock_order, &refused);
		if (err) {
			snprintf(why, len, "cannot choose probes: %s", strerror(-err));
			return err;
		}
		err = break_programs(t->skel->obj, sw->refuse, why, len);
		if (err)
			return err;
		/* Lockdep mode's held stacks in task storage: user space reads
		 * them through an iterator. */
		bpf_program__set_autoload(t->skel->progs.held_iter,
					  cfg->lock_order && t->task_storage);
		/* The kernel's BTF and symbols were for choosing probes. libbpf
		 * loads its own copy of the BTF to load them: freeing ours first
		 * keeps the two from adding up in the peak RSS. Only lockdep mode
		 * symbolizes stacks later. */
		if (!cfg->lock_order) {
			vt_kernel_close(t->kernel);
			t->kernel = NULL;
		}
		vt_load_log_reset(&log);
		libbpf_load_log = &log;
		err = vfio_trace_bpf__load(t->skel);
		libbpf_load_log = NULL;
		if (!err)
			return 0;
		if (!vt_load_log_refused(&log, &prog, &reason) || refused.n == VT_MAX_REFUSALS) {
			snprintf(why, len, "cannot load the BPF programs: %s%s", strerror(-err),
				 cfg->verbose ? "" : " (run with -v for the verifier log)");
			return err;
		}
		snprintf(refused.r[refused.n].prog, sizeof(refused.r[0].prog), "%s", prog);
		snprintf(refused.r[refused.n].reason, sizeof(refused.r[0].reason), "%s", reason);
		refused.n++;
		if (cfg->verbose)
			fprintf(stderr,
				"vfio-trace: the kernel refused %s (%s): loading again "
				"without it\n",
				prog, reason);
		vt_probes_free(t->probes);
		t->probes = NULL;
		vfio_trace_bpf__destroy(t->skel);
		t->skel = NULL;
	}
}

int vt_tracer_start(struct vt_tracer *t, const struct vt_tracer_config *cfg)
{
	struct env_switches sw;
	char why[256];
	int err;

	memset(t, 0, sizeof(*t));
	t->cfg = *cfg;
	t->started_ns = now_ns();
	libbpf_verbose = cfg->verbose;
	libbpf_set_print(libbpf_print);

	err = read_env_switches(&sw, why, sizeof(why));
	if (err)
		goto fail_why;
	err = vt_check_privileges(why, sizeof(why));
	if (err)
		goto fail_why;
	err = open_and_load(t, &sw, why, sizeof(why));
	if (err)
		goto fail_why;
	err = fill_free_slots(t->skel);
	if (!err)
		err = fill_bdf_filter(t->skel, &t->cfg);
	if (err) {
		snprintf(why, sizeof(why), "cannot prepare the device map: %s", strerror(-err));
		goto fail_why;
	}
	err = register_user_locks(t, why, sizeof(why));
	if (err)
		goto fail_why;
	err = load_all_symbols(t);
	if (err) {
		snprintf(why, sizeof(why), "cannot read /proc/kallsyms: %s", strerror(-err));
		goto fail_why;
	}
	err = open_events(t);
	if (err) {
		snprintf(why, sizeof(why), "cannot open the event ring buffer: %s", strerror(-err));
		goto fail_why;
	}
	if (bpf_program__autoload(t->skel->progs.held_iter)) {
		t->held_iter = bpf_program__attach_iter(t->skel->progs.held_iter, NULL);
		if (!t->held_iter) {
			err = -errno;
			snprintf(why, sizeof(why), "cannot attach the held-locks iterator: %s",
				 strerror(-err));
			goto fail_why;
		}
	}
	vt_probes_attach(t->probes);
	t->live = true;
	arm_on_demand(t, &sw);
	if (cfg->note_pinned_modules && vt_probes_pinned_modules(t->probes, why, sizeof(why)))
		fprintf(stderr,
			"vfio-trace: note: while attached, %s cannot be unloaded (fentry holds "
			"them; --kprobes does not)\n",
			why);
	return 0;

fail_why:
	fprintf(stderr, "vfio-trace: %s\n", why);
	vt_tracer_stop(t);
	return err < 0 ? err : -EINVAL;
}

bool vt_tracer_no_vfio(const struct vt_tracer *t)
{
	return vt_probes_no_vfio(t->probes);
}

int vt_tracer_poll_events(struct vt_tracer *t, int timeout_ms)
{
	int err;

	if (!t->events)
		return -EINVAL;
	/* Events wake us only in batches (events.bpf.h): a poll that times
	 * out still takes whatever is there. */
	err = ring_buffer__poll(t->events, timeout_ms);
	if (err == 0)
		err = ring_buffer__consume(t->events);
	return err < 0 ? err : 0;
}

int vt_tracer_drain_events(struct vt_tracer *t)
{
	int err;

	if (!t->events)
		return -EINVAL;
	err = ring_buffer__consume(t->events);
	return err < 0 ? err : 0;
}

/*
 * A process that has exited pins no more: its entry goes once a snapshot has
 * it, so the map holds the live processes and room for new ones rather than
 * every process that ever pinned (found by the soak: a VM restart or a DPDK
 * run each left an entry, until the map was full and new pinners were lost).
 * The per-path totals keep its pins. A pid is reused only once the allocator
 * wraps, so a new process cannot take the pid between kill() and the delete
 * in practice. After the reader's walk, which a delete would restart. Only a
 * live tracer's processes are real (vt_tracer_open_maps fills the maps with
 * made-up ones).
 */
static void retire_exited(struct vt_tracer *t, const struct vt_snapshot *s)
{
	int procs_fd = bpf_map__fd(t->skel->maps.pin_procs);

	for (size_t i = 0; i < s->nprocs; i++)
		if (kill((pid_t)s->procs[i].key.tgid, 0) && errno == ESRCH)
			bpf_map_delete_elem(procs_fd, &s->procs[i].key);
}

int vt_tracer_snapshot(struct vt_tracer *t, struct vt_snapshot *out)
{
	int err = vt_tracer_read(t, out);

	if (!err && t->live)
		retire_exited(t, out);
	return err;
}

int vt_tracer_open_maps(struct vt_tracer *t, const struct vt_tracer_config *cfg)
{
	struct bpf_program *prog;
	int err;

	memset(t, 0, sizeof(*t));
	t->cfg = *cfg;
	t->started_ns = now_ns();
	t->skel = vfio_trace_bpf__open();
	if (!t->skel)
		return -errno;
	set_knobs(t->skel, cfg, false, false);
	bpf_object__for_each_program(prog, t->skel->obj)
		bpf_program__set_autoload(prog, false);
	err = vfio_trace_bpf__load(t->skel);
	if (!err)
		err = fill_bdf_filter(t->skel, &t->cfg);
	if (err)
		vt_tracer_stop(t);
	return err;
}

void vt_tracer_stop(struct vt_tracer *t)
{
	ring_buffer__free(t->requests);
	t->requests = NULL;
	ring_buffer__free(t->events);
	t->events = NULL;
	/* Links first, so nothing runs while the maps go away. */
	vt_probes_free(t->probes);
	t->probes = NULL;
	bpf_link__destroy(t->held_iter);
	t->held_iter = NULL;
	vfio_trace_bpf__destroy(t->skel);
	t->skel = NULL;
	vt_kernel_close(t->kernel);
	t->kernel = NULL;
	vt_tracer_read_release(t);
	vt_kallsyms_free(t->all_ksyms);
	t->all_ksyms = NULL;
}
