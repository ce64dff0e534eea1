// SPDX-License-Identifier: GPL-2.0-only
/**
 * Timing knobs: every modelled duration of a boot, in milliseconds of
 * virtual time. Each knob is read through a named method, so a test can
 * stub it with sinon (`sinon.stub(timing, 'rootfs').returns(28_560)`), and
 * a scenario's "timing" object sets it by name. `kshim knobs` lists them.
 */
import { ContainerModule, injectable } from 'inversify';

export interface KnobSpec {
  /** "rootfs", "udev.delay", "cxl_pci.probe" */
  readonly name: string;
  /** Default in milliseconds. */
  readonly default: number;
  readonly description: string;
}

/** The knobs of the framework itself; mocks add theirs. */
export const FRAMEWORK_KNOBS: readonly KnobSpec[] = [
  { name: 'rootfs', default: 3000, description: 'time at which the real root filesystem is mounted; before it only initramfs modules can load' },
  { name: 'udev.delay', default: 5, description: 'delay between a uevent and the modprobe udev runs for its MODALIAS' },
  { name: 'modprobe', default: 2, description: 'time for modprobe to start and read modules.dep, per invocation' },
  { name: 'initcall', default: 0, description: 'duration of each built-in initcall beyond the work it models' },
];

@injectable()
export class Timing {
  private readonly specs = new Map<string, KnobSpec>();
  private readonly values = new Map<string, number>();

  constructor() {
    for (const k of FRAMEWORK_KNOBS) this.register(k);
  }

  register(spec: KnobSpec): void {
    this.specs.set(spec.name, spec);
  }

  /** Set a knob; returns false if no such knob is registered. */
  set(name: string, ms: number): boolean {
    if (!this.specs.has(name)) return false;
    this.values.set(name, ms);
    return true;
  }

  /** Current value of a knob in milliseconds. */
  get(name: string): number {
    const v = this.values.get(name);
    if (v !== undefined) return v;
    const s = this.specs.get(name);
    if (s === undefined) throw new Error(`kshim: unknown timing knob ${name}`);
    return s.default;
  }

  knobs(): KnobSpec[] {
    return [...this.specs.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** When the real root filesystem is mounted (ms since boot). */
  rootfs(): number {
    return this.get('rootfs');
  }

  /** How long udev takes from a uevent to running modprobe for `modalias`. */
  udevDelay(_modalias: string): number {
    return this.get('udev.delay');
  }

  /** How long one modprobe invocation takes before it inserts anything. */
  modprobeExec(_name: string): number {
    return this.get('modprobe');
  }

  /** Extra duration of a built-in initcall. */
  initcall(_name: string): number {
    return this.get('initcall');
  }
}

export const timingModule = new ContainerModule(({ bind }) => {
  bind(Timing).toSelf();
});
