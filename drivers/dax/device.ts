// SPDX-License-Identifier: GPL-2.0-only
/**
 * Port of drivers/dax/device.c (v7.0-rc4 f338e7738378, unchanged by the
 * series), reduced to the driver: device_dax binds dev_dax devices whose
 * region does not ask for kmem.
 *
 * Deviations: no character device, no dev_pagemap and no page mapping;
 * probe keeps the pgmap checks it can make and reserves each range in
 * iomem under the device's name, as the C does before mapping it.
 */
import type { PortUnit } from '../../framework/kernel/module/types.js';
import { EBUSY, EINVAL } from '../../framework/include/errno.js';
import { range_len } from '../../framework/include/linux/ioport.js';
import { DAXDRV_DEVICE_TYPE, MODULE_ALIAS_DAX_DEVICE, dax_device_driver } from './bus.h/base.js';
import type { dev_dax } from './dax-private.h.js';

export const device_c: PortUnit = {
  file: 'drivers/dax/device.c',
  url: import.meta.url,
  references: () => ['__dax_driver_register', 'dax_driver_unregister', 'static_dev_dax'],
  aliases: [MODULE_ALIAS_DAX_DEVICE(0)],
  create(k, sym) {
    const { THIS_MODULE, dev_warn, dev_name, devm_request_mem_region } = k;

    function dev_dax_probe(dev_dax: dev_dax): number {
      const dev = dev_dax.dev;

      if (sym.static_dev_dax(dev_dax)) {
        if (dev_dax.nr_range > 1) {
          dev_warn(dev, 'static pgmap / multi-range device conflict\n');
          return -EINVAL;
        }
      }

      for (let i = 0; i < dev_dax.nr_range; i++) {
        const range = dev_dax.ranges[i]!.range;

        if (!devm_request_mem_region(dev, range.start, range_len(range), dev_name(dev))) {
          dev_warn(dev, 'mapping%d: %#llx-%#llx could not reserve range\n', i, range.start, range.end);
          return -EBUSY;
        }
      }

      return 0;
    }

    const device_dax_driver = new dax_device_driver(DAXDRV_DEVICE_TYPE, dev_dax_probe);

    async function dax_init(): Promise<number> {
      return await sym.__dax_driver_register(device_dax_driver, THIS_MODULE, 'device_dax');
    }

    async function dax_exit(): Promise<void> {
      await sym.dax_driver_unregister(device_dax_driver);
    }

    return { initcalls: [{ level: 'device', fn: dax_init }], exit: dax_exit };
  },
};
