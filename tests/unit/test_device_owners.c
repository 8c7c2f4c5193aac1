// SPDX-License-Identifier: GPL-2.0
/*
 * Who holds each device open: a fake /proc and /sys in a temporary directory,
 * with a QEMU holding one device by its group, a process holding another by
 * its vfio cdev, and noise (other /dev/vfio descriptors, unreadable entries).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tests.h"
#include "attribution.h"
#include "device_owners.h"
#include "reset_methods.h"

static char root[256];

static void mkdirs(const char *rel)
{
	char path[PATH_MAX], *p;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	mkdir(path, 0755);
}

static void put(const char *rel, const void *data, size_t len)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void link_to(const char *rel, const char *target)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	unlink(path);
	assert_int_equal(symlink(target, path), 0);
}

static void process(const char *pid, const char *comm, const char *cmdline, size_t cmdlen,
		    const char *cgroup)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "proc/%s/fd", pid);
	mkdirs(rel);
	snprintf(rel, sizeof(rel), "proc/%s/comm", pid);
	put(rel, comm, strlen(comm));
	snprintf(rel, sizeof(rel), "proc/%s/cmdline", pid);
	put(rel, cmdline, cmdlen);
	snprintf(rel, sizeof(rel), "proc/%s/cgroup", pid);
	put(rel, cgroup, strlen(cgroup));
}

static int setup(void **state)
{
	static const char qemu[] = "qemu-system-x86_64\0-enable-kvm\0-name\0"
				   "guest=web1,debug-threads=on\0-m\0"
				   "4096";
	static const char dpdk[] = "dpdk-testpmd\0-a\0000:02:00.0";

	(void)state;
	snprintf(root, sizeof(root), "/tmp/vt-owners.XXXXXX");
	assert_non_null(mkdtemp(root));
	/* Devices: 01:00.0 in group 7 (no cdev: 6.1), 02:00.0 in group 8 with
	 * cdev vfio3, 03:00.0 in group 9 held by nobody. */
	mkdirs("sys/kernel/iommu_groups/7");
	mkdirs("sys/kernel/iommu_groups/8");
	mkdirs("sys/kernel/iommu_groups/9");
	mkdirs("sys/bus/pci/devices/0000:01:00.0");
	mkdirs("sys/bus/pci/devices/0000:02:00.0/vfio-dev/vfio3");
	mkdirs("sys/bus/pci/devices/0000:03:00.0");
	link_to("sys/bus/pci/devices/0000:01:00.0/iommu_group", "../../../kernel/iommu_groups/7");
	link_to("sys/bus/pci/devices/0000:02:00.0/iommu_group", "../../../kernel/iommu_groups/8");
	link_to("sys/bus/pci/devices/0000:03:00.0/iommu_group", "../../../kernel/iommu_groups/9");
	/* Reset methods as 5.15 on lists them: 03:00.0 has none (no file). */
	put("sys/bus/pci/devices/0000:01:00.0/reset_method", "flr bus\n", 8);
	put("sys/bus/pci/devices/0000:02:00.0/reset_method", "bus\n", 4);

	process("4242", "qemu-system-x86\n", qemu, sizeof(qemu) - 1,
		"0::/machine.slice/machine-qemu\\x2d1\\x2dweb1.scope/libvirt/emulator\n");
	link_to("proc/4242/fd/0", "/dev/null");
	link_to("proc/4242/fd/11", "/dev/vfio/vfio"); /* the container: no device */
	link_to("proc/4242/fd/12", "/dev/vfio/7");
	process("777", "dpdk-testpmd\n", dpdk, sizeof(dpdk) - 1, "12:pids:/\n0::/user.slice\n");
	link_to("proc/777/fd/3", "/dev/vfio/devices/vfio3");
	/* Noise: a non-numeric entry, and a process with a group of nobody's
	 * device of ours (group 70 is not 7). */
	mkdirs("proc/self");
	process("90", "other\n", "other", 5, "");
	link_to("proc/90/fd/4", "/dev/vfio/70");
	return 0;
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static void snapshot_of(struct vt_snapshot *s, struct vt_dev_snapshot *devs)
{
	static const char *const bdfs[] = { "0000:01:00.0", "0000:02:00.0", "0000:03:00.0" };

	memset(s, 0, sizeof(*s));
	memset(devs, 0, 3 * sizeof(*devs));
	for (int i = 0; i < 3; i++)
		snprintf(devs[i].info.bdf, sizeof(devs[i].info.bdf), "%s", bdfs[i]);
	s->devs = devs;
	s->ndevs = 3;
}

