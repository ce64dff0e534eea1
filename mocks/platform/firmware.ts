// SPDX-License-Identifier: GPL-2.0-only
/**
 * The platform's firmware tables, as a scenario describes them: Soft
 * Reserved ranges (EFI_MEMORY_SP, with their NUMA node), CXL Fixed Memory
 * Windows (CEDT CFMWS) and the CXL regions the BIOS programmed into the
 * decoders. At boot they are applied the way x86 setup does: Soft Reserved
 * goes to the soft_reserve_resource tree (not /proc/iomem, since 7.0) and
 * each range's node is recorded for phys_to_target_node().
 */
import { ContainerModule, inject, injectable } from 'inversify';
import { IORES_DESC_SOFT_RESERVED, IORESOURCE_MEM, resource } from '../../framework/include/linux/ioport.js';
import { Resources } from '../../framework/kernel/resource.js';
import { Numa } from '../../framework/mm/numa.js';

export interface SoftReservedRange {
  readonly start: number;
  readonly end: number;
  readonly nid: number;
}

export interface CfmwsWindow {
  readonly start: number;
  readonly end: number;
}

export interface AutoRegion {
  readonly start: number;
  readonly end: number;
  /** commit: assembles and commits; fail: a member is missing (fail_autoassemble). */
  readonly assembly: 'commit' | 'fail';
  /** Interleave ways, i.e. memdevs behind the region. */
  readonly targets: number;
}

export interface FirmwareTables {
  readonly softReserved: readonly SoftReservedRange[];
  readonly cfmws: readonly CfmwsWindow[];
  readonly regions: readonly AutoRegion[];
  /** cxl_test's hmem_test=1: a second hmem_platform device (hmem_platform.1). */
  readonly hmemTest?: boolean;
  /** A device of another driver that probes asynchronously for `probe` ms during boot (mocks/platform/slow_async.ts). */
  readonly asyncDevice?: { readonly probe: number } | null;
  /** A Type-2 accelerator whose driver adds its own CXL memdev (mocks/cxl/type2.ts). */
  readonly accelerator?: { readonly probe: 'use' | 'defer' } | null;
}

@injectable()
export class Firmware {
  tables: FirmwareTables = { softReserved: [], cfmws: [], regions: [] };

  constructor(
    @inject(Resources) private readonly resources: Resources,
    @inject(Numa) private readonly numa: Numa,
  ) {}

  /** e820 and SRAT: done before the first initcall. */
  apply(): void {
    for (const sr of this.tables.softReserved) {
      const res = new resource({ start: sr.start, end: sr.end, name: 'Soft Reserved', flags: IORESOURCE_MEM, desc: IORES_DESC_SOFT_RESERVED });
      this.resources.insert_resource(this.resources.soft_reserve_resource, res);
      this.numa.memblks.push({ start: sr.start, end: sr.end, nid: sr.nid });
    }
  }

  /** The memdevs firmware exposes: one per target of every auto region. */
  memdevs(): Array<{ region: number; position: number; present: boolean }> {
    const out: Array<{ region: number; position: number; present: boolean }> = [];
    this.tables.regions.forEach((r, i) => {
      for (let pos = 0; pos < r.targets; pos++) out.push({ region: i, position: pos, present: !(r.assembly === 'fail' && pos === r.targets - 1) });
    });
    return out;
  }
}

/**
 * The firmware of the machine running the calling object's code: machineFor()
 * lays it into every object's API (ModuleLoader.setPlatformApi), so that the
 * mocked platform objects are the same for every boot and find their tables
 * at run time.
 */
export function platform_firmware(k: object): Firmware {
  const fw = (k as { readonly platform_firmware?: Firmware }).platform_firmware;
  if (fw === undefined) throw new Error('kshim: platform_firmware: this machine has no firmware tables (machineFor() provides them)');
  return fw;
}

export const firmwareModule = new ContainerModule(({ bind }) => {
  bind(Firmware).toSelf();
});
