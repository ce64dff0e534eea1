// SPDX-License-Identifier: GPL-2.0-only
/**
 * [PATCH v7 1/7]: the same change as v8 3/9, but applied directly on base
 * (v7 has neither "dax_region_put" nor "Factor", v8 1/9 and 2/9), so
 * dax_hmem_init()'s request_module() calls sit next to the unsplit
 * hmem_register_device(). Neither difference is visible to these claims:
 * the ones of v8 3/9 (claims-request-cxl-acpi-pci.ts), on base -> v7/1.
 */
import { requestCxlAcpiPciClaims } from './claims-request-cxl-acpi-pci.js';

describe('[PATCH v7 1/7] dax/hmem: Request cxl_acpi and cxl_pci before walking Soft Reserved ranges', () => {
  requestCxlAcpiPciClaims('base', 'v7/1');
});
