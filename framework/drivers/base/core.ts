// SPDX-License-Identifier: GPL-2.0-only
/**
 * Device lifetime (drivers/base/core.c): device_initialize, device_add,
 * device_del, get_device / put_device with kref semantics and the
 * diagnostics of a debug kernel, device_lock, dev_printk.
 *
 * device_add() follows the C's order and error labels: kobject_add(),
 * device_add_attrs() (the groups of dev->type, then dev->groups), then
 * bus_add_device(); a failure unwinds through the labels (device_remove_attrs,
 * a "remove" uevent, kobject_del, put_device(parent), kfree(dev->p)) and
 * returns the error with the caller's reference still held, for its
 * put_device(). device_del() removes the same groups before
 * bus_remove_device(), as device_remove_attrs() does.
 *
 * Deviations: there are no classes, so no class groups, class symlinks or
 * glue directories; no uevent, dev or online files, no dpm_sysfs entries
 * and no platform notify, so the labels that undo them are empty;
 * bus_add_device() creates no bus->dev_groups (no bus here has any: the
 * platform bus's modalias/numa_node/driver_override files are left out).
 *
 * The last put_device() runs lib/kobject.c's kobject_release(): the
 * cleanup at once, or with CONFIG_DEBUG_KOBJECT_RELEASE from a delayed
 * work item 1 to 4 s later (in turn rather than at random, and %p prints
 * kshim's fixed hashed pointer). A release() of a module load that was
 * freed is called through the module loader, which traps on the freed
 * text as x86_64 does (../../kernel/module/freed.ts).
 */
import { EEXIST, EINVAL } from '../../include/errno.js';
import type { attribute_group } from '../../fs/sysfs.js';
import {
  BUS_NOTIFY_ADD_DEVICE,
  BUS_NOTIFY_DEL_DEVICE,
  BUS_NOTIFY_REMOVED_DEVICE,
  device,
  device_private,
  dev_name,
  dev_to_node,
  NUMA_NO_NODE,
  set_dev_node,
  type kobject_action,
} from '../../include/linux/device.js';
import { vsprintf } from '../../lib/vsprintf.js';
import { delayed_work } from '../../include/linux/workqueue_types.js';
import { HZ } from '../../include/linux/jiffies.js';
import { callerOfDebugPrint, KERN_DEBUG, KERN_ERR, KERN_INFO, KERN_WARNING, KERN_CRIT, KERN_NOTICE } from '../../kernel/printk.js';
import { _DPRINTK_FLAGS_PRINT, type DdebugSite } from '../../lib/dynamic_debug.js';
import type { DriverBase } from './driver_base.js';

const REFCOUNT_SITE = { file: 'lib/refcount.c', line: 28, func: 'refcount_warn_saturate' };
const KOBJ_GET_SITE = { file: 'lib/kobject.c', line: 643, func: 'kobject_get' };
const KOBJ_PUT_SITE = { file: 'lib/kobject.c', line: 735, func: 'kobject_put' };
const DEVICE_RELEASE_SITE = { file: 'drivers/base/core.c', line: 2566, func: 'device_release' };

/** The WARN text of kobject_get()/kobject_put() on a kobject never initialised; kobject_name() is NULL until a name is set. */
function kobjNotInitialized(dev: device, fn: 'kobject_get' | 'kobject_put'): string {
  return vsprintf(`kobject: '%s' (%p): is not initialized, yet ${fn}() is being called.`, [dev.name, dev]);
}


/** drivers/base/core.c's pr_debug() callsites. */
const CORE_C: DdebugSite = { modname: 'core', filename: 'drivers/base/core.c', instance: 0 };
export class DeviceCore {
  /** Every device ever initialised, for leak accounting and the sysfs view. */
  readonly allDevices: device[] = [];
  /** The root of devices without a parent on a bus (/sys/devices). */
  readonly rootChildren: device[] = [];

  constructor(private readonly base: DriverBase) {}

  device_initialize(dev: device): void {
    if (dev.kobj_initialized) {
      // Deviation: the C prints the hashed kobject pointer ("kobject (%p): ..."); the name says more here.
      this.base.panic.dump_stack(`kobject (${dev_name(dev) || '(null)'}): tried to init an initialized object, something is seriously wrong.`, 'kobject_init');
    }
    dev.kobj_initialized = true;
    dev.kref = 1;
    dev.released = false;
    dev.p = dev.p ?? new device_private();
    if (!this.allDevices.includes(dev)) this.allDevices.push(dev);
  }

