// SPDX-License-Identifier: GPL-2.0-only
/**
 * Port of drivers/dax/cxl.c at v7.0-rc4 (f338e7738378 "Linux 7.0-rc4"):
 * dax_cxl binds cxl_dax_region devices and creates a dax region for each
 * committed CXL RAM region; module_cxl_driver() registers the driver from
 * module init.
 *
 * Deviations: the CXL objects come from the mocked cxl_core
 * (mocks/cxl/cxl.h.ts); cxl_driver_register() is the macro expanded.
 */
import type { PortUnit } from '../../../framework/kernel/module/types.js';
import { ENOMEM, PTR_ERR_OR_ZERO } from '../../../framework/include/errno.js';
import { NUMA_NO_NODE, type device } from '../../../framework/include/linux/device.js';
import { range_len } from '../../../framework/include/linux/ioport.js';
import { PMD_SIZE } from '../../../framework/include/linux/memregion.js';
import { CXL_DEVICE_DAX_REGION, MODULE_ALIAS_CXL, cxl_driver, to_cxl_dax_region } from '../../../mocks/cxl/cxl.h.js';
import { IORESOURCE_DAX_KMEM, type dev_dax_data } from '../bus.h/base.js';

export const DAX_CXL_REFERENCES = ['__cxl_driver_register', 'cxl_driver_unregister', 'alloc_dax_region', 'devm_create_dev_dax'];

export const cxl_c: PortUnit = {
  file: 'drivers/dax/cxl.c',
  url: import.meta.url,
  references: () => DAX_CXL_REFERENCES,
  aliases: [MODULE_ALIAS_CXL(CXL_DEVICE_DAX_REGION)],
  importNs: ['CXL'],
  create(k, sym) {
    const { phys_to_target_node, memory_add_physaddr_to_nid, THIS_MODULE } = k;

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
      },
    });

    async function cxl_dax_region_driver_init(): Promise<number> {
      return await sym.__cxl_driver_register(cxl_dax_region_driver, THIS_MODULE, 'dax_cxl');
    }

    async function cxl_dax_region_driver_exit(): Promise<void> {
      await sym.cxl_driver_unregister(cxl_dax_region_driver);
    }

    return { initcalls: [{ level: 'device', fn: cxl_dax_region_driver_init }], exit: cxl_dax_region_driver_exit };
  },
};
