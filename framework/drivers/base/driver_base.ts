// SPDX-License-Identifier: GPL-2.0-only
/**
 * The driver core as one injectable service. drivers/base is split the
 * way the kernel splits it (core.c, bus.c, driver.c, dd.c, devres.c); the
 * parts share this object, as the C files share drivers/base/base.h.
 */
import { UNNAMED_SITE } from '../../lib/dynamic_debug.js';
import { ContainerModule, inject, injectable } from 'inversify';
import {
  bus_type,
  dev_name,
  device,
  type device_driver,
  type kobject_action,
  type notifier_block,
} from '../../include/linux/device.js';
import { Async } from '../../kernel/async.js';
import { vsprintf } from '../../lib/vsprintf.js';
import { FaultInjection } from '../../kernel/fail_function.js';
import { Sysfs } from '../../fs/sysfs.js';
import { Locking } from '../../kernel/locking.js';
import { Panic } from '../../kernel/panic.js';
import { Printk } from '../../kernel/printk.js';
import { captureFrames } from '../../kernel/stacktrace.js';
import { Workqueue } from '../../kernel/workqueue.js';
import { Slab } from '../../mm/slab.js';
import { embedding } from '../../include/linux/container_of.js';
import { Scheduler } from '../../sim/scheduler.js';
import { Bus } from './bus.js';
import { DeviceCore } from './core.js';
import { DeviceDriverBinding } from './dd.js';
import { Devres, type devm_action } from './devres.js';
import { DriverRegistration } from './driver.js';

export type UeventListener = (action: kobject_action, dev: device, env: ReadonlyMap<string, string>) => void;

/** What guard(device)(dev) returns: unlocks at the end of the enclosing block (`using`). */
export interface DeviceGuard extends Disposable {
  readonly dev: device;
}

export interface DriverCoreApi {
  device_initialize(dev: device): void;
  device_add(dev: device): Promise<number>;
  device_register(dev: device): Promise<number>;
  device_del(dev: device): Promise<void>;
  device_unregister(dev: device): Promise<void>;
  get_device<T extends device | null>(dev: T): T;
  put_device(dev: device | null): void;
  dev_name(dev: device): string;
  dev_set_name(dev: device, fmt: string, ...args: unknown[]): number;
  dev_get_drvdata(dev: device): unknown;
  dev_set_drvdata(dev: device, data: unknown): void;
  device_lock(dev: device): Promise<void>;
  device_unlock(dev: device): void;
  /** guard(device)(dev): `using _g = await guard(device)(dev);` */
  guard(type: typeof device): (dev: device) => Promise<DeviceGuard>;
  device_is_bound(dev: device): boolean;
  device_attach(dev: device): Promise<number>;
  device_release_driver(dev: device): Promise<void>;
  driver_register(drv: device_driver): Promise<number>;
  driver_unregister(drv: device_driver): Promise<void>;
  driver_find(name: string, bus: bus_type): device_driver | null;
  bus_register(bus: bus_type): number;
  bus_unregister(bus: bus_type): void;
  bus_for_each_dev(bus: bus_type, data: unknown, fn: (dev: device, data: unknown) => Promise<number> | number): Promise<number>;
  bus_find_device(bus: bus_type, data: unknown, match: (dev: device, data: unknown) => boolean): device | null;
  device_for_each_child(parent: device, data: unknown, fn: (dev: device, data: unknown) => Promise<number> | number): Promise<number>;
  bus_register_notifier(bus: bus_type, nb: notifier_block): number;
  bus_unregister_notifier(bus: bus_type, nb: notifier_block): number;
  bus_rescan_devices(bus: bus_type): Promise<number>;
  wait_for_device_probe(): Promise<void>;
  devm_add_action(dev: device, action: devm_action, data: unknown): number;
  devm_add_action_or_reset(dev: device, action: devm_action, data: unknown): Promise<number>;
  devm_remove_action(dev: device, action: devm_action, data: unknown): void;
  devm_release_action(dev: device, action: devm_action, data: unknown): Promise<void>;
  dev_dbg(dev: device, fmt: string, ...args: unknown[]): void;
  dev_info(dev: device, fmt: string, ...args: unknown[]): void;
  dev_notice(dev: device, fmt: string, ...args: unknown[]): void;
  dev_warn(dev: device, fmt: string, ...args: unknown[]): void;
  dev_err(dev: device, fmt: string, ...args: unknown[]): void;
  dev_crit(dev: device, fmt: string, ...args: unknown[]): void;
  dev_WARN(dev: device, fmt: string, ...args: unknown[]): void;
  dev_WARN_ONCE(dev: device, condition: unknown, fmt: string, ...args: unknown[]): boolean;
}


/** offsetof(struct device, mutex) on x86_64 (after the kobject and eight pointers), for a device at the start of its container. */
const DEVICE_MUTEX_OFFSET = 0x80;

@injectable()
export class DriverBase {
  readonly core: DeviceCore;
  readonly bus: Bus;
  readonly drivers: DriverRegistration;
  readonly dd: DeviceDriverBinding;
  readonly devres: Devres;
  readonly ueventListeners: UeventListener[] = [];
  private readonly warnedOnce = new Set<string>();

  constructor(
    @inject(Scheduler) readonly sched: Scheduler,
    @inject(Printk) readonly log: Printk,
    @inject(Panic) readonly panic: Panic,
    @inject(Locking) readonly locking: Locking,
    @inject(Workqueue) readonly wq: Workqueue,
    @inject(Async) readonly async: Async,
    @inject(FaultInjection) readonly faults: FaultInjection,
    @inject(Sysfs) readonly sysfs: Sysfs,
    @inject(Slab) readonly slab: Slab,
  ) {
    this.core = new DeviceCore(this);
    this.bus = new Bus(this);
    this.drivers = new DriverRegistration(this);
    this.dd = new DeviceDriverBinding(this);
    this.devres = new Devres(this);
  }