  /** Which load of a module is in memory now (0: none, or built in); installed by the module loader. */
  currentLoad: (name: string) => number = () => 0;
  /**
   * Call a device's release(), which lives in the load that initialised
   * the device; the module loader's version faults if that load was freed.
   */
  callRelease: (dev: device, release: (dev: device) => void) => void = (dev, release) => release(dev);
  /** CONFIG_DEBUG_KOBJECT_RELEASE: the last put_device() releases later (kobject_release()). */
  debug_kobject_release = false;
  /** Releases delayed so far: the next delay is 1 to 4 s in turn. */
  private delayedReleases = 0;

  dev_set_name(dev: device, fmt: string, ...args: unknown[]): number {
    dev.name = args.length ? vsprintf(fmt, args) : fmt;
    return 0;
  }

  get_device(dev: device | null, holder: string | null = null): device | null {
    if (dev === null) return null;
    // kobject_get(): the WARN, then kref_get() all the same (on a zero count: the refcount WARN too).
    if (!dev.kobj_initialized) this.base.panic.warn(KOBJ_GET_SITE, kobjNotInitialized(dev, 'kobject_get'));
    if (dev.kref === 0) {
      this.base.panic.warn(REFCOUNT_SITE, 'refcount_t: addition on 0; use-after-free.');
      return dev;
    }
    dev.kref++;
    if (holder !== null) dev.moduleRefs.set(holder, (dev.moduleRefs.get(holder) ?? 0) + 1);
    return dev;
  }

  put_device(dev: device | null, holder: string | null = null): void {
    if (dev === null) return;
    // kobject_put(): the WARN, then kref_put() all the same (on a zero count: the refcount WARN too).
    if (!dev.kobj_initialized) this.base.panic.warn(KOBJ_PUT_SITE, kobjNotInitialized(dev, 'kobject_put'));
    if (dev.kref <= 0) {
      this.base.panic.warn(REFCOUNT_SITE, 'refcount_t: underflow; use-after-free.');
      return;
    }
    if (holder !== null) {
      const n = dev.moduleRefs.get(holder) ?? 0;
      if (n > 1) dev.moduleRefs.set(holder, n - 1);
      else dev.moduleRefs.delete(holder);
    }
    if (--dev.kref === 0) this.kobject_release(dev);
  }

  /**
   * kobject_release(): the cleanup at once, or with
   * CONFIG_DEBUG_KOBJECT_RELEASE a second or more later from system_wq, so
   * that whoever still uses the device after its last put_device() (or
   * frees what its release needs) is caught in the meantime. The kernel
   * picks 1 to 4 s at random; kshim takes them in turn, release after
   * release, so that every run is the same.
   */
  private kobject_release(dev: device): void {
    if (!this.debug_kobject_release) {
      this.kobject_cleanup(dev);
      return;
    }
    const delay = HZ + HZ * (this.delayedReleases++ % 4);
    // kobj->parent: device_del()'s kobject_del() has cleared it for a device that was added.
    const parent = dev.parent === null || !dev.state_in_sysfs ? '0000000000000000' : vsprintf('%p', [dev.parent]);
    this.base.log.printk(KERN_INFO, "kobject: '%s' (%s): %s, parent %s (delayed %ld)\n", dev_name(dev), vsprintf('%p', [dev]), 'kobject_release', parent, delay);
    const core = this;
    const dw = new delayed_work();
    this.base.wq.INIT_DELAYED_WORK(dw, function kobject_delayed_cleanup() {
      core.kobject_cleanup(dev);
    });
    this.base.wq.queue_delayed_work(this.base.wq.system_wq, dw, delay);
  }

  /** The last reference is gone: devres leftovers, then the release callback. */
  private kobject_cleanup(dev: device): void {
    // The ktype's release of a device's kobject.
    this.device_release(dev);
  }

  /** device_release(): devres leftovers, then the release callback of the device, or of its type. */
  private device_release(dev: device): void {
    if (dev.devres_head.length > 0) this.base.devres.devres_release_all_atomic(dev);
    const release = dev.release ?? dev.type?.release ?? null;
    // A release() in the text of a module already freed traps: what CONFIG_DEBUG_KOBJECT_RELEASE is there to catch.
    if (release !== null) this.callRelease(dev, release);
    else this.base.panic.warn(DEVICE_RELEASE_SITE, `Device '${dev_name(dev)}' does not have a release() function, it is broken and must be fixed. See Documentation/core-api/kobject.rst.`);
    dev.released = true;
  }

  /** device_add_groups(): sysfs_create_groups() on the device's kobject; nothing for a null list. */
  device_add_groups(dev: device, groups: readonly attribute_group[] | null): number {
    return this.base.sysfs.sysfs_create_groups(dev, groups);
  }

