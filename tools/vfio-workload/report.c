// SPDX-License-Identifier: GPL-2.0
/*
 * The ground truth as one JSON object, written with the project's own JSON
 * writer: the tests read it with jq on the host and with vt_json_get in the
 * guest, and compare vfio-trace's counts against it, so a key once written
 * keeps its name and meaning.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "json_writer.h"
#include "workload.h"

static void read_comm(char *buf, size_t len)
{
	FILE *f = fopen("/proc/self/comm", "re");

	snprintf(buf, len, "%s", PROG);
	if (f) {
		if (fgets(buf, (int)len, f))
			buf[strcspn(buf, "\n")] = '\0';
		fclose(f);
	}
}

static void put_power_truth(struct json_writer *jw, const char *name, const struct power_truth *p)
{
	jw_begin_object(jw, name);
	jw_u64(jw, "entries", p->entries);
	jw_u64(jw, "exits", p->exits);
	jw_u64(jw, "sigbus", p->sigbus);
	jw_u64(jw, "eio", p->eio);
	jw_end_object(jw);
}

static void write_counts(struct json_writer *jw, const struct wl *w, bool stress_mode)
{
	const struct truth *t = &w->t;

	/* In stress mode the workers' faults are measured, not modelled. */
	jw_bool(jw, "faults_exact", !stress_mode);
	jw_begin_object(jw, "faults");
	jw_u64(jw, "nopage", t->nopage + t->stress.faults);
	jw_u64(jw, "sigbus", t->sigbus);
	if (!stress_mode)
		jw_u64(jw, "nopage_model", t->nopage_model);
	jw_end_object(jw);

	jw_u64(jw, "touches", t->touches);
	jw_u64(jw, "sigbus", t->sigbus);
	jw_u64(jw, "preads", t->preads);
	jw_u64(jw, "pwrites", t->pwrites);
	jw_u64(jw, "eio", t->eio);
	jw_u64(jw, "memory_disables", t->memory_disables);
	jw_u64(jw, "memory_enables", t->memory_enables);
	jw_u64(jw, "resets", t->resets);
	jw_u64(jw, "hot_resets", t->hot_resets);
	jw_u64(jw, "hot_resets_busy", t->hot_resets_busy);
	jw_u64(jw, "hot_reset_preads", t->hot_reset_preads);
	jw_u64(jw, "hot_reset_set", t->hot_reset_set);
	jw_u64(jw, "zaps_expected", t->zaps);
	jw_u64(jw, "blackouts", t->blackouts);
	put_power_truth(jw, "d3", &t->d3);
	put_power_truth(jw, "low_power", &t->low_power);
	jw_u64(jw, "dma_map_bytes", t->dma_map_bytes);
	jw_u64(jw, "pages_pinned", t->pages_pinned);
	jw_u64(jw, "pages_unpinned", t->pages_unpinned);
	jw_u64(jw, "dma_roundtrips", t->dma_roundtrips);
	jw_bool(jw, "dma_ok", t->dma_ok);
	jw_u64(jw, "ioas_maps", t->ioas_maps);
	jw_u64(jw, "ioas_map_errors", t->ioas_map_errors);
	jw_u64(jw, "ioas_unmaps", t->ioas_unmaps);
	jw_u64(jw, "ioeventfd_writes_disabled", t->ioeventfd_writes_disabled);
	jw_u64(jw, "ioeventfd_writes_enabled", t->ioeventfd_writes_enabled);
}

static void write_stress(struct json_writer *jw, const struct wl *w)
{
	const struct opts *o = w->o;
	const struct truth *t = &w->t;
	/* Each toggle is two PCI_COMMAND writes. */
	double avg = t->stress.toggles ? t->stress.write_ms_total / (2.0 * t->stress.toggles) : 0;

	jw_begin_object(jw, "stress");
	/* --stress as given, to the microsecond. */
	jw_double(jw, "seconds", o->stress_s, 6);
	jw_double(jw, "elapsed_s", t->stress.seconds, 3);
	jw_u64(jw, "threads", o->threads);
	jw_u64(jw, "toggle_us", o->toggle_us);
	jw_u64(jw, "pause_us", o->pause_us);
	jw_u64(jw, "toggles", t->stress.toggles);
	jw_u64(jw, "touches", t->stress.touches);
	jw_u64(jw, "sigbus", t->stress.sigbus);
	jw_u64(jw, "preads", t->stress.preads);
	jw_u64(jw, "eio", t->stress.eio);
	jw_u64(jw, "faults", t->stress.faults);
	jw_u64(jw, "reset_ms", o->reset_ms);
	jw_u64(jw, "resets", t->stress.resets);
	jw_begin_object(jw, "command_write_ms");
	jw_double(jw, "avg", avg, 3);
	jw_double(jw, "max", t->stress.write_ms_max, 3);
	jw_end_object(jw);
	jw_end_object(jw);
}

