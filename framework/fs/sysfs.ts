// SPDX-License-Identifier: GPL-2.0-only
/**
 * sysfs attribute groups (fs/sysfs/group.c, fs/sysfs/file.c), kept per
 * device so the sysfs view can list and read them. Creating groups is a
 * fault-injection point ("sysfs_create_groups", matched on the device
 * name), which makes the error paths of callers such as alloc_dax_region()
 * and device_add() reachable.
 *
 * Deviations:
 * - A group lists device_attributes (the C lists the struct attribute
 *   embedded in each); is_visible() still receives the embedded attribute,
 *   so a port compares `a === dev_attr_x.attr` as the C does.
 * - show() returns the text instead of filling a page; sysfs_emit() is
 *   vsprintf() and returns that text. A show() that fails returns its
 *   negative errno, as the C's ssize_t does; the view has no read() to
 *   fail, so attributes() gives such a file no value, as it does a file
 *   without a read bit.
 * - No store(), no bin_attrs, no kernfs nodes: a created attribute is a
 *   name and the mode is_visible() gave it when its group was created.
 * - A failed sysfs_create_groups() creates nothing (the C removes the
 *   groups it had created before the failing one: the same end state).
 */
import { ContainerModule, inject, injectable } from 'inversify';
import type { device } from '../include/linux/device.js';
import { FaultInjection } from '../kernel/fail_function.js';
import { vsprintf } from '../lib/vsprintf.js';

/** struct attribute: a file name and its permission bits (umode_t). */
export interface attribute {
  readonly name: string;
  readonly mode: number;
}

/** struct device_attribute, without store(): a null show() is a write-only file; a number from show() is a negative errno. */
export interface device_attribute {
  readonly attr: attribute;
  readonly show: ((dev: device, attr: device_attribute) => string | number) | null;
}

export interface attribute_group {
  readonly name?: string;
  readonly attrs: readonly device_attribute[];
  /** 0 hides attrs[n]; any other value is the mode of its file. */
  readonly is_visible?: (kobj: device, a: attribute, n: number) => number;
}

/** __ATTR(_name, _mode, _show, _store), store left out. */
export function __ATTR(name: string, mode: number, show: device_attribute['show']): device_attribute {
  return { attr: { name, mode }, show };
}

/** DEVICE_ATTR(_name, _mode, _show, _store), store left out. */
export const DEVICE_ATTR = __ATTR;

/** DEVICE_ATTR_RO(_name): 0444, _name##_show. */
export function DEVICE_ATTR_RO(name: string, show: NonNullable<device_attribute['show']>): device_attribute {
  return __ATTR(name, 0o444, show);
}

/** DEVICE_ATTR_RW(_name): 0644, _name##_show (the store is not modelled). */
export function DEVICE_ATTR_RW(name: string, show: NonNullable<device_attribute['show']>): device_attribute {
  return __ATTR(name, 0o644, show);
}

/** DEVICE_ATTR_WO(_name): 0200, no show. */
export function DEVICE_ATTR_WO(name: string): device_attribute {
  return __ATTR(name, 0o200, null);
}

/** sysfs_emit(buf, fmt, ...): the text a show() returns. */
export function sysfs_emit(fmt: string, ...args: unknown[]): string {
  return vsprintf(fmt, args);
}

const S_IRUGO = 0o444;

/** A group as created on one kobject: the attributes is_visible() kept, with their modes. */
interface created_group {
  readonly group: attribute_group;
  readonly files: ReadonlyArray<{ readonly attr: device_attribute; readonly mode: number }>;
}

export interface SysfsApi {
  sysfs_create_groups(kobj: device, groups: readonly attribute_group[] | null): number;
  sysfs_remove_groups(kobj: device, groups: readonly attribute_group[] | null): void;
}

@injectable()
export class Sysfs {
  private readonly groups = new WeakMap<device, created_group[]>();

  constructor(@inject(FaultInjection) private readonly faults: FaultInjection) {}

  sysfs_create_groups(kobj: device, groups: readonly attribute_group[] | null): number {
    if (!groups) return 0;
    const err = this.faults.should_fail('sysfs_create_groups', kobj.name ?? undefined);
    if (err) return err;
    const list = this.groups.get(kobj) ?? [];
    for (const grp of groups) list.push(this.create_files(kobj, grp));
    this.groups.set(kobj, list);
    return 0;
  }

  /** create_files(): each attribute that is_visible() does not hide, with the mode it gives. */
  private create_files(kobj: device, grp: attribute_group): created_group {
    const files: Array<{ attr: device_attribute; mode: number }> = [];
    grp.attrs.forEach((a, i) => {
      let mode = a.attr.mode;
      if (grp.is_visible) {
        mode = grp.is_visible(kobj, a.attr, i);
        if (!mode) return;
      }
      files.push({ attr: a, mode });
    });
    return { group: grp, files };
  }

  sysfs_remove_groups(kobj: device, groups: readonly attribute_group[] | null): void {
    if (!groups) return;
    const list = this.groups.get(kobj);
    if (list === undefined) return;
    this.groups.set(kobj, list.filter((c) => !groups.includes(c.group)));
  }

  /** The groups created on a device, in creation order. */
  groupsOf(dev: device): attribute_group[] {
    return (this.groups.get(dev) ?? []).map((c) => c.group);
  }

  /**
   * The attribute files of a device as [path, value], "dir/name" inside a
   * named group. The value is what `cat` prints (show() without its final
   * newline), or null for a file that cannot be read (no show(), or no
   * read bit: cat fails with "Permission denied"; or a show() that
   * returned an errno, which the view cannot tell apart).
   */
  attributes(dev: device): Array<[string, string | null]> {
    const out: Array<[string, string | null]> = [];
    for (const { group, files } of this.groups.get(dev) ?? []) {
      for (const { attr, mode } of files) {
        const path = group.name ? `${group.name}/${attr.attr.name}` : attr.attr.name;
        const readable = attr.show !== null && (mode & S_IRUGO) !== 0;
        const text = readable ? attr.show!(dev, attr) : null;
        out.push([path, typeof text === 'string' ? text.replace(/\n$/, '') : null]);
      }
    }
    return out;
  }

  api(): SysfsApi {
    return {
      sysfs_create_groups: (kobj, groups) => this.sysfs_create_groups(kobj, groups),
      sysfs_remove_groups: (kobj, groups) => this.sysfs_remove_groups(kobj, groups),
    };
  }
}

export const sysfsModule = new ContainerModule(({ bind }) => {
  bind(Sysfs).toSelf();
});
