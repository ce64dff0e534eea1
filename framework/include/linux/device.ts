// SPDX-License-Identifier: GPL-2.0-only
/**
 * struct device, struct device_driver, struct bus_type and their private
 * parts (include/linux/device.h, drivers/base/base.h), as TypeScript
 * classes with the kernel's field names.
 */
import { mutex } from '../../kernel/locking.js';
import type { attribute_group } from '../../fs/sysfs.js';

export const NUMA_NO_NODE = -1;

export enum probe_type {
  PROBE_DEFAULT_STRATEGY = 0,
  PROBE_PREFER_ASYNCHRONOUS = 1,
  PROBE_FORCE_SYNCHRONOUS = 2,
}
export const { PROBE_DEFAULT_STRATEGY, PROBE_PREFER_ASYNCHRONOUS, PROBE_FORCE_SYNCHRONOUS } = probe_type;

/** Bus notifier actions (include/linux/device/bus.h). */
export enum bus_notifier_event {
  BUS_NOTIFY_ADD_DEVICE = 0,
  BUS_NOTIFY_DEL_DEVICE,
  BUS_NOTIFY_REMOVED_DEVICE,
  BUS_NOTIFY_BIND_DRIVER,
  BUS_NOTIFY_BOUND_DRIVER,
  BUS_NOTIFY_UNBIND_DRIVER,
  BUS_NOTIFY_UNBOUND_DRIVER,
  BUS_NOTIFY_DRIVER_NOT_BOUND,
}
export const {
  BUS_NOTIFY_ADD_DEVICE,
  BUS_NOTIFY_DEL_DEVICE,
  BUS_NOTIFY_REMOVED_DEVICE,
  BUS_NOTIFY_BIND_DRIVER,
  BUS_NOTIFY_BOUND_DRIVER,
  BUS_NOTIFY_UNBIND_DRIVER,
  BUS_NOTIFY_UNBOUND_DRIVER,
  BUS_NOTIFY_DRIVER_NOT_BOUND,
} = bus_notifier_event;

export type kobject_action = 'add' | 'remove' | 'change' | 'bind' | 'unbind';

export type devres_release_t = (dev: device, data: unknown) => Promise<void> | void;

export interface devres_node {
  readonly release: devres_release_t;
  readonly data: unknown;
  /** What the entry is, for reports: "devm_add_action(release_hmem)". */
  readonly name: string;
  /** The action function for devm_remove_action lookups. */
  readonly action?: (data: unknown) => unknown;
}

export interface device_type {
  name?: string;
  /** Attribute groups every device of the type gets, created by device_add() before dev->groups. */
  groups?: readonly attribute_group[];
  release?: (dev: device) => void;
}

export interface notifier_block {
  notifier_call(nb: notifier_block, action: bus_notifier_event, dev: device): Promise<number> | number;
}

export class bus_type {
  match: ((dev: device, drv: device_driver) => number) | null = null;
  probe: ((dev: device) => Promise<number>) | null = null;
  remove: ((dev: device) => Promise<void> | void) | null = null;
  uevent: ((dev: device, env: Map<string, string>) => void) | null = null;
  need_parent_lock = false;
  /** subsys_private: registered devices and drivers, in order. */
  p: subsys_private | null = null;
  constructor(readonly name: string) {}
}

export class subsys_private {
  readonly devices: device[] = [];
  readonly drivers: device_driver[] = [];
  readonly notifiers: notifier_block[] = [];
  drivers_autoprobe = true;
}

export class device_driver {
  bus: bus_type | null = null;
  /** Module that registered the driver (THIS_MODULE), null when built in. */
  owner: string | null = null;
  probe: ((dev: device) => Promise<number> | number) | null = null;
  remove: ((dev: device) => Promise<void> | void) | null = null;
  probe_type: probe_type = PROBE_DEFAULT_STRATEGY;
  suppress_bind_attrs = false;
  /** driver_private: registered flag and the devices bound, oldest first. */
  p: driver_private | null = null;
  constructor(public name: string) {}
}

export class driver_private {
  readonly klist_devices: device[] = [];
}

export class device_private {
  dead = false;
  /** On deferred_probe_pending_list or _active_list. */
  deferred_probe = false;
  deferred_probe_reason: string | null = null;
  async_driver: device_driver | null = null;
  readonly children: device[] = [];
  /** Whether the device is on its parent's klist_children (from the end of device_add() to device_del()). */
  knode_parent = false;
}

export class device {
  init_name: string | null = null;
  /** kobject name, set by dev_set_name() or from init_name by device_add(). */
  name: string | null = null;
  parent: device | null = null;
  bus: bus_type | null = null;
  driver: device_driver | null = null;
  type: device_type | null = null;
  /** Attribute groups of this device, created by device_add() and removed by device_del(). */
  groups: readonly attribute_group[] | null = null;
  platform_data: unknown = null;
  driver_data: unknown = null;
  release: ((dev: device) => void) | null = null;
  numa_node = NUMA_NO_NODE;
  can_match = false;
  readonly devres_head: devres_node[] = [];
  readonly mutex = new mutex('&dev->mutex');
  p: device_private | null = null;
  /** kobject state. */
  kref = 0;
  kobj_initialized = false;
  state_in_sysfs = false;
  /** Set once the last reference is dropped and the release ran. */
  released = false;
  /** The load of the module whose code initialised the device (where its release() lives); null for built-in code. */
  initializedBy: { readonly module: string; readonly load: number } | null = null;
  private moduleRefsMap: Map<string, number> | null = null;
  private attrsMap: Map<string, string> | null = null;

  /** References taken by module code, per module, to report what a module leaves behind (made on first use). */
  get moduleRefs(): Map<string, number> {
    return (this.moduleRefsMap ??= new Map());
  }

  /** Extra sysfs-style attributes shown by the sysfs view, e.g. a dax region's size (made on first use). */
  get attrs(): Map<string, string> {
    return (this.attrsMap ??= new Map());
  }
}

/** dev_to_node() */
export function dev_to_node(dev: device): number {
  return dev.numa_node;
}

/** set_dev_node() */
export function set_dev_node(dev: device, node: number): void {
  dev.numa_node = node;
}

export function dev_name(dev: device): string {
  return dev.name ?? dev.init_name ?? '';
}
