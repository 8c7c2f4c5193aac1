// SPDX-License-Identifier: GPL-2.0
/* Which process holds each device open: device_owners.h says how and why. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bdf_table.h"
#include "device_owners.h"

/* "/dev/vfio/devices/vfio123", "/dev/vfio/noiommu-12345" */
#define LINK_LEN 64

struct owner_entry {
	char bdf[VT_BDF_LEN];
	struct vt_device_owner owner;
	int fd;		     /* the descriptor its owner holds it by */
	char link[LINK_LEN]; /* and where that descriptor points */
	__u64 activity;	     /* the device's counters, summed, at the last fill */
	bool want;	     /* this fill: its owner is unknown or gone */
	bool active;	     /* this fill: it counted something since the last */
};

struct vt_owner_finder {
	char proc[1024];
	char sys[1024];
	struct vt_bdf_table entries; /* of struct owner_entry */
	bool scanned;
	__u64 last_scan_ns;
};

struct vt_owner_finder *vt_owner_finder_new(const char *proc_root, const char *sys_root)
{
	struct vt_owner_finder *f = calloc(1, sizeof(*f));

	if (!f)
		return NULL;
	snprintf(f->proc, sizeof(f->proc), "%s", proc_root);
	snprintf(f->sys, sizeof(f->sys), "%s", sys_root);
	vt_bdf_table_init(&f->entries, sizeof(struct owner_entry));
	return f;
}

void vt_owner_finder_free(struct vt_owner_finder *f)
{
	if (!f)
		return;
	vt_bdf_table_release(&f->entries);
	free(f);
}

/* Entry @i, in the order the devices were first seen. */
static struct owner_entry *entry_at(const struct vt_owner_finder *f, size_t i)
{
	return vt_bdf_table_at(&f->entries, i);
}

static __u64 activity(const struct vt_device_stats *st)
{
	__u64 sum = st->memory_disables + st->memory_enables + snapshot_faults_by_result(st, NULL);

	for (int a = 0; a < VT_ACCESS_KIND_MAX; a++)
		sum += st->accesses[a];
	for (int z = 0; z < VT_ZAP_REASON_MAX; z++)
		sum += st->zaps[z];
	for (int m = 0; m < VT_MODE_MAX; m++) {
		sum += st->contentions[m];
		for (int p = 0; p < VT_PATH_MAX; p++)
			sum += st->hold_ns[m][p].count;
	}
	return sum;
}

/* Reads a small file whole; its length, or -1. */
static ssize_t read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

void vt_owner_vm_name(const char *cmdline, size_t len, char *out, size_t outlen)
{
	const char *p = cmdline, *end = cmdline + len;

	out[0] = '\0';
	while (p < end) {
		const char *next = p + strnlen(p, (size_t)(end - p)) + 1, *part, *name = NULL;
		size_t n, name_len = 0;

		if ((strcmp(p, "-name") && strcmp(p, "--name")) || next >= end) {
			p = next;
			continue;
		}
		/* -name [guest=]NAME[,process=P][,debug-threads=on]: guest=
		 * wins; else the first part that is not key=value. */
		for (part = next; part < end && *part; part += n + (part[n] == ',')) {
			n = strcspn(part, ",");
			if (!strncmp(part, "guest=", 6)) {
				name = part + 6;
				name_len = n - 6;
				break;
			}
			if (!name && !memchr(part, '=', n)) {
				name = part;
				name_len = n;
			}
		}
		if (!name)
			return;
		if (name_len >= outlen)
			name_len = outlen - 1;
		memcpy(out, name, name_len);
		out[name_len] = '\0';
		return;
	}
}

