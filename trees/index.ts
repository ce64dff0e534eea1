// SPDX-License-Identifier: GPL-2.0-only
/**
 * The tree states of the series: base (v7.0-rc4), v8/1 ... v8/9, v7/1 ...
 * v7/7, and mainline (what was merged for 7.1). Each is its parent plus
 * what one patch changed; "v8" and "v7" name the whole posted series
 * (the same content as v8/9 and v7/7).
 */
import { DRIVERS_CXL_KCONFIG } from '../framework/kconfig/texts/cxl.js';
import { DRIVERS_DAX_KCONFIG_BASE, DRIVERS_DAX_KCONFIG_MAINLINE, DRIVERS_DAX_KCONFIG_V8_3 } from '../framework/kconfig/texts/dax.js';
import { bus_c as bus_base } from '../drivers/dax/bus.c/base.js';
import { bus_c as bus_v8_1 } from '../drivers/dax/bus.c/v8-1.js';
import { bus_c as bus_v8_6 } from '../drivers/dax/bus.c/v8-6.js';
import { bus_c as bus_v7_4 } from '../drivers/dax/bus.c/v7-4.js';
import { cxl_c as cxl_base } from '../drivers/dax/cxl.c/base.js';
import { cxl_c as cxl_v8_5 } from '../drivers/dax/cxl.c/v8-5.js';
import { cxl_c as cxl_v8_8 } from '../drivers/dax/cxl.c/v8-8.js';
import { device_c as device_base } from '../drivers/dax/hmem/device.c/base.js';
import { device_c as device_v8_8 } from '../drivers/dax/hmem/device.c/v8-8.js';
import { device_c as device_mainline } from '../drivers/dax/hmem/device.c/mainline.js';
import { hmem_c as hmem_base } from '../drivers/dax/hmem/hmem.c/base.js';
import { hmem_c as hmem_v8_2 } from '../drivers/dax/hmem/hmem.c/v8-2.js';
import { hmem_c as hmem_v8_3 } from '../drivers/dax/hmem/hmem.c/v8-3.js';
import { hmem_c as hmem_v8_4 } from '../drivers/dax/hmem/hmem.c/v8-4.js';
import { hmem_c as hmem_v8_8 } from '../drivers/dax/hmem/hmem.c/v8-8.js';
import { hmem_c as hmem_v8_9 } from '../drivers/dax/hmem/hmem.c/v8-9.js';
import { hmem_c as hmem_v7_1 } from '../drivers/dax/hmem/hmem.c/v7-1.js';
import { hmem_c as hmem_v7_2 } from '../drivers/dax/hmem/hmem.c/v7-2.js';
import { hmem_c as hmem_v7_6 } from '../drivers/dax/hmem/hmem.c/v7-6.js';
import { hmem_c as hmem_v7_7 } from '../drivers/dax/hmem/hmem.c/v7-7.js';
import { hmem_c as hmem_mainline } from '../drivers/dax/hmem/hmem.c/mainline.js';
import { region_c as region_v8_7 } from '../drivers/cxl/core/region.c/v8-7.js';
import { region_c as region_mainline } from '../drivers/cxl/core/region.c/mainline.js';
import { deriveTree, type Tree } from './tree.js';

export const base: Tree = {
  name: 'base',
  description: 'v7.0-rc4 (f338e7738378) with the for-7.0 Soft Reserved and synchronous-attach work',
  parent: null,
  files: {
    'drivers/dax/hmem/hmem.c': hmem_base,
    'drivers/dax/hmem/device.c': device_base,
    'drivers/dax/cxl.c': cxl_base,
    'drivers/dax/bus.c': bus_base,
    'drivers/cxl/core/region.c': null,
  },
  kconfig: { 'drivers/dax/Kconfig': DRIVERS_DAX_KCONFIG_BASE, 'drivers/cxl/Kconfig': DRIVERS_CXL_KCONFIG },
  daxMakefile: 'hmem-last',
  regionAutoAttach: 'a32320b71f08',
};

// ---- v8 (posted 2026-03-22) ------------------------------------------------

