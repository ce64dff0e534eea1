// SPDX-License-Identifier: GPL-2.0-only
/**
 * Binding devices to drivers (drivers/base/dd.c): matching, synchronous
 * and asynchronous probing, deferred probing, wait_for_device_probe() and
 * unbinding. Function names, order of steps and messages follow dd.c.
 */
import { EBUSY, ENODEV, ENXIO, EPROBE_DEFER } from '../../include/errno.js';
import {
  BUS_NOTIFY_BIND_DRIVER,
  BUS_NOTIFY_BOUND_DRIVER,
  BUS_NOTIFY_DRIVER_NOT_BOUND,
  BUS_NOTIFY_UNBIND_DRIVER,
  BUS_NOTIFY_UNBOUND_DRIVER,
  PROBE_FORCE_SYNCHRONOUS,
  PROBE_PREFER_ASYNCHRONOUS,
  dev_name,
  type device,
  type device_driver,
} from '../../include/linux/device.js';
import { delayed_work, work_struct } from '../../include/linux/workqueue_types.js';
import { WaitFor, mutex, wait_queue_head } from '../../kernel/locking.js';
import { KERN_CRIT, KERN_DEBUG, KERN_ERR, KERN_WARNING } from '../../kernel/printk.js';
import type { DdebugSite } from '../../lib/dynamic_debug.js';
import type { Task } from '../../sim/task.js';
import type { DriverBase } from './driver_base.js';

interface device_attach_data {
  readonly dev: device;
  readonly check_async: boolean;
  readonly want_async: boolean;
  have_async: boolean;
}


/** drivers/base/dd.c's pr_debug() and dev_dbg() callsites. */
const DD_C: DdebugSite = { modname: 'dd', filename: 'drivers/base/dd.c', instance: 0 };
export class DeviceDriverBinding {
  /** Probes running right now (probe_count). */
  probe_count = 0;
  readonly probe_waitqueue = new wait_queue_head();
  /** Tasks inside driver_probe_device, for wait-for chains. */
  readonly probing = new Set<Task>();
  deferred_trigger_count = 0;
  driver_deferred_probe_enable = false;
  initcalls_done = false;
  defer_all_probes = false;
  /**
   * deferred_probe_timeout= in seconds: 10 with CONFIG_MODULES, 0 (never
   * armed) without. start_kernel() sets it from the configuration; a bare
   * kernel without one keeps the CONFIG_MODULES value.
   */
  driver_deferred_probe_timeout = 10;
  readonly deferred_probe_pending_list: device[] = [];
  readonly deferred_probe_active_list: device[] = [];
  readonly deferred_probe_mutex = new mutex('deferred_probe_mutex');
  readonly deferred_probe_work: work_struct;
  readonly deferred_probe_timeout_work = new delayed_work();
  /** driver_async_probe= on the command line: driver names, or "*". */
  readonly async_probe_drivers = new Set<string>();
  /** Set by the module loader: was `owner` loaded with async_probe=1? */
  module_requested_async_probing: (owner: string | null) => boolean = () => false;
  /** A read of a registered driver's struct; the module loader's version faults for a driver its freed module left behind. */
  read_driver: (drv: device_driver) => void = () => {};
  /** initcall_debug on the command line: really_probe_debug() times every probe. */
  initcall_debug = false;
  /** CONFIG_DEBUG_TEST_DRIVER_REMOVE: unbind and probe again after each successful probe. */
  test_driver_remove = false;

  constructor(private readonly base: DriverBase) {
    const wq = base.wq;
    const self = this;
    this.deferred_probe_work = wq.__WORK_INITIALIZER(async function deferred_probe_work_func() {
      await self.deferred_probe_work_func();
    });
    wq.INIT_DELAYED_WORK(this.deferred_probe_timeout_work, async function deferred_probe_timeout_work_func() {
      await self.deferred_probe_timeout_work_func();
    });
  }

