// SPDX-License-Identifier: GPL-2.0-only
/**
 * Port of drivers/dax/bus.c with [PATCH v8 1/9] dax/bus: Use
 * dax_region_put() in alloc_dax_region() error path (mainline
 * 14f2e2ebf311) on v7.0-rc4: the dax_region lifetime; the rest of the file
 * is in ./common.ts.
 *
 * Deviations: see ./common.ts. kzalloc's failure is the fault-injection
 * point "kmalloc" ("dax_region"); dax_region_free() also clears ->dev, as
 * a mark for tests that the release ran.
 */
import type { PortApi, PortUnit } from '../../../framework/kernel/module/types.js';
import { IORESOURCE_MEM, type range } from '../../../framework/include/linux/ioport.js';
import { kref_init, kref_put, type kref } from '../../../framework/include/linux/kref.js';
import { container_of } from '../../../framework/include/linux/container_of.js';
import type { device } from '../../../framework/include/linux/device.js';
import { dax_region } from '../dax-private.h.js';
import { dax_bus_common } from './common.js';
import { BUS_C_EXPORTS, IS_ALIGNED, dax_region_attribute_groups } from './exports.js';

function create(k: PortApi) {
  const { dev_get_drvdata, dev_set_drvdata, dev_WARN, sysfs_create_groups, sysfs_remove_groups, devm_add_action_or_reset, kzalloc, kfree } = k;

  function dax_region_free(kref: kref): void {
    const region = container_of<dax_region>(kref);
    // kshim's mark that the release ran (tests read it); the C only frees.
    region.dev = null;
    kfree(region);
  }

  function dax_region_put(dax_region: dax_region): void {
    kref_put(dax_region.kref, dax_region_free);
  }

  function dax_region_unregister(region: unknown): void {
    const dax_region = region as dax_region;

    sysfs_remove_groups(dax_region.dev!, dax_region_attribute_groups);
    dax_region_put(dax_region);
  }

  async function alloc_dax_region(parent: device, region_id: number, range: range, target_node: number, align: number, flags: number): Promise<dax_region | null> {
    if (dev_get_drvdata(parent)) {
      dev_WARN(parent, 'dax core failed to setup private data\n');
      return null;
    }

    if (!IS_ALIGNED(range.start, align) || !IS_ALIGNED(range.end - range.start + 1, align)) return null;

    const dax_region_ = kzalloc(() => new dax_region());
    if (!dax_region_) return null;

    dev_set_drvdata(parent, dax_region_);
    kref_init(dax_region_.kref);
    dax_region_.id = region_id;
    dax_region_.align = align;
    dax_region_.dev = parent;
    dax_region_.target_node = target_node;
    dax_region_.res.start = range.start;
    dax_region_.res.end = range.end;
    dax_region_.res.flags = IORESOURCE_MEM | flags;

    if (sysfs_create_groups(parent, dax_region_attribute_groups)) {
      dax_region_put(dax_region_);
      return null;
    }

    if (await devm_add_action_or_reset(parent, dax_region_unregister, dax_region_)) return null;
    return dax_region_;
  }

  const common = dax_bus_common(k, { dax_region_put });
  return { ...common, alloc_dax_region };
}

export const bus_c: PortUnit = {
  file: 'drivers/dax/bus.c',
  url: import.meta.url,
  exports: BUS_C_EXPORTS,
  create: (k) => {
    const c = create(k);
    return {
      initcalls: [{ level: 'subsys', fn: function dax_core_init() { return c.dax_bus_init(); } }],
      exit: function dax_core_exit() { c.dax_bus_exit(); },
      exports: c,
    };
  },
};