/*
 * What vfio-trace does not count: context for whoever reads a run's log, and
 * the workload's own cross-checks, which the guest scenarios check.
 */
static void write_context(struct json_writer *jw, const struct wl *w)
{
	const struct opts *o = w->o;
	const struct truth *t = &w->t;
	struct utsname u;
	char hex[8];

	if (uname(&u) < 0)
		snprintf(u.release, sizeof(u.release), "unknown");
	jw_string(jw, "kernel", u.release);
	snprintf(hex, sizeof(hex), "%04x", w->vendor);
	jw_string(jw, "vendor", hex);
	snprintf(hex, sizeof(hex), "%04x", w->devid);
	jw_string(jw, "device", hex);
	jw_u64(jw, "bar0_size", w->bar.size);
	jw_i64(jw, "page_size", w->page);
	jw_u64(jw, "iova", o->iova);

	jw_u64(jw, "bar_reads_ok", t->bar_reads_ok);
	jw_u64(jw, "bar_writes_ok", t->bar_writes_ok);
	jw_u64(jw, "mmio_ops", t->mmio_ops);
	jw_u64(jw, "config_reads", t->config_reads);
	jw_u64(jw, "command_writes", t->command_writes);
	jw_u64(jw, "other_faults", t->other_faults);

	/* -1 where /proc/self/status could not be read. */
	jw_begin_object(jw, "locked_vm_pages");
	jw_i64(jw, "map_delta", t->locked_pinned);
	jw_i64(jw, "unmap_delta", t->locked_unpinned);
	jw_end_object(jw);
	jw_u64(jw, "anomalies", t->anomalies);
	jw_begin_object(jw, "pinned_vm_pages");
	jw_i64(jw, "map_delta", t->pinvm_pinned);
	jw_i64(jw, "unmap_delta", t->pinvm_unpinned);
	jw_end_object(jw);
	jw_string(jw, "pin_accounting", o->iommufd ? "VmPin" : "VmLck");

	if (o->iommufd) {
		jw_begin_object(jw, "iommufd");
		jw_u64(jw, "ioas_id", w->ioas_id);
		jw_u64(jw, "devid", w->iommufd_devid);
		jw_u64(jw, "pt_id", w->hwpt_id);
		jw_end_object(jw);
	}
	if (o->ioeventfds) {
		jw_begin_object(jw, "ioeventfd");
		jw_u64(jw, "bar", 0);
		jw_u64(jw, "offset", IOEVENTFD_REG);
		jw_u64(jw, "size", 4);
		jw_u64(jw, "data", IOEVENTFD_DATA);
		jw_bool(jw, "registered", t->ioeventfd.registered);
		jw_bool(jw, "unregistered", t->ioeventfd.unregistered);
		jw_u64(jw, "landed", t->ioeventfd.landed);
		jw_u64(jw, "landed_late", t->ioeventfd.landed_late);
		jw_u64(jw, "undrained", t->ioeventfd.undrained);
		jw_bool(jw, "disabled_kept", t->ioeventfd.disabled_kept);
		jw_u64(jw, "busy_sent", t->ioeventfd.busy_sent);
		jw_u64(jw, "deferred", t->ioeventfd.deferred);
		jw_u64(jw, "gap_us", IOEVENTFD_GAP_US);
		jw_end_object(jw);
	}
}

