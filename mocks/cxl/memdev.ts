// SPDX-License-Identifier: GPL-2.0-only
/**
 * Mocked memdev lifetime of cxl_core (drivers/cxl/core/memdev.c): memdev
 * ids come from cxl_memdev_ida and go back to it when the last reference
 * is dropped, and each memdev carries detach_work, which cxl_port queues
 * (through schedule_cxl_memdev_detach()) when the memdev's endpoint port
 * is unbound: the work unbinds cxl_mem from the memdev, so that a later
 * rescan of the cxl bus, when a port topology is there again, probes it
 * afresh.
 *
 * Deviations: the memdev's id is freed by dev->release rather than by
 * cxl_memdev_type's release (see cxl.h.ts); no character device, no
 * cxl_dev_state: the mocked cxl_pci hands over only what the BIOS
 * programmed into the HDM decoder.
 */
import type { PortUnit } from '../../framework/kernel/module/types.js';
import { ENOMEM } from '../../framework/include/errno.js';
import type { device } from '../../framework/include/linux/device.js';
import { ida, ida_alloc, ida_free } from '../../framework/include/linux/idr.js';
import { container_of } from '../../framework/include/linux/container_of.js';
import type { work_struct } from '../../framework/include/linux/workqueue_types.js';
import { cxl_memdev, cxl_memdev_type, to_cxl_memdev, type cxl_hdm_program } from './cxl.h.js';

export const core_memdev_c: PortUnit = {
  file: 'drivers/cxl/core/memdev.c',
  url: import.meta.url,
  exports: [{ symbol: '__devm_cxl_add_memdev', gpl: true, forModules: 'cxl_mem' }],
  create(k, sym) {
    const { device_unregister, device_release_driver, devm_add_action_or_reset, put_device, INIT_WORK } = k;
    const cxl_memdev_ida = new ida();

    function cxl_memdev_release(dev: device): void {
      ida_free(cxl_memdev_ida, to_cxl_memdev(dev).id);
    }

    async function detach_memdev(work: work_struct): Promise<void> {
      const cxlmd = container_of<cxl_memdev>(work);
      await device_release_driver(cxlmd.dev);
      put_device(cxlmd.dev);
    }

    async function cxl_memdev_unregister(data: unknown): Promise<void> {
      await device_unregister((data as cxl_memdev).dev);
    }

    async function __devm_cxl_add_memdev(host: device, hdm: cxl_hdm_program | null): Promise<cxl_memdev | { err: number }> {
      const cxlmd = new cxl_memdev();
      const id = ida_alloc(cxl_memdev_ida);
      if (id < 0) return { err: id };
      cxlmd.id = id;
      INIT_WORK(cxlmd.detach_work, detach_memdev);
      cxlmd.hdm = hdm;
      cxlmd.dev.type = cxl_memdev_type;
      cxlmd.dev.release = cxl_memdev_release;
      const rc = await sym.cxl_device_add(cxlmd.dev, host, `mem${cxlmd.id}`);
      if (rc) {
        put_device(cxlmd.dev);
        return { err: rc };
      }
      if (await devm_add_action_or_reset(host, cxl_memdev_unregister, cxlmd)) return { err: -ENOMEM };
      return cxlmd;
    }

    return { exports: { __devm_cxl_add_memdev } };
  },
};
