// SPDX-License-Identifier: GPL-2.0-only
/**
 * Port of drivers/dax/hmem/hmem.c as merged for 7.1 (059edcc405e4
 * "dax/hmem: Parent dax_hmem devices"): v8 1/9-8/9 plus the follow-ups
 * b6a61d5baf99, 471d88441eb9, 3cba30eed56d and f8dc1bde1873. Ranges that
 * meet a CXL window are decided after the first probe by per-device work on
 * the ordered dax_hmem_wq; dax_hmem_flush_work() (for dax_cxl only)
 * flushes that queue.
 *
 * Deviations:
 * - Functions that sleep in the kernel are async.
 * - guard(device) is `using _guard = await guard(device)(dev)`: the unlock runs
 *   at the end of the block, after the trailing put_device(), as in C.
 * - Symbols of other objects are called through `sym`.
 */
import type { PortUnit } from '../../../../framework/kernel/module/types.js';
import { ENOMEM, EBUSY, PTR_ERR_OR_ZERO } from '../../../../framework/include/errno.js';
import { device, type device as device_t } from '../../../../framework/include/linux/device.js';
import { IORES_DESC_CXL, IORESOURCE_MEM, REGION_DISJOINT, REGION_INTERSECTS, range_len, resource_size, type resource } from '../../../../framework/include/linux/ioport.js';
import { GFP_KERNEL, PMD_SIZE, type memregion_info } from '../../../../framework/include/linux/memregion.js';
import { container_of } from '../../../../framework/include/linux/container_of.js';
import type { work_struct, workqueue_struct } from '../../../../framework/include/linux/workqueue_types.js';
import { platform_driver, to_platform_device, type platform_device } from '../../../../framework/drivers/base/platform.js';
import { IORESOURCE_DAX_KMEM, to_hmem_platform_device, type dev_dax_data, type hmem_platform_device } from '../../bus.h/mainline.js';
import { cxl_h, cxl_h_references } from '../../../cxl/cxl.h.js';
import { HMEM_ALIASES, HMEM_REFERENCES } from './base.js';

export const hmem_c: PortUnit = {
  file: 'drivers/dax/hmem/hmem.c',
  url: import.meta.url,
  params: ['region_idle'],
  references: (cfg) => [...HMEM_REFERENCES, ...cxl_h_references(cfg)],
  exports: [{ symbol: 'dax_hmem_flush_work', gpl: true, forModules: 'dax_cxl' }],
  aliases: HMEM_ALIASES,
  create(k, sym) {
    const { dev_dbg, dev_err, dev_name, memregion_alloc, memregion_free, devm_add_action_or_reset, platform_device_alloc,
      platform_device_add_data, platform_device_add, platform_device_put, platform_device_unregister, platform_driver_register,
      platform_driver_unregister, numa_map_to_online_node, region_intersects, region_intersects_soft_reserve, IS_ENABLED,
      flush_workqueue, alloc_ordered_workqueue, destroy_workqueue, queue_work, work_pending, get_device, put_device,
      wait_for_device_probe, guard, request_module } = k;
    const { cxl_region_contains_resource } = cxl_h(k, sym);

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

    let dax_hmem_wq: workqueue_struct | null = null;

    async function dax_hmem_flush_work(): Promise<void> {
      await flush_workqueue(dax_hmem_wq);
    }

    async function __hmem_register_device(host: device_t, target_nid: number, res: resource): Promise<number> {
      let rc: number;

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
        pdev.dev.parent = host;
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

    async function hmem_register_cxl_device(host: device_t, target_nid: number, res: resource): Promise<number> {
      if (region_intersects(res.start, resource_size(res), IORESOURCE_MEM, IORES_DESC_CXL) === REGION_DISJOINT) return 0;

      if (await cxl_region_contains_resource(res)) {
        dev_dbg(host, 'CXL claims resource, dropping: %pr\n', res);
        return 0;
      }

      dev_dbg(host, 'CXL did not claim resource, registering: %pr\n', res);
      return await __hmem_register_device(host, target_nid, res);
    }

    async function process_defer_work(w: work_struct): Promise<void> {
      const hpdev = container_of<hmem_platform_device>(w);
      const dev = hpdev.pdev.dev;

      await wait_for_device_probe();

      using _guard = await guard(device)(dev);
      out: {
        if (!dev.driver) break out;

        if (!hpdev.did_probe) {
          hpdev.did_probe = true;
          await sym.walk_hmem_resources(dev, hmem_register_cxl_device);
        }
      }
      put_device(dev);
    }

    async function hmem_register_device(host: device_t, target_nid: number, res: resource): Promise<number> {
      const pdev = to_platform_device(host);
      const hpdev = to_hmem_platform_device(pdev);

      if (IS_ENABLED('CONFIG_DEV_DAX_CXL') &&
          region_intersects(res.start, resource_size(res), IORESOURCE_MEM, IORES_DESC_CXL) !== REGION_DISJOINT) {
        if (!hpdev.did_probe) {
          dev_dbg(host, 'await CXL initial probe: %pr\n', res);
          hpdev.work.func = process_defer_work;
          get_device(host);
          if (!queue_work(dax_hmem_wq, hpdev.work)) put_device(host);
          return 0;
        }
        dev_dbg(host, 'deferring range to CXL: %pr\n', res);
        return 0;
      }

      return await __hmem_register_device(host, target_nid, res);
    }

    async function dax_hmem_platform_probe(pdev: platform_device): Promise<number> {
      const hpdev = to_hmem_platform_device(pdev);

      if (work_pending(hpdev.work)) return -EBUSY;

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

      if (IS_ENABLED('CONFIG_DEV_DAX_CXL')) {
        await request_module('cxl_acpi');
        await request_module('cxl_pci');
      }

      dax_hmem_wq = alloc_ordered_workqueue('dax_hmem_wq', 0);
      if (!dax_hmem_wq) return -ENOMEM;

      err_platform_driver: {
        rc = await platform_driver_register(dax_hmem_platform_driver);
        if (rc) break err_platform_driver;

        rc = await platform_driver_register(dax_hmem_driver);
        if (rc) {
          // err_driver:
          await platform_driver_unregister(dax_hmem_platform_driver);
          break err_platform_driver;
        }

        return 0;
      }
      await destroy_workqueue(dax_hmem_wq);

      return rc;
    }

    async function dax_hmem_exit(): Promise<void> {
      await platform_driver_unregister(dax_hmem_driver);
      await platform_driver_unregister(dax_hmem_platform_driver);
      await destroy_workqueue(dax_hmem_wq!);
    }

    return {
      initcalls: [{ level: 'device', fn: dax_hmem_init }],
      exit: dax_hmem_exit,
      exports: { dax_hmem_flush_work },
    };
  },
};
