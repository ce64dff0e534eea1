// SPDX-License-Identifier: GPL-2.0-only
/**
 * Memory region ids (lib/memregion.c, include/linux/memregion.h): one IDA
 * shared by every user (hmem devices, CXL root decoders and regions), so
 * the numbers in "hmem.<id>" and "dax<id>.0" depend on who allocated first.
 *
 * The IDA is reduced to what ida_alloc() / ida_free() (lib/idr.c) promise:
 * the lowest free id >= 0, a WARN when an id that is not allocated is
 * freed, and a silent return for a negative id (no BUG_ON since 5.19,
 * fc82bbf4dede "ida: don't use BUG_ON() for debugging").
 *
 * Deviations from the C:
 * - CONFIG_MEMREGION is a field that createMachine() sets from the
 *   configuration; when off, the header's stubs apply (alloc returns
 *   -ENOMEM, free does nothing).
 * - Allocation failure is reachable only through fault injection:
 *   should_fail('memregion_alloc') returns the error to hand back.
 * - The ida_free WARN line is the one of recent kernels (syzbot reports of
 *   2025 show lib/idr.c:592; v6.9/v6.10 had 525).
 */
import { ContainerModule, inject, injectable, optional } from 'inversify';
import { ENOMEM, ENOSPC } from '../include/errno.js';
import { FaultInjection } from '../kernel/fail_function.js';
import { Panic, type WarnSite } from '../kernel/panic.js';
import { Scheduler } from '../sim/scheduler.js';

/** C location of the ida_free WARN. */
export const IDA_SITES = {
  free_unallocated: { file: 'lib/idr.c', line: 592, func: 'ida_free' },
} as const satisfies Record<string, WarnSite>;

/** ida_alloc()'s upper bound: INT_MAX. */
const IDA_MAX = 0x7fffffff;

export interface MemregionApi {
  memregion_alloc(gfp?: number): number;
  memregion_free(id: number): void;
}

@injectable()
export class Memregion {
  /** CONFIG_MEMREGION (selected by CXL_REGION, ACPI_HMAT and LIBNVDIMM in the kernel). */
  CONFIG_MEMREGION = true;
  /** The ids currently allocated from memregion_ids. */
  private readonly ids = new Set<number>();

  constructor(
    @inject(Panic) private readonly panic: Panic,
    @inject(Scheduler) private readonly sched: Scheduler,
    @inject(FaultInjection) @optional() private readonly faults: FaultInjection | undefined,
  ) {}

  /** ida_alloc(&memregion_ids, gfp): the lowest free id, or a negative errno. */
  memregion_alloc(_gfp?: number): number {
    if (!this.CONFIG_MEMREGION) return -ENOMEM;
    if (this.sched.recording) this.sched.touch('memregion_ids');
    const err = this.faults?.should_fail('memregion_alloc') ?? 0;
    if (err !== 0) return err;
    let id = 0;
    while (this.ids.has(id)) id++;
    if (id > IDA_MAX) return -ENOSPC;
    this.ids.add(id);
    return id;
  }

  /** ida_free(&memregion_ids, id). */
  memregion_free(id: number): void {
    if (!this.CONFIG_MEMREGION) return;
    if (this.sched.recording) this.sched.touch('memregion_ids');
    if ((id | 0) < 0) return;
    if (!this.ids.delete(id)) {
      this.panic.warn(IDA_SITES.free_unallocated, `ida_free called for id=${id} which is not allocated.`);
    }
  }

  /** The ids in use, ascending (for tests and leak reports). */
  allocated(): number[] {
    return [...this.ids].sort((a, b) => a - b);
  }

  api(): MemregionApi {
    return {
      memregion_alloc: (gfp) => this.memregion_alloc(gfp),
      memregion_free: (id) => this.memregion_free(id),
    };
  }
}

/** The DI module of the memregion id allocator. */
export const memregionModule = new ContainerModule(({ bind }) => {
  bind(Memregion).toSelf();
});
