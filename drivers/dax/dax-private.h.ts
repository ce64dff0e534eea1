// SPDX-License-Identifier: GPL-2.0-only
/**
 * Port of drivers/dax/dax-private.h (v7.0-rc4 f338e7738378, unchanged by
 * the series): struct dax_region, struct dev_dax.
 *
 * Deviations: no dax_device, pgmap or mapping devices; a dev_dax keeps
 * its ranges only.
 */
import { container_of, embed } from '../../framework/include/linux/container_of.js';
import { device } from '../../framework/include/linux/device.js';
import { ida } from '../../framework/include/linux/idr.js';
import { resource, type range } from '../../framework/include/linux/ioport.js';
import { kref } from '../../framework/include/linux/kref.js';

export class dax_region {
  id = 0;
  target_node = -1;
  readonly kref = new kref();
  dev: device | null = null;
  align = 0;
  readonly ida = new ida();
  res = new resource();
  seed: device | null = null;
  youngest: device | null = null;
  constructor() {
    embed(this, 'kref');
  }
}

export interface dev_dax_range {
  pgoff: number;
  range: range;
}

export class dev_dax {
  region: dax_region | null = null;
  target_node = -1;
  dyn_id = false;
  id = -1;
  readonly ida = new ida();
  readonly dev = new device();
  align = 0;
  memmap_on_memory = false;
  nr_range = 0;
  ranges: dev_dax_range[] = [];
  constructor() {
    embed(this, 'dev');
  }
}

export function to_dev_dax(dev: device): dev_dax {
  return container_of<dev_dax>(dev);
}
