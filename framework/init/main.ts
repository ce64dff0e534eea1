// SPDX-License-Identifier: GPL-2.0-only
/**
 * Booting (init/main.c): PID 1 links the built-in objects, runs their
 * initcalls level by level in link order (each initcall a point where the
 * kworkers it woke may run), waits for async work, frees init memory and
 * starts userspace: udevd coldplugs, and the real root is mounted at the
 * "rootfs" time, after which udev replays the devices once more.
 * start_kernel() reads the command line's own parameters (initcall_debug,
 * driver_async_probe=, deferred_probe_timeout=) and the configuration's
 * debug switches, and arms the hung-task detector.
 */
import { sprint_symbol_entry } from '../kernel/kallsyms.js';
import { ContainerModule, inject, injectable } from 'inversify';
import { DriverBase } from '../drivers/base/driver_base.js';
import { Async } from '../kernel/async.js';
import { KernelConfig } from '../kernel/module/config.js';
import { ModuleLoader, type BuiltinInitcall } from '../kernel/module/main.js';
import { INITCALL_LEVELS } from '../kernel/module/types.js';
import { KERN_DEBUG, KERN_INFO, Printk } from '../kernel/printk.js';
import { Scheduler } from '../sim/scheduler.js';
import type { Task } from '../sim/task.js';
import { Timing } from '../sim/timing.js';
import { Udevd } from '../userspace/udev.js';
import { BootCommandLine, param_bool } from './cmdline.js';
import { HungTask } from '../kernel/hung_task.js';
import { Lockdep } from '../kernel/lockdep.js';
import { Rootfs } from './initramfs.js';

export const PID1_FRAMES = ['do_one_initcall', 'do_initcalls', 'kernel_init_freeable', 'kernel_init', 'ret_from_fork', 'ret_from_fork_asm'];

export interface BootParams {
  /** initcall_debug: log each initcall's start, return value and duration. */
  readonly initcall_debug?: boolean;
  /** Modules packed into the initramfs (loadable before the real root). */
  readonly initramfs?: readonly string[];
  /** driver_async_probe= */
  readonly driver_async_probe?: readonly string[];
  /** CONFIG_DEBUG_TEST_DRIVER_REMOVE, whatever the configuration says (for tests of the driver core). */
  readonly test_driver_remove?: boolean;
}

@injectable()
export class Boot {
  /** PID 1, once started. */
  init: Task | null = null;
  /** Virtual time (µs) at which userspace started (init exec'd), or null. */
  userspaceStart: number | null = null;
  private params: BootParams = {};

  constructor(
    @inject(Scheduler) private readonly sched: Scheduler,
    @inject(Printk) private readonly log: Printk,
    @inject(Async) private readonly async: Async,
    @inject(DriverBase) private readonly base: DriverBase,
    @inject(ModuleLoader) private readonly loader: ModuleLoader,
    @inject(Rootfs) private readonly rootfs: Rootfs,
    @inject(Timing) private readonly timing: Timing,
    @inject(Udevd) private readonly udevd: Udevd,
    @inject(KernelConfig) private readonly config: KernelConfig,
    @inject(BootCommandLine) private readonly cmdline: BootCommandLine,
    @inject(HungTask) private readonly hungTask: HungTask,
    @inject(Lockdep) private readonly lockdep: Lockdep,
  ) {}

  /** start_kernel(): create PID 1. The boot runs when the scheduler runs. */
  start_kernel(params: BootParams = {}): Task {
    this.params = { ...params, initcall_debug: (params.initcall_debug ?? false) || this.initcall_debug() };
    this.base.dd.initcall_debug = this.params.initcall_debug!;
    this.loader.initcall_debug = this.params.initcall_debug!;
    for (const m of params.initramfs ?? []) this.rootfs.initramfs.add(m);
    for (const d of params.driver_async_probe ?? []) this.base.dd.async_probe_drivers.add(d);
    const kconfig = this.config.view(true);
    this.base.dd.test_driver_remove = params.test_driver_remove ?? kconfig.IS_ENABLED('CONFIG_DEBUG_TEST_DRIVER_REMOVE');
    this.base.core.debug_kobject_release = kconfig.IS_ENABLED('CONFIG_DEBUG_KOBJECT_RELEASE');
    this.hungTask.enabled = kconfig.IS_ENABLED('CONFIG_DETECT_HUNG_TASK');
    this.lockdep.enabled = kconfig.IS_ENABLED('CONFIG_PROVE_LOCKING');
    this.hungTask.hung_task_init();
    // dd.c's static initialiser: 10 s under #ifdef CONFIG_MODULES, else 0 (no timeout work at all).
    this.base.dd.driver_deferred_probe_timeout = this.config.view(true).IS_ENABLED('CONFIG_MODULES') ? 10 : 0;
    this.parse_early_params();
    const t = this.sched.spawn('swapper/0', 'init', () => this.kernel_init());
    t.baseFrames = PID1_FRAMES;
    this.init = t;
    return t;
  }

