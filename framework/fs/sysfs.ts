// SPDX-License-Identifier: GPL-2.0-only
/**
 * sysfs attribute groups (fs/sysfs/group.c), kept per device so the sysfs
 * view can list them. Creating groups is a fault-injection point
 * ("sysfs_create_groups"), which makes the error paths of callers such as
 * alloc_dax_region() reachable.
 */
import { ContainerModule, inject, injectable } from 'inversify';
import type { device } from '../include/linux/device.js';
import { FaultInjection } from '../kernel/fail_function.js';

export interface attribute_group {
  readonly name?: string;
  /** Attribute name to its show() result. */
  readonly attrs: Readonly<Record<string, (dev: device) => string>>;
}

export interface SysfsApi {
  sysfs_create_groups(kobj: device, groups: readonly attribute_group[]): number;
  sysfs_remove_groups(kobj: device, groups: readonly attribute_group[]): void;
}

@injectable()
export class Sysfs {
  private readonly groups = new WeakMap<device, attribute_group[]>();

  constructor(@inject(FaultInjection) private readonly faults: FaultInjection) {}

  sysfs_create_groups(kobj: device, groups: readonly attribute_group[]): number {
    const err = this.faults.should_fail('sysfs_create_groups', kobj.name ?? undefined);
    if (err) return err;
    const list = this.groups.get(kobj) ?? [];
    list.push(...groups);
    this.groups.set(kobj, list);
    return 0;
  }

  sysfs_remove_groups(kobj: device, groups: readonly attribute_group[]): void {
    const list = this.groups.get(kobj);
    if (list === undefined) return;
    this.groups.set(kobj, list.filter((g) => !groups.includes(g)));
  }

  /** The attributes of a device as name = value, for the sysfs view. */
  attributes(dev: device): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    for (const g of this.groups.get(dev) ?? []) {
      for (const [name, show] of Object.entries(g.attrs)) out.push([g.name ? `${g.name}/${name}` : name, show(dev)]);
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
  bind(Sysfs).toSelf().inSingletonScope();
});
