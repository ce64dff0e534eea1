// SPDX-License-Identifier: GPL-2.0-only
/**
 * Buses (drivers/base/bus.c): registration, the device and driver lists,
 * iteration, notifiers and the hand-off to the probe code.
 */
import { EEXIST, EINVAL } from '../../include/errno.js';
import {
  bus_type,
  dev_name,
  subsys_private,
  type bus_notifier_event,
  type device,
  type device_driver,
  type notifier_block,
} from '../../include/linux/device.js';
import type { DdebugSite } from '../../lib/dynamic_debug.js';
import type { DriverBase } from './driver_base.js';


/** drivers/base/bus.c's pr_debug() callsites. */
const BUS_C: DdebugSite = { modname: 'bus', filename: 'drivers/base/bus.c', instance: 0 };
export class Bus {
  readonly buses: bus_type[] = [];

  constructor(private readonly base: DriverBase) {}

  bus_register(bus: bus_type): number {
    bus.p = new subsys_private();
    this.buses.push(bus);
    this.base.log.dynamic_pr_debug(BUS_C, "bus: '%s': registered\n", [bus.name]);
    return 0;
  }

  /** The bus goes away with its lists; whatever is still on them is the caller's bug, as in the kernel. */
  bus_unregister(bus: bus_type): void {
    this.base.log.dynamic_pr_debug(BUS_C, "bus: '%s': unregistering\n", [bus.name]);
    const i = this.buses.indexOf(bus);
    if (i >= 0) this.buses.splice(i, 1);
    bus.p = null;
  }

  bus_add_device(dev: device): number {
    const bus = dev.bus;
    if (bus === null) return 0;
    if (bus.p === null) return -EINVAL;
    this.base.log.dynamic_pr_debug(BUS_C, "bus: '%s': add device %s\n", [bus.name, dev_name(dev)]);
    if (this.base.sched.recording) this.base.sched.touch(`bus:${bus.name}:devices`);
    // sysfs_create_link() of /sys/bus/<bus>/devices/<name>: one name per bus, whatever the parents.
    if (bus.p.devices.some((d) => dev_name(d) === dev_name(dev))) {
      this.base.core.sysfs_warn_dup(`/bus/${bus.name}/devices/${dev_name(dev)}`);
      return -EEXIST;
    }
    // klist_add_tail() on klist_devices: its get callback holds the device while it is on the bus.
    bus.p.devices.push(dev);
    this.base.core.get_device(dev);
    return 0;
  }

  /** Try to bind a newly added device, unless the bus has autoprobe off. */
  async bus_probe_device(dev: device): Promise<void> {
    const sp = dev.bus?.p;
    if (!sp) return;
    if (sp.drivers_autoprobe) await this.base.dd.device_initial_probe(dev);
  }

  async bus_remove_device(dev: device): Promise<void> {
    const bus = dev.bus;
    if (bus === null || bus.p === null) return;
    if (this.base.sched.recording) this.base.sched.touch(`bus:${bus.name}:devices`);
    const i = bus.p.devices.indexOf(dev);
    if (i >= 0) {
      // klist_del(): the put callback drops the reference bus_add_device() took.
      bus.p.devices.splice(i, 1);
      this.base.core.put_device(dev);
    }
    this.base.log.dynamic_pr_debug(BUS_C, "bus: '%s': remove device %s\n", [bus.name, dev_name(dev)]);
    await this.base.dd.device_release_driver(dev);
  }

  /** Call fn on each device of the bus in order until it returns non-zero; devices added meanwhile are seen. */
  async bus_for_each_dev(bus: bus_type, data: unknown, fn: (dev: device, data: unknown) => Promise<number> | number): Promise<number> {
    const list = bus.p?.devices;
    if (!list) return -EINVAL;
    if (this.base.sched.recording) this.base.sched.touch(`bus:${bus.name}:devices`, 'r');
    const seen = new Set<device>();
    for (let i = 0; i < list.length; i++) {
      const dev = list[i]!;
      if (seen.has(dev)) continue;
      seen.add(dev);
      this.base.core.get_device(dev);
      const rc = await fn(dev, data);
      this.base.core.put_device(dev);
      if (rc) return rc;
      // The list may have shrunk while fn slept: resume after `dev`.
      const j = list.indexOf(dev);
      if (j >= 0) i = j;
      else i--;
    }
    return 0;
  }

  async bus_for_each_drv(bus: bus_type, data: unknown, fn: (drv: device_driver, data: unknown) => Promise<number> | number): Promise<number> {
    const list = bus.p?.drivers;
    if (!list) return -EINVAL;
    if (this.base.sched.recording) this.base.sched.touch(`bus:${bus.name}:drivers`, 'r');
    const seen = new Set<device_driver>();
    for (let i = 0; i < list.length; i++) {
      const drv = list[i]!;
      if (seen.has(drv)) continue;
      seen.add(drv);
      const rc = await fn(drv, data);
      if (rc) return rc;
      const j = list.indexOf(drv);
      if (j >= 0) i = j;
      else i--;
    }
    return 0;
  }

  bus_find_device(bus: bus_type, data: unknown, match: (dev: device, data: unknown) => boolean): device | null {
    if (this.base.sched.recording) this.base.sched.touch(`bus:${bus.name}:devices`, 'r');
    for (const dev of bus.p?.devices ?? []) {
      if (match(dev, data)) return this.base.core.get_device(dev);
    }
    return null;
  }

  bus_register_notifier(bus: bus_type, nb: notifier_block): number {
    bus.p?.notifiers.push(nb);
    return 0;
  }

  bus_unregister_notifier(bus: bus_type, nb: notifier_block): number {
    const l = bus.p?.notifiers;
    const i = l ? l.indexOf(nb) : -1;
    if (l && i >= 0) l.splice(i, 1);
    return 0;
  }

  /** Blocking notifier chain: callbacks run in registration order, in the caller's context. */
  async bus_notify(dev: device, action: bus_notifier_event): Promise<void> {
    const l = dev.bus?.p?.notifiers;
    if (!l || l.length === 0) return;
    for (const nb of l.slice()) await nb.notifier_call(nb, action, dev);
  }

  /**
   * bus_rescan_devices_helper(): device_attach() of a device without a
   * driver (under the parent's lock where the bus wants it). Its error
   * (-EBUSY for "Resources present before probing", -EPROBE_DEFER or a
   * failed match) ends the walk; a bind or no match lets it go on.
   */
  private async bus_rescan_devices_helper(dev: device): Promise<number> {
    let ret = 0;
    if (!dev.driver) {
      const parent = dev.parent;
      const b = this.base;
      if (parent && dev.bus?.need_parent_lock) await b.locking.mutex_lock(parent.mutex);
      ret = await b.dd.device_attach(dev);
      if (parent && dev.bus?.need_parent_lock) b.locking.mutex_unlock(parent.mutex);
    }
    return ret < 0 ? ret : 0;
  }

  /** Try to bind every device of the bus that has no driver; returns the first device_attach() error, after which the walk stops. */
  async bus_rescan_devices(bus: bus_type): Promise<number> {
    return await this.bus_for_each_dev(bus, null, (dev) => this.bus_rescan_devices_helper(dev));
  }
}
