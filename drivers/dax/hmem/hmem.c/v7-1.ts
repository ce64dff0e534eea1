// SPDX-License-Identifier: GPL-2.0-only
/**
 * Port of drivers/dax/hmem/hmem.c with [PATCH v7 1/7] dax/hmem: Request
 * cxl_acpi and cxl_pci before walking Soft Reserved ranges (the same
 * change as v8 3/9, mainline 7b4bcaadfe00, applied directly on base since
 * v7 has no "Factor" patch): dax_hmem_init() first asks for cxl_acpi and
 * then cxl_pci with request_module() when DEV_DAX_CXL is enabled, and
 * MODULE_SOFTDEP("pre: cxl_acpi") is removed. hmem_register_device() still
 * holds both the CXL_REGION policy and the registration.
 *
 * Deviations:
 * - Functions that sleep in the kernel are async.
 * - Symbols of other objects are called through `sym`; kernel built-ins
 *   come from `k`.
 * - `goto out_put` is `break out_put` out of a labelled block.
 * - request_module() is awaited; like the C it sleeps until the modprobe
 *   helper exits (-EBUSY before user-mode helpers exist), and its result
 *   is ignored.
 */
import type { PortUnit } from '../../../../framework/kernel/module/types.js';
import { ENOMEM, PTR_ERR_OR_ZERO } from '../../../../framework/include/errno.js';
import type { device } from '../../../../framework/include/linux/device.js';
import { IORES_DESC_CXL, IORESOURCE_MEM, REGION_DISJOINT, REGION_INTERSECTS, range_len, resource_size, type resource } from '../../../../framework/include/linux/ioport.js';
import { GFP_KERNEL, PMD_SIZE, type memregion_info } from '../../../../framework/include/linux/memregion.js';
import { platform_driver, type platform_device } from '../../../../framework/drivers/base/platform.js';
import { IORESOURCE_DAX_KMEM, type dev_dax_data } from '../../bus.h/base.js';
import { HMEM_ALIASES, HMEM_REFERENCES } from './base.js';

export const hmem_c: PortUnit = {
  file: 'drivers/dax/hmem/hmem.c',
  url: import.meta.url,
  params: ['region_idle'],
  references: () => HMEM_REFERENCES,
  aliases: HMEM_ALIASES,
  create(k, sym) {
    const { dev_dbg, dev_err, dev_name, memregion_alloc, memregion_free, devm_add_action_or_reset, platform_device_alloc,
      platform_device_add_data, platform_device_add, platform_device_put, platform_device_unregister, platform_driver_register,
      platform_driver_unregister, numa_map_to_online_node, region_intersects, region_intersects_soft_reserve, IS_ENABLED, request_module } = k;

    const region_idle = k.module_param_named('region_idle', false, 'bool', 0o644);

    async function dax_hmem_probe(pdev: platform_device): Promise<number> {
      let flags = IORESOURCE_DAX_KMEM;
      const dev = pdev.dev;

      if (region_idle.value) flags = 0;

      const mri = dev.platform_data as memregion_info;
      const dax_region = await sym.alloc_dax_region(dev, pdev.id, mri.range, mri.target_node, PMD_SIZE, flags);
      if (!dax_region) return -ENOMEM;

      const data: dev_dax_data = {
        dax_region,
        id: -1,
        size: region_idle.value ? 0 : range_len(mri.range),
        memmap_on_memory: false,
      };

      return PTR_ERR_OR_ZERO(await sym.devm_create_dev_dax(data));
    }

    const dax_hmem_driver = new platform_driver({
      probe: dax_hmem_probe,
      driver: {
        name: 'hmem',
      },
    });

    function release_memregion(data: unknown): void {
      memregion_free(data as number);
    }

    async function release_hmem(pdev: unknown): Promise<void> {
      await platform_device_unregister(pdev as platform_device);
    }

    async function hmem_register_device(host: device, target_nid: number, res: resource): Promise<number> {
      let rc: number;

      if (IS_ENABLED('CONFIG_CXL_REGION') &&
          region_intersects(res.start, resource_size(res), IORESOURCE_MEM, IORES_DESC_CXL) !== REGION_DISJOINT) {
        dev_dbg(host, 'deferring range to CXL: %pr\n', res);
        return 0;
      }

      rc = region_intersects_soft_reserve(res.start, resource_size(res));
      if (rc !== REGION_INTERSECTS) return 0;

      const id = memregion_alloc(GFP_KERNEL);
      if (id < 0) {
        dev_err(host, 'memregion allocation failure for %pr\n', res);
        return -ENOMEM;
      }
      rc = await devm_add_action_or_reset(host, release_memregion, id);
      if (rc) return rc;

      const pdev = platform_device_alloc('hmem', id);
      if (!pdev) {
        dev_err(host, 'device allocation failure for %pr\n', res);
        return -ENOMEM;
      }

      out_put: {
        pdev.dev.numa_node = numa_map_to_online_node(target_nid);
        const info: memregion_info = {
          target_node: target_nid,
          range: {
            start: res.start,
            end: res.end,
          },
        };
        rc = platform_device_add_data(pdev, info);
        if (rc < 0) {
          dev_err(host, 'memregion_info allocation failure for %pr\n', res);
          break out_put;
        }

        rc = await platform_device_add(pdev);
        if (rc < 0) {
          dev_err(host, '%s add failed for %pr\n', dev_name(pdev.dev), res);
          break out_put;
        }

        return await devm_add_action_or_reset(host, release_hmem, pdev);
      }
      platform_device_put(pdev);
      return rc;
    }

    async function dax_hmem_platform_probe(pdev: platform_device): Promise<number> {
      return await sym.walk_hmem_resources(pdev.dev, hmem_register_device);
    }

    const dax_hmem_platform_driver = new platform_driver({
      probe: dax_hmem_platform_probe,
      driver: {
        name: 'hmem_platform',
      },
    });

    async function dax_hmem_init(): Promise<number> {
      let rc: number;

      // Give CXL discovery (windows from cxl_acpi, memdevs from cxl_pci) a
      // chance to start before the Soft Reserved walk checks for windows.
      if (IS_ENABLED('CONFIG_DEV_DAX_CXL')) {
        await request_module('cxl_acpi');
        await request_module('cxl_pci');
      }

      rc = await platform_driver_register(dax_hmem_platform_driver);
      if (rc) return rc;

      rc = await platform_driver_register(dax_hmem_driver);
      if (rc) await platform_driver_unregister(dax_hmem_platform_driver);

      return rc;
    }

    async function dax_hmem_exit(): Promise<void> {
      await platform_driver_unregister(dax_hmem_driver);
      await platform_driver_unregister(dax_hmem_platform_driver);
    }

    return { initcalls: [{ level: 'device', fn: dax_hmem_init }], exit: dax_hmem_exit };
  },
};
