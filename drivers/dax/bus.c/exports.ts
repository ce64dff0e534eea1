// SPDX-License-Identifier: GPL-2.0-only
/**
 * What every version of drivers/dax/bus.c exports and shows in sysfs: the
 * dax_region/ group of a region's parent device, the start, end and
 * page_offset files of a mapping device (daxX.Y/mappingN/, with
 * get_dax_range() and put_dax_range()), the attributes of a dev_dax
 * (daxX.Y/size, target_node, resource, ...) with the helpers their show
 * functions use, and a macro the file uses. The dev_dax group itself,
 * whose is_visible() asks the configuration, and dax_mapping_type, whose
 * release needs the kernel API, are built in ./common.ts.
 *
 * Deviations: no store functions (size, align, mapping and
 * memmap_on_memory are writable in the kernel; nothing here writes them);
 * the show functions take no dax_dev_rwsem, and get_dax_range() no
 * dax_region_rwsem (see ./common.ts): it fails only for a mapping that
 * unregister_dax_mapping() has detached, and put_dax_range() is empty.
 */
import { ENXIO } from '../../../framework/include/errno.js';
import type { ExportDecl } from '../../../framework/kernel/module/types.js';
import { DEVICE_ATTR, DEVICE_ATTR_RO, DEVICE_ATTR_RW, DEVICE_ATTR_WO, __ATTR, sysfs_emit, type attribute_group, type device_attribute } from '../../../framework/fs/sysfs.js';
import { dev_to_node, type device } from '../../../framework/include/linux/device.js';
import { range_len, resource_size } from '../../../framework/include/linux/ioport.js';
import { DAX_DEVICE_MODALIAS_FMT, IORESOURCE_DAX_STATIC } from '../bus.h/base.js';
import { to_dax_mapping, to_dev_dax, type dax_region, type dev_dax, type dev_dax_range } from '../dax-private.h.js';

export const BUS_C_EXPORTS: readonly ExportDecl[] = [
  { symbol: 'static_dev_dax', gpl: true },
  { symbol: 'kill_dev_dax', gpl: true },
  { symbol: 'alloc_dax_region', gpl: true },
  { symbol: 'devm_create_dev_dax', gpl: true },
  { symbol: '__dax_driver_register', gpl: true },
  { symbol: 'dax_driver_unregister', gpl: true },
];

export function is_static(dax_region: dax_region): boolean {
  return (dax_region.res.flags & IORESOURCE_DAX_STATIC) !== 0;
}

export function dev_dax_size(dev_dax: dev_dax): number {
  let size = 0;
  for (let i = 0; i < dev_dax.nr_range; i++) size += range_len(dev_dax.ranges[i]!.range);
  return size;
}

export function dev_dax_target_node(dev_dax: dev_dax): number {
  const dax_region = dev_dax.region!;

  return dax_region.target_node;
}

// ---- dax_region/ on the region's parent device ---------------------------

function id_show(dev: device): string {
  const dax_region = dev.driver_data as dax_region;

  return sysfs_emit('%d\n', dax_region.id);
}
const dev_attr_id = DEVICE_ATTR_RO('id', id_show);

function region_size_show(dev: device): string {
  const dax_region = dev.driver_data as dax_region;

  return sysfs_emit('%llu\n', resource_size(dax_region.res));
}
const dev_attr_region_size = __ATTR('size', 0o444, region_size_show);

function region_align_show(dev: device): string {
  const dax_region = dev.driver_data as dax_region;

  return sysfs_emit('%u\n', dax_region.align);
}
const dev_attr_region_align = __ATTR('align', 0o400, region_align_show);

/** available_size, create, seed and delete are left out: nothing here partitions a region. */
const dax_region_attributes: readonly device_attribute[] = [dev_attr_region_size, dev_attr_region_align, dev_attr_id];

const dax_region_attribute_group: attribute_group = {
  name: 'dax_region',
  attrs: dax_region_attributes,
};

export const dax_region_attribute_groups: readonly attribute_group[] = [dax_region_attribute_group];

// ---- daxX.Y/mappingN/ -----------------------------------------------------

/** The range a mapping device shows, or null once unregister_dax_mapping() has detached it. */
function get_dax_range(dev: device): dev_dax_range | null {
  const mapping = to_dax_mapping(dev);
  const dev_dax = to_dev_dax(dev.parent!);

  // down_write_killable(&dax_region_rwsem): not modelled (see ./common.ts), so it cannot fail.
  if (mapping.range_id < 0) return null;

  return dev_dax.ranges[mapping.range_id]!;
}

