// SPDX-License-Identifier: GPL-2.0-only
/**
 * [PATCH v8 7/9] (mainline 8e65f99b525b): cxl_core exports
 * cxl_region_contains_resource(). The claims (shared with [PATCH v7 5/7],
 * the same change) are in claims-cxl-region-contains-resource.ts; here
 * they run on v8/6 -> v8/7.
 */
import { cxlRegionContainsResourceClaims } from './claims-cxl-region-contains-resource.js';

describe('[PATCH v8 7/9] cxl/region: Add helper to check Soft Reserved containment by CXL regions', () => {
  cxlRegionContainsResourceClaims('v8/6', 'v8/7');
});
