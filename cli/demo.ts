// SPDX-License-Identifier: GPL-2.0-only
/**
 * A first look at the simulated driver core: register a platform device,
 * then a synchronous driver and an asynchronous one, and print the log.
 */
import { createKernel } from '../framework/kernel.js';
import { platform_device, platform_driver } from '../framework/drivers/base/platform.js';
import { PROBE_PREFER_ASYNCHRONOUS } from '../framework/include/linux/device.js';

export async function demo(): Promise<void> {
  const k = createKernel();
  const { platform_device_register, platform_driver_register, msleep, dev_info, wait_for_device_probe, pr_info } = k.api;
  const log: string[] = [];
  await k.run(
    async () => {
      await platform_device_register(new platform_device({ name: 'demo', id: 0, dev: { release: () => {} } }));
      await platform_device_register(new platform_device({ name: 'slow', id: -1, dev: { release: () => {} } }));
      await platform_driver_register(
        new platform_driver({
          probe: async (pdev) => {
            dev_info(pdev.dev, 'probed synchronously\n');
            return 0;
          },
          driver: { name: 'demo' },
        }),
      );
      await platform_driver_register(
        new platform_driver({
          probe: async (pdev) => {
            await msleep(150);
            dev_info(pdev.dev, 'probed asynchronously after 150 ms\n');
            return 0;
          },
          driver: { name: 'slow', probe_type: PROBE_PREFER_ASYNCHRONOUS },
        }),
      );
      pr_info('platform_driver_register(slow) returned before its probe ran\n');
      await wait_for_device_probe();
      pr_info('wait_for_device_probe() returned\n');
    },
    'swapper/0',
    'init',
  );
  for (const l of k.dmesg()) log.push(l);
  process.stdout.write(log.join('\n') + '\n');
}
