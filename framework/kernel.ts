// SPDX-License-Identifier: GPL-2.0-only
/**
 * The composition root: one fresh DI container, hence one fresh simulated
 * kernel, per boot and per test (the explorer and the benchmark resolve
 * theirs from the kernel image instead, framework/image.ts, and get the
 * same fresh kernel). `Kernel` is what tests and the CLI hold;
 * `KernelApi` is what ported code sees: kernel-named functions only.
 */
import 'reflect-metadata';
import { Container, ContainerModule, inject, injectable } from 'inversify';
import { DriverBase, driverCoreModule, type DriverCoreApi } from './drivers/base/driver_base.js';
import type { device } from './include/linux/device.js';
import { resource_size, type resource } from './include/linux/ioport.js';
import { PlatformBus, platformModule, type PlatformApi } from './drivers/base/platform.js';
import { Sysfs, sysfsModule, type SysfsApi } from './fs/sysfs.js';
import { Async, asyncModule, type AsyncApi } from './kernel/async.js';
import { FaultInjection, faultInjectionModule } from './kernel/fail_function.js';
import { Locking, lockingModule, type LockingApi } from './kernel/locking.js';
import { Panic, panicModule, type PanicApi } from './kernel/panic.js';
import { hungTaskModule } from './kernel/hung_task.js';
import { Lockdep, lockdepModule } from './kernel/lockdep.js';
import { debugLocksModule } from './lib/debug_locks.js';
import { debugObjectsModule } from './lib/debugobjects.js';
import { BootCommandLine, cmdlineModule } from './init/cmdline.js';
import { KERN_NOTICE, Printk, printkModule, type PrintkApi } from './kernel/printk.js';
import { UTS_RELEASE } from './include/generated/utsrelease.js';
import { Resources, resourceModule, type ResourceApi } from './kernel/resource.js';
import { Memregion, memregionModule, type MemregionApi } from './lib/memregion.js';
import { Numa, numaModule, type NumaApi } from './mm/numa.js';
import { Slab, slabModule } from './mm/slab.js';
import { Workqueue, work_struct, workqueueModule, type WorkqueueApi } from './kernel/workqueue.js';
import { layered } from './lib/layered.js';
import { Scheduler, schedulerModule, type RunOutcome, type SchedulerOptions } from './sim/scheduler.js';
import type { Task, TaskKind } from './sim/task.js';

/**
 * Allocation of a struct, failing (null) where fault injection says
 * "kmalloc" must fail; kfree(); and KASAN's checks of an access to it
 * (see mm/slab.ts). `size` is sizeof the C struct, `offset` that of the
 * field accessed.
 */
export interface SlabApi {
  kzalloc<T extends object>(ctor: () => T, size?: number): T | null;
  kfree(obj: object | null): void;
  kasan_check_read(obj: object, size: number, offset?: number): boolean;
  kasan_check_write(obj: object, size: number, offset?: number): boolean;
}

/** Managed resources of kernel/resource.c: released with the device's devres. */
export interface DevmResourceApi {
  devm_request_mem_region(dev: device, start: number, n: number, name: string): resource | null;
}

export type KernelApi = PrintkApi &
  PanicApi &
  LockingApi &
  WorkqueueApi &
  AsyncApi &
  DriverCoreApi &
  PlatformApi &
  ResourceApi &
  MemregionApi &
  SysfsApi &
  NumaApi &
  SlabApi &
  DevmResourceApi;

export interface Leak {
  readonly kind: 'device-ref' | 'work' | 'module-ref' | 'driver';
  readonly what: string;
}

@injectable()
export class Kernel {
  /** The API of built-in code. */
  readonly api: KernelApi;
  private readonly moduleApis = new Map<string, KernelApi>();