  private dev_dbg(dev: device, fmt: string, ...args: unknown[]): void {
    this.base.core.dynamic_dev_dbg(DD_C, dev, fmt, args);
  }

  // ---- deferred probe -----------------------------------------------------

  private async deferred_probe_work_func(): Promise<void> {
    const b = this.base;
    await b.locking.mutex_lock(this.deferred_probe_mutex);
    while (this.deferred_probe_active_list.length > 0) {
      const dev = this.deferred_probe_active_list.shift()!;
      dev.p!.deferred_probe = false;
      b.core.get_device(dev);
      b.locking.mutex_unlock(this.deferred_probe_mutex);
      this.dev_dbg(dev, 'Retrying from deferred list\n');
      await b.bus.bus_probe_device(dev);
      await b.locking.mutex_lock(this.deferred_probe_mutex);
      b.core.put_device(dev);
    }
    b.locking.mutex_unlock(this.deferred_probe_mutex);
  }

  driver_deferred_probe_add(dev: device): void {
    if (!dev.can_match) return;
    if (!dev.p!.deferred_probe) {
      this.dev_dbg(dev, 'Added to deferred list\n');
      dev.p!.deferred_probe = true;
      this.deferred_probe_pending_list.push(dev);
    }
  }

  driver_deferred_probe_del(dev: device): void {
    if (dev.p?.deferred_probe) {
      this.dev_dbg(dev, 'Removed from deferred list\n');
      dev.p.deferred_probe = false;
      for (const l of [this.deferred_probe_pending_list, this.deferred_probe_active_list]) {
        const i = l.indexOf(dev);
        if (i >= 0) l.splice(i, 1);
      }
    }
  }

  /**
   * Deviation: the work is not queued when both lists are empty; such a run
   * of deferred_probe_work_func() changes nothing, and skipping it keeps
   * every bind from becoming a step that races with every other bind.
   */
  driver_deferred_probe_trigger(): void {
    if (!this.driver_deferred_probe_enable) return;
    this.deferred_trigger_count++;
    this.deferred_probe_active_list.push(...this.deferred_probe_pending_list.splice(0));
    if (this.deferred_probe_active_list.length === 0) return;
    this.base.wq.queue_work(this.base.wq.system_unbound_wq, this.deferred_probe_work);
  }

  /** late_initcall: enable deferred probing, retry, and arm the timeout. */
  async deferred_probe_initcall(): Promise<number> {
    const wq = this.base.wq;
    this.driver_deferred_probe_enable = true;
    this.driver_deferred_probe_trigger();
    await wq.flush_work(this.deferred_probe_work);
    this.initcalls_done = true;
    this.driver_deferred_probe_trigger();
    await wq.flush_work(this.deferred_probe_work);
    if (this.driver_deferred_probe_timeout > 0) {
      wq.queue_delayed_work(wq.system_wq, this.deferred_probe_timeout_work, this.driver_deferred_probe_timeout * 1000);
    }
    return 0;
  }

  private async deferred_probe_timeout_work_func(): Promise<void> {
    this.driver_deferred_probe_timeout = 0;
    this.driver_deferred_probe_trigger();
    await this.base.wq.flush_work(this.deferred_probe_work);
    await this.base.locking.mutex_lock(this.deferred_probe_mutex);
    for (const dev of this.deferred_probe_pending_list) {
      // dev_warn in current kernels (dev_info until 2024): such a device will most likely never probe.
      this.base.core.dev_printk(KERN_WARNING, dev, 'deferred probe pending: %s', [dev.p!.deferred_probe_reason ?? '(reason unknown)\n']);
    }
    this.base.locking.mutex_unlock(this.deferred_probe_mutex);
  }

