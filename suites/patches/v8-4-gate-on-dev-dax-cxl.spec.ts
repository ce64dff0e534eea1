// SPDX-License-Identifier: GPL-2.0-only
/**
 * [PATCH v8 4/9] (mainline edfcf1e21e79): hmem_register_device() defers a
 * range that meets a CXL window only when DEV_DAX_CXL is enabled. The
 * claims (shared with [PATCH v7 2/7], the same change) are in
 * claims-gate-on-dev-dax-cxl.ts; here they run on v8/3 -> v8/4.
 */
import { gateOnDevDaxCxlClaims } from './claims-gate-on-dev-dax-cxl.js';

describe('[PATCH v8 4/9] dax/hmem: Gate Soft Reserved deferral on DEV_DAX_CXL', () => {
  gateOnDevDaxCxlClaims('v8/3', 'v8/4');
});
