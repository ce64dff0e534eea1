// SPDX-License-Identifier: GPL-2.0-only
/**
 * Port of the parts of drivers/dax/bus.c that no tree state changes:
 * the dax bus, dev_dax creation and naming, the mapping devices of a
 * dev_dax, dax driver registration.
 * The dax_region lifetime functions, which the series edits, live in the
 * versioned files next to this one and are passed in.
 *
 * Models: v7.0-rc4 (f338e7738378 "Linux 7.0-rc4"); identical in substance
 * at every tree state of the series.
 *
 * The dev_dax attributes: dev_dax_type carries dax_attribute_groups, as
 * in the C, so device_add() creates daxX.Y/modalias, size, mapping
 * (write-only), target_node, align, resource, numa_node and
 * memmap_on_memory, with dev_dax_visible() deciding what shows, and
 * device_del() removes them. The show functions are in ./exports.ts. As
 * in the C, when device_add() fails the range alloc_dev_dax_range() took
 * is not trimmed (free_dev_dax_ranges() is not on that path): it stays a
 * child of the region's resource until the region goes.
 *
 * The mapping devices: once the dev_dax is registered,
 * __devm_create_dev_dax() gives its first range a child device,
 * daxX.Y/mapping0, through devm_register_dax_mapping() (dax_mapping_type:
 * start, end and page_offset, shown by ./exports.ts). The child holds a
 * reference on the dev_dax, dropped by dax_mapping_release(), and its
 * unregister_dax_mapping() is a devres action on the region's parent,
 * added after unregister_dev_dax's and so run before it: the mapping goes
 * first when the region driver unbinds. alloc_dev_dax_range() registers
 * a mapping itself only for a dev_dax already registered (the C's resize
 * and mapping_store() paths, not ported: see below); before device_add()
 * it leaves that to __devm_create_dev_dax(), as the C does.
 *
 * Deviations:
 * - No dax_device, inode or pgmap; kill_dev_dax is therefore empty.
 * - The dax_region_rwsem and dax_dev_rwsem are not modelled (all callers
 *   run under the device lock of the region's parent in this simulation).
 *   get_dax_range() therefore cannot fail with -EINTR, put_dax_range()
 *   is empty, and devm_register_dax_mapping() has no lockdep assertion.
 * - size_store() and mapping_store() (dev_dax_resize(), dev_dax_shrink())
 *   are not ported: a dev_dax keeps the one range it was created with, so
 *   the registered branch of alloc_dev_dax_range() is never taken and no
 *   mapping device goes before the region driver unbinds (dev_dax_shrink()'s
 *   devm_release_action() of unregister_dax_mapping).
 * - device_is_registered() is the inline of include/linux/device.h,
 *   defined here (state_in_sysfs is the kobject's).
 * - The mapping device is kzalloc()ed as `new dax_mapping()`: its failure
 *   is the fault-injection point "kmalloc" ("dax_mapping"), and kfree()
 *   of it is the garbage collector's.
 * - dax_bus_lock is not taken (dax_match_id(), dax_driver_unregister()):
 *   nothing here adds ids through new_id, and dax_bus_type has no
 *   drv_groups, so the dax drivers have no new_id or remove_id files.
 * - struct device_driver has no mod_name here; __dax_driver_register()
 *   sets the name and the owner only.
 * - No pgmap and no alloc_dax(), so the err_pgmap and err_alloc_dax
 *   labels of __devm_create_dev_dax() are never reached and left out.
 * - The dax_region/ sysfs group has id, size and align only (no
 *   available_size, create, seed or delete: nothing here writes them).
 * - dax_core_init() and dax_core_exit() of super.c are folded in: they
 *   register the bus at subsys_initcall level and unregister it at exit.
 */
import type { PortApi } from '../../../framework/kernel/module/types.js';
import { ERR_PTR, EBUSY, EINVAL, ENOMEM, ENXIO, type ErrPtr } from '../../../framework/include/errno.js';
import { bus_type, type device, type device_driver, type device_type } from '../../../framework/include/linux/device.js';
import type { attribute, attribute_group } from '../../../framework/fs/sysfs.js';
import { ida_alloc, ida_free, ida_init } from '../../../framework/include/linux/idr.js';
import { range_len, type resource } from '../../../framework/include/linux/ioport.js';
import { kref_get } from '../../../framework/include/linux/kref.js';
import { DAX_DEVICE_MODALIAS_FMT, DAXDRV_DEVICE_TYPE, DAXDRV_KMEM_TYPE, IORESOURCE_DAX_KMEM, to_dax_drv, type dax_device_driver, type dev_dax_data } from '../bus.h/base.js';
import { dax_mapping, dev_dax, to_dax_mapping, to_dev_dax, type dax_region } from '../dax-private.h.js';
import {
  dax_mapping_attribute_groups,
  dev_attr_align,
  dev_attr_mapping,
  dev_attr_numa_node,
  dev_attr_size,
  dev_attr_target_node,
  dev_dax_attributes,
  dev_dax_size,
  dev_dax_target_node,
  is_static,
} from './exports.js';

