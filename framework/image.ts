// SPDX-License-Identifier: GPL-2.0-only
/**
 * The kernel image: one container per process (per set of extra modules)
 * that holds the machine's bindings, and resolves a fresh machine from them
 * for every boot. For callers that boot the same kind of machine thousands
 * of times: the explorer and the benchmark.
 *
 * Why not a container per boot there: building one costs inversify about
 * 10 µs per bound subsystem (binding, plan-cache invalidation, planning),
 * some 200 to 300 µs for a machine's 31, nearly half a boot
 * (docs/performance.md, "Eighth look"). A child container or
 * snapshot()/restore() plans again and saves little. The image loads and
 * plans once; each boot is one resolution.
 *
 * What keeps boots apart: the bindings name no scope and the image's
 * default scope is Request, so every resolution builds its own instance of
 * every subsystem, shared within that machine and with no other. The
 * scheduler's options and the command line, the only per-boot inputs bound
 * in the container, are read from the boot being resolved. Nothing else is
 * cached: a machine of the image is the machine createMachine() builds,
 * which suites/harness/image.spec.ts checks run for run.
 */
import 'reflect-metadata';
import { Container, ContainerModule, type ServiceIdentifier } from 'inversify';
import { configureMachine, Machine, machineModules, serviceName, type MachineOptions } from './machine.js';
import type { SchedulerOptions } from './sim/scheduler.js';

/** What one resolution of the image returns: the machine and the services kept with it. */
interface Resolved {
  readonly machine: Machine;
  readonly kept: readonly unknown[];
}

const RESOLVED: ServiceIdentifier<Resolved> = Symbol.for('kshim.KernelImage.resolved');

export class KernelImage {
  private readonly container = new Container({ defaultScope: 'Request' });
  /** The options of the boot being resolved; read by the scheduler and command-line bindings. */
  private booting: MachineOptions | null = null;

  /**
   * `modules`: the extra ContainerModules of every machine (mocks).
   * `keep`: the services machine.get() must answer, resolved with the machine.
   */
  constructor(
    modules: readonly ContainerModule[],
    private readonly keep: readonly ServiceIdentifier[],
  ) {
    const source = {
      scheduler: (): SchedulerOptions => this.options().scheduler ?? {},
      cmdline: (): string | undefined => this.options().cmdline,
    };
    const resolvedModule = new ContainerModule(({ bind }) => {
      bind(RESOLVED).toResolvedValue((machine: Machine, ...kept: unknown[]): Resolved => ({ machine, kept }), [Machine, ...keep]);
    });
    this.container.load(...machineModules({ modules }, source), resolvedModule);
  }

  /** A fresh machine: every subsystem and kept service new, configured from `opts` (whose `modules` the image already has). */
  boot(opts: MachineOptions = {}): Machine {
    this.booting = opts;
    let r: Resolved;
    try {
      r = this.container.get(RESOLVED);
    } finally {
      this.booting = null;
    }
    r.machine.keep(new Map(this.keep.map((id, i) => [id, r.kept[i]])));
    configureMachine(r.machine, opts);
    return r.machine;
  }

  private options(): MachineOptions {
    if (this.booting === null) throw new Error('kshim: the kernel image resolved a subsystem outside boot()');
    return this.booting;
  }
}

const images = new Map<string, KernelImage>();

/**
 * The process's image for machines with these extra modules and kept
 * services, made on first use. Keyed by the modules' ids: pass the same
 * ContainerModule objects each time (module-level constants), or each call
 * makes (and keeps) a new image.
 */
export function kernelImage(modules: readonly ContainerModule[], keep: readonly ServiceIdentifier[]): KernelImage {
  const key = `${modules.map((m) => m.id).join(',')}|${keep.map(serviceName).join(',')}`;
  let image = images.get(key);
  if (image === undefined) images.set(key, (image = new KernelImage(modules, keep)));
  return image;
}