function put_dax_range(): void {
  // up_write(&dax_region_rwsem): the lock is not modelled.
}

function start_show(dev: device): string | number {
  const dax_range = get_dax_range(dev);
  if (!dax_range) return -ENXIO;
  const rc = sysfs_emit('%#llx\n', dax_range.range.start);
  put_dax_range();

  return rc;
}
const dev_attr_start = DEVICE_ATTR('start', 0o400, start_show);

function end_show(dev: device): string | number {
  const dax_range = get_dax_range(dev);
  if (!dax_range) return -ENXIO;
  const rc = sysfs_emit('%#llx\n', dax_range.range.end);
  put_dax_range();

  return rc;
}
const dev_attr_end = DEVICE_ATTR('end', 0o400, end_show);

function pgoff_show(dev: device): string | number {
  const dax_range = get_dax_range(dev);
  if (!dax_range) return -ENXIO;
  const rc = sysfs_emit('%#lx\n', dax_range.pgoff);
  put_dax_range();

  return rc;
}
const dev_attr_page_offset = DEVICE_ATTR('page_offset', 0o400, pgoff_show);

const dax_mapping_attributes: readonly device_attribute[] = [dev_attr_start, dev_attr_end, dev_attr_page_offset];

const dax_mapping_attribute_group: attribute_group = {
  attrs: dax_mapping_attributes,
};

/** The groups of dax_mapping_type (./common.ts): start, end and page_offset of a mappingN/ directory. */
export const dax_mapping_attribute_groups: readonly attribute_group[] = [dax_mapping_attribute_group];

// ---- daxX.Y/ -------------------------------------------------------------

function size_show(dev: device): string {
  const dev_dax = to_dev_dax(dev);
  const size = dev_dax_size(dev_dax);

  return sysfs_emit('%llu\n', size);
}
export const dev_attr_size = DEVICE_ATTR_RW('size', size_show);

export const dev_attr_mapping = DEVICE_ATTR_WO('mapping');

function align_show(dev: device): string {
  const dev_dax = to_dev_dax(dev);

  return sysfs_emit('%d\n', dev_dax.align);
}
export const dev_attr_align = DEVICE_ATTR_RW('align', align_show);

function target_node_show(dev: device): string {
  const dev_dax = to_dev_dax(dev);

  return sysfs_emit('%d\n', dev_dax_target_node(dev_dax));
}
export const dev_attr_target_node = DEVICE_ATTR_RO('target_node', target_node_show);

function resource_show(dev: device): string {
  const dev_dax = to_dev_dax(dev);
  const dax_region = dev_dax.region!;
  let start: number;

  if (dev_dax.nr_range < 1) start = dax_region.res.start;
  else start = dev_dax.ranges[0]!.range.start;

  return sysfs_emit('%#llx\n', start);
}
export const dev_attr_resource = DEVICE_ATTR('resource', 0o400, resource_show);

function modalias_show(_dev: device): string {
  // The type in the alias is always 0: a dev_dax is a device-dax instance.
  return sysfs_emit(DAX_DEVICE_MODALIAS_FMT + '\n', 0);
}
export const dev_attr_modalias = DEVICE_ATTR_RO('modalias', modalias_show);

function numa_node_show(dev: device): string {
  return sysfs_emit('%d\n', dev_to_node(dev));
}
export const dev_attr_numa_node = DEVICE_ATTR_RO('numa_node', numa_node_show);

function memmap_on_memory_show(dev: device): string {
  const dev_dax = to_dev_dax(dev);

  return sysfs_emit('%d\n', dev_dax.memmap_on_memory ? 1 : 0);
}
export const dev_attr_memmap_on_memory = DEVICE_ATTR_RW('memmap_on_memory', memmap_on_memory_show);

export const dev_dax_attributes: readonly device_attribute[] = [
  dev_attr_modalias,
  dev_attr_size,
  dev_attr_mapping,
  dev_attr_target_node,
  dev_attr_align,
  dev_attr_resource,
  dev_attr_numa_node,
  dev_attr_memmap_on_memory,
];

export function IS_ALIGNED(x: number, a: number): boolean {
  return x % a === 0;
}
