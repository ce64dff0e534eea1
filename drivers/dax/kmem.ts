// SPDX-License-Identifier: GPL-2.0-only
/**
 * Port of drivers/dax/kmem.c (v7.0-rc4 f338e7738378, unchanged by the
 * series), reduced to what shows in /proc/iomem: each dev_dax range is
 * reserved under the dax device's name and hot-added as
 * "System RAM (kmem)" beneath it.
 *
 * Deviations: memory hotplug is a resource request (no memory blocks, no
 * memory tiers, no onlining); hot-remove always succeeds. Ranges are not
 * trimmed to memory block boundaries (dax_kmem_range()): the shipped
 * scenarios' ranges are 128 MiB aligned, and an unaligned range shows
 * larger here than in a kernel's /proc/iomem.
 */
import type { PortUnit } from '../../framework/kernel/module/types.js';
import { EBUSY, EEXIST, EINVAL } from '../../framework/include/errno.js';
import { IORESOURCE_BUSY, IORESOURCE_SYSRAM_DRIVER_MANAGED, IORESOURCE_SYSTEM_RAM, range_len, resource_size, type resource } from '../../framework/include/linux/ioport.js';
import { DAXDRV_KMEM_TYPE, MODULE_ALIAS_DAX_DEVICE, dax_device_driver } from './bus.h/base.js';
import type { dev_dax } from './dax-private.h.js';

interface dax_kmem_data {
  res_name: string;
  res: Array<resource | null>;
  ram: Array<resource | null>;
}

export const kmem_c: PortUnit = {
  file: 'drivers/dax/kmem.c',
  url: import.meta.url,
  references: () => ['__dax_driver_register', 'dax_driver_unregister'],
  aliases: [MODULE_ALIAS_DAX_DEVICE(0)],
  create(k, sym) {
    const { dev_warn, dev_name, dev_set_drvdata, dev_get_drvdata, request_mem_region, release_mem_region, __request_region, __release_region, iomem_resource, THIS_MODULE } = k;
    const kmem_name = 'System RAM (kmem)';

    // mm/memory_hotplug.c reduced to register_memory_resource(): the iomem node, or -EEXIST.
    function add_memory_driver_managed(_nid: number, start: number, size: number, resource_name: string): number {
      let flags = IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY;
      if (resource_name !== 'System RAM') flags |= IORESOURCE_SYSRAM_DRIVER_MANAGED;
      const res = __request_region(iomem_resource, start, size, resource_name, flags);
      return res ? 0 : -EEXIST;
    }

    function dev_dax_kmem_probe(dev_dax: dev_dax): number {
      const dev = dev_dax.dev;
      let mapped = 0;

      const numa_node = dev_dax.target_node;
      if (numa_node < 0) {
        dev_warn(dev, 'rejecting DAX region with invalid node: %d\n', numa_node);
        return -EINVAL;
      }

      const data: dax_kmem_data = { res_name: dev_name(dev), res: [], ram: [] };

      for (let i = 0; i < dev_dax.nr_range; i++) {
        const range = dev_dax.ranges[i]!.range;

        const res = request_mem_region(range.start, range_len(range), data.res_name);
        if (!res) {
          dev_warn(dev, 'mapping%d: %#llx-%#llx could not reserve region\n', i, range.start, range.end);
          if (mapped) continue;
          return -EBUSY;
        }
        data.res[i] = res;

        res.flags = IORESOURCE_SYSTEM_RAM;

        const rc = add_memory_driver_managed(numa_node, range.start, range_len(range), kmem_name);
        if (rc) {
          dev_warn(dev, 'mapping%d: %#llx-%#llx memory add failed\n', i, range.start, range.end);
          res.flags |= IORESOURCE_BUSY;
          release_mem_region(range.start, range_len(range));
          data.res[i] = null;
          if (mapped) continue;
          return rc;
        }
        mapped++;
      }

      dev_set_drvdata(dev, data);
      return 0;
    }

    function dev_dax_kmem_remove(dev_dax: dev_dax): void {
      const dev = dev_dax.dev;
      const data = dev_get_drvdata(dev) as dax_kmem_data | null;
      if (!data) return;

      for (let i = 0; i < dev_dax.nr_range; i++) {
        const res = data.res[i];
        if (!res) continue;
        __release_region(iomem_resource, res.start, resource_size(res));
        res.flags |= IORESOURCE_BUSY;
        release_mem_region(res.start, resource_size(res));
        data.res[i] = null;
      }
      dev_set_drvdata(dev, null);
    }

    const device_dax_kmem_driver = new dax_device_driver(DAXDRV_KMEM_TYPE, dev_dax_kmem_probe, dev_dax_kmem_remove);

    async function dax_kmem_init(): Promise<number> {
      return await sym.__dax_driver_register(device_dax_kmem_driver, THIS_MODULE, 'kmem');
    }

    async function dax_kmem_exit(): Promise<void> {
      await sym.dax_driver_unregister(device_dax_kmem_driver);
    }

    return { initcalls: [{ level: 'device', fn: dax_kmem_init }], exit: dax_kmem_exit };
  },
};
