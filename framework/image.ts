// SPDX-License-Identifier: GPL-2.0-only
/**
 * The kernel image: one container that holds the machine's bindings and
 * resolves a fresh machine from them for every boot. For callers that boot
 * the same kind of machine thousands of times: everything that explores
 * (`kshim explore`, `compare`, `matrix --explore`) and the benchmark.
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
 * in the container, are read from the boot being resolved. So a module the
 * image loads must bind classes without a scope, never a constant, a
 * singleton or a factory, and a dynamic value must not resolve through its
 * context (`ctx.get()` starts another request, hence another graph).
 * suites/harness/image.spec.ts checks that two machines of the image share
 * no more objects than two machines of containers of their own, and that
 * both give the same runs.
 *
 * What differs from createMachine(): machine.get() answers only the kept
 * services, which are built with the machine, before configureMachine()
 * (createMachine() builds a service on its first get()).
 */
import 'reflect-metadata';
import { Container, ContainerModule, type ServiceIdentifier } from 'inversify';
import { configureMachine, Machine, machineModules, type MachineOptions } from './machine.js';
import type { SchedulerOptions } from './sim/scheduler.js';

/** What one resolution of the image returns: the machine and the services kept with it. */
interface Resolved {
  readonly machine: Machine;
  readonly kept: readonly unknown[];
}

/** What a boot of the image is given: a machine's options but its modules, which the image already has. */
type BootOptions = Omit<MachineOptions, 'modules'>;

const RESOLVED: ServiceIdentifier<Resolved> = Symbol.for('kshim.KernelImage.resolved');

export class KernelImage {
  private readonly container = new Container({ defaultScope: 'Request' });
  /** The options of the boot being resolved; read by the scheduler and command-line bindings. */
  private booting: BootOptions | null = null;

  private readonly keep: readonly ServiceIdentifier[];

  /**
   * `modules`: the extra ContainerModules of every machine (mocks).
   * `keep`: the services machine.get() must answer, resolved with the machine.
   */
  constructor(modules: readonly ContainerModule[], keep: readonly ServiceIdentifier[]) {
    this.keep = [...keep];
    const source = {
      scheduler: (): SchedulerOptions => this.options().scheduler ?? {},
      cmdline: (): string | undefined => this.options().cmdline,
    };
    const resolvedModule = new ContainerModule(({ bind }) => {
      bind(RESOLVED).toResolvedValue((machine: Machine, ...kept: unknown[]): Resolved => ({ machine, kept }), [Machine, ...this.keep]);
    });
    this.container.load(...machineModules({ modules }, source), resolvedModule);
  }

  /** A fresh machine: every subsystem and kept service new, configured from `opts`. */
  boot(opts: BootOptions = {}): Machine {
    if (this.booting !== null) throw new Error('kshim: KernelImage.boot() re-entered while it was resolving a machine');
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

  private options(): BootOptions {
    if (this.booting === null) throw new Error('kshim: the kernel image resolved a subsystem outside boot()');
    return this.booting;
  }
}
