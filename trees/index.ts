// SPDX-License-Identifier: GPL-2.0-only
/**
 * The tree states of the series: base (v7.0-rc4), v8/1 ... v8/9, v7/1 ...
 * v7/7, and mainline (what was merged for 7.1). Each is its parent plus
 * what one patch changed.
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
};

const v8_1 = deriveTree(base, 'v8/1', '[PATCH v8 1/9] dax/bus: Use dax_region_put() in alloc_dax_region() error path', { files: { 'drivers/dax/bus.c': bus_v8_1 } });
const v8_6 = deriveTree(v8_1, 'v8/6', '[PATCH v8 6/9] dax: Track all dax_region allocations under a global resource tree', {
  files: { 'drivers/dax/bus.c': bus_v8_6 },
});

export const mainline: Tree = deriveTree(v8_6, 'mainline', 'v8 1/9-8/9 plus the 7.1 follow-ups (1eaef15b2349 ... 059edcc405e4), without 9/9', {
  files: {
    'drivers/dax/hmem/hmem.c': hmem_mainline,
    'drivers/dax/hmem/device.c': device_mainline,
    'drivers/dax/cxl.c': cxl_v8_8,
    'drivers/cxl/core/region.c': region_mainline,
  },
  kconfig: { 'drivers/dax/Kconfig': DRIVERS_DAX_KCONFIG_MAINLINE },
  daxMakefile: 'hmem-first',
});

void bus_v7_4;
void cxl_v8_5;
void device_v8_8;
void region_v8_7;
void DRIVERS_DAX_KCONFIG_V8_3;

/** Every tree kshim knows, in series order. */
export const TREES: readonly Tree[] = [base, v8_1, v8_6, mainline];

export function findTree(name: string): Tree | undefined {
  return TREES.find((t) => t.name === name);
}