  /** core_param(initcall_debug, ..., bool): the last one on the command line counts. */
  private initcall_debug(): boolean {
    const vals = this.cmdline.kernelParam('initcall_debug');
    return vals.length > 0 && param_bool(vals[vals.length - 1]!) === true;
  }

  /**
   * The __setup() handlers of drivers/base/dd.c, as start_kernel()'s
   * parse_args() calls them: driver_async_probe= keeps the list of names
   * ('*' for every driver), deferred_probe_timeout= an integer (a value
   * that is not one leaves the default).
   */
  private parse_early_params(): void {
    const dd = this.base.dd;
    const async = this.cmdline.kernelParam('driver_async_probe');
    const list = async[async.length - 1];
    if (list !== undefined && list !== null) for (const d of list.split(',')) if (d !== '') dd.async_probe_drivers.add(d);
    for (const val of this.cmdline.kernelParam('deferred_probe_timeout')) {
      if (val !== null && /^[+-]?\d+$/.test(val)) dd.driver_deferred_probe_timeout = parseInt(val, 10);
    }
  }

  private frameworkInitcalls(): BuiltinInitcall[] {
    const rootfs = this.rootfs;
    const dd = this.base.dd;
    return [
      {
        level: 'rootfs',
        file: 'init/initramfs.c',
        name: 'populate_rootfs',
        fn: function populate_rootfs() {
          rootfs.usermodehelper_enabled = true;
          return 0;
        },
      },
      {
        level: 'late',
        file: 'drivers/base/dd.c',
        name: 'deferred_probe_initcall',
        fn: async function deferred_probe_initcall() {
          return await dd.deferred_probe_initcall();
        },
      },
    ];
  }

  private async kernel_init(): Promise<void> {
    const calls = [...this.frameworkInitcalls(), ...this.loader.linkVmlinux()];
    for (const level of INITCALL_LEVELS) {
      // By index: a for-of whose body awaits allocates an iterator result for every call.
      for (let i = 0; i < calls.length; i++) if (calls[i]!.level === level) await this.do_one_initcall(calls[i]!);
    }
    await this.async.async_synchronize_full();
    // free_initmem(), then mark_readonly(): x86_64's mark_rodata_ro() with STRICT_KERNEL_RWX. The sizes are a fixed made-up kernel's.
    this.log.emit(KERN_INFO, 'Freeing unused kernel image (initmem) memory: 4096K');
    this.log.emit(KERN_INFO, 'Write protecting the kernel read-only data: 26624k');
    this.log.emit(KERN_INFO, 'Freeing unused kernel image (text/rodata gap) memory: 2040K');
    this.log.emit(KERN_INFO, 'Freeing unused kernel image (rodata/data gap) memory: 1460K');
    this.log.emit(KERN_INFO, 'Run /init as init process');
    this.userspaceStart = this.sched.now;
    this.udevd.start();
    const at = Math.max(this.sched.now, this.timing.rootfs() * 1000);
    this.sched.spawn('init', 'user', async () => {
      await this.sched.sleep(at - this.sched.now);
      if (this.sched.recording) this.sched.touch('rootfs');
      this.rootfs.realRootMounted = true;
      // ext4_fill_super()'s message since 6.3, with the superblock UUID (%pU) of a made-up but fixed root filesystem.
      this.log.emit(KERN_INFO, `EXT4-fs (vda1): mounted filesystem ${ROOT_FS_UUID} r/w with ordered data mode. Quota mode: none.`);
      this.udevd.trigger();
    });
  }

  private async do_one_initcall(call: BuiltinInitcall): Promise<void> {
    const debug = this.params.initcall_debug ?? false;
    const pid = this.sched.current!.pid;
    const start = this.sched.now;
    // "%pS" of the initcall: built-in text, so no module tag.
    const fn = debug ? sprint_symbol_entry(call.name, null) : '';
    if (debug) this.log.printk(KERN_DEBUG, 'calling  %s @ %d', fn, pid);
    const span = this.sched.trace.begin('initcall', call.name);
    const ret = await call.fn();
    this.sched.trace.end(span, ret);
    const extra = this.timing.initcall(call.name);
    if (extra > 0) await this.sched.sleep(extra * 1000);
    else await this.sched.preempt();
    if (debug) this.log.printk(KERN_DEBUG, 'initcall %s returned %d after %d usecs', fn, ret, this.sched.now - start);
  }
}

/** The root filesystem's UUID: any fixed value, so that every run prints the same line. */
const ROOT_FS_UUID = '5f3c2a1e-8b4d-4c6f-9a7e-2d1b0c9e8f76';

export const bootModule = new ContainerModule(({ bind }) => {
  bind(Boot).toSelf();
});