static void read_owner(struct vt_owner_finder *f, const char *pid, struct vt_device_owner *o)
{
	char path[PATH_MAX], buf[4096], *line;
	ssize_t n;

	memset(o, 0, sizeof(*o));
	o->pid = (__u32)strtoul(pid, NULL, 10);
	o->open = true;
	snprintf(path, sizeof(path), "%s/%.20s/comm", f->proc, pid);
	if (read_small(path, buf, sizeof(buf)) > 0) {
		buf[strcspn(buf, "\n")] = '\0';
		snprintf(o->comm, sizeof(o->comm), "%.15s", buf);
	}
	snprintf(path, sizeof(path), "%s/%.20s/cmdline", f->proc, pid);
	n = read_small(path, buf, sizeof(buf));
	if (n > 0)
		vt_owner_vm_name(buf, (size_t)n, o->vm, sizeof(o->vm));
	/* cgroup v2: the "0::PATH" line. */
	snprintf(path, sizeof(path), "%s/%.20s/cgroup", f->proc, pid);
	if (read_small(path, buf, sizeof(buf)) > 0)
		for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
			if (!strncmp(line, "0::", 3)) {
				snprintf(o->cgroup, sizeof(o->cgroup), "%.191s", line + 3);
				break;
			}
}

/* What a descriptor on @e's device points to: its group and its cdev. */
static void device_links(struct vt_owner_finder *f, const char *bdf, char group[LINK_LEN],
			 char noiommu[LINK_LEN], char cdev[LINK_LEN])
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;
	DIR *d;
	struct dirent *de;

	group[0] = noiommu[0] = cdev[0] = '\0';
	snprintf(path, sizeof(path), "%s/bus/pci/devices/%.16s/iommu_group", f->sys, bdf);
	n = readlink(path, target, sizeof(target) - 1);
	if (n > 0) {
		target[n] = '\0';
		base = strrchr(target, '/');
		base = base ? base + 1 : target;
		snprintf(group, LINK_LEN, "/dev/vfio/%.20s", base);
		snprintf(noiommu, LINK_LEN, "/dev/vfio/noiommu-%.20s", base);
	}
	/* The vfio cdev (6.6+): vfio-dev/vfioN. */
	snprintf(path, sizeof(path), "%s/bus/pci/devices/%.16s/vfio-dev", f->sys, bdf);
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, "vfio", 4) && isdigit((unsigned char)de->d_name[4])) {
			snprintf(cdev, LINK_LEN, "/dev/vfio/devices/%.20s", de->d_name);
			break;
		}
	closedir(d);
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* One pass over every process's descriptors for the devices that want an
 * owner. The first process found holding one is its owner. */
