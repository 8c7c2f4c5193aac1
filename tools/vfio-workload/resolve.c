// SPDX-License-Identifier: GPL-2.0
/*
 * Which device to use, in which IOMMU group, and (--iommufd) through which
 * cdev: from the options where given, else from sysfs, so that the guest of
 * the test bed can run the workload with no arguments at all.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "workload.h"

static bool looks_like_bdf(const char *s)
{
	/* DDDD:BB:DD.F */
	return strlen(s) == 12 && s[4] == ':' && s[7] == ':' && s[10] == '.';
}

/* The single entry of @dir that looks like a BDF; -1 if none or several. */
static int single_bdf_in(const char *dir, char *out, size_t len, int *count)
{
	struct dirent *de;
	DIR *d = opendir(dir);

	*count = 0;
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (!looks_like_bdf(de->d_name))
			continue;
		if (++*count == 1)
			snprintf(out, len, "%s", de->d_name);
	}
	closedir(d);
	return *count == 1 ? 0 : -1;
}

static int group_of_bdf(const char *bdf, int *group)
{
	char path[PATH_MAX], link[PATH_MAX];
	const char *slash;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return sys_fail("readlink %s", path);
	link[n] = '\0';
	slash = strrchr(link, '/');
	*group = atoi(slash ? slash + 1 : link);
	return 0;
}

/* --bdf and/or --group (or the one device bound to vfio-pci) → both. */
int resolve_device(struct wl *w)
{
	const struct opts *o = w->o;
	char dir[PATH_MAX];
	int count, g = -1;

	if (o->bdf_arg) {
		if (strlen(o->bdf_arg) == 7) /* BB:DD.F */
			snprintf(w->bdf, sizeof(w->bdf), "0000:%s", o->bdf_arg);
		else
			snprintf(w->bdf, sizeof(w->bdf), "%s", o->bdf_arg);
	}
	if (o->group_arg) {
		const char *a = o->group_arg, *num;

		if (a[0] == '/')
			snprintf(w->group_path, sizeof(w->group_path), "%s", a);
		else
			snprintf(w->group_path, sizeof(w->group_path), "/dev/vfio/%s", a);
		num = strrchr(w->group_path, '/') + 1;
		w->group_no = atoi(num);
		if (!*num || strspn(num, "0123456789") != strlen(num))
			return msg_fail("--group: '%s' is not /dev/vfio/N or N", a);
	}

	if (!w->bdf[0] && o->group_arg) {
		snprintf(dir, sizeof(dir), "/sys/kernel/iommu_groups/%d/devices", w->group_no);
		if (single_bdf_in(dir, w->bdf, sizeof(w->bdf), &count) < 0)
			return msg_fail("%s: expected exactly one device, found %d; pass --bdf",
					dir, count);
	}
	if (!w->bdf[0]) {
		if (single_bdf_in("/sys/bus/pci/drivers/vfio-pci", w->bdf, sizeof(w->bdf), &count) <
		    0)
			return msg_fail("no --bdf or --group, and %d devices are bound to vfio-pci",
					count);
	}
	if (group_of_bdf(w->bdf, &g) < 0)
		return -1;
	if (o->group_arg && g != w->group_no)
		return msg_fail("%s is in IOMMU group %d, not %d", w->bdf, g, w->group_no);
	if (!o->group_arg) {
		w->group_no = g;
		snprintf(w->group_path, sizeof(w->group_path), "/dev/vfio/%d", g);
	}
	return 0;
}

/*
 * The device's vfio cdev: --cdev, else /sys/bus/pci/devices/BDF/vfio-dev/vfioN
 * with a "dev" attribute.  Before 6.6 (no VFIO_DEVICE_CDEV) that directory
 * exists too, but its vfioN has no dev_t.
 */
int find_cdev(struct wl *w)
{
	char dir[PATH_MAX], attr[PATH_MAX + 300];
	struct dirent *de;
	int found = 0;
	DIR *d;

	if (w->o->cdev_arg) {
		snprintf(w->cdev_path, sizeof(w->cdev_path), "%s", w->o->cdev_arg);
		return 0;
	}
	snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s/vfio-dev", w->bdf);
	d = opendir(dir);
	if (!d) {
		sys_fail("--iommufd: %s", dir);
		w->unsupported = errno == ENOENT;
		return -1;
	}
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "vfio", 4) != 0)
			continue;
		snprintf(attr, sizeof(attr), "%s/%s/dev", dir, de->d_name);
		if (access(attr, F_OK) == 0 && !found++)
			snprintf(w->cdev_path, sizeof(w->cdev_path), "/dev/vfio/devices/%s",
				 de->d_name);
	}
	closedir(d);
	if (found == 1)
		return 0;
	if (found == 0) {
		w->unsupported = true;
		return msg_fail("--iommufd: not supported by this kernel: %s has no vfio device "
				"cdev (%s/vfioN/dev is missing; the cdev needs Linux 6.6+ with "
				"CONFIG_VFIO_DEVICE_CDEV)",
				w->bdf, dir);
	}
	return msg_fail("--iommufd: %s has %d vfio cdevs; pass --cdev", w->bdf, found);
}