const v8_1 = deriveTree(base, 'v8/1', '[PATCH v8 1/9] dax/bus: Use dax_region_put() in alloc_dax_region() error path', {
  files: { 'drivers/dax/bus.c': bus_v8_1 },
});
const v8_2 = deriveTree(v8_1, 'v8/2', '[PATCH v8 2/9] dax/hmem: Factor HMEM registration into __hmem_register_device()', {
  files: { 'drivers/dax/hmem/hmem.c': hmem_v8_2 },
});
const v8_3 = deriveTree(v8_2, 'v8/3', '[PATCH v8 3/9] dax/hmem: Request cxl_acpi and cxl_pci before walking Soft Reserved ranges', {
  files: { 'drivers/dax/hmem/hmem.c': hmem_v8_3 },
  kconfig: { 'drivers/dax/Kconfig': DRIVERS_DAX_KCONFIG_V8_3 },
});
const v8_4 = deriveTree(v8_3, 'v8/4', '[PATCH v8 4/9] dax/hmem: Gate Soft Reserved deferral on DEV_DAX_CXL', {
  files: { 'drivers/dax/hmem/hmem.c': hmem_v8_4 },
});
const v8_5 = deriveTree(v8_4, 'v8/5', '[PATCH v8 5/9] dax/cxl, hmem: Initialize hmem early and defer dax_cxl binding', {
  files: { 'drivers/dax/cxl.c': cxl_v8_5 },
  daxMakefile: 'hmem-first',
});
const v8_6 = deriveTree(v8_5, 'v8/6', '[PATCH v8 6/9] dax: Track all dax_region allocations under a global resource tree', {
  files: { 'drivers/dax/bus.c': bus_v8_6 },
});
const v8_7 = deriveTree(v8_6, 'v8/7', '[PATCH v8 7/9] cxl/region: Add helper to check Soft Reserved containment by CXL regions', {
  files: { 'drivers/cxl/core/region.c': region_v8_7 },
});
const v8_8 = deriveTree(v8_7, 'v8/8', '[PATCH v8 8/9] dax/hmem, cxl: Defer and resolve Soft Reserved ownership', {
  files: { 'drivers/dax/hmem/hmem.c': hmem_v8_8, 'drivers/dax/hmem/device.c': device_v8_8, 'drivers/dax/cxl.c': cxl_v8_8 },
});
const v8_9 = deriveTree(v8_8, 'v8/9', '[PATCH v8 9/9] dax/hmem: Reintroduce Soft Reserved ranges back into the iomem tree (not merged)', {
  files: { 'drivers/dax/hmem/hmem.c': hmem_v8_9 },
});
const v8 = deriveTree(v8_9, 'v8', 'the whole v8 series as posted (same as v8/9)', {});

// ---- v7 (posted 2026-03-19) ------------------------------------------------

const v7_1 = deriveTree(base, 'v7/1', '[PATCH v7 1/7] dax/hmem: Request cxl_acpi and cxl_pci before walking Soft Reserved ranges', {
  files: { 'drivers/dax/hmem/hmem.c': hmem_v7_1 },
  kconfig: { 'drivers/dax/Kconfig': DRIVERS_DAX_KCONFIG_V8_3 },
});
const v7_2 = deriveTree(v7_1, 'v7/2', '[PATCH v7 2/7] dax/hmem: Gate Soft Reserved deferral on DEV_DAX_CXL', {
  files: { 'drivers/dax/hmem/hmem.c': hmem_v7_2 },
});
const v7_3 = deriveTree(v7_2, 'v7/3', '[PATCH v7 3/7] dax/cxl, hmem: Initialize hmem early and defer dax_cxl binding', {
  files: { 'drivers/dax/cxl.c': cxl_v8_5 },
  daxMakefile: 'hmem-first',
});
const v7_4 = deriveTree(v7_3, 'v7/4', '[PATCH v7 4/7] dax: Track all dax_region allocations under a global resource tree', {
  files: { 'drivers/dax/bus.c': bus_v7_4 },
});
const v7_5 = deriveTree(v7_4, 'v7/5', '[PATCH v7 5/7] cxl/region: Add helper to check Soft Reserved containment by CXL regions', {
  files: { 'drivers/cxl/core/region.c': region_v8_7 },
});
const v7_6 = deriveTree(v7_5, 'v7/6', '[PATCH v7 6/7] dax/hmem, cxl: Defer and resolve Soft Reserved ownership', {
  files: { 'drivers/dax/hmem/hmem.c': hmem_v7_6, 'drivers/dax/hmem/device.c': device_v8_8, 'drivers/dax/cxl.c': cxl_v8_8 },
});
const v7_7 = deriveTree(v7_6, 'v7/7', '[PATCH v7 7/7] dax/hmem: Reintroduce Soft Reserved ranges back into the iomem tree (not merged)', {
  files: { 'drivers/dax/hmem/hmem.c': hmem_v7_7 },
});
const v7 = deriveTree(v7_7, 'v7', 'the whole v7 series as posted (same as v7/7)', {});

// ---- mainline (cxl-for-7.1) ------------------------------------------------
// The follow-ups start with 87805c32e6ad (F9, a use-after-free after a failed
// auto-assembly), in the region.c code mocks/cxl/region.ts models.

export const mainline: Tree = deriveTree(v8_8, 'mainline', 'v8 1/9-8/9 plus the 7.1 follow-ups (87805c32e6ad ... 059edcc405e4), without 9/9', {
  files: {
    'drivers/dax/hmem/hmem.c': hmem_mainline,
    'drivers/dax/hmem/device.c': device_mainline,
    'drivers/dax/cxl.c': cxl_v8_8,
    'drivers/cxl/core/region.c': region_mainline,
  },
  kconfig: { 'drivers/dax/Kconfig': DRIVERS_DAX_KCONFIG_MAINLINE },
  daxMakefile: 'hmem-first',
  regionAutoAttach: '87805c32e6ad',
});

/** Every tree kshim knows, in the order they were posted: base, v7, v8, mainline. */
export const TREES: readonly Tree[] = [
  base,
  v7_1, v7_2, v7_3, v7_4, v7_5, v7_6, v7_7, v7,
  v8_1, v8_2, v8_3, v8_4, v8_5, v8_6, v8_7, v8_8, v8_9, v8,
  mainline,
];

export function findTree(name: string): Tree | undefined {
  return TREES.find((t) => t.name === name);
}
