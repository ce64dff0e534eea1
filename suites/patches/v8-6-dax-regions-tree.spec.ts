// SPDX-License-Identifier: GPL-2.0-only
/**
 * [PATCH v8 6/9] (mainline 34f80bb969cc): alloc_dax_region() claims its
 * range in a private "DAX Regions" resource tree, so at most one of
 * dax_hmem and dax_cxl holds a range: the second caller gets NULL and its
 * probe fails with -ENOMEM (the F3 shape in series.md).
 */
import { daxRegionsTreeClaims } from './claims.js';

describe('[PATCH v8 6/9] dax: Track all dax_region allocations under a global resource tree', () => {
  daxRegionsTreeClaims('v8/5', 'v8/6');
});
