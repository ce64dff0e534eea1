// SPDX-License-Identifier: GPL-2.0-only
/**
 * [PATCH v7 3/7]: the same change as v8 5/9 (trees/index.ts builds v7/3
 * from v8 5/9's dax/cxl.c and the hmem-first Makefile order). The claims
 * are v8 5/9's (claims-hmem-early-defer-dax-cxl.ts), on v7/2 -> v7/3.
 * Alison Schofield's F1 report was a reply to this patch, but the bug is
 * v7 6/7's; it is in v7-6-defer-and-resolve.spec.ts.
 */
import { hmemEarlyDeferDaxCxlClaims } from './claims-hmem-early-defer-dax-cxl.js';

describe('[PATCH v7 3/7] dax/cxl, hmem: Initialize hmem early and defer dax_cxl binding', () => {
  hmemEarlyDeferDaxCxlClaims('v7/2', 'v7/3');
});
