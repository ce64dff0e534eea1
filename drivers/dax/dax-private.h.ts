// SPDX-License-Identifier: GPL-2.0-only
/**
 * Port of drivers/dax/dax-private.h (v7.0-rc4 f338e7738378, unchanged by
 * the series): struct dax_region, struct dax_mapping, struct dev_dax_range,
 * struct dev_dax, to_dev_dax() and to_dax_mapping().
 *
 * Deviations: no dax_device and no pgmap (struct dev_dax has neither);
 * dev_dax.ranges is an array that grows and shrinks with nr_range instead
 * of a krealloc()ed buffer. run_dax(), dax_pgoff_to_phys() and
 * dax_align_valid() are not declared: nothing here maps dax memory.
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

/** One mapping%d child of a dev_dax: the device that shows one of its ranges in sysfs. */
export class dax_mapping {
  readonly dev = new device();
  /** Index into the dev_dax's ranges; -1 once unregister_dax_mapping() has detached it. */
  range_id = 0;
  id = 0;
  constructor() {
    embed(this, 'dev');
  }
}

export interface dev_dax_range {
  pgoff: number;
  range: range;
  /** The mapping%d device of this range, null until it is registered and after it is unregistered. */
  mapping: dax_mapping | null;
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

export function to_dax_mapping(dev: device): dax_mapping {
  return container_of<dax_mapping>(dev);
}