/* Counts of steps that did not run are 0, not the defaults that went unused. */
static void write_params(struct json_writer *jw, const struct wl *w, bool stress_mode)
{
	const struct opts *o = w->o;

	jw_begin_object(jw, "params");
	jw_u64(jw, "touches", o->touches);
	jw_u64(jw, "preads", o->preads);
	jw_u64(jw, "disabled_touches", o->disabled_touches);
	jw_u64(jw, "disabled_preads", o->disabled_preads);
	jw_u64(jw, "disabled_pwrites", o->disabled_pwrites);
	jw_u64(jw, "toggles", stress_mode ? 0 : o->toggles);
	jw_u64(jw, "resets", o->resets);
	jw_u64(jw, "dma_size", o->dma_size);
	jw_u64(jw, "dma_bytes", o->no_dma ? 0 : o->dma_bytes);
	jw_u64(jw, "dma_rounds", o->no_dma ? 0 : o->dma_rounds);
	jw_u64(jw, "ioeventfds", o->ioeventfds);
	jw_bool(jw, "iommufd", o->iommufd);
	jw_bool(jw, "pmd_aligned", o->pmd_aligned);
	jw_end_object(jw);
}

static void write_timings(struct json_writer *jw, const struct truth *t)
{
	jw_begin_object(jw, "timings_ms");
	jw_double(jw, "setup", t->ms.setup, 1);
	jw_double(jw, "basic", t->ms.basic, 1);
	jw_double(jw, "stress", t->ms.stress, 1);
	jw_double(jw, "ioeventfd", t->ms.ioeventfd, 1);
	jw_double(jw, "dma", t->ms.dma, 1);
	jw_double(jw, "resets", t->ms.resets, 1);
	jw_double(jw, "teardown", t->ms.teardown, 1);
	jw_double(jw, "total", t->ms.total, 1);
	jw_end_object(jw);
}

/* 0, or -1 with errno set. */
static int report_write(FILE *f, const struct wl *w)
{
	const struct opts *o = w->o;
	bool stress_mode = o->stress_s > 0;
	struct json_writer jw;
	char comm[64];
	int err;

	read_comm(comm, sizeof(comm));
	jw_init(&jw, f);
	jw_begin_object(&jw, NULL);
	jw_string(&jw, "mode", stress_mode ? "stress" : "basic");
	jw_string(&jw, "bdf", w->bdf);
	jw_i64(&jw, "group", w->group_no);
	jw_string(&jw, "iommu", o->iommufd ? "iommufd" : "type1");
	if (o->iommufd)
		jw_string(&jw, "cdev", w->cdev_path);
	else
		jw_null(&jw, "cdev");
	write_counts(&jw, w, stress_mode);
	if (stress_mode)
		write_stress(&jw, w);
	if (o->wait_release_s > 0) {
		jw_bool(&jw, "released", w->t.release.requested);
		jw_begin_object(&jw, "release");
		jw_u64(&jw, "requests", w->t.release.requests);
		jw_double(&jw, "wait_ms", w->t.release.wait_ms, 1);
		jw_end_object(&jw);
	}
	jw_i64(&jw, "pid", getpid());
	jw_string(&jw, "comm", comm);
	if (o->name)
		jw_string(&jw, "name", o->name);
	else
		jw_null(&jw, "name");
	write_context(&jw, w);
	write_params(&jw, w, stress_mode);
	write_timings(&jw, &w->t);
	jw_end_object(&jw);

	/* A failed write leaves stdio's errno; anything else is the writer's. */
	err = jw_finish(&jw);
	if (err && err != -EIO)
		errno = -err;
	return err ? -1 : 0;
}

/* To stdout, or atomically to @path (temporary file + rename). */
int report_emit(const struct wl *w, const char *path)
{
	char tmp[PATH_MAX];
	FILE *f;
	int fd;

	if (!path) {
		if (report_write(stdout, w) < 0 || fflush(stdout) != 0)
			return sys_fail("write stdout");
		return 0;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof(tmp))
		return msg_fail("--json: path too long");
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return sys_fail("open %s", tmp);
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(tmp);
		return sys_fail("fdopen %s", tmp);
	}
	if (report_write(f, w) < 0 || fflush(f) != 0 || fsync(fd) < 0) {
		sys_fail("write %s", tmp);
		fclose(f);
		unlink(tmp);
		return -1;
	}
	if (fclose(f) != 0) {
		sys_fail("close %s", tmp);
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path) < 0) {
		sys_fail("rename %s", path);
		unlink(tmp);
		return -1;
	}
	return 0;
}
