// SPDX-License-Identifier: GPL-2.0-only
/**
 * An example of testing a patch of your own (docs/testing-your-patch.md):
 * a hypothetical v9 for the built-in window of docs/findings.md §2. It
 * changes only two initcall macros: dax_hmem_init() and
 * cxl_dax_region_init() become late_initcalls instead of module_init(), so
 * when both are built in, the cxl/ drivers (linked after dax/) are
 * registered and their probes queued before hmem_platform probes, and
 * dax_hmem_init() still runs before dax_cxl's (hmem/ is linked first since
 * v8 5/9). As modules nothing changes. Moving dax_hmem_init() alone lets
 * dax_cxl's registration work flush a dax_hmem_wq that does not exist yet.
 *
 * Not a kernel patch: an illustration of the workflow. Registered in
 * trees/local.ts, so `kshim run --tree v9-candidate` works.
 */
import { cxl_c as cxl_mainline } from '../../drivers/dax/cxl.c/v8-8.js';
import { hmem_c as hmem_mainline } from '../../drivers/dax/hmem/hmem.c/mainline.js';
import { mainline } from '../../trees/index.js';
import { atInitcallLevel, deriveTree, type Tree } from '../../trees/tree.js';

export const v9Candidate: Tree = deriveTree(mainline, 'v9-candidate', 'example: mainline + dax_hmem and dax_cxl as late_initcalls (docs/testing-your-patch.md)', {
  files: {
    'drivers/dax/hmem/hmem.c': atInitcallLevel(hmem_mainline, 'late'),
    'drivers/dax/cxl.c': atInitcallLevel(cxl_mainline, 'late'),
  },
});
