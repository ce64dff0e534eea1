// SPDX-License-Identifier: GPL-2.0-only
/**
 * Port of cxl_region_contains_resource() from drivers/cxl/core/region.c
 * as merged for 7.1: v8 7/9 (8e65f99b525b) with b6a61d5baf99 (exported
 * only to dax_hmem) and 471d88441eb9 (const argument, bus_find_device
 * with __free(put_device)). The rest of region.c is mocked in
 * mocks/cxl/region.ts.
 *
 * Deviations: the cxl_rwsem.region read lock is not modelled; the scoped
 * put_device of __free() is written out.
 */
import type { PortUnit } from '../../../../framework/kernel/module/types.js';
import type { device } from '../../../../framework/include/linux/device.js';
import { resource_contains, type resource } from '../../../../framework/include/linux/ioport.js';
import { CXL_CONFIG_COMMIT, is_cxl_region, to_cxl_region } from '../../../../mocks/cxl/cxl.h.js';

export const region_c: PortUnit = {
  file: 'drivers/cxl/core/region.c',
  url: import.meta.url,
  built: (cfg) => cfg.IS_ENABLED('CONFIG_CXL_REGION'),
  exports: [{ symbol: 'cxl_region_contains_resource', gpl: true, forModules: 'dax_hmem' }],
  create(k, sym) {
    const { bus_find_device, put_device } = k;

    function region_contains_resource(dev: device, data: unknown): boolean {
      const res = data as Readonly<resource>;

      if (!is_cxl_region(dev)) return false;

      const cxlr = to_cxl_region(dev);
      const p = cxlr.params;

      if (p.state !== CXL_CONFIG_COMMIT) return false;

      if (!p.res) return false;

      return resource_contains(p.res, res);
    }

    function cxl_region_contains_resource(res: Readonly<resource>): boolean {
      const dev = bus_find_device(sym.cxl_bus_type, res, region_contains_resource);
      put_device(dev);
      return !!dev;
    }

    return { exports: { cxl_region_contains_resource } };
  },
};
