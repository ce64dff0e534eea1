// SPDX-License-Identifier: GPL-2.0-only
/**
 * The example v9 candidate as a tree: mainline with two files replaced.
 * Registered in trees/local.ts, so `kshim run --tree v9-candidate` works.
 */
import { mainline } from '../../trees/index.js';
import { deriveTree, type Tree } from '../../trees/tree.js';
import { cxl_c } from './cxl.c.js';
import { hmem_c } from './hmem.c.js';

export const v9Candidate: Tree = deriveTree(mainline, 'v9-candidate', 'example: mainline + dax_hmem and dax_cxl as late_initcalls (docs/testing-your-patch.md)', {
  files: { 'drivers/dax/hmem/hmem.c': hmem_c, 'drivers/dax/cxl.c': cxl_c },
});
