// SPDX-License-Identifier: GPL-2.0-only
/**
 * A whole simulated machine: the kernel core plus the module loader,
 * request_module, the boot sequence and the userspace that loads modules
 * (udevd, modprobe). One fresh container per boot (createMachine()), or
 * one resolution of the process's kernel image (framework/image.ts) for
 * the explorer and the benchmark, which boot thousands.
 */
import { SYSCALL_FRAMES } from './kernel/kmod.js';
import type { CmdlineParam } from './init/cmdline.js';
import 'reflect-metadata';
import { Container, ContainerModule, inject, injectable, type ServiceIdentifier } from 'inversify';
import { Boot, bootModule, type BootParams } from './init/main.js';
import { Rootfs, rootfsModule } from './init/initramfs.js';
import { Kernel, kernelModules, type BootSource, type KernelOptions } from './kernel.js';
import { Kmod, kmodModule } from './kernel/kmod.js';
import { KernelConfig, kernelConfigModule } from './kernel/module/config.js';
import { ModuleLoader, moduleLoaderModule } from './kernel/module/main.js';
import type { ModuleDef, Tristate } from './kernel/module/types.js';
import type { RunOutcome } from './sim/scheduler.js';
import { Timing, timingModule } from './sim/timing.js';
import { Modprobe, modprobeModule } from './userspace/modprobe.js';
import { Udevd, udevModule } from './userspace/udev.js';

@injectable()
export class Machine {
  private container: Container | null = null;
  /** A machine of the kernel image: the services its boot kept, by identifier. */
  private kept: ReadonlyMap<ServiceIdentifier, unknown> | null = null;
  private poweredOff = false;

  constructor(
    @inject(Kernel) readonly kernel: Kernel,
    @inject(KernelConfig) readonly config: KernelConfig,
    @inject(ModuleLoader) readonly loader: ModuleLoader,
    @inject(Kmod) readonly kmod: Kmod,
    @inject(Modprobe) readonly modprobe: Modprobe,
    @inject(Udevd) readonly udevd: Udevd,
    @inject(Rootfs) readonly rootfs: Rootfs,
    @inject(Timing) readonly timing: Timing,
    @inject(Boot) readonly boot: Boot,
  ) {}

  /** A service of this machine (a mock's ops, the firmware). */
  get<T>(id: ServiceIdentifier<T>): T {
    if (this.poweredOff) throw new Error('kshim: machine is powered off: its services are gone');
    if (this.kept !== null) {
      if (!this.kept.has(id)) throw new Error(`kshim: ${serviceName(id)} is not a service this machine kept: it was resolved from the kernel image, which keeps only ${[...this.kept.keys()].map(serviceName).join(', ')}`);
      return this.kept.get(id) as T;
    }
    if (this.container === null) throw new Error('kshim: machine has no container (never attached, or powered off)');
    return this.container.get(id);
  }

  /** Set by createMachine(). */
  attach(c: Container): void {
    this.container = c;
  }

  /** Set by KernelImage.boot(): the services resolved with this machine. */
  keep(services: ReadonlyMap<ServiceIdentifier, unknown>): void {
    this.kept = services;
  }

  /**
   * Return the container to the empty snapshot taken when it was created.
   * Some of inversify's own objects live in V8's old generation and reach
   * every singleton through the container's services; swapping those
   * services for empty ones lets a young-generation GC free the machine
   * once it is dropped (docs/performance.md). A machine of the kernel
   * image drops what it kept.
   */
  powerOff(): void {
    this.container?.restore();
    this.container = null;
    this.kept = null;
    this.poweredOff = true;
  }

  /** Start PID 1 and run until the system is idle (initcalls, userspace, udev, real root). */
  async bootToIdle(params: BootParams = {}): Promise<RunOutcome> {
    this.boot.start_kernel(params);
    return await this.kernel.sched.run();
  }

  /** Run a userspace command ("modprobe x", "modprobe -r x") as a task and wait until idle. */
  async userModprobe(name: string, remove = false, params: readonly CmdlineParam[] = []): Promise<{ exit: number; outcome: RunOutcome; pid: number }> {
    let exit = -1;
    // The comm of a process is its executable's name, options or not.
    const t = this.kernel.sched.spawn('modprobe', 'user', async () => {
      exit = await this.modprobe.modprobe(name, { remove, params });
    });
    t.baseFrames = SYSCALL_FRAMES;
    const outcome = await this.kernel.sched.run();
    return { exit, outcome, pid: t.pid };
  }
}

export const machineModule = new ContainerModule(({ bind }) => {
  bind(Machine).toSelf();
});

export interface MachineOptions extends KernelOptions {
  /** Resolved configuration (after Kconfig). */
  readonly config?: Readonly<Record<string, Tristate>>;
  /** The objects of the tree, in link order. */
  readonly catalog?: readonly ModuleDef[];
  /** Timing knobs in ms by name. */
  readonly timing?: Readonly<Record<string, number>>;
}

/** The DI modules of a whole machine, in load order: the kernel's, the machine's, then `opts.modules`. */
export function machineModules(opts: MachineOptions = {}, source?: BootSource): ContainerModule[] {
  return [
    ...kernelModules(opts, source),
    kernelConfigModule,
    timingModule,
    rootfsModule,
    moduleLoaderModule,
    modprobeModule,
    kmodModule,
    udevModule,
    bootModule,
    machineModule,
    ...(opts.modules ?? []),
  ];
}

/** A fresh machine in a fresh container. */
export function createMachine(opts: MachineOptions = {}): Machine {
  const c = new Container({ defaultScope: 'Singleton' });
  // The empty state powerOff() returns to.
  c.snapshot();
  c.load(...machineModules(opts));
  const m = c.get(Machine);
  m.attach(c);
  configureMachine(m, opts);
  return m;
}

/** What a machine takes from its options once its subsystems exist: configuration, catalogue, timing. */
export function configureMachine(m: Machine, opts: MachineOptions): void {
  m.config.set(opts.config ?? {});
  // A configuration without MEMREGION gets include/linux/memregion.h's stubs; a machine built without one keeps the allocator.
  if (opts.config !== undefined) m.kernel.memregion.CONFIG_MEMREGION = m.config.value('MEMREGION') !== 'n';
  m.loader.setCatalog(opts.catalog ?? []);
  for (const [k, v] of Object.entries(opts.timing ?? {})) m.timing.set(k, v);
}

/** A service identifier as a person reads it: a class by its name. */
function serviceName(id: ServiceIdentifier): string {
  return typeof id === 'function' ? id.name : String(id);
}