static void test_owners_found(void **state)
{
	char proc[PATH_MAX + 8], sys[PATH_MAX + 8];
	struct vt_dev_snapshot devs[3];
	struct vt_snapshot s;
	struct vt_owner_finder *f;

	(void)state;
	snprintf(proc, sizeof(proc), "%s/proc", root);
	snprintf(sys, sizeof(sys), "%s/sys", root);
	f = vt_owner_finder_new(proc, sys);
	assert_non_null(f);
	snapshot_of(&s, devs);

	/* The first fill scans. */
	assert_int_equal(vt_owner_finder_fill(f, &s, 1000), 1);
	assert_int_equal(devs[0].owner.pid, 4242);
	assert_true(devs[0].owner.open);
	assert_string_equal(devs[0].owner.comm, "qemu-system-x86");
	assert_string_equal(devs[0].owner.vm, "web1");
	assert_string_equal(devs[0].owner.cgroup,
			    "/machine.slice/machine-qemu\\x2d1\\x2dweb1.scope/libvirt/emulator");
	assert_int_equal(devs[1].owner.pid, 777);
	assert_true(devs[1].owner.open);
	assert_string_equal(devs[1].owner.comm, "dpdk-testpmd");
	assert_string_equal(devs[1].owner.vm, "");
	assert_string_equal(devs[1].owner.cgroup, "/user.slice");
	assert_int_equal(devs[2].owner.pid, 0);

	/* Soon after, nothing moved: the owners are checked, not scanned for;
	 * the idle device without one waits for the periodic rescan. */
	snapshot_of(&s, devs);
	assert_int_equal(vt_owner_finder_fill(f, &s, 1000 + VT_OWNER_MIN_SCAN_NS), 0);
	assert_int_equal(devs[0].owner.pid, 4242);
	assert_true(devs[0].owner.open);

	/* QEMU closes the device: it is the last owner, not open. An idle
	 * device does not make a scan before the periodic one... */
	link_to("proc/4242/fd/12", "/dev/null");
	snapshot_of(&s, devs);
	assert_int_equal(vt_owner_finder_fill(f, &s, 2000 + VT_OWNER_MIN_SCAN_NS), 0);
	assert_int_equal(devs[0].owner.pid, 4242);
	assert_false(devs[0].owner.open);
	assert_true(devs[1].owner.open);

	/* ...but activity on a device without an owner does: the new owner,
	 * 90, opens group 9 and faults on device 3. */
	link_to("proc/90/fd/5", "/dev/vfio/9");
	snapshot_of(&s, devs);
	devs[2].stats.faults[0][VT_FAULT_NOPAGE] = 1;
	assert_int_equal(vt_owner_finder_fill(f, &s, 3000 + 2 * VT_OWNER_MIN_SCAN_NS), 1);
	assert_int_equal(devs[2].owner.pid, 90);
	assert_true(devs[2].owner.open);
	assert_string_equal(devs[2].owner.comm, "other");
	assert_false(devs[0].owner.open);

	/* The periodic rescan finds QEMU's device again after a re-open by a
	 * new descriptor number. */
	link_to("proc/4242/fd/13", "/dev/vfio/7");
	snapshot_of(&s, devs);
	assert_int_equal(
		vt_owner_finder_fill(f, &s, 4000 + 2 * VT_OWNER_MIN_SCAN_NS + VT_OWNER_RESCAN_NS),
		1);
	assert_int_equal(devs[0].owner.pid, 4242);
	assert_true(devs[0].owner.open);
	vt_owner_finder_free(f);
}

/* The VM of each event's process: read once, then cached for a second. */
static void test_vm_cache(void **state)
{
	static const char other[] = "qemu-system-x86_64\0-name\0db2";
	char proc[PATH_MAX + 8];
	struct vt_vm_cache *c;

	(void)state;
	snprintf(proc, sizeof(proc), "%s/proc", root);
	c = vt_vm_cache_new(proc);
	assert_non_null(c);
	assert_string_equal(vt_vm_cache_name(c, 4242, 10), "web1");
	assert_string_equal(vt_vm_cache_name(c, 777, 10), "");	 /* not a VM */
	assert_string_equal(vt_vm_cache_name(c, 31337, 10), ""); /* no such process */
	assert_string_equal(vt_vm_cache_name(c, 0, 10), "");
	/* pid 4242 is now another VM: the cache says so once its second is up. */
	put("proc/4242/cmdline", other, sizeof(other) - 1);
	assert_string_equal(vt_vm_cache_name(c, 4242, 10 + 999999999ULL), "web1");
	assert_string_equal(vt_vm_cache_name(c, 4242, 10 + 1000000000ULL), "db2");
	/* Another pid in the same slot (pids 1024 apart) takes it over. */
	assert_string_equal(vt_vm_cache_name(c, 4242 + 1024, 2000000020ULL), "");
	assert_string_equal(vt_vm_cache_name(c, 4242, 2000000030ULL), "db2");
	/* The process exits: its pins outlive it, and so does its name. */
	{
		char cmd[PATH_MAX + 32];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s/proc/4242'", root);
		assert_int_equal(system(cmd), 0);
	}
	assert_string_equal(vt_vm_cache_name(c, 4242, 4000000000ULL), "db2");
	vt_vm_cache_free(c);
}

