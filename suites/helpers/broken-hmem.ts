// SPDX-License-Identifier: GPL-2.0-only
/**
 * Mainline's hmem.c port with some kernel functions it calls replaced,
 * as a tree of its own: how the suites build a bug (a NULL dereference, a
 * wait that waits for itself) into otherwise real code.
 */
import { hmem_c as hmem_mainline } from '../../drivers/dax/hmem/hmem.c/mainline.js';
import type { PortApi, PortUnit } from '../../framework/kernel/module/types.js';
import { layered } from '../../framework/lib/layered.js';
import { mainline } from '../../trees/index.js';
import { deriveTree, type Tree } from '../../trees/tree.js';

/** hmem.c seeing `replace(k)` before the kernel API `k`. */
export function hmemWith(replace: (k: PortApi) => Partial<PortApi>): PortUnit {
  return {
    ...hmem_mainline,
    create(k, sym) {
      return hmem_mainline.create(layered<PortApi>(k, replace(k)), sym);
    },
  };
}

/** Mainline with that hmem.c. */
export function mainlineWithHmem(name: string, description: string, replace: (k: PortApi) => Partial<PortApi>): Tree {
  return deriveTree(mainline, name, description, { files: { 'drivers/dax/hmem/hmem.c': hmemWith(replace) } });
}

/** wait_for_device_probe() that dereferences NULL: the oops in hmem's deferred work. */
export function nullDerefInWaitForDeviceProbe(): Partial<PortApi> {
  return {
    async wait_for_device_probe() {
      const dev: { parent: unknown } | null = null;
      void dev!.parent;
    },
  };
}
