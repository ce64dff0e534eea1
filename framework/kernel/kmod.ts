// SPDX-License-Identifier: GPL-2.0-only
/**
 * request_module() (kernel/kmod.c): run "modprobe -q -- name" as a
 * user-mode helper and wait for it to exit. A zero return says modprobe
 * succeeded, nothing more: with a current kmod that means the module's init
 * has returned (a concurrent load is waited for in finit_module), with kmod
 * v19 or older a module still COMING in another task was taken as loaded.
 * Without CONFIG_MODULES, include/linux/kmod.h makes request_module() an
 * inline stub that returns -ENOSYS: no helper runs and no time passes.
 */
import { ContainerModule, inject, injectable } from 'inversify';
import { EBUSY, ENOSYS } from '../include/errno.js';
import { Rootfs } from '../init/initramfs.js';
import { Scheduler } from '../sim/scheduler.js';
import { Modprobe } from '../userspace/modprobe.js';
import { WaitFor } from './locking.js';
import { KernelConfig } from './module/config.js';
import { ModuleLoader } from './module/main.js';
import { Panic } from './panic.js';

const ASYNC_SITE = { file: 'kernel/module/kmod.c', line: 149, func: '__request_module' };

/** Bottom of a modprobe task's kernel stack while it is inside init_module. */
export const MODPROBE_FRAMES = ['do_init_module', 'load_module', 'init_module_from_file', 'idempotent_init_module', '__do_sys_finit_module', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe'];
/** The bottom of a user process's kernel stack: the system call it made (delete_module, finit_module: their own frames show above). */
export const SYSCALL_FRAMES = ['do_syscall_64', 'entry_SYSCALL_64_after_hwframe'];

@injectable()
export class Kmod {
  constructor(
    @inject(Scheduler) private readonly sched: Scheduler,
    @inject(Panic) private readonly panic: Panic,
    @inject(Rootfs) private readonly rootfs: Rootfs,
    @inject(Modprobe) private readonly modprobe: Modprobe,
    @inject(ModuleLoader) loader: ModuleLoader,
    @inject(KernelConfig) private readonly config: KernelConfig,
  ) {
    loader.requestModule = this.requestFor.bind(this);
  }

  private requestFor(_caller: string | null, name: string): Promise<number> {
    return this.request_module(name);
  }

  /** Returns 0 when modprobe succeeded, -EBUSY before user-mode helpers exist, else modprobe's wait status; -ENOSYS without CONFIG_MODULES. */
  async request_module(name: string): Promise<number> {
    // Every caller is built in (no modules without CONFIG_MODULES) and sees kmod.h's #else branch.
    if (!this.config.view(true).IS_ENABLED('CONFIG_MODULES')) return -ENOSYS;
    const self = this.sched.self('request_module');
    if (self.isAsync) this.panic.WARN_ON_ONCE(true, ASYNC_SITE);
    if (!this.rootfs.usermodehelper_enabled) return -EBUSY;
    let exit: number | null = null;
    const helper = this.sched.spawn('modprobe', 'modprobe', async () => {
      exit = await this.modprobe.modprobe(name, { quiet: true, comm: 'modprobe' });
      this.sched.wake(self);
    });
    helper.baseFrames = MODPROBE_FRAMES;
    const on = new WaitFor(() => `request_module(${name}): modprobe (pid ${helper.pid})`, () => [helper]);
    // call_usermodehelper_exec(UMH_WAIT_PROC | UMH_KILLABLE): a killable sleep.
    while (exit === null) await this.sched.block(on, 'killable');
    return exit === 0 ? 0 : exit << 8;
  }
}

export const kmodModule = new ContainerModule(({ bind }) => {
  bind(Kmod).toSelf();
});
