// SPDX-License-Identifier: GPL-2.0
/*
 * The ground truth as one JSON object: the tests read it with jq on the host
 * and with vt_json_get in the guest, and compare vfio-trace's counts against
 * it, so a key once written keeps its name and meaning.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "workload.h"

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

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

static void json_write(FILE *f, const struct wl *w)
{
	const struct opts *o = w->o;
	const struct truth *t = &w->t;
	bool stress_mode = o->stress_s > 0;
	struct utsname u;
	char comm[64];

	read_comm(comm, sizeof(comm));
	if (uname(&u) < 0)
		snprintf(u.release, sizeof(u.release), "unknown");

	fprintf(f, "{\"mode\":\"%s\",\"bdf\":", stress_mode ? "stress" : "basic");
	json_str(f, w->bdf);
	fprintf(f, ",\"group\":%d,\"iommu\":\"%s\",\"cdev\":", w->group_no,
		o->iommufd ? "iommufd" : "type1");
	if (o->iommufd)
		json_str(f, w->cdev_path);
	else
		fputs("null", f);
	fprintf(f, ",\n");
	fprintf(f, " \"faults_exact\":%s,\"faults\":{\"nopage\":%" PRIu64 ",\"sigbus\":%" PRIu64,
		stress_mode ? "false" : "true", t->nopage + t->stress.faults, t->sigbus);
	if (!stress_mode)
		fprintf(f, ",\"nopage_model\":%" PRIu64, t->nopage_model);
	fprintf(f, "},\n");
	fprintf(f, " \"touches\":%" PRIu64 ",\"sigbus\":%" PRIu64 ",\"preads\":%" PRIu64
		",\"pwrites\":%" PRIu64 ",\"eio\":%" PRIu64 ",\n",
		t->touches, t->sigbus, t->preads, t->pwrites, t->eio);
	fprintf(f, " \"memory_disables\":%" PRIu64 ",\"memory_enables\":%" PRIu64
		",\"resets\":%" PRIu64 ",\"zaps_expected\":%" PRIu64 ",\n",
		t->memory_disables, t->memory_enables, t->resets, t->zaps);
	fprintf(f, " \"dma_map_bytes\":%" PRIu64 ",\"pages_pinned\":%" PRIu64
		",\"pages_unpinned\":%" PRIu64 ",\"dma_roundtrips\":%" PRIu64 ",\"dma_ok\":%s,\n",
		t->dma_map_bytes, t->pages_pinned, t->pages_unpinned, t->dma_roundtrips,
		t->dma_ok ? "true" : "false");
	fprintf(f, " \"ioas_maps\":%" PRIu64 ",\"ioas_map_errors\":%" PRIu64
		",\"ioas_unmaps\":%" PRIu64 ",\n", t->ioas_maps, t->ioas_map_errors, t->ioas_unmaps);
	fprintf(f, " \"ioeventfd_writes_disabled\":%" PRIu64 ",\"ioeventfd_writes_enabled\":%"
		PRIu64 ",\n", t->ioeventfd_writes_disabled, t->ioeventfd_writes_enabled);
	if (stress_mode)
		fprintf(f, " \"stress\":{\"seconds\":%g,\"elapsed_s\":%.3f,\"threads\":%lu,"
			"\"toggle_us\":%lu,\"pause_us\":%lu,"
			"\"toggles\":%" PRIu64 ",\"touches\":%" PRIu64 ",\"sigbus\":%" PRIu64
			",\"preads\":%" PRIu64 ",\"eio\":%" PRIu64 ",\"faults\":%" PRIu64
			",\"command_write_ms\":{\"avg\":%.3f,\"max\":%.3f}},\n",
			o->stress_s, t->stress.seconds, o->threads, o->toggle_us, o->pause_us,
			t->stress.toggles,
			t->stress.touches, t->stress.sigbus, t->stress.preads, t->stress.eio,
			t->stress.faults,
			t->stress.toggles ? t->stress.write_ms_total / (2.0 * t->stress.toggles) : 0.0,
			t->stress.write_ms_max);
	fprintf(f, " \"pid\":%d,\"comm\":", (int)getpid());
	json_str(f, comm);
	fprintf(f, ",\n");

	/* Beyond the contract: context and cross-checks. */
	fprintf(f, " \"kernel\":");
	json_str(f, u.release);
	fprintf(f, ",\"vendor\":\"%04x\",\"device\":\"%04x\",\"bar0_size\":%llu,"
		"\"page_size\":%ld,\"iova\":%" PRIu64 ",\n",
		w->vendor, w->devid, (unsigned long long)w->bar.size, w->page, o->iova);
	fprintf(f, " \"bar_reads_ok\":%" PRIu64 ",\"bar_writes_ok\":%" PRIu64
		",\"mmio_ops\":%" PRIu64 ",\"config_reads\":%" PRIu64
		",\"command_writes\":%" PRIu64 ",\"other_faults\":%" PRIu64 ",\n",
		t->bar_reads_ok, t->bar_writes_ok, t->mmio_ops, t->config_reads,
		t->command_writes, t->other_faults);
	fprintf(f, " \"locked_vm_pages\":{\"map_delta\":%" PRId64 ",\"unmap_delta\":%" PRId64 "},"
		"\"anomalies\":%" PRIu64 ",\n", t->locked_pinned, t->locked_unpinned, t->anomalies);
	fprintf(f, " \"pinned_vm_pages\":{\"map_delta\":%" PRId64 ",\"unmap_delta\":%" PRId64 "},"
		"\"pin_accounting\":\"%s\",\n", t->pinvm_pinned, t->pinvm_unpinned,
		o->iommufd ? "VmPin" : "VmLck");
	if (o->iommufd)
		fprintf(f, " \"iommufd\":{\"ioas_id\":%u,\"devid\":%u,\"pt_id\":%u},\n",
			w->ioas_id, w->iommufd_devid, w->hwpt_id);
	if (o->ioeventfds)
		fprintf(f, " \"ioeventfd\":{\"bar\":0,\"offset\":%u,\"size\":4,\"data\":%u,"
			"\"registered\":%s,\"unregistered\":%s,\"landed\":%" PRIu64
			",\"landed_late\":%" PRIu64 ",\"undrained\":%" PRIu64
			",\"disabled_kept\":%s,\"gap_us\":%d},\n",
			IOEVENTFD_REG, IOEVENTFD_DATA, t->ioeventfd.registered ? "true" : "false",
			t->ioeventfd.unregistered ? "true" : "false", t->ioeventfd.landed,
			t->ioeventfd.landed_late, t->ioeventfd.undrained,
			t->ioeventfd.disabled_kept ? "true" : "false", IOEVENTFD_GAP_US);
	fprintf(f, " \"params\":{\"touches\":%lu,\"preads\":%lu,\"disabled_touches\":%lu,"
		"\"disabled_preads\":%lu,\"disabled_pwrites\":%lu,\"toggles\":%lu,\"resets\":%lu,"
		"\"dma_size\":%" PRIu64 ",\"dma_bytes\":%lu,\"dma_rounds\":%lu,"
		"\"ioeventfds\":%lu,\"iommufd\":%s},\n",
		o->touches, o->preads, o->disabled_touches, o->disabled_preads,
		o->disabled_pwrites, stress_mode ? 0 : o->toggles, o->resets, o->dma_size,
		o->no_dma ? 0 : o->dma_bytes, o->no_dma ? 0 : o->dma_rounds, o->ioeventfds,
		o->iommufd ? "true" : "false");
	fprintf(f, " \"timings_ms\":{\"setup\":%.1f,\"basic\":%.1f,\"stress\":%.1f,"
		"\"ioeventfd\":%.1f,\"dma\":%.1f,\"resets\":%.1f,\"teardown\":%.1f,"
		"\"total\":%.1f}}\n",
		t->ms.setup, t->ms.basic, t->ms.stress, t->ms.ioeventfd, t->ms.dma, t->ms.resets,
		t->ms.teardown, t->ms.total);
}

/* To stdout, or atomically to @path (temporary file + rename). */
int report_emit(const struct wl *w, const char *path)
{
	char tmp[PATH_MAX];
	FILE *f;
	int fd;

	if (!path) {
		json_write(stdout, w);
		if (fflush(stdout) != 0)
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
	json_write(f, w);
	if (fflush(f) != 0 || fsync(fd) < 0) {
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
