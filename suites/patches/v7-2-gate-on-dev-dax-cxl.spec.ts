// SPDX-License-Identifier: GPL-2.0-only
/**
 * [PATCH v7 2/7]: the same change as v8 4/9, made in v7's unsplit
 * hmem_register_device() (v7 has no "Factor" patch). The claims are
 * v8 4/9's (claims-gate-on-dev-dax-cxl.ts), on v7/1 -> v7/2.
 */
import { gateOnDevDaxCxlClaims } from './claims-gate-on-dev-dax-cxl.js';

describe('[PATCH v7 2/7] dax/hmem: Gate Soft Reserved deferral on DEV_DAX_CXL', () => {
  gateOnDevDaxCxlClaims('v7/1', 'v7/2');
});
