// SPDX-License-Identifier: GPL-2.0-only
/**
 * [PATCH v8 5/9] (mainline 39aa1d4be12b): hmem/ is linked first in
 * drivers/dax/Makefile and dax_cxl registers its driver from a work item,
 * for asynchronous probing. The claims (shared with [PATCH v7 3/7], the
 * same change) are in claims-hmem-early-defer-dax-cxl.ts; here they run
 * on v8/4 -> v8/5.
 */
import { hmemEarlyDeferDaxCxlClaims } from './claims-hmem-early-defer-dax-cxl.js';

describe('[PATCH v8 5/9] dax/cxl, hmem: Initialize hmem early and defer dax_cxl binding', () => {
  hmemEarlyDeferDaxCxlClaims('v8/4', 'v8/5');
});
