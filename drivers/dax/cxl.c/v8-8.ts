// SPDX-License-Identifier: GPL-2.0-only
/**
 * Port of drivers/dax/cxl.c with [PATCH v8 8/9] dax/hmem, cxl: Defer and
 * resolve Soft Reserved ownership (mainline e4de6b910bf3, unchanged up to
 * 303d32843b83 and by the 7.1 follow-ups 1eaef15b2349 ... 059edcc405e4, so
 * the mainline tree uses this file; the same as [PATCH v7 6/7]): on top of v8 5/9, the
 * registration work first waits for dax_hmem's ownership decisions with
 * dax_hmem_flush_work() (an empty stub without DEV_DAX_HMEM).
 *
 * Deviations: see ./base.ts.
 */
import type { PortUnit } from '../../../framework/kernel/module/types.js';
import { ENOMEM, PTR_ERR_OR_ZERO } from '../../../framework/include/errno.js';
import { NUMA_NO_NODE, PROBE_PREFER_ASYNCHRONOUS, type device } from '../../../framework/include/linux/device.js';
import { range_len } from '../../../framework/include/linux/ioport.js';
import { PMD_SIZE } from '../../../framework/include/linux/memregion.js';
import { CXL_DEVICE_DAX_REGION, MODULE_ALIAS_CXL, cxl_driver, to_cxl_dax_region } from '../../../mocks/cxl/cxl.h.js';
import { IORESOURCE_DAX_KMEM, type dev_dax_data } from '../bus.h/base.js';
import { bus_h, bus_h_references } from '../bus.h/v8-8.js';
import { DAX_CXL_REFERENCES } from './base.js';

export const cxl_c: PortUnit = {
  file: 'drivers/dax/cxl.c',
  url: import.meta.url,
  references: (cfg) => [...DAX_CXL_REFERENCES, ...bus_h_references(cfg)],
  aliases: [MODULE_ALIAS_CXL(CXL_DEVICE_DAX_REGION)],
  importNs: ['CXL'],
  create(k, sym) {
    const { phys_to_target_node, memory_add_physaddr_to_nid, DECLARE_WORK, queue_work, flush_work, system_long_wq, THIS_MODULE } = k;
    const { dax_hmem_flush_work } = bus_h(k, sym);

    async function cxl_dax_region_probe(dev: device): Promise<number> {
      const cxlr_dax = to_cxl_dax_region(dev);
      let nid = phys_to_target_node(cxlr_dax.hpa_range.start);
      const cxlr = cxlr_dax.cxlr!;

      if (nid === NUMA_NO_NODE) nid = memory_add_physaddr_to_nid(cxlr_dax.hpa_range.start);

      const dax_region = await sym.alloc_dax_region(dev, cxlr.id, cxlr_dax.hpa_range, nid, PMD_SIZE, IORESOURCE_DAX_KMEM);
      if (!dax_region) return -ENOMEM;

      const data: dev_dax_data = {
        dax_region,
        id: -1,
        size: range_len(cxlr_dax.hpa_range),
        memmap_on_memory: true,
      };

      return PTR_ERR_OR_ZERO(await sym.devm_create_dev_dax(data));
    }

    const cxl_dax_region_driver = new cxl_driver({
      name: 'cxl_dax_region',
      probe: cxl_dax_region_probe,
      id: CXL_DEVICE_DAX_REGION,
      drv: {
        suppress_bind_attrs: true,
        probe_type: PROBE_PREFER_ASYNCHRONOUS,
      },
    });

    async function cxl_dax_region_driver_register(): Promise<void> {
      await dax_hmem_flush_work();
      await sym.__cxl_driver_register(cxl_dax_region_driver, THIS_MODULE, 'dax_cxl');
    }

    const cxl_dax_region_driver_work = DECLARE_WORK(cxl_dax_region_driver_register);

    function cxl_dax_region_init(): number {
      queue_work(system_long_wq, cxl_dax_region_driver_work);
      return 0;
    }

    async function cxl_dax_region_exit(): Promise<void> {
      await flush_work(cxl_dax_region_driver_work);
      await sym.cxl_driver_unregister(cxl_dax_region_driver);
    }

    return { initcalls: [{ level: 'device', fn: cxl_dax_region_init }], exit: cxl_dax_region_exit };
  },
};
