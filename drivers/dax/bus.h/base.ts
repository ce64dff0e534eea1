// SPDX-License-Identifier: GPL-2.0-only
/**
 * Port of drivers/dax/bus.h at v7.0-rc4 (f338e7738378 "Linux 7.0-rc4").
 *
 * Deviations: the dax driver's probe/remove take the dev_dax; the
 * dax_driver_register() macro is a function taking THIS_MODULE's name.
 */
import { container_of, embed } from '../../../framework/include/linux/container_of.js';
import { device_driver } from '../../../framework/include/linux/device.js';
import type { dax_region, dev_dax } from '../dax-private.h.js';

export { IORESOURCE_DAX_STATIC, IORESOURCE_DAX_KMEM } from '../../../framework/include/linux/ioport.js';

export interface dev_dax_data {
  dax_region: dax_region;
  size: number;
  id: number;
  memmap_on_memory: boolean;
}

export enum dax_driver_type {
  DAXDRV_KMEM_TYPE,
  DAXDRV_DEVICE_TYPE,
}
export const { DAXDRV_KMEM_TYPE, DAXDRV_DEVICE_TYPE } = dax_driver_type;

export class dax_device_driver {
  readonly drv = new device_driver('');
  readonly ids: string[] = [];
  constructor(
    readonly type: dax_driver_type,
    readonly probe: (dev_dax: dev_dax) => Promise<number> | number,
    readonly remove: ((dev_dax: dev_dax) => Promise<void> | void) | null = null,
  ) {
    embed(this, 'drv');
  }
}

export function to_dax_drv(drv: device_driver): dax_device_driver {
  return container_of<dax_device_driver>(drv);
}

/** MODULE_ALIAS_DAX_DEVICE(type) */
export function MODULE_ALIAS_DAX_DEVICE(type: number): string {
  return `dax:t${type}*`;
}

export const DAX_DEVICE_MODALIAS_FMT = 'dax:t%d';
