// SPDX-License-Identifier: GPL-2.0-only
/**
 * Another machine's hardware, as far as boot ordering goes: a built-in
 * platform driver that prefers asynchronous probing and whose probe takes
 * a while (a disk controller or a NIC bringing up its link). It links
 * before drivers/dax, as drivers/block and drivers/nvdimm do, so its probe
 * is scheduled at device_initcall time before dax_hmem_init() runs and is
 * still in the async domain when the hmem work calls
 * wait_for_device_probe(). Not a port of any kernel file.
 *
 * Scenario files add it with "asyncDevice": { "probe": MS }.
 */
import type { PortUnit } from '../../framework/kernel/module/types.js';
import { PROBE_PREFER_ASYNCHRONOUS } from '../../framework/include/linux/device.js';
import { platform_device, platform_driver } from '../../framework/drivers/base/platform.js';
import { platform_firmware } from './firmware.js';

export const slow_async_c: PortUnit = {
  file: 'test/slow_async.c',
  url: import.meta.url,
  create(k) {
    const firmware = platform_firmware(k);
    const { msleep, platform_driver_register, platform_device_register, dev_info } = k;

    function slow_async_release(): void {}

    const slow_async_device = new platform_device({ name: 'slow_async', id: 0, dev: { release: slow_async_release } });

    async function slow_async_probe(pdev: platform_device): Promise<number> {
      await msleep(firmware.tables.asyncDevice?.probe ?? 0);
      dev_info(pdev.dev, 'ready\n');
      return 0;
    }

    const slow_async_driver = new platform_driver({ probe: slow_async_probe, driver: { name: 'slow_async', probe_type: PROBE_PREFER_ASYNCHRONOUS } });

    async function slow_async_init(): Promise<number> {
      const rc = await platform_driver_register(slow_async_driver);
      if (rc) return rc;
      return await platform_device_register(slow_async_device);
    }

    return { initcalls: [{ level: 'device', fn: slow_async_init }] };
  },
};
