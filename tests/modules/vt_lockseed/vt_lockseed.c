// SPDX-License-Identifier: GPL-2.0
/*
 * vt_lockseed: a test fixture that reproduces, on demand, the lock order of
 * the "seeds' bug" (shared/research/anchors.md §A.3, §A.7): a driver takes a
 * lock of its own, then the i_mmap_rwsem of a file mapping for writing, and
 * allocates with GFP_KERNEL under both:
 *
 *   vt_lockseed_lock (mutex) -> mapping->i_mmap_rwsem (write) -> page allocator
 *
 * An allocation that may sleep may enter direct reclaim, and reclaim walks
 * the reverse map of file pages under i_mmap_rwsem (read). So lockdep knows
 * the order fs_reclaim -> i_mmap_rwsem and reports this module's
 * i_mmap_rwsem -> fs_reclaim as a cycle. vfio-trace's lockdep mode is to see
 * the same cycle on kernels without CONFIG_LOCKDEP; this module is its ground
 * truth on the VM test bed (tests/vm/scenarios/lockseed-basic.sh).
 *
 * Reclaim does not deadlock on it: its first rmap walk only tries the lock
 * and keeps a page whose mapping is locked. But those pages cannot be freed
 * while a trigger holds the lock. On the test bed, with little free memory and
 * a mapped file as nearly the only reclaimable memory, a trigger on that file
 * made its own allocation call the OOM killer.
 *
 * Its lock is a mutex: the allocation sleeps, so a spinlock is out, and a
 * driver's own lock of this kind is usually a mutex (vfio-pci's vma_lock and
 * igate are). On a kernel without lockdep, mutex_lock() is an out-of-line
 * function that vfio-trace's lock-order probes attach to, and the
 * i_mmap_rwsem beside it is the rwsem half, so one trigger shows both
 * families. The lock is static but still named in /proc/kallsyms (a module's
 * local symbols are listed there, as "d vt_lockseed_lock [vt_lockseed]"),
 * which is what `vfio-trace --lock vt_lockseed_lock` resolves.
 *
 * debugfs (/sys/kernel/debug/vt_lockseed/):
 *   trigger    write a path: open the file (outside the lock, so that the
 *              path walk adds no lock of its own under the mutex), then
 *              mutex -> i_mmap_lock_write(file->f_mapping) -> alloc_pages(
 *              GFP_KERNEL, order 2) -> free -> release in reverse. Each
 *              trigger that completed the sequence adds one to count; a
 *              failed one (no such file, no memory) returns the error and
 *              does not count.
 *   count      completed triggers since the module was loaded
 *   alloc      write anything: the trigger's allocation alone, under no lock
 *              (the control of the same memory pressure); not counted
 *   repeat     how many times one trigger (or alloc) runs its sequence, 1 to
 *              VT_LOCKSEED_REPEAT_MAX (default 1; 0 is taken as 1, more as
 *              the maximum). Reclaim waits for a mapping's i_mmap_rwsem,
 *              and so takes fs_reclaim -> i_mmap_rwsem, only in
 *              try_to_unmap() and only when its trylock fails there (6.1's
 *              rmap_walk_file() tries first; folio_referenced() only tries,
 *              and keeps a page whose mapping is locked). So a trigger must
 *              take the lock between those two walks of one page: a race
 *              per acquisition, won 0 to 10 times in 100 triggers of one
 *              sequence on the test bed.
 *   lock_addr  the address of vt_lockseed_lock, as /proc/kallsyms prints it
 *              (16 hex digits, no 0x)
 *   hold       write a number of milliseconds, 1 to VT_LOCKSEED_HOLD_MAX_MS:
 *              the writer holds vt_lockseed_lock that long (sleeping), then
 *              releases it; a known holder for the flight recorder's
 *              "holding now" section
 *   kmsg       write lines of text: each is printed by the kernel, one
 *              printk() (KERN_WARNING) a line, so that a lock report written
 *              here is the kernel's in /dev/kmsg (facility 0), as the flight
 *              recorder's parser requires: what a process writes to
 *              /dev/kmsg itself is never taken for the kernel's. At most
 *              VT_LOCKSEED_KMSG_MAX bytes a write.
 *
 * Unloading is safe: while one of its files is open, debugfs holds a
 * reference on the module (fops->owner), so rmmod cannot run under a writer;
 * after debugfs_remove_recursive() no new open succeeds.
 */
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/limits.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

/* Four pages: small, but above order 0, like a driver's table. */
#define VT_LOCKSEED_ORDER 2
#define VT_LOCKSEED_REPEAT_MAX 1000

static DEFINE_MUTEX(vt_lockseed_lock);
static atomic_t vt_lockseed_count = ATOMIC_INIT(0);
static u32 vt_lockseed_repeat = 1;
static struct dentry *vt_lockseed_dir;

/* The seeds' order, nothing else: lock, i_mmap_rwsem, an allocation that may reclaim. */
static int vt_lockseed_run(struct address_space *mapping)
{
	struct page *pages;

	mutex_lock(&vt_lockseed_lock);
	i_mmap_lock_write(mapping);
	pages = alloc_pages(GFP_KERNEL, VT_LOCKSEED_ORDER);
	if (pages)
		__free_pages(pages, VT_LOCKSEED_ORDER);
	i_mmap_unlock_write(mapping);
	mutex_unlock(&vt_lockseed_lock);
	return pages ? 0 : -ENOMEM;
}