  async device_lock(dev: device): Promise<void> {
    if (this.sched.recording) this.sched.touch(`dev:${dev_name(dev)}`);
    dev.mutex.name = `device_lock(${dev_name(dev)})`;
    await this.locking.mutex_lock(dev.mutex);
  }

  device_unlock(dev: device): void {
    if (dev.released) {
      // mutex_unlock() writes the owner word of dev->mutex, in the struct the release freed.
      if (this.slab.kasan_check(embedding(dev) ?? dev, 8, true, DEVICE_MUTEX_OFFSET, 'mutex_unlock') === null) {
        this.slab.kasan_untracked('mutex_unlock', `Write of device_lock(${dev_name(dev)}) after the last put_device() freed the device`);
      }
      return;
    }
    this.locking.mutex_unlock(dev.mutex);
  }

  /** API with the caller's module recorded on references it takes (null for built-in code). */
  api(holder: string | null = null): DriverCoreApi {
    const core = this.core;
    const dp = (level: keyof typeof DeviceCore.LEVELS) => (dev: device, fmt: string, ...args: unknown[]) =>
      core.dev_printk(DeviceCore.LEVELS[level], dev, fmt, args);
    return {
      device_initialize: (dev) => core.device_initialize(dev),
      device_add: (dev) => core.device_add(dev),
      device_register: (dev) => core.device_register(dev),
      device_del: (dev) => core.device_del(dev),
      device_unregister: (dev) => core.device_unregister(dev),
      get_device: <T extends device | null>(dev: T): T => core.get_device(dev, holder) as T,
      put_device: (dev) => core.put_device(dev, holder),
      dev_name: (dev) => dev_name(dev),
      dev_set_name: (dev, fmt, ...args) => core.dev_set_name(dev, fmt, ...args),
      dev_get_drvdata: (dev) => dev.driver_data,
      dev_set_drvdata: (dev, data) => {
        dev.driver_data = data;
      },
      device_lock: (dev) => this.device_lock(dev),
      device_unlock: (dev) => this.device_unlock(dev),
      guard: () => async (dev: device): Promise<DeviceGuard> => {
        await this.device_lock(dev);
        return { dev, [Symbol.dispose]: () => this.device_unlock(dev) };
      },
      device_is_bound: (dev) => this.dd.device_is_bound(dev),
      device_attach: (dev) => this.dd.device_attach(dev),
      device_release_driver: (dev) => this.dd.device_release_driver(dev),
      driver_register: (drv) => this.drivers.driver_register(drv),
      driver_unregister: (drv) => this.drivers.driver_unregister(drv),
      driver_find: (name, bus) => this.drivers.driver_find(name, bus),
      bus_register: (bus) => this.bus.bus_register(bus),
      bus_unregister: (bus) => this.bus.bus_unregister(bus),
      bus_for_each_dev: (bus, data, fn) => this.bus.bus_for_each_dev(bus, data, fn),
      bus_find_device: (bus, data, match) => this.bus.bus_find_device(bus, data, match),
      device_for_each_child: (parent, data, fn) => core.device_for_each_child(parent, data, fn),
      bus_register_notifier: (bus, nb) => this.bus.bus_register_notifier(bus, nb),
      bus_unregister_notifier: (bus, nb) => this.bus.bus_unregister_notifier(bus, nb),
      bus_rescan_devices: (bus) => this.bus.bus_rescan_devices(bus),
      wait_for_device_probe: () => this.dd.wait_for_device_probe(),
      devm_add_action: (dev, action, data) => this.devres.devm_add_action(dev, action, data),
      devm_add_action_or_reset: (dev, action, data) => this.devres.devm_add_action_or_reset(dev, action, data),
      devm_remove_action: (dev, action, data) => this.devres.devm_remove_action(dev, action, data),
      devm_release_action: (dev, action, data) => this.devres.devm_release_action(dev, action, data),
      dev_dbg: (dev, fmt, ...args) => core.dynamic_dev_dbg(UNNAMED_SITE, dev, fmt, args),
      dev_info: dp('dev_info'),
      dev_notice: dp('dev_notice'),
      dev_warn: dp('dev_warn'),
      dev_err: dp('dev_err'),
      dev_crit: dp('dev_crit'),
      dev_WARN: (dev, fmt, ...args) => {
        const msg = args.length ? vsprintf(fmt, args) : fmt;
        this.panic.warn(null, `${core.dev_driver_string(dev)} ${dev_name(dev)}: ${msg}`, 1);
      },
      dev_WARN_ONCE: (dev, cond, fmt, ...args) => {
        if (!cond) return false;
        // Once per call site (a macro in the kernel), whatever the device.
        const key = `${captureFrames(1, this.panic.moduleOf)[0]?.func ?? '?'}:${fmt}`;
        if (!this.warnedOnce.has(key)) {
          this.warnedOnce.add(key);
          const msg = args.length ? vsprintf(fmt, args) : fmt;
          this.panic.warn(null, `${core.dev_driver_string(dev)} ${dev_name(dev)}: ${msg}`, 1);
        }
        return true;
      },
    };
  }
}

/** The DI module of the driver core. */
export const driverCoreModule = new ContainerModule(({ bind }) => {
  bind(DriverBase).toSelf();
});
