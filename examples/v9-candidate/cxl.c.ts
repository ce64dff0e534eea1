// SPDX-License-Identifier: GPL-2.0-only
/**
 * An example of testing a patch of your own (docs/testing-your-patch.md):
 * drivers/dax/cxl.c as mainline has it (drivers/dax/cxl.c/v8-8.ts), with
 * the hypothetical v9 change that goes with ./hmem.c.ts:
 * cxl_dax_region_init() becomes a late_initcall too, so when both are built
 * in it runs after dax_hmem_init() (hmem/ is linked first in
 * drivers/dax/Makefile) and its registration work never flushes a
 * dax_hmem_wq that does not exist yet.
 *
 * Not a kernel patch: an illustration of the workflow. Deviations: see
 * drivers/dax/cxl.c/base.ts.
 */
import type { PortUnit } from '../../framework/kernel/module/types.js';
import { ENOMEM, PTR_ERR_OR_ZERO } from '../../framework/include/errno.js';
import { NUMA_NO_NODE, PROBE_PREFER_ASYNCHRONOUS, type device } from '../../framework/include/linux/device.js';
import { range_len } from '../../framework/include/linux/ioport.js';
import { PMD_SIZE } from '../../framework/include/linux/memregion.js';
import { CXL_DEVICE_DAX_REGION, MODULE_ALIAS_CXL, cxl_driver, to_cxl_dax_region } from '../../mocks/cxl/cxl.h.js';
import { IORESOURCE_DAX_KMEM, type dev_dax_data } from '../../drivers/dax/bus.h/base.js';
import { bus_h, bus_h_references } from '../../drivers/dax/bus.h/v8-8.js';
import { DAX_CXL_REFERENCES } from '../../drivers/dax/cxl.c/base.js';

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

    return { initcalls: [{ level: 'late', fn: cxl_dax_region_init }], exit: cxl_dax_region_exit };
  },
};