  /** Each driver_register pushes the deferred-probe timeout out again. */
  deferred_probe_extend_timeout(): void {
    const dw = this.deferred_probe_timeout_work;
    if (dw.timerArmed && this.driver_deferred_probe_timeout > 0) {
      const wq = this.base.wq;
      dw.timerArmed = false;
      dw.pending = false;
      wq.queue_delayed_work(wq.system_wq, dw, this.driver_deferred_probe_timeout * 1000);
      this.base.log.dynamic_pr_debug(DD_C, 'Extended deferred probe timeout by %d secs\n', [this.driver_deferred_probe_timeout]);
    }
  }

  // ---- waiting for probes ---------------------------------------------------

  /**
   * Wait for the deferred-probe work currently queued or running, then for
   * probe_count to reach 0, then for all async work. Nothing else.
   */
  async wait_for_device_probe(): Promise<void> {
    const b = this.base;
    if (b.sched.recording) b.sched.touch('probe_count', 'r');
    await b.wq.flush_work(this.deferred_probe_work);
    const on = new WaitFor(
      () => `wait_for_device_probe: probe_count == 0 (now ${this.probe_count})`,
      () => [...this.probing],
    );
    await b.locking.wait_event(this.probe_waitqueue, () => this.probe_count === 0, on);
    await b.async.async_synchronize_full();
  }

  // ---- probing ----------------------------------------------------------------

  /** driver_async_probe=: the listed names, or with "*" every name except the listed ones. */
  private cmdline_requested_async_probing(drv_name: string): boolean {
    const async_probe_default = this.async_probe_drivers.has('*');
    return async_probe_default !== this.async_probe_drivers.has(drv_name);
  }

  driver_allows_async_probing(drv: device_driver): boolean {
    switch (drv.probe_type) {
      case PROBE_PREFER_ASYNCHRONOUS:
        return true;
      case PROBE_FORCE_SYNCHRONOUS:
        return false;
      default:
        if (this.cmdline_requested_async_probing(drv.name)) return true;
        return this.module_requested_async_probing(drv.owner);
    }
  }

  driver_match_device(drv: device_driver, dev: device): number {
    // The read of drv->bus; a driver whose module is gone faults here.
    this.read_driver(drv);
    const match = drv.bus?.match;
    return match ? match(dev, drv) : 1;
  }

  device_is_bound(dev: device): boolean {
    return dev.driver !== null && dev.driver.p !== null && dev.driver.p.klist_devices.includes(dev);
  }

  private async driver_probe_device(drv: device_driver, dev: device): Promise<number> {
    const b = this.base;
    const trigger_count = this.deferred_trigger_count;
    const task = b.sched.current!;
    if (b.sched.recording) b.sched.touch('probe_count', 'c');
    this.probe_count++;
    this.probing.add(task);
    // No finally: a task that oopses inside probe stays counted (and named
    // in wait-for reports), as probe_count stays raised in the kernel.
    const ret = await this.__driver_probe_device(drv, dev);
    this.probing.delete(task);
    if (ret === -EPROBE_DEFER || ret === EPROBE_DEFER) {
      this.driver_deferred_probe_add(dev);
      if (trigger_count !== this.deferred_trigger_count && !this.defer_all_probes) this.driver_deferred_probe_trigger();
    }
    if (b.sched.recording) b.sched.touch('probe_count', 'c');
    this.probe_count--;
    b.locking.wake_up_all(this.probe_waitqueue);
    return ret;
  }

  private async __driver_probe_device(drv: device_driver, dev: device): Promise<number> {
    if (dev.p!.dead || !this.base.core.device_is_registered(dev)) return -ENODEV;
    if (dev.driver) return -EBUSY;
    dev.can_match = true;
    this.dev_dbg(dev, "bus: '%s': %s: matched device with driver %s\n", drv.bus!.name, '__driver_probe_device', drv.name);
    const span = this.base.sched.trace.begin('probe', drv.name, dev_name(dev));
    const ret = this.initcall_debug ? await this.really_probe_debug(dev, drv) : await this.really_probe(dev, drv);
    this.base.sched.trace.end(span, ret);
    return ret;
  }

