// SPDX-License-Identifier: GPL-2.0-only
/**
 * [PATCH v7 5/7]: the same change as v8 7/9 (trees/index.ts builds v7/5
 * with v8 7/9's port of cxl/core/region.c), on top of v7 4/7's dax region
 * tracking. The claims are v8 7/9's
 * (claims-cxl-region-contains-resource.ts), on v7/4 -> v7/5.
 */
import { cxlRegionContainsResourceClaims } from './claims-cxl-region-contains-resource.js';

describe('[PATCH v7 5/7] cxl/region: Add helper to check Soft Reserved containment by CXL regions', () => {
  cxlRegionContainsResourceClaims('v7/4', 'v7/5');
});
