// SPDX-License-Identifier: GPL-2.0-only
/**
 * Port of drivers/dax/hmem/hmem.c with [PATCH v7 6/7] dax/hmem, cxl: Defer
 * and resolve Soft Reserved ownership (not merged as posted; reworked as
 * v8 8/9, mainline e4de6b910bf3). On top of v7 2/7 (v7 3/7-5/7 leave
 * hmem.c alone), a range that meets a CXL window while
 * dax_hmem_initial_probe (in built-in device.c) is false is reported as
 * "deferring range to CXL" and a work item is queued on system_long_wq;
 * that work waits for pending probes, sets the flag and walks the ranges
 * again, dropping those a committed CXL region contains and registering
 * the rest through hmem_register_device(), which with the flag set falls
 * through to registration. dax_hmem_flush_work() is exported for dax_cxl
 * (EXPORT_SYMBOL_GPL).
 *
 * What v8 changed (kept here as posted): the work item is a zero-filled
 * static (`static struct dax_defer_work dax_hmem_work;`) set up by
 * INIT_WORK only in the first hmem_platform probe, so flushing it before
 * any probe ran (no Soft Reserved range: no hmem_platform device) trips
 * WARN_ON(!work->func) in __flush_work; exit flushes unconditionally; the
 * work walks on every run; and once the flag is set, a reload of dax_hmem
 * registers CXL-overlapping ranges without asking CXL.
 *
 * Deviations:
 * - Functions that sleep in the kernel are async.
 * - Symbols of other objects are called through `sym`; kernel built-ins
 *   come from `k`. The exported bool dax_hmem_initial_probe of device.c is
 *   read and written as `sym.dax_hmem_initial_probe`.
 * - The zero-filled static is `{ pdev: null, work: new work_struct() }`:
 *   an item with no function whose list head was never initialised.
 * - cxl_region_contains_resource() comes from the include/cxl/cxl.h shim
 *   (../../../cxl/cxl.h.ts): the real function when CXL_REGION=y, else
 *   the inline stub returning false.
 * - `goto out_put` is `break out_put` out of a labelled block;
 *   guard(device) is `using _guard = await guard(device)(dev)`, which
 *   unlocks when the function returns.
 * - request_module() is awaited; like the C it sleeps until the modprobe
 *   helper exits (-EBUSY before user-mode helpers exist), and its result
 *   is ignored.
 */
import type { PortUnit } from '../../../../framework/kernel/module/types.js';
import { EBUSY, ENOMEM, PTR_ERR_OR_ZERO } from '../../../../framework/include/errno.js';
import { device } from '../../../../framework/include/linux/device.js';
import { IORES_DESC_CXL, IORESOURCE_MEM, REGION_DISJOINT, REGION_INTERSECTS, range_len, resource_size, type resource } from '../../../../framework/include/linux/ioport.js';
import { GFP_KERNEL, PMD_SIZE, type memregion_info } from '../../../../framework/include/linux/memregion.js';
import { container_of, embed } from '../../../../framework/include/linux/container_of.js';
import { work_struct } from '../../../../framework/include/linux/workqueue_types.js';
import { platform_driver, type platform_device } from '../../../../framework/drivers/base/platform.js';
import { IORESOURCE_DAX_KMEM, type dev_dax_data } from '../../bus.h/v8-8.js';
import { cxl_h, cxl_h_references } from '../../../cxl/cxl.h.js';
import { HMEM_ALIASES, HMEM_REFERENCES } from './base.js';

/** struct dax_defer_work: the host hmem_platform device and the work that decides its CXL ranges. */
class dax_defer_work {
  pdev: platform_device | null;
  readonly work: work_struct;
  constructor(init: { pdev: platform_device | null; work: work_struct }) {
    this.pdev = init.pdev;
    this.work = init.work;
    embed(this, 'work');
  }
}

export const hmem_c: PortUnit = {
  file: 'drivers/dax/hmem/hmem.c',
  url: import.meta.url,
  params: ['region_idle'],
  references: (cfg) => [...HMEM_REFERENCES, ...cxl_h_references(cfg), 'dax_hmem_initial_probe'],
  exports: [{ symbol: 'dax_hmem_flush_work', gpl: true }],
  aliases: HMEM_ALIASES,
  create(k, sym) {
    const { dev_dbg, dev_err, dev_name, memregion_alloc, memregion_free, devm_add_action_or_reset, platform_device_alloc,
      platform_device_add_data, platform_device_add, platform_device_put, platform_device_unregister, platform_driver_register,
      platform_driver_unregister, numa_map_to_online_node, region_intersects, region_intersects_soft_reserve, IS_ENABLED,
      INIT_WORK, queue_work, flush_work, work_pending, system_long_wq, get_device, put_device, wait_for_device_probe,
      guard, request_module } = k;
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

    // Zero-filled, as a C static without an initialiser: no function, and
    // a list head that is not valid until INIT_WORK runs in the first probe.
    const dax_hmem_work = new dax_defer_work({ pdev: null, work: new work_struct() });

    async function dax_hmem_flush_work(): Promise<void> {
      await flush_work(dax_hmem_work.work);
    }

    async function hmem_register_device(host: device, target_nid: number, res: resource): Promise<number> {
      let rc: number;

      if (IS_ENABLED('CONFIG_DEV_DAX_CXL') &&
          region_intersects(res.start, resource_size(res), IORESOURCE_MEM, IORES_DESC_CXL) !== REGION_DISJOINT) {
        if (!sym.dax_hmem_initial_probe) {
          dev_dbg(host, 'deferring range to CXL: %pr\n', res);
          queue_work(system_long_wq, dax_hmem_work.work);
          return 0;
        }
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

    async function hmem_register_cxl_device(host: device, target_nid: number, res: resource): Promise<number> {
      if (region_intersects(res.start, resource_size(res), IORESOURCE_MEM, IORES_DESC_CXL) === REGION_DISJOINT) return 0;

      if (await cxl_region_contains_resource(res)) {
        dev_dbg(host, 'CXL claims resource, dropping: %pr\n', res);
        return 0;
      }

      dev_dbg(host, 'CXL did not claim resource, registering: %pr\n', res);
      return await hmem_register_device(host, target_nid, res);
    }

    async function process_defer_work(w: work_struct): Promise<void> {
      const work = container_of<dax_defer_work>(w);
      const pdev = work.pdev!;

      await wait_for_device_probe();

      using _guard = await guard(device)(pdev.dev);
      if (!pdev.dev.driver) return;

      // Set before the walk so that hmem_register_device() registers what
      // CXL did not claim instead of queueing this work again.
      sym.dax_hmem_initial_probe = true;
      await sym.walk_hmem_resources(pdev.dev, hmem_register_cxl_device);
    }

    async function dax_hmem_platform_probe(pdev: platform_device): Promise<number> {
      if (work_pending(dax_hmem_work.work)) return -EBUSY;

      if (!dax_hmem_work.pdev) {
        get_device(pdev.dev);
        dax_hmem_work.pdev = pdev;
        INIT_WORK(dax_hmem_work.work, process_defer_work);
      }

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
      await flush_work(dax_hmem_work.work);

      if (dax_hmem_work.pdev) put_device(dax_hmem_work.pdev.dev);

      await platform_driver_unregister(dax_hmem_driver);
      await platform_driver_unregister(dax_hmem_platform_driver);
    }

    return {
      initcalls: [{ level: 'device', fn: dax_hmem_init }],
      exit: dax_hmem_exit,
      exports: { dax_hmem_flush_work },
    };
  },
};
