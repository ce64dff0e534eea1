// SPDX-License-Identifier: GPL-2.0-only
/**
 * A mocked ACPI namespace scan (drivers/acpi/scan.c): when the CEDT has
 * CXL windows, the ACPI0017 object becomes the platform device
 * "ACPI0017:00" (MODALIAS acpi:ACPI0017:), which cxl_acpi binds.
 */
import type { PortUnit } from '../../framework/kernel/module/types.js';
import { platform_device, PLATFORM_DEVID_NONE } from '../../framework/drivers/base/platform.js';
import { platform_firmware } from './firmware.js';

export const acpi_scan_c: PortUnit = {
  file: 'drivers/acpi/scan.c',
  url: import.meta.url,
  create(k) {
    const firmware = platform_firmware(k);
    const { platform_device_register } = k;
    const acpi0017 = new platform_device({ name: 'ACPI0017:00', id: PLATFORM_DEVID_NONE, dev: { release: () => {} } });
    acpi0017.acpi_hid = 'ACPI0017';

    async function acpi_init(): Promise<number> {
      if (firmware.tables.cfmws.length === 0) return 0;
      return await platform_device_register(acpi0017);
    }

    return { initcalls: [{ level: 'subsys', fn: acpi_init }] };
  },
};