static u32 vt_lockseed_repeats(void)
{
	return clamp_t(u32, READ_ONCE(vt_lockseed_repeat), 1, VT_LOCKSEED_REPEAT_MAX);
}

static ssize_t trigger_write(struct file *file, const char __user *ubuf, size_t len, loff_t *ppos)
{
	struct file *target;
	char *buf, *path;
	u32 n;
	int err;

	if (len == 0 || len >= PATH_MAX)
		return -EINVAL;
	buf = memdup_user_nul(ubuf, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	path = strim(buf); /* echo's newline */
	if (*path == '\0') {
		err = -EINVAL;
		goto out_free;
	}

	target = filp_open(path, O_RDONLY | O_LARGEFILE, 0);
	if (IS_ERR(target)) {
		err = PTR_ERR(target);
		goto out_free;
	}
	for (n = vt_lockseed_repeats(), err = 0; n && !err; n--)
		err = vt_lockseed_run(target->f_mapping);
	if (!err)
		atomic_inc(&vt_lockseed_count);
	filp_close(target, NULL);
out_free:
	kfree(buf);
	return err ? err : len;
}

/* The control: the same allocation, under no lock. With it the test makes
 * the same memory pressure without the seeds' order, and vfio-trace must find
 * no cycle then. */
static ssize_t alloc_write(struct file *file, const char __user *ubuf, size_t len, loff_t *ppos)
{
	struct page *pages;
	u32 n;

	for (n = vt_lockseed_repeats(); n; n--) {
		pages = alloc_pages(GFP_KERNEL, VT_LOCKSEED_ORDER);
		if (!pages)
			return -ENOMEM;
		__free_pages(pages, VT_LOCKSEED_ORDER);
	}
	return len;
}

#define VT_LOCKSEED_HOLD_MAX_MS 60000

/* The lock held for a while by the writer, nothing else under it. */
static ssize_t hold_write(struct file *file, const char __user *ubuf, size_t len, loff_t *ppos)
{
	unsigned int ms;
	int err = kstrtouint_from_user(ubuf, len, 10, &ms);

	if (err)
		return err;
	if (ms < 1 || ms > VT_LOCKSEED_HOLD_MAX_MS)
		return -EINVAL;
	mutex_lock(&vt_lockseed_lock);
	msleep_interruptible(ms);
	mutex_unlock(&vt_lockseed_lock);
	return len;
}

static const struct file_operations hold_fops = {
	.owner = THIS_MODULE,
	.write = hold_write,
	.llseek = noop_llseek,
};

#define VT_LOCKSEED_KMSG_MAX 4096

/* A kernel message per line of what is written: the flight recorder's test
 * plays a lockdep report through it (tests/vm/scenarios/lockdep-recorder.sh). */
static ssize_t printk_lines_write(struct file *file, const char __user *ubuf, size_t len,
				  loff_t *ppos)
{
	char *buf, *line, *next;

	if (len > VT_LOCKSEED_KMSG_MAX)
		return -E2BIG;
	buf = memdup_user_nul(ubuf, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	for (line = buf; line && (*line || line == buf); line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		printk(KERN_WARNING "%s\n", line);
	}
	kfree(buf);
	return len;
}

static const struct file_operations printk_lines_fops = {
	.owner = THIS_MODULE,
	.write = printk_lines_write,
	.llseek = noop_llseek,
};

static const struct file_operations alloc_fops = {
	.owner = THIS_MODULE,
	.write = alloc_write,
	.llseek = noop_llseek,
};

static const struct file_operations trigger_fops = {
	.owner = THIS_MODULE,
	.write = trigger_write,
	.llseek = noop_llseek,
};

static int count_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "%d\n", atomic_read(&vt_lockseed_count));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(count);

/* %px: the real address, to compare with /proc/kallsyms (%p would hash it). */
static int lock_addr_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "%px\n", &vt_lockseed_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lock_addr);

static int __init vt_lockseed_init(void)
{
	vt_lockseed_dir = debugfs_create_dir("vt_lockseed", NULL);
	if (IS_ERR(vt_lockseed_dir))
		return PTR_ERR(vt_lockseed_dir); /* no debugfs in this kernel */
	debugfs_create_file("trigger", 0200, vt_lockseed_dir, NULL, &trigger_fops);
	debugfs_create_file("alloc", 0200, vt_lockseed_dir, NULL, &alloc_fops);
	debugfs_create_u32("repeat", 0600, vt_lockseed_dir, &vt_lockseed_repeat);
	debugfs_create_file("count", 0444, vt_lockseed_dir, NULL, &count_fops);
	debugfs_create_file("lock_addr", 0400, vt_lockseed_dir, NULL, &lock_addr_fops);
	debugfs_create_file("kmsg", 0200, vt_lockseed_dir, NULL, &printk_lines_fops);
	debugfs_create_file("hold", 0200, vt_lockseed_dir, NULL, &hold_fops);
	return 0;
}

static void __exit vt_lockseed_exit(void)
{
	debugfs_remove_recursive(vt_lockseed_dir);
}

module_init(vt_lockseed_init);
module_exit(vt_lockseed_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vfio-trace fixture: mutex -> i_mmap_rwsem -> GFP_KERNEL allocation, on demand");