  device_remove_groups(dev: device, groups: readonly attribute_group[] | null): void {
    this.base.sysfs.sysfs_remove_groups(dev, groups);
  }

  /** The type's groups, then dev->groups; a failure removes what was created. No class groups, no "online" file (see the header). */
  private device_add_attrs(dev: device): number {
    const type = dev.type;
    let error = 0;

    err_remove_type_groups: {
      if (type) {
        error = this.device_add_groups(dev, type.groups ?? null);
        if (error) return error;
      }

      error = this.device_add_groups(dev, dev.groups);
      if (error) break err_remove_type_groups;

      return 0;
    }
    if (type) this.device_remove_groups(dev, type.groups ?? null);
    return error;
  }

  private device_remove_attrs(dev: device): void {
    const type = dev.type;

    this.device_remove_groups(dev, dev.groups);

    if (type) this.device_remove_groups(dev, type.groups ?? null);
  }

  /** kobject_add() of the device under its parent's directory (or /sys/devices): 0, or why it failed. */
  private kobject_add(dev: device, parent: device | null): number {
    const b = this.base;
    // kobject_add() refuses a kobject that kobject_init() never saw.
    if (!dev.kobj_initialized) {
      b.panic.dump_stack(vsprintf("kobject '%s' (%p): tried to add an uninitialized object, something is seriously wrong.", [dev_name(dev), dev]), 'kobject_add');
      return -EINVAL;
    }
    const siblings = parent ? parent.p!.children : this.rootChildren;
    // A second add of the same struct finds its own sysfs directory, like any other duplicate.
    if (siblings.some((d) => dev_name(d) === dev_name(dev) && d.state_in_sysfs)) {
      this.sysfs_warn_dup(`/devices/${this.sysfsPath(dev)}`);
      b.log.emit(KERN_ERR, `kobject: kobject_add_internal failed for ${dev_name(dev)} with -EEXIST, don't try to register things with the same name in the same directory.`);
      return -EEXIST;
    }
    siblings.push(dev);
    dev.state_in_sysfs = true;
    return 0;
  }

  /**
   * device_for_each_child(): `fn` on each child on the parent's
   * klist_children (from the end of its device_add() to its device_del()),
   * oldest first, until one returns non-zero; that value, or 0.
   */
  async device_for_each_child(parent: device, data: unknown, fn: (dev: device, data: unknown) => Promise<number> | number): Promise<number> {
    for (const child of (parent.p?.children ?? []).filter((d) => d.p?.knode_parent === true)) {
      const rc = await fn(child, data);
      if (rc) return rc;
    }
    return 0;
  }

  /** kobject_del(): the directory goes from its parent's. */
  private kobject_del(dev: device): void {
    const parent = dev.parent;
    const siblings = parent ? parent.p!.children : this.rootChildren;
    const i = siblings.indexOf(dev);
    if (i >= 0) siblings.splice(i, 1);
    dev.state_in_sysfs = false;
  }

  async device_add(dev: device): Promise<number> {
    const b = this.base;
    let error = -EINVAL;

    done: {
      if (this.get_device(dev) === null) break done;
      if (dev.p === null) dev.p = new device_private();
      if (dev.init_name !== null) {
        dev.name = dev.init_name;
        dev.init_name = null;
      }

      name_error: {
        if (dev.name === null || dev.name === '') {
          error = -EINVAL;
          break name_error;
        }
        b.log.dynamic_pr_debug(CORE_C, "device: '%s': %s\n", [dev_name(dev), 'device_add']);
        // The core takes dev->mutex directly (not via device_lock()); name it for wait-for reports.
        dev.mutex.name = `device_lock(${dev_name(dev)})`;
        const parent = this.get_device(dev.parent);

        // parent_error: get_device_parent() cannot fail without classes.
        {
          if (parent !== null && dev_to_node(dev) === NUMA_NO_NODE) set_dev_node(dev, dev_to_node(parent));

          Error: {
            error = this.kobject_add(dev, parent);
            if (error) break Error;
            if (b.sched.recording) b.sched.touch(`dev:${dev_name(dev)}`);

            // platform_error, SymlinkError: no platform notify, uevent file or class links to undo.
            {
              AttrsError: {
                error = this.device_add_attrs(dev);
                if (error) break AttrsError;

                BusError: {
                  error = b.bus.bus_add_device(dev);
                  if (error) break BusError;

                  await b.bus.bus_notify(dev, BUS_NOTIFY_ADD_DEVICE);
                  this.kobject_uevent(dev, 'add');
                  await b.bus.bus_probe_device(dev);
                  // klist_add_tail() on the parent's klist_children: its get callback holds the child until device_del().
                  if (parent !== null) {
                    dev.p!.knode_parent = true;
                    this.get_device(dev);
                  }
                  break done;
                }
                this.device_remove_attrs(dev);
              }
            }
            this.kobject_uevent(dev, 'remove');
            this.kobject_del(dev);
          }
          // cleanup_glue_dir(): no glue directories without classes.
        }
        this.put_device(parent);
      }
      // kfree(dev->p)
      dev.p = null;
    }
    this.put_device(dev);
    return error;
  }