/* The session's step after each read of the maps: owners and the pinning
 * processes' VMs land in the snapshot, and events ask the same cache. */
static void test_attribution_fill(void **state)
{
	char proc[PATH_MAX + 8], sys[PATH_MAX + 8];
	struct vt_dev_snapshot devs[3];
	struct vt_attribution who;
	struct vt_proc_snapshot procs[3];
	struct vt_snapshot s;

	(void)state;
	snprintf(proc, sizeof(proc), "%s/proc", root);
	snprintf(sys, sizeof(sys), "%s/sys", root);
	assert_int_equal(vt_attribution_init(&who, proc, sys), 0);
	snapshot_of(&s, devs);
	memset(procs, 0, sizeof(procs));
	procs[0].key.tgid = 777;
	procs[1].key.tgid = 4242;
	procs[2].key.tgid = 31337; /* gone before it was named */
	snprintf(procs[0].vm, sizeof(procs[0].vm), "stale");
	s.procs = procs;
	s.nprocs = 3;
	s.mono_ns = 1000;
	vt_attribution_fill(&who, &s);
	assert_int_equal(devs[0].owner.pid, 4242);
	assert_string_equal(devs[0].owner.vm, "web1");
	assert_int_equal(devs[1].owner.pid, 777);
	assert_int_equal(devs[2].owner.pid, 0);
	assert_string_equal(procs[0].vm, "");
	assert_string_equal(procs[1].vm, "web1");
	assert_string_equal(procs[2].vm, "");
	assert_string_equal(vt_attribution_vm(&who, 4242, 2000), "web1");
	assert_string_equal(devs[0].reset_method, "flr");
	assert_string_equal(devs[2].reset_method, "");
	vt_attribution_free(&who);
	assert_null(who.owners);
	assert_null(who.vms);
}

/* The first method each device lists, read once and again after the TTL
 * (root may write the file); none without the file. */
static void test_reset_methods(void **state)
{
	char sys[PATH_MAX + 8], out[VT_RESET_METHOD_LEN];
	struct vt_dev_snapshot devs[3];
	struct vt_reset_methods *m;
	struct vt_snapshot s;

	(void)state;
	snprintf(sys, sizeof(sys), "%s/sys", root);
	m = vt_reset_methods_new(sys);
	assert_non_null(m);
	snapshot_of(&s, devs);
	assert_int_equal(vt_reset_methods_fill(m, &s, 1000), 3);
	assert_string_equal(devs[0].reset_method, "flr");
	assert_string_equal(devs[1].reset_method, "bus");
	assert_string_equal(devs[2].reset_method, "");

	put("sys/bus/pci/devices/0000:01:00.0/reset_method", "pm\n", 3);
	memset(devs[0].reset_method, 0, sizeof(devs[0].reset_method));
	assert_int_equal(vt_reset_methods_fill(m, &s, 1000 + VT_RESET_METHOD_TTL_NS - 1), 0);
	assert_string_equal(devs[0].reset_method, "flr"); /* from the cache */
	assert_int_equal(vt_reset_methods_fill(m, &s, 1000 + VT_RESET_METHOD_TTL_NS), 3);
	assert_string_equal(devs[0].reset_method, "pm");
	vt_reset_methods_free(m);

	vt_reset_method_first("  device_specific flr\n", out, sizeof(out));
	assert_string_equal(out, "device_specific");
	vt_reset_method_first("\n", out, sizeof(out));
	assert_string_equal(out, "");
	vt_reset_method_first("a_name_longer_than_any_method\n", out, sizeof(out));
	assert_string_equal(out, "");
}

static void expect_vm(const char *cmdline, size_t len, const char *want)
{
	char out[VT_VM_NAME_LEN];

	vt_owner_vm_name(cmdline, len, out, sizeof(out));
	if (strcmp(out, want))
		fail_msg("vm name '%s', want '%s'", out, want);
}

static void test_vm_names(void **state)
{
	static const char long_name[] =
		"q\0-name\0aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

	(void)state;
	expect_vm("q\0-name\0guest=web1,debug-threads=on", 36, "web1");
	expect_vm("q\0-name\0web2", 13, "web2");
	expect_vm("q\0--name\0web3,process=qemu-web3", 32, "web3");
	expect_vm("q\0-name\0process=p,guest=web4", 29, "web4");
	expect_vm("q\0-name\0process=p", 18, "");
	expect_vm("q\0-m\0"
		  "4096",
		  10, "");
	expect_vm("q\0-name", 7, ""); /* no value */
	expect_vm("", 0, "");
	/* Truncated to the room, never past it. */
	expect_vm(long_name, sizeof(long_name) - 1,
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
}

int run_device_owners_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_owners_found, setup, teardown),
		cmocka_unit_test(test_vm_names),
		cmocka_unit_test_setup_teardown(test_vm_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attribution_fill, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_methods, setup, teardown),
	};

	return cmocka_run_group_tests_name("device_owners", tests, NULL, NULL);
}
