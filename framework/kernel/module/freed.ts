// SPDX-License-Identifier: GPL-2.0-only
/**
 * A module's memory after free_module(): its text is filled with INT3 (in
 * execmem's ROX cache), its data is unmapped, and whatever still points
 * into them traps or faults when it is used, as on x86_64. kshim finds
 * those uses where the kernel would hit them:
 * - process_one_work() calling a work function of a freed load (it runs
 *   into the INT3 fill at the function's address);
 * - a kworker that was running such a function when the module was freed,
 *   when it next gets the CPU: it returns into the freed text;
 * - kobject_cleanup() calling a release() of a freed load;
 * - a bus walk reading a driver that a freed module left registered
 *   (driver_match_device()'s read of drv->bus).
 * Code is the int3 oops (Panic.freedTextTrap()), data the page-fault oops
 * (Panic.moduleFault()); the task dies there.
 * A driver left registered is also kept as a leftover of the unload, since
 * the kernel only notices it if some later device is added to its bus.
 *
 * Deviations:
 * - Freed text always traps on INT3: the ROX cache giving a whole huge
 *   page back (and the text becoming unmapped) is not modelled.
 * - A kworker that was inside the work function faults the next time it
 *   runs at all, at a return address inside the work function itself,
 *   even if it was suspended deeper (in a function of the same module
 *   that the work function called, or in built-in code that has more to
 *   do before it returns).
 * - The page-fault report names the function or object in kshim's record
 *   (Warning.function), which the kernel cannot do.
 */
import type { device_driver } from '../../include/linux/device.js';
import type { work_struct } from '../../include/linux/workqueue_types.js';
import type { Scheduler } from '../../sim/scheduler.js';
import type { Task } from '../../sim/task.js';
import type { KernelOops, Panic } from '../panic.js';
import { captureFrames, type Frame } from '../stacktrace.js';
import { dataAddress, formatModuleAddress, returnAddress, textAddress } from './layout.js';

/** offsetof(struct device_driver, bus): after the name pointer. */
const DRIVER_BUS_OFFSET = 8;

interface FreedLoad {
  readonly name: string;
  readonly base: number;
}

export class FreedModules {
  /** Every load freed so far, by load number. */
  private readonly loads = new Map<number, FreedLoad>();
  /** Drivers a freed module left registered: the load whose data they were in. */
  private readonly drivers = new WeakMap<device_driver, FreedLoad>();

  constructor(
    private readonly panic: Panic,
    private readonly sched: Scheduler,
  ) {}

  /** free_module() of load `load` of module `name`, which sat at `base`. */
  free(name: string, load: number, base: number): void {
    this.loads.set(load, { name, base });
  }

  isFreed(load: number): boolean {
    return this.loads.has(load);
  }

  /** A driver of the freed load `load`, still on its bus. */
  driverLeftRegistered(drv: device_driver, load: number): void {
    const freed = this.loads.get(load);
    if (freed !== undefined) this.drivers.set(drv, freed);
  }

  /** The address %ps prints for a work function of a freed load ("0xffffffffc0012340"), or null while the load is there. */
  workFuncAddress(w: work_struct): string | null {
    const freed = this.loads.get(w.ownerLoad);
    return freed === undefined ? null : `0x${formatModuleAddress(textAddress(freed.base, w.func?.name || 'work_fn'))}`;
  }

  /** process_one_work() calls the function of `w`, whose load was freed: the fault, for the caller to throw. */
  callWork(w: work_struct): KernelOops {
    const freed = this.loads.get(w.ownerLoad)!;
    const func = w.func?.name || 'work_fn';
    return this.panic.freedTextTrap(textAddress(freed.base, func), func, `work function ${func} of module ${freed.name} called after the module was freed`, []);
  }

  /**
   * The module of `w` is being freed while `task` runs it (`wqName` is
   * its workqueue): the fault waits for the task's next turn on the CPU.
   */
  returnIntoFreedWork(task: Task, w: work_struct, wqName: string): void {
    const freed = this.loads.get(w.ownerLoad);
    if (freed === undefined) return;
    const func = w.func?.name || 'work_fn';
    this.sched.faultOnResume(task, () => {
      // print_worker_info() has only the address now.
      task.workqueueLine = `${wqName} 0x${formatModuleAddress(textAddress(freed.base, func))}`;
      return this.panic.freedTextTrap(returnAddress(freed.base, func), func, `work function ${func} of module ${freed.name} still running when the module was freed`, []);
    });
  }

  /** kobject_cleanup() calls `release` of the freed load `load`; `frames` are the caller's. The fault, for the caller to throw. */
  callRelease(load: number, release: string, device: string, frames: readonly Frame[]): KernelOops {
    const freed = this.loads.get(load)!;
    return this.panic.freedTextTrap(textAddress(freed.base, release), release, `release ${release} of device ${device} called after module ${freed.name} was freed`, frames);
  }

  /**
   * driver_match_device() reads drv->bus: a fault if `drv` was left
   * registered by a freed module. RIP is the function driver_match_device()
   * is inlined into, the caller of the hook's caller.
   */
  readDriver(drv: device_driver): void {
    const freed = this.drivers.get(drv);
    if (freed === undefined) return;
    // Skip captureFrames(), this function and driver_match_device().
    const frames = captureFrames(3, this.panic.moduleOf);
    throw this.panic.moduleFault(dataAddress(freed.base, drv.name) + DRIVER_BUS_OFFSET, drv.name, `driver ${drv.name} of module ${freed.name} read on bus ${drv.bus?.name ?? '?'} after the module was freed`, frames);
  }
}