static void scan(struct vt_owner_finder *f)
{
	size_t n_entries = vt_bdf_table_len(&f->entries), left = 0;
	char(*links)[3][LINK_LEN] = calloc(n_entries, sizeof(*links));
	struct dirent *pe, *fe;
	DIR *pd, *fd_dir;

	if (!links)
		return;
	for (size_t i = 0; i < n_entries; i++)
		if (entry_at(f, i)->want) {
			device_links(f, entry_at(f, i)->bdf, links[i][0], links[i][1], links[i][2]);
			left++;
		}
	pd = opendir(f->proc);
	while (pd && left && (pe = readdir(pd))) {
		char path[PATH_MAX];

		if (!all_digits(pe->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%.20s/fd", f->proc, pe->d_name);
		fd_dir = opendir(path);
		if (!fd_dir)
			continue; /* gone, or not ours to read */
		while (left && (fe = readdir(fd_dir))) {
			char target[LINK_LEN];
			ssize_t n;

			if (!all_digits(fe->d_name))
				continue;
			n = readlinkat(dirfd(fd_dir), fe->d_name, target, sizeof(target) - 1);
			if (n <= 0 || strncmp(target, "/dev/vfio/", 10))
				continue;
			target[n] = '\0';
			for (size_t i = 0; i < n_entries; i++) {
				struct owner_entry *e = entry_at(f, i);

				if (!e->want ||
				    (strcmp(target, links[i][0]) && strcmp(target, links[i][1]) &&
				     strcmp(target, links[i][2])))
					continue;
				read_owner(f, pe->d_name, &e->owner);
				e->fd = atoi(fe->d_name);
				snprintf(e->link, sizeof(e->link), "%s", target);
				e->want = false;
				left--;
			}
		}
		closedir(fd_dir);
	}
	if (pd)
		closedir(pd);
	free(links);
}

/* The remembered owner still holds the device by the same descriptor. */
static bool still_holds(const struct vt_owner_finder *f, const struct owner_entry *e)
{
	char path[PATH_MAX], target[LINK_LEN];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%u/fd/%d", f->proc, e->owner.pid, e->fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	return !strcmp(target, e->link);
}

int vt_owner_finder_fill(struct vt_owner_finder *f, struct vt_snapshot *s, __u64 now_ns)
{
	bool any_want = false, any_active = false, due;
	struct owner_entry *e;
	int scans = 0;

	for (size_t i = 0; i < vt_bdf_table_len(&f->entries); i++)
		entry_at(f, i)->want = entry_at(f, i)->active = false;
	for (size_t i = 0; i < s->ndevs; i++) {
		__u64 act;

		e = vt_bdf_table_get(&f->entries, s->devs[i].info.bdf);
		if (!e)
			continue; /* out of memory: this device shows no owner */
		act = activity(&s->devs[i].stats);
		e->active = act != e->activity;
		e->activity = act;
		if (e->owner.pid && e->owner.open && still_holds(f, e))
			continue;
		e->owner.open = false;
		e->want = true;
		any_want = true;
		any_active |= e->active;
	}
	due = !f->scanned || now_ns - f->last_scan_ns >= VT_OWNER_RESCAN_NS ||
	      (any_active && now_ns - f->last_scan_ns >= VT_OWNER_MIN_SCAN_NS);
	if (any_want && due) {
		scan(f);
		f->scanned = true;
		f->last_scan_ns = now_ns;
		scans = 1;
	}
	for (size_t i = 0; i < s->ndevs; i++) {
		e = vt_bdf_table_get(&f->entries, s->devs[i].info.bdf);
		if (e)
			s->devs[i].owner = e->owner;
	}
	return scans;
}

/* A power of two: the slot is the pid's low bits. */
#define VM_CACHE_SLOTS 1024
#define VM_CACHE_TTL_NS 1000000000ULL

struct vm_slot {
	__u32 tgid; /* 0: empty */
	__u64 read_ns;
	char vm[VT_VM_NAME_LEN];
};

struct vt_vm_cache {
	char proc[1024];
	struct vm_slot slot[VM_CACHE_SLOTS];
};

struct vt_vm_cache *vt_vm_cache_new(const char *proc_root)
{
	struct vt_vm_cache *c = calloc(1, sizeof(*c));

	if (c)
		snprintf(c->proc, sizeof(c->proc), "%s", proc_root);
	return c;
}

void vt_vm_cache_free(struct vt_vm_cache *c)
{
	free(c);
}

const char *vt_vm_cache_name(struct vt_vm_cache *c, __u32 tgid, __u64 now_ns)
{
	struct vm_slot *s = &c->slot[tgid & (VM_CACHE_SLOTS - 1)];
	char path[1100], buf[4096];
	ssize_t n;

	if (!tgid)
		return "";
	if (s->tgid == tgid && now_ns >= s->read_ns && now_ns - s->read_ns < VM_CACHE_TTL_NS)
		return s->vm;
	snprintf(path, sizeof(path), "%s/%u/cmdline", c->proc, tgid);
	n = read_small(path, buf, sizeof(buf));
	/* A process that is gone keeps the name it had (its pins and events
	 * outlive it); its pid, once reused, reads anew. */
	if (n < 0 && s->tgid == tgid) {
		s->read_ns = now_ns;
		return s->vm;
	}
	s->tgid = tgid;
	s->read_ns = now_ns;
	s->vm[0] = '\0';
	if (n > 0)
		vt_owner_vm_name(buf, (size_t)n, s->vm, sizeof(s->vm));
	return s->vm;
}
