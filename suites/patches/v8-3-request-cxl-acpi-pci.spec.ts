// SPDX-License-Identifier: GPL-2.0-only
/**
 * [PATCH v8 3/9] (mainline 7b4bcaadfe00): dax_hmem_init() requests
 * cxl_acpi and cxl_pci itself instead of the soft dependency, and
 * DEV_DAX_CXL depends on both being at least as built in as DEV_DAX_HMEM.
 * The claims (shared with [PATCH v7 1/7], the same change) are in
 * claims-request-cxl-acpi-pci.ts; here they run on v8/2 -> v8/3.
 */
import { requestCxlAcpiPciClaims } from './claims-request-cxl-acpi-pci.js';

describe('[PATCH v8 3/9] dax/hmem: Request cxl_acpi and cxl_pci before walking Soft Reserved ranges', () => {
  requestCxlAcpiPciClaims('v8/2', 'v8/3');
});
