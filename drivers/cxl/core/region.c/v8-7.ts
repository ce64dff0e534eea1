// SPDX-License-Identifier: GPL-2.0-only
/**
 * Port of cxl_region_contains_resource() from drivers/cxl/core/region.c
 * as added by [PATCH v8 7/9] cxl/region: Add helper to check Soft Reserved
 * containment by CXL regions (mainline 8e65f99b525b; the same as
 * [PATCH v7 5/7]). Built into cxl_core with CONFIG_CXL_REGION; exported
 * GPL. The rest of region.c is mocked in mocks/cxl/region.ts.
 *
 * Deviations: the cxl_rwsem.region read lock is not modelled (region state
 * changes only in steps that do not interleave with this walk). The walk
 * uses the async bus_for_each_dev(), which the C does not sleep in; the
 * match callback never waits, so no other task runs in between. The
 * mainline port walks synchronously.
 */
import type { PortUnit } from '../../../../framework/kernel/module/types.js';
import type { device } from '../../../../framework/include/linux/device.js';
import { resource_contains, type resource } from '../../../../framework/include/linux/ioport.js';
import { CXL_CONFIG_COMMIT, is_cxl_region, to_cxl_region } from '../../../../mocks/cxl/cxl.h.js';

export const region_c: PortUnit = {
  file: 'drivers/cxl/core/region.c',
  url: import.meta.url,
  built: (cfg) => cfg.IS_ENABLED('CONFIG_CXL_REGION'),
  exports: [{ symbol: 'cxl_region_contains_resource', gpl: true }],
  create(k, sym) {
    const { bus_for_each_dev } = k;

    function region_contains_resource(dev: device, data: unknown): number {
      const res = data as resource;

      if (!is_cxl_region(dev)) return 0;

      const cxlr = to_cxl_region(dev);
      const p = cxlr.params;

      if (p.state !== CXL_CONFIG_COMMIT) return 0;

      if (!p.res) return 0;

      return resource_contains(p.res, res) ? 1 : 0;
    }

    async function cxl_region_contains_resource(res: resource): Promise<boolean> {
      return (await bus_for_each_dev(sym.cxl_bus_type, res, region_contains_resource)) !== 0;
    }

    return { exports: { cxl_region_contains_resource } };
  },
};