  /** initcall_debug: each probe's result and how long it took, at KERN_DEBUG whatever dynamic debug says. */
  private async really_probe_debug(dev: device, drv: device_driver): Promise<number> {
    const calltime = this.base.sched.now;
    const ret = await this.really_probe(dev, drv);
    this.base.log.printk(KERN_DEBUG, 'probe of %s returned %d after %lld usecs\n', dev_name(dev), ret, this.base.sched.now - calltime);
    return ret;
  }

  private async call_driver_probe(dev: device, drv: device_driver): Promise<number> {
    let ret = 0;
    if (dev.bus?.probe) ret = await dev.bus.probe(dev);
    else if (drv.probe) ret = await drv.probe(dev);
    switch (ret) {
      case 0:
        break;
      case -EPROBE_DEFER:
        this.dev_dbg(dev, 'Driver %s requests probe deferral\n', drv.name);
        break;
      case -ENODEV:
      case -ENXIO:
        this.dev_dbg(dev, 'probe with driver %s rejects match %d\n', drv.name, ret);
        break;
      default:
        this.base.core.dev_printk(KERN_ERR, dev, 'probe with driver %s failed with error %d\n', [drv.name, ret]);
        break;
    }
    return ret;
  }

  private async really_probe(dev: device, drv: device_driver): Promise<number> {
    const b = this.base;
    let test_remove = this.test_driver_remove && !drv.suppress_bind_attrs;
    if (this.defer_all_probes) {
      this.dev_dbg(dev, 'Driver %s force probe deferral\n', drv.name);
      return -EPROBE_DEFER;
    }
    this.dev_dbg(dev, "bus: '%s': %s: probing driver %s with device\n", drv.bus!.name, 'really_probe', drv.name);
    if (dev.devres_head.length > 0) {
      b.core.dev_printk(KERN_CRIT, dev, 'Resources present before probing\n', []);
      return -EBUSY;
    }
    for (;;) {
      // re_probe:
      dev.driver = drv;
      if (b.sched.recording) b.sched.touch(`dev:${dev_name(dev)}`);
      await b.bus.bus_notify(dev, BUS_NOTIFY_BIND_DRIVER);
      let ret = await this.call_driver_probe(dev, drv);
      if (ret) {
        ret = -ret;
        // probe_failed: no remove() is called
        await b.bus.bus_notify(dev, BUS_NOTIFY_DRIVER_NOT_BOUND);
        await this.device_unbind_cleanup(dev);
        return ret;
      }
      if (test_remove) {
        test_remove = false;
        await this.device_remove(dev);
        await this.device_unbind_cleanup(dev);
        continue;
      }
      await this.driver_bound(dev);
      this.dev_dbg(dev, "bus: '%s': %s: bound device to driver %s\n", drv.bus!.name, 'really_probe', drv.name);
      return 0;
    }
  }

  private async device_unbind_cleanup(dev: device): Promise<void> {
    await this.base.devres.devres_release_all(dev);
    dev.driver = null;
    dev.driver_data = null;
  }

  private async device_remove(dev: device): Promise<void> {
    if (dev.bus?.remove) await dev.bus.remove(dev);
    else if (dev.driver?.remove) await dev.driver.remove(dev);
  }

  private async driver_bound(dev: device): Promise<void> {
    const b = this.base;
    if (this.device_is_bound(dev)) {
      b.core.dev_printk(KERN_WARNING, dev, '%s: device already bound\n', ['driver_bound']);
      return;
    }
    this.dev_dbg(dev, "driver: '%s': %s: bound to device\n", dev.driver!.name, 'driver_bound');
    dev.driver!.p!.klist_devices.push(dev);
    this.driver_deferred_probe_del(dev);
    this.driver_deferred_probe_trigger();
    await b.bus.bus_notify(dev, BUS_NOTIFY_BOUND_DRIVER);
    b.core.kobject_uevent(dev, 'bind');
  }

