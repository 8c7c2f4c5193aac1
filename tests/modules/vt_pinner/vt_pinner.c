// SPDX-License-Identifier: GPL-2.0
/*
 * vt_pinner: a test fixture that pins user memory the way an mdev vendor
 * driver does, through vfio_pin_pages() and vfio_unpin_pages(), the path
 * vfio-trace counts as "mdev" (tests/vm/scenarios/trace-mdev-pins.sh). No
 * mdev parent or vendor driver on the test bed does it, and the edu device's
 * vfio-pci pins through type1's own path.
 *
 * At load it adds a platform device, vt_pinner, and the platform driver that
 * binds it; the driver's probe registers it as a vfio device with an
 * emulated IOMMU (vfio_register_emulated_iommu_dev(), as mdev drivers do),
 * in a vfio group of its own (/dev/vfio/N, N in
 * /sys/devices/platform/vt_pinner/iommu_group). The device must be bound to
 * a driver: opening a vfio device takes a reference on its driver's module
 * (6.1: device->dev->driver->owner; a bare root device oopsed there). A user
 * sets that group's container to
 * type1 v2, maps memory with VFIO_IOMMU_MAP_DMA, opens the device by its name
 * and asks it, with VT_PINNER_PIN, to pin npage pages from an IOVA of that
 * mapping: one vfio_pin_pages() call for them all, then one
 * vfio_unpin_pages(). The ioctl returns the pages pinned, or the error.
 *
 * While the device is open, vfio holds that reference on this module, so
 * rmmod is refused rather than left waiting in vfio_unregister_group_dev().
 */
#include <linux/device.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

/* Private to this fixture: vfio's own ioctls are VFIO_TYPE (';') from 100. */
struct vt_pinner_pin {
	__u64 iova;
	__u32 npage;
	__u32 write;
};
#define VT_PINNER_PIN _IOW(';', 250, struct vt_pinner_pin)

/* vfio_pin_pages() takes at most VFIO_PIN_PAGES_MAX_ENTRIES (512) at once. */
#define VT_PINNER_MAX 512

struct vt_pinner {
	struct vfio_device vdev;
};

static struct platform_device *vt_pinner_pdev;

static long vt_pinner_pin(struct vfio_device *vdev, struct vt_pinner_pin __user *arg)
{
	struct vt_pinner_pin req;
	struct page **pages;
	int ret;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (!req.npage || req.npage > VT_PINNER_MAX || !PAGE_ALIGNED(req.iova))
		return -EINVAL;
	pages = kcalloc(req.npage, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	ret = vfio_pin_pages(vdev, req.iova, req.npage, IOMMU_READ | (req.write ? IOMMU_WRITE : 0),
			     pages);
	if (ret > 0)
		vfio_unpin_pages(vdev, req.iova, ret);
	kfree(pages);
	return ret;
}

static long vt_pinner_ioctl(struct vfio_device *vdev, unsigned int cmd, unsigned long arg)
{
	if (cmd == VT_PINNER_PIN)
		return vt_pinner_pin(vdev, (struct vt_pinner_pin __user *)arg);
	return -ENOTTY;
}

/* Nothing stays pinned past an ioctl, so an unmap finds nothing of ours. */
static void vt_pinner_dma_unmap(struct vfio_device *vdev, u64 iova, u64 length)
{
}

/* 6.1's vfio_device_release() calls @release unconditionally, and the
 * driver frees the device there. */
static void vt_pinner_release(struct vfio_device *vdev)
{
	vfio_free_device(vdev);
}

static const struct vfio_device_ops vt_pinner_ops = {
	.name = "vt-pinner",
	.release = vt_pinner_release,
	.ioctl = vt_pinner_ioctl,
	.dma_unmap = vt_pinner_dma_unmap,
};

static int vt_pinner_probe(struct platform_device *pdev)
{
	struct vt_pinner *p;
	int ret;

	p = vfio_alloc_device(vt_pinner, vdev, &pdev->dev, &vt_pinner_ops);
	if (IS_ERR(p))
		return PTR_ERR(p);
	ret = vfio_register_emulated_iommu_dev(&p->vdev);
	if (ret) {
		vfio_put_device(&p->vdev);
		return ret;
	}
	platform_set_drvdata(pdev, p);
	return 0;
}

static int vt_pinner_remove(struct platform_device *pdev)
{
	struct vt_pinner *p = platform_get_drvdata(pdev);

	vfio_unregister_group_dev(&p->vdev);
	vfio_put_device(&p->vdev);
	return 0;
}

static struct platform_driver vt_pinner_driver = {
	.probe = vt_pinner_probe,
	.remove = vt_pinner_remove,
	.driver = { .name = "vt_pinner" },
};

static int __init vt_pinner_init(void)
{
	int ret = platform_driver_register(&vt_pinner_driver);

	if (ret)
		return ret;
	vt_pinner_pdev = platform_device_register_simple("vt_pinner", PLATFORM_DEVID_NONE, NULL, 0);
	if (IS_ERR(vt_pinner_pdev)) {
		platform_driver_unregister(&vt_pinner_driver);
		return PTR_ERR(vt_pinner_pdev);
	}
	return 0;
}

static void __exit vt_pinner_exit(void)
{
	platform_device_unregister(vt_pinner_pdev);
	platform_driver_unregister(&vt_pinner_driver);
}

module_init(vt_pinner_init);
module_exit(vt_pinner_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vfio-trace fixture: a vfio device that pins pages through vfio_pin_pages()");
