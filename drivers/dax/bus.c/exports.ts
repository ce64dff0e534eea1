// SPDX-License-Identifier: GPL-2.0-only
/** What every version of drivers/dax/bus.c exports and shows in sysfs, and a macro it uses. */
import type { ExportDecl } from '../../../framework/kernel/module/types.js';
import type { attribute_group } from '../../../framework/fs/sysfs.js';
import { resource_size } from '../../../framework/include/linux/ioport.js';
import type { dax_region } from '../dax-private.h.js';

export const BUS_C_EXPORTS: readonly ExportDecl[] = [
  { symbol: 'static_dev_dax', gpl: true },
  { symbol: 'kill_dev_dax', gpl: true },
  { symbol: 'alloc_dax_region', gpl: true },
  { symbol: 'devm_create_dev_dax', gpl: true },
  { symbol: '__dax_driver_register', gpl: true },
  { symbol: 'dax_driver_unregister', gpl: true },
];

/** The dax_region/ attributes of the region's parent device. */
export const dax_region_attribute_groups: readonly attribute_group[] = [
  {
    name: 'dax_region',
    attrs: {
      id: (dev) => String((dev.driver_data as dax_region).id),
      size: (dev) => String(resource_size((dev.driver_data as dax_region).res)),
      align: (dev) => String((dev.driver_data as dax_region).align),
    },
  },
];

export function IS_ALIGNED(x: number, a: number): boolean {
  return x % a === 0;
}