export interface DaxRegionLifetime {
  dax_region_put(dax_region: dax_region): void;
}

export function dax_bus_common(k: PortApi, lifetime: DaxRegionLifetime) {
  const { dev_dbg, dev_WARN_ONCE, device_initialize, dev_set_name, device_add, device_del, device_unregister, get_device, put_device, dev_name,
    devm_add_action_or_reset, driver_register, kzalloc, driver_unregister, bus_register, bus_unregister, __request_region, __release_region,
    IS_ENABLED } = k;
  const { dax_region_put } = lifetime;

  function dax_bus_uevent(_dev: device, env: Map<string, string>): void {
    env.set('MODALIAS', DAX_DEVICE_MODALIAS_FMT.replace('%d', '0'));
  }

  function dax_match_id(dax_drv: dax_device_driver, dev: device): number {
    return dax_drv.ids.includes(dev_name(dev)) ? 1 : 0;
  }

  function dax_match_type(dax_drv: dax_device_driver, dev: device): number {
    let type = DAXDRV_DEVICE_TYPE;
    const dev_dax = to_dev_dax(dev);

    if (dev_dax.region!.res.flags & IORESOURCE_DAX_KMEM) type = DAXDRV_KMEM_TYPE;

    if (dax_drv.type === type) return 1;

    if (dax_drv.type === DAXDRV_DEVICE_TYPE && !IS_ENABLED('CONFIG_DEV_DAX_KMEM')) return 1;

    return 0;
  }

  function static_dev_dax(dev_dax: dev_dax): boolean {
    return is_static(dev_dax.region!);
  }

  async function dax_bus_probe(dev: device): Promise<number> {
    const dax_drv = to_dax_drv(dev.driver!);
    const dev_dax = to_dev_dax(dev);
    const dax_region = dev_dax.region!;
    const size = dev_dax_size(dev_dax);

    if (size === 0 || dev_dax.id < 0) return -ENXIO;

    const rc = await dax_drv.probe(dev_dax);

    if (rc || is_static(dax_region)) return rc;

    if (dax_region.seed === dev) dax_region.seed = null;

    return 0;
  }

  async function dax_bus_remove(dev: device): Promise<void> {
    const dax_drv = to_dax_drv(dev.driver!);
    const dev_dax = to_dev_dax(dev);

    if (dax_drv.remove) await dax_drv.remove(dev_dax);
  }

  function dax_bus_match(dev: device, drv: device_driver): number {
    const dax_drv = to_dax_drv(drv);

    if (dax_match_id(dax_drv, dev)) return 1;
    return dax_match_type(dax_drv, dev);
  }

  const dax_bus_type = new bus_type('dax');
  dax_bus_type.uevent = dax_bus_uevent;
  dax_bus_type.match = dax_bus_match;
  dax_bus_type.probe = dax_bus_probe;
  dax_bus_type.remove = dax_bus_remove;

  function kill_dev_dax(_dev_dax: dev_dax): void {
    // kill_dax() and the inode unmap have nothing to model here.
  }

  function trim_dev_dax_range(dev_dax: dev_dax): void {
    const i = dev_dax.nr_range - 1;
    const range = dev_dax.ranges[i]!.range;
    const dax_region = dev_dax.region!;

    dev_dbg(dev_dax.dev, 'delete range[%d]: %#llx:%#llx\n', i, range.start, range.end);

    __release_region(dax_region.res, range.start, range_len(range));
    if (--dev_dax.nr_range === 0) dev_dax.ranges = [];
    else dev_dax.ranges.pop();
  }

  function free_dev_dax_ranges(dev_dax: dev_dax): void {
    while (dev_dax.nr_range) trim_dev_dax_range(dev_dax);
  }

  async function unregister_dev_dax(dev: unknown): Promise<void> {
    const d = dev as device;
    const dev_dax = to_dev_dax(d);

    dev_dbg(d, '%s\n', 'unregister_dev_dax');

    kill_dev_dax(dev_dax);
    await device_del(d);
    free_dev_dax_ranges(dev_dax);
    put_device(d);
  }

  function __free_dev_dax_id(dev_dax: dev_dax): number {
    const rc = dev_dax.id;

    if (!dev_dax.dyn_id || dev_dax.id < 0) return -1;
    const dax_region = dev_dax.region!;
    ida_free(dax_region.ida, dev_dax.id);
    dax_region_put(dax_region);
    dev_dax.id = -1;
    return rc;
  }

  function alloc_dev_dax_id(dev_dax: dev_dax): number {
    const dax_region = dev_dax.region!;

    const id = ida_alloc(dax_region.ida);
    if (id < 0) return id;
    kref_get(dax_region.kref);
    dev_dax.dyn_id = true;
    dev_dax.id = id;
    return id;
  }

  // The inline of include/linux/device.h.
  function device_is_registered(dev: device): boolean {
    return dev.state_in_sysfs;
  }

  function dax_mapping_release(dev: device): void {
    const mapping = to_dax_mapping(dev);
    const parent = dev.parent!;
    const dev_dax = to_dev_dax(parent);

    ida_free(dev_dax.ida, mapping.id);
    // kfree(mapping): the garbage collector's.
    put_device(parent);
  }

  async function unregister_dax_mapping(data: unknown): Promise<void> {
    const dev = data as device;
    const mapping = to_dax_mapping(dev);
    const dev_dax = to_dev_dax(dev.parent!);

    dev_dbg(dev, '%s\n', 'unregister_dax_mapping');

    dev_dax.ranges[mapping.range_id]!.mapping = null;
    mapping.range_id = -1;

    await device_unregister(dev);
  }

  // get_dax_range(), put_dax_range() and the show functions are in ./exports.ts.
  const dax_mapping_type: device_type = {
    release: dax_mapping_release,
    groups: dax_mapping_attribute_groups,
  };

  async function devm_register_dax_mapping(dev_dax: dev_dax, range_id: number): Promise<number> {
    const dax_region = dev_dax.region!;
    let rc: number;

    if (dev_WARN_ONCE(dev_dax.dev, !dax_region.dev!.driver, 'region disabled\n')) return -ENXIO;

    const mapping = kzalloc(() => new dax_mapping());
    if (!mapping) return -ENOMEM;
    mapping.range_id = range_id;
    mapping.id = ida_alloc(dev_dax.ida);
    if (mapping.id < 0) {
      // kfree(mapping)
      return -ENOMEM;
    }
    dev_dax.ranges[range_id]!.mapping = mapping;
    const dev = mapping.dev;
    device_initialize(dev);
    dev.parent = dev_dax.dev;
    get_device(dev.parent);
    dev.type = dax_mapping_type;
    dev_set_name(dev, 'mapping%d', mapping.id);
    rc = await device_add(dev);
    if (rc) {
      // The last put runs dax_mapping_release(): the id goes back and the dev_dax reference with it.
      put_device(dev);
      return rc;
    }

    rc = await devm_add_action_or_reset(dax_region.dev!, unregister_dax_mapping, dev);
    if (rc) return rc;
    return 0;
  }

  async function alloc_dev_dax_range(dev_dax: dev_dax, start: number, size: number): Promise<number> {
    const dax_region = dev_dax.region!;
    const res: resource = dax_region.res;
    const dev = dev_dax.dev;
    let pgoff = 0;

    if (!size) {
      if (dev_WARN_ONCE(dev, dev_dax.nr_range, '0-size allocation must be first\n')) return -EBUSY;
      return 0;
    }

    const alloc = __request_region(res, start, size, dev_name(dev), 0);
    if (!alloc) return -ENOMEM;

    for (let i = 0; i < dev_dax.nr_range; i++) pgoff += Math.floor(range_len(dev_dax.ranges[i]!.range) / 4096);
    dev_dax.ranges.push({ pgoff, range: { start: alloc.start, end: alloc.end }, mapping: null });
    dev_dax.nr_range++;

    dev_dbg(dev, 'alloc range[%d]: %pa:%pa\n', dev_dax.nr_range - 1, alloc.start, alloc.end);
    // Not registered yet: __devm_create_dev_dax() adds the first mapping device after device_add().
    if (!device_is_registered(dev_dax.dev)) return 0;

    const rc = await devm_register_dax_mapping(dev_dax, dev_dax.nr_range - 1);
    if (rc) trim_dev_dax_range(dev_dax);

    return rc;
  }

  // dax_dev_rwsem is not modelled (see the header): the locked wrapper only calls the helper.
  function free_dev_dax_id(dev_dax: dev_dax): number {
    return __free_dev_dax_id(dev_dax);
  }

  function dev_dax_visible(kobj: device, a: attribute, _n: number): number {
    const dev = kobj;
    const dev_dax = to_dev_dax(dev);
    const dax_region = dev_dax.region!;

    if (a === dev_attr_target_node.attr && dev_dax_target_node(dev_dax) < 0) return 0;
    if (a === dev_attr_numa_node.attr && !IS_ENABLED('CONFIG_NUMA')) return 0;
    if (a === dev_attr_mapping.attr && is_static(dax_region)) return 0;
    if ((a === dev_attr_align.attr || a === dev_attr_size.attr) && is_static(dax_region)) return 0o444;
    return a.mode;
  }

  const dev_dax_attribute_group: attribute_group = {
    attrs: dev_dax_attributes,
    is_visible: dev_dax_visible,
  };

  const dax_attribute_groups: readonly attribute_group[] = [dev_dax_attribute_group];

  function dev_dax_release(dev: device): void {
    const dev_dax = to_dev_dax(dev);

    free_dev_dax_id(dev_dax);
  }

  // The name is ours, for reports: dev_dax_type has none.
  const dev_dax_type: device_type = {
    name: 'dev_dax',
    release: dev_dax_release,
    groups: dax_attribute_groups,
  };

  async function __devm_create_dev_dax(data: dev_dax_data): Promise<dev_dax | ErrPtr> {
    const dax_region = data.dax_region;
    const parent = dax_region.dev!;
    let rc: number;

    const dev_dax_ = kzalloc(() => new dev_dax());
    if (!dev_dax_) return ERR_PTR(-ENOMEM);

    dev_dax_.region = dax_region;
    // err_id: kfree(dev_dax) is the garbage collector's.
    if (is_static(dax_region)) {
      if (dev_WARN_ONCE(parent, data.id < 0, 'dynamic id specified to static region\n')) return ERR_PTR(-EINVAL);
      dev_dax_.id = data.id;
    } else {
      if (dev_WARN_ONCE(parent, data.id >= 0, 'static id specified to dynamic region\n')) return ERR_PTR(-EINVAL);
      rc = alloc_dev_dax_id(dev_dax_);
      if (rc < 0) return ERR_PTR(rc);
    }

    const dev = dev_dax_.dev;
    dev.type = dev_dax_type;
    device_initialize(dev);
    dev_set_name(dev, 'dax%d.%d', dax_region.id, dev_dax_.id);

    rc = await alloc_dev_dax_range(dev_dax_, dax_region.res.start, data.size);
    if (rc) {
      // err_range: the last put_device() runs dev_dax_release(), which frees the id.
      put_device(dev);
      return ERR_PTR(rc);
    }

    dev_dax_.target_node = dax_region.target_node;
    dev_dax_.align = dax_region.align;
    ida_init(dev_dax_.ida);
    dev_dax_.memmap_on_memory = data.memmap_on_memory;

    dev.bus = dax_bus_type;
    dev.parent = parent;

    rc = await device_add(dev);
    if (rc) {
      kill_dev_dax(dev_dax_);
      put_device(dev);
      return ERR_PTR(rc);
    }

    rc = await devm_add_action_or_reset(dax_region.dev!, unregister_dev_dax, dev);
    if (rc) return ERR_PTR(rc);

    // A dev_dax created with a size has its first range now: give it mapping0.
    if (dev_dax_.nr_range && range_len(dev_dax_.ranges[0]!.range)) {
      rc = await devm_register_dax_mapping(dev_dax_, 0);
      if (rc) return ERR_PTR(rc);
    }

    return dev_dax_;
  }

  async function devm_create_dev_dax(data: dev_dax_data): Promise<dev_dax | ErrPtr> {
    return await __devm_create_dev_dax(data);
  }

  async function __dax_driver_register(dax_drv: dax_device_driver, module: string | null, mod_name: string): Promise<number> {
    const drv = dax_drv.drv;

    if (!dax_drv.probe) return -EINVAL;

    // INIT_LIST_HEAD(&dax_drv->ids)
    dax_drv.ids.length = 0;
    drv.owner = module;
    drv.name = mod_name;
    drv.bus = dax_bus_type;

    return await driver_register(drv);
  }

  async function dax_driver_unregister(dax_drv: dax_device_driver): Promise<void> {
    dax_drv.ids.length = 0;
    await driver_unregister(dax_drv.drv);
  }

  function dax_bus_init(): number {
    return bus_register(dax_bus_type);
  }

  function dax_bus_exit(): void {
    bus_unregister(dax_bus_type);
  }

  return {
    dax_bus_type,
    static_dev_dax,
    kill_dev_dax,
    devm_create_dev_dax,
    __dax_driver_register,
    dax_driver_unregister,
    dax_bus_init,
    dax_bus_exit,
  };
}
