// SPDX-License-Identifier: GPL-2.0-only
/**
 * The example v9 candidate as a tree: mainline with two files changed.
 * hmem.c is a copied and edited port (./hmem.c.ts); drivers/dax/cxl.c
 * changes only its initcall (module_init -> late_initcall), so it is
 * mainline's port at another level. Registered in trees/local.ts, so
 * `kshim run --tree v9-candidate` works.
 */
import { cxl_c as cxl_mainline } from '../../drivers/dax/cxl.c/v8-8.js';
import { mainline } from '../../trees/index.js';
import { atInitcallLevel, deriveTree, type Tree } from '../../trees/tree.js';
import { hmem_c } from './hmem.c.js';

export const v9Candidate: Tree = deriveTree(mainline, 'v9-candidate', 'example: mainline + dax_hmem and dax_cxl as late_initcalls (docs/testing-your-patch.md)', {
  files: { 'drivers/dax/hmem/hmem.c': hmem_c, 'drivers/dax/cxl.c': atInitcallLevel(cxl_mainline, 'late') },
});
