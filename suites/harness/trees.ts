// SPDX-License-Identifier: GPL-2.0-only
/** Trees for tests of what kshim says about a tree whose Kconfig lacks a symbol other trees have. */
import { DRIVERS_CXL_KCONFIG } from '../../framework/kconfig/texts/cxl.js';
import { DRIVERS_DAX_KCONFIG_MAINLINE } from '../../framework/kconfig/texts/dax.js';
import { mainline } from '../../trees/index.js';
import { deriveTree, type Tree } from '../../trees/tree.js';

/** Mainline with CXL_REGION taken out of drivers/cxl/Kconfig (and out of DEV_DAX_CXL's dependencies). */
export const withoutCxlRegion: Tree = deriveTree(mainline, 'no-region', 'test: mainline without CXL_REGION', {
  kconfig: {
    'drivers/cxl/Kconfig': DRIVERS_CXL_KCONFIG.replace(/config CXL_REGION\n(\t.*\n)+/, ''),
    'drivers/dax/Kconfig': DRIVERS_DAX_KCONFIG_MAINLINE.replace('CXL_BUS && CXL_REGION && DEV_DAX', 'CXL_BUS && DEV_DAX').replace('default CXL_REGION && DEV_DAX', 'default DEV_DAX'),
  },
});

/** A tree without drivers/cxl at all: kshim's baseline CXL_BUS=y names a symbol it lacks. */
export const withoutCxl: Tree = deriveTree(mainline, 'no-cxl', 'test: no drivers/cxl', {
  kconfig: {
    'drivers/cxl/Kconfig': '# SPDX-License-Identifier: GPL-2.0-only\n',
    'drivers/dax/Kconfig': 'menuconfig DAX\n\ttristate "DAX"\n\nif DAX\n\nconfig DEV_DAX\n\ttristate "Device DAX"\n\nendif\n',
  },
});