  constructor(
    @inject(Scheduler) readonly sched: Scheduler,
    @inject(Printk) readonly log: Printk,
    @inject(Panic) readonly panic: Panic,
    @inject(Locking) readonly locking: Locking,
    @inject(Workqueue) readonly wq: Workqueue,
    @inject(Async) readonly async: Async,
    @inject(FaultInjection) readonly faults: FaultInjection,
    @inject(DriverBase) readonly base: DriverBase,
    @inject(PlatformBus) readonly platform: PlatformBus,
    @inject(Resources) readonly resources: Resources,
    @inject(Memregion) readonly memregion: Memregion,
    @inject(Sysfs) readonly sysfs: Sysfs,
    @inject(Numa) readonly numa: Numa,
    @inject(BootCommandLine) readonly cmdline: BootCommandLine,
    @inject(Lockdep) readonly lockdep: Lockdep,
    @inject(Slab) readonly slab: Slab,
  ) {
    // In a container whose default scope is Transient every injection point gets its own subsystem.
    if (base.sched !== sched || base.log !== log) throw new Error('kshim: the kernel\'s subsystems were built more than once: load kernelModules() into a container whose default scope is Singleton (one kernel) or Request (the kernel image)');
    // start_kernel() prints the banner first (pr_notice); driver_init() registers the platform bus later.
    log.emit(KERN_NOTICE, `Linux version ${UTS_RELEASE} (kshim) #1 SMP PREEMPT_DYNAMIC`);
    log.emit(KERN_NOTICE, `Kernel command line: ${cmdline.text}`);
    log.dynamic_debug_init(cmdline);
    platform.platform_bus_init();
    this.api = this.buildApi();
  }

  /**
   * The API as seen by code of `module`: the built-in API, with the few
   * functions that record THIS_MODULE (driver owner, device references,
   * work items) bound to the module.
   */
  apiFor(module: string | null): KernelApi {
    if (module === null) return this.api;
    let a = this.moduleApis.get(module);
    if (a === undefined) {
      const core = this.base.core;
      const stamped = async (dev: device, register: () => Promise<number>): Promise<number> => {
        const by = { module, load: core.currentLoad(module) };
        const ret = await register();
        dev.initializedBy = by;
        return ret;
      };
      const owned: Partial<KernelApi> = {
        // A device a module initialises (itself, or by registering it) has its release() in that load of the module.
        device_initialize: (dev: device) => {
          core.device_initialize(dev);
          dev.initializedBy = { module, load: core.currentLoad(module) };
        },
        // Registering initialises the device inside: stamp it afterwards with the load that called.
        device_register: async (dev: device) => await stamped(dev, () => core.device_register(dev)),
        platform_device_register: async (pdev) => await stamped(pdev.dev, () => this.platform.platform_device_register(pdev)),
        get_device: (<T extends device | null>(dev: T): T => core.get_device(dev, module) as T) as KernelApi['get_device'],
        put_device: (dev: device | null) => core.put_device(dev, module),
        platform_device_put: (pdev) => this.platform.platform_device_put(pdev, module),
        platform_driver_register: (drv) => this.platform.__platform_driver_register(drv, module),
        ...this.ownedWorkApi(module),
      };
      a = layered<KernelApi>(this.api, owned);
      this.moduleApis.set(module, a);
    }
    return a;
  }

  private buildApi(): KernelApi {
    return Object.assign(
      {},
      this.log.api(),
      this.panic.api(),
      this.locking.api(),
      this.wq.api(),
      this.async.api(),
      this.base.api(null),
      this.platform.api(null),
      this.resources.api(),
      this.memregion.api(),
      this.sysfs.api(),
      this.numa.api(),
      this.slabApi(),
      this.devmResourceApi(),
    ) as KernelApi;
  }

  private devmResourceApi(): DevmResourceApi {
    const resources = this.resources;
    const devres = this.base.devres;
    function devm_region_release(data: unknown): void {
      const res = data as resource;
      resources.release_mem_region(res.start, resource_size(res));
    }
    return {
      devm_request_mem_region(dev, start, n, name) {
        const res = resources.request_mem_region(start, n, name);
        if (res === null) return null;
        if (devres.devm_add_action(dev, devm_region_release, res)) {
          resources.release_mem_region(start, n);
          return null;
        }
        return res;
      },
    };
  }

  private slabApi(): SlabApi {
    const slab = this.slab;
    return {
      kzalloc: (ctor, size) => slab.kzalloc(ctor, size),
      kfree: (obj) => slab.kfree(obj),
      kasan_check_read: (obj, size, offset = 0) => slab.kasan_check(obj, size, false, offset) !== false,
      kasan_check_write: (obj, size, offset = 0) => slab.kasan_check(obj, size, true, offset) !== false,
    };
  }