  /** Bind dev to the driver already in dev->driver, without probing: driver_sysfs_add() (BIND_DRIVER), then driver_bound(). */
  private async device_bind_driver(dev: device): Promise<void> {
    await this.base.bus.bus_notify(dev, BUS_NOTIFY_BIND_DRIVER);
    await this.driver_bound(dev);
  }

  // ---- device arrives (__device_attach) ------------------------------------------

  async device_initial_probe(dev: device): Promise<void> {
    await this.__device_attach(dev, true);
  }

  /** Bind synchronously (sysfs bind, bus_rescan_devices): never async. */
  async device_attach(dev: device): Promise<number> {
    return await this.__device_attach(dev, false);
  }

  private async __device_attach_driver(drv: device_driver, data: device_attach_data): Promise<number> {
    const dev = data.dev;
    let ret = this.driver_match_device(drv, dev);
    if (ret === 0) {
      return 0;
    } else if (ret === -EPROBE_DEFER) {
      this.dev_dbg(dev, 'Device match requests probe deferral\n');
      dev.can_match = true;
      this.driver_deferred_probe_add(dev);
      return ret;
    } else if (ret < 0) {
      this.dev_dbg(dev, 'Bus failed to match device: %d\n', ret);
      return ret;
    }
    const async_allowed = this.driver_allows_async_probing(drv);
    if (async_allowed) data.have_async = true;
    if (data.check_async && async_allowed !== data.want_async) return 0;
    ret = await this.driver_probe_device(drv, dev);
    if (ret < 0) return ret;
    return ret === 0 ? 1 : 0;
  }

  private async __device_attach(dev: device, allow_async: boolean): Promise<number> {
    const b = this.base;
    let ret = 0;
    let async = false;
    await b.locking.mutex_lock(dev.mutex);
    if (dev.p!.dead) {
      // out_unlock
    } else if (dev.driver) {
      if (this.device_is_bound(dev)) ret = 1;
      else {
        await this.device_bind_driver(dev);
        ret = 1;
      }
    } else {
      const data: device_attach_data = { dev, check_async: allow_async, want_async: false, have_async: false };
      ret = await b.bus.bus_for_each_drv(dev.bus!, data, (drv) => this.__device_attach_driver(drv, data));
      if (!ret && allow_async && data.have_async) {
        this.dev_dbg(dev, 'scheduling asynchronous probe\n');
        b.core.get_device(dev);
        async = true;
      }
    }
    b.locking.mutex_unlock(dev.mutex);
    if (async) {
      const self = this;
      b.async.async_schedule_dev(async function __device_attach_async_helper() {
        await self.__device_attach_async_helper(dev);
      }, dev);
    }
    return ret;
  }

  private async __device_attach_async_helper(dev: device): Promise<void> {
    const b = this.base;
    const data: device_attach_data = { dev, check_async: true, want_async: true, have_async: false };
    await b.locking.mutex_lock(dev.mutex);
    if (!(dev.p!.dead || dev.driver)) {
      await b.bus.bus_for_each_drv(dev.bus!, data, (drv) => this.__device_attach_driver(drv, data));
      this.dev_dbg(dev, 'async probe completed\n');
    }
    b.locking.mutex_unlock(dev.mutex);
    b.core.put_device(dev);
  }

  // ---- driver arrives (__driver_attach) -------------------------------------------

  async driver_attach(drv: device_driver): Promise<number> {
    return await this.base.bus.bus_for_each_dev(drv.bus!, drv, (dev) => this.__driver_attach(dev, drv));
  }

