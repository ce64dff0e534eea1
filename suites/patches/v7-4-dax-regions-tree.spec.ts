// SPDX-License-Identifier: GPL-2.0-only
/**
 * [PATCH v7 4/7]: the v7 version of v8 6/9. It tracks dax regions the
 * same way (the claims below are v8 6/9's, on v7/3 and v7/4); where it
 * differs from v8 6/9 (kfree() on the error paths, release_resource()
 * before sysfs_remove_groups()) is review finding F7, reproduced in
 * suites/findings/f7-dax-region-lifetime.spec.ts.
 */
import { daxRegionsTreeClaims } from './claims.js';

describe('[PATCH v7 4/7] dax: Track all dax_region allocations under a global resource tree', () => {
  daxRegionsTreeClaims('v7/3', 'v7/4');
});