  /** Work items set up or queued by a module's code point into that module (for use-after-unload checks). */
  private ownedWorkApi(module: string): Partial<WorkqueueApi> {
    const wq = this.wq;
    const core = this.base.core;
    const own = <W extends work_struct>(w: W): W => {
      w.owner = module;
      w.ownerLoad = core.currentLoad(module);
      return w;
    };
    return {
      INIT_WORK: (w, f) => wq.INIT_WORK(own(w), f),
      INIT_DELAYED_WORK: (w, f) => wq.INIT_DELAYED_WORK(own(w), f),
      __WORK_INITIALIZER: (f) => own(wq.__WORK_INITIALIZER(f)),
      DECLARE_WORK: (f) => own(wq.__WORK_INITIALIZER(f)),
      queue_work: (q, w) => wq.queue_work(q, own(w)),
      queue_delayed_work: (q, w, d) => wq.queue_delayed_work(q, own(w), d),
      schedule_work: (w) => wq.queue_work(wq.system_wq, own(w)),
    };
  }

  /** Start a task; it runs when the scheduler picks it. */
  spawn(comm: string, kind: TaskKind, body: () => Promise<void>): Task {
    return this.sched.spawn(comm, kind, body);
  }

  /** Run `body` as a task (if given), then everything until the system is idle. */
  async run(body?: () => Promise<void>, comm = 'kshim-test', kind: TaskKind = 'user'): Promise<RunOutcome> {
    if (body) this.sched.spawn(comm, kind, body);
    return await this.sched.run();
  }

  dmesg(): string[] {
    return this.log.lines();
  }

  /** What a teardown finds: deleted devices still referenced, work left queued. */
  leaks(): Leak[] {
    const out: Leak[] = [];
    for (const dev of this.base.core.allDevices) {
      if (!dev.state_in_sysfs && dev.kref > 0 && dev.name !== null) {
        out.push({ kind: 'device-ref', what: `${dev.name}: ${dev.kref} reference${dev.kref === 1 ? '' : 's'} left after device_del()` });
      }
    }
    for (const w of this.wq.pendingWork()) out.push({ kind: 'work', what: w.diedIn === null ? `${w.func} still queued on ${w.wq}` : `${w.func} on ${w.wq} never finished: ${w.diedIn} died in it` });
    return out;
  }
}

export const kernelModule = new ContainerModule(({ bind }) => {
  bind(Kernel).toSelf();
});

export interface KernelOptions {
  readonly scheduler?: SchedulerOptions;
  /** The kernel command line the boot loader passes; none: kshim's verbose default (every debug message). */
  readonly cmdline?: string;
  /** More subsystems, or overrides loaded after the defaults (a mock is a module too). */
  readonly modules?: readonly ContainerModule[];
}

/**
 * Where a kernel's scheduler options and command line come from when they
 * are not fixed at load: the kernel image (framework/image.ts) reads them
 * afresh for each machine it resolves.
 */
export interface BootSource {
  scheduler(): SchedulerOptions;
  cmdline(): string | undefined;
}

/**
 * The DI modules of the kernel core, in load order. The bindings name no
 * scope: the container's default decides (Singleton in a container per
 * boot, Request in the kernel image), so both build one instance of each
 * subsystem per kernel. inversify's own default, Transient, would build one
 * per injection point; Kernel's constructor refuses that.
 */
export function kernelModules(opts: KernelOptions = {}, source?: BootSource): ContainerModule[] {
  return [
    schedulerModule(source !== undefined ? () => source.scheduler() : opts.scheduler),
    cmdlineModule(source !== undefined ? () => source.cmdline() : opts.cmdline),
    printkModule,
    debugLocksModule,
    panicModule,
    debugObjectsModule,
    lockdepModule,
    lockingModule,
    faultInjectionModule,
    slabModule,
    workqueueModule,
    asyncModule,
    driverCoreModule,
    platformModule,
    resourceModule,
    memregionModule,
    sysfsModule,
    numaModule,
    hungTaskModule,
    kernelModule,
  ];
}

/** A fresh kernel in a fresh container. */
export function createKernel(opts: KernelOptions = {}): Kernel {
  const c = new Container({ defaultScope: 'Singleton' });
  c.load(...kernelModules(opts), ...(opts.modules ?? []));
  return c.get(Kernel);
}
