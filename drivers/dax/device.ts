// SPDX-License-Identifier: GPL-2.0-only
/**
 * Port of drivers/dax/device.c (v7.0-rc4 f338e7738378, unchanged by the
 * series), reduced to the driver: device_dax binds dev_dax devices whose
 * region does not ask for kmem.
 *
 * Deviations: no character device, no page mapping; probe only checks the
 * ranges it would map.
 */
import type { PortUnit } from '../../framework/kernel/module/types.js';
import { DAXDRV_DEVICE_TYPE, MODULE_ALIAS_DAX_DEVICE, dax_device_driver } from './bus.h/base.js';
import type { dev_dax } from './dax-private.h.js';

export const device_c: PortUnit = {
  file: 'drivers/dax/device.c',
  url: import.meta.url,
  references: () => ['__dax_driver_register', 'dax_driver_unregister'],
  aliases: [MODULE_ALIAS_DAX_DEVICE(0)],
  create(k, sym) {
    const { THIS_MODULE } = k;

    function dev_dax_probe(_dev_dax: dev_dax): number {
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