  private async __driver_attach(dev: device, drv: device_driver): Promise<number> {
    const b = this.base;
    const ret = this.driver_match_device(drv, dev);
    if (ret === 0) {
      return 0;
    } else if (ret === -EPROBE_DEFER) {
      this.dev_dbg(dev, 'Device match requests probe deferral\n');
      dev.can_match = true;
      this.driver_deferred_probe_add(dev);
      return 0;
    } else if (ret < 0) {
      this.dev_dbg(dev, 'Bus failed to match device: %d\n', ret);
      return 0;
    }
    if (this.driver_allows_async_probing(drv)) {
      let async = false;
      this.dev_dbg(dev, 'probing driver %s asynchronously\n', drv.name);
      await b.locking.mutex_lock(dev.mutex);
      if (!dev.driver && !dev.p!.async_driver) {
        b.core.get_device(dev);
        dev.p!.async_driver = drv;
        async = true;
      }
      b.locking.mutex_unlock(dev.mutex);
      if (async) {
        const self = this;
        b.async.async_schedule_dev(async function __driver_attach_async_helper() {
          await self.__driver_attach_async_helper(dev);
        }, dev);
      }
      return 0;
    }
    await this.__device_driver_lock(dev);
    await this.driver_probe_device(drv, dev);
    this.__device_driver_unlock(dev);
    return 0;
  }

  private async __driver_attach_async_helper(dev: device): Promise<void> {
    const b = this.base;
    await b.locking.mutex_lock(dev.mutex);
    const drv = dev.p!.async_driver!;
    dev.p!.async_driver = null;
    const ret = await this.driver_probe_device(drv, dev);
    b.locking.mutex_unlock(dev.mutex);
    this.dev_dbg(dev, 'driver %s async attach completed: %d\n', drv.name, ret);
    b.core.put_device(dev);
  }

  private async __device_driver_lock(dev: device): Promise<void> {
    const parent = dev.parent;
    if (parent && dev.bus?.need_parent_lock) await this.base.locking.mutex_lock(parent.mutex);
    await this.base.locking.mutex_lock(dev.mutex);
  }

  private __device_driver_unlock(dev: device): void {
    this.base.locking.mutex_unlock(dev.mutex);
    const parent = dev.parent;
    if (parent && dev.bus?.need_parent_lock) this.base.locking.mutex_unlock(parent.mutex);
  }

  // ---- unbinding --------------------------------------------------------------------

  private async __device_release_driver(dev: device): Promise<void> {
    const b = this.base;
    const drv = dev.driver;
    if (drv === null) return;
    if (b.sched.recording) b.sched.touch(`dev:${dev_name(dev)}`);
    await b.bus.bus_notify(dev, BUS_NOTIFY_UNBIND_DRIVER);
    await this.device_remove(dev);
    await this.device_unbind_cleanup(dev);
    const l = drv.p?.klist_devices;
    const i = l ? l.indexOf(dev) : -1;
    if (l && i >= 0) l.splice(i, 1);
    await b.bus.bus_notify(dev, BUS_NOTIFY_UNBOUND_DRIVER);
    b.core.kobject_uevent(dev, 'unbind');
  }

  async device_release_driver_internal(dev: device, drv: device_driver | null): Promise<void> {
    await this.__device_driver_lock(dev);
    if (drv === null || drv === dev.driver) await this.__device_release_driver(dev);
    this.__device_driver_unlock(dev);
  }

  async device_release_driver(dev: device): Promise<void> {
    await this.device_release_driver_internal(dev, null);
  }

  /** Unbind every device of drv, newest bound first, after the async sync if drv may probe async. */
  async driver_detach(drv: device_driver): Promise<void> {
    const b = this.base;
    if (this.driver_allows_async_probing(drv)) await b.async.async_synchronize_full();
    for (;;) {
      const l = drv.p!.klist_devices;
      if (l.length === 0) break;
      const dev = l[l.length - 1]!;
      b.core.get_device(dev);
      await this.device_release_driver_internal(dev, drv);
      b.core.put_device(dev);
      if (l.includes(dev)) l.splice(l.indexOf(dev), 1);
    }
  }
}