  /** sysfs_warn_dup(): a second entry named `path` in one sysfs directory, with a stack dump. */
  sysfs_warn_dup(path: string): void {
    this.base.panic.dump_stack(`sysfs: cannot create duplicate filename '${path}'`, 'sysfs_warn_dup', KERN_WARNING);
  }

  async device_register(dev: device): Promise<number> {
    this.device_initialize(dev);
    return await this.device_add(dev);
  }

  async device_del(dev: device): Promise<void> {
    const b = this.base;
    if (b.sched.recording) b.sched.touch(`dev:${dev_name(dev)}`);
    await b.locking.mutex_lock(dev.mutex);
    dev.p!.dead = true;
    b.locking.mutex_unlock(dev.mutex);
    await b.bus.bus_notify(dev, BUS_NOTIFY_DEL_DEVICE);
    if (dev.p!.knode_parent) {
      dev.p!.knode_parent = false;
      this.put_device(dev);
    }
    this.device_remove_attrs(dev);
    await b.bus.bus_remove_device(dev);
    b.dd.driver_deferred_probe_del(dev);
    if (dev.devres_head.length > 0) await b.devres.devres_release_all(dev);
    await b.bus.bus_notify(dev, BUS_NOTIFY_REMOVED_DEVICE);
    this.kobject_uevent(dev, 'remove');
    const parent = dev.parent;
    this.kobject_del(dev);
    this.put_device(parent);
  }

  async device_unregister(dev: device): Promise<void> {
    await this.device_del(dev);
    this.put_device(dev);
  }

  device_is_registered(dev: device): boolean {
    return dev.state_in_sysfs;
  }

  /** Emit a uevent; the bus adds its variables (MODALIAS), listeners (udev) get them. */
  kobject_uevent(dev: device, action: kobject_action): void {
    const env = new Map<string, string>();
    env.set('ACTION', action);
    env.set('DEVPATH', `/devices/${this.sysfsPath(dev)}`);
    if (dev.bus) env.set('SUBSYSTEM', dev.bus.name);
    if (dev.driver) env.set('DRIVER', dev.driver.name);
    if (dev.bus?.uevent) dev.bus.uevent(dev, env);
    if (this.base.sched.trace.enabled) this.base.sched.trace.mark('uevent', `${action} ${dev_name(dev)}`, env.get('MODALIAS') ?? '');
    for (const l of this.base.ueventListeners) l(action, dev, env);
  }

  /** "platform/hmem_platform.0/hmem.0": the device's path below /sys/devices. */
  sysfsPath(dev: device): string {
    let path = dev_name(dev);
    for (let d = dev.parent; d !== null; d = d.parent) path = `${dev_name(d)}/${path}`;
    return path;
  }

  // ---- dev_printk -------------------------------------------------------

  dev_driver_string(dev: device): string {
    const drv = dev.driver;
    return drv ? drv.name : dev.bus ? dev.bus.name : '';
  }

  /** dev_printk(); `prefix` goes first (dynamic debug's "[pid] module:func: "). */
  dev_printk(level: number, dev: device, fmt: string, args: readonly unknown[], prefix = ''): void {
    this.base.log.emitf(level, `${prefix}${this.dev_driver_string(dev)} ${dev_name(dev)}: `, fmt, args);
  }

  /** __dynamic_dev_dbg(): dev_dbg() of the callsite `site`, printed when dynamic debug says so, after its prefix. */
  dynamic_dev_dbg(site: DdebugSite, dev: device, fmt: string, args: readonly unknown[]): void {
    const log = this.base.log;
    const flags = log.ddebug.flags(site, fmt, callerOfDebugPrint);
    if ((flags & _DPRINTK_FLAGS_PRINT) === 0) return;
    this.dev_printk(KERN_DEBUG, dev, fmt, args, log.ddebug.prefix(flags, site, this.base.sched.current ? this.base.sched.current.pid : 0, callerOfDebugPrint));
  }

  /** Levels for the dev_* helpers. */
  static readonly LEVELS = { dev_crit: KERN_CRIT, dev_err: KERN_ERR, dev_warn: KERN_WARNING, dev_notice: KERN_NOTICE, dev_info: KERN_INFO, dev_dbg: KERN_DEBUG } as const;
}
