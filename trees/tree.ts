// SPDX-License-Identifier: GPL-2.0-only
/**
 * A tree state: which port version provides each C file the series
 * touches, the text of each Kconfig file, and the order drivers/dax/Makefile
 * links its objects in. A tree is derived from another by naming only what
 * a patch changed; unchanged files are shared, never copied.
 */
import type { InitcallLevel, PortUnit } from '../framework/kernel/module/types.js';
import type { RegionAutoAttach } from '../mocks/cxl/region.js';

/** The C files whose version depends on the tree. */
export interface TreeFiles {
  readonly 'drivers/dax/hmem/hmem.c': PortUnit;
  readonly 'drivers/dax/hmem/device.c': PortUnit;
  readonly 'drivers/dax/cxl.c': PortUnit;
  readonly 'drivers/dax/bus.c': PortUnit;
  /** cxl_region_contains_resource(); null before v8 7/9 added it. */
  readonly 'drivers/cxl/core/region.c': PortUnit | null;
}

export interface TreeKconfig {
  readonly 'drivers/dax/Kconfig': string;
  readonly 'drivers/cxl/Kconfig': string;
}

/** drivers/dax/Makefile: `obj-y += hmem/` last (before v8 5/9) or first (after). */
export type DaxMakefile = 'hmem-last' | 'hmem-first';

export interface Tree {
  readonly name: string;
  /** One line: what this state is. */
  readonly description: string;
  /** The tree it was derived from. */
  readonly parent: string | null;
  readonly files: TreeFiles;
  readonly kconfig: TreeKconfig;
  readonly daxMakefile: DaxMakefile;
  /** How the mocked region.c treats a decoder staged in a region that never assembled: before or after 87805c32e6ad (F9). */
  readonly regionAutoAttach: RegionAutoAttach;
}

export interface TreeChanges {
  readonly files?: Partial<TreeFiles>;
  readonly kconfig?: Partial<TreeKconfig>;
  readonly daxMakefile?: DaxMakefile;
  readonly regionAutoAttach?: RegionAutoAttach;
}

/** A new tree: `parent` with the files, Kconfig text or link order a patch (or a developer) changed. */
export function deriveTree(parent: Tree, name: string, description: string, changes: TreeChanges): Tree {
  return {
    name,
    description,
    parent: parent.name,
    files: { ...parent.files, ...changes.files },
    kconfig: { ...parent.kconfig, ...changes.kconfig },
    daxMakefile: changes.daxMakefile ?? parent.daxMakefile,
    regionAutoAttach: changes.regionAutoAttach ?? parent.regionAutoAttach,
  };
}

/**
 * A port whose only change is the initcall macro (module_init ->
 * late_initcall, say): the same file, its initcalls run at `level` when
 * built in. For anything more, copy the port and edit it.
 */
export function atInitcallLevel(unit: PortUnit, level: InitcallLevel): PortUnit {
  return {
    ...unit,
    create(k, sym) {
      const inst = unit.create(k, sym);
      return { ...inst, initcalls: (inst.initcalls ?? []).map((c) => ({ ...c, level })) };
    },
  };
}
