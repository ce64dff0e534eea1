// SPDX-License-Identifier: GPL-2.0-only
/**
 * cxl_test's hmem_test=1 (tools/testing/cxl/test/hmem_test.c and the mock
 * ops of test/cxl.c, 549b5c12ef06): a second, static hmem_platform device
 * "hmem_platform.1" whose Soft Reserved range is the first half of CXL
 * window 0. dax_hmem is linked with wrappers (--wrap) so that
 * walk_hmem_resources() reports that range for hmem_platform.1 and
 * region_intersects_soft_reserve() accepts it; everything else goes to the
 * real functions.
 *
 * Deviation: registered by a built-in object at late_initcall time rather
 * than by loading the cxl_test module.
 */
import type { PortUnit } from '../../framework/kernel/module/types.js';
import type { ModuleLoader } from '../../framework/kernel/module/main.js';
import { dev_name, type device } from '../../framework/include/linux/device.js';
import { IORESOURCE_MEM, REGION_INTERSECTS, resource } from '../../framework/include/linux/ioport.js';
import { hmem_platform_device } from '../../drivers/dax/bus.h/mainline.js';
import type { Firmware } from '../platform/firmware.js';
import type { DeviceCore } from '../../framework/drivers/base/core.js';
import type { DdebugSite } from '../../framework/lib/dynamic_debug.js';

/** The range hmem_test reports: the first half of CXL window 0. */
export function hmemTestRange(firmware: Firmware): resource | null {
  const w = firmware.tables.cfmws[0];
  if (w === undefined) return null;
  const half = Math.floor((w.end - w.start + 1) / 2);
  return new resource({ start: w.start, end: w.start + half - 1, name: 'Soft Reserved', flags: IORESOURCE_MEM });
}

export function hmem_test_unit(): PortUnit {
  return {
    file: 'tools/testing/cxl/test/hmem_test.c',
    url: import.meta.url,
    create(k) {
      const { platform_device_register, __WORK_INITIALIZER } = k;

      function hmem_test_work(): void {}

      function hmem_test_release(): void {}

      const hmem_test_device = new hmem_platform_device({
        pdev: { name: 'hmem_platform', id: 1, dev: { release: hmem_test_release } },
        work: __WORK_INITIALIZER(hmem_test_work),
      });

      async function hmem_test_init(): Promise<number> {
        return await platform_device_register(hmem_test_device.pdev);
      }

      return { initcalls: [{ level: 'late', fn: hmem_test_init }] };
    },
  };
}

type WalkFn = (host: device, target_nid: number, res: resource) => Promise<number> | number;

/** Where cxl_test's mock ops live: tools/testing/cxl/test/cxl.c, in module cxl_test. */
const CXL_TEST_C: DdebugSite = { modname: 'cxl_test', filename: 'tools/testing/cxl/test/cxl.c', instance: 0 };

/**
 * Link dax_hmem against the mock walk and soft-reserve check, as
 * tools/testing/cxl does. mock_walk_hmem_resources() is the wrapper of
 * mock.c (the host check) and the op of cxl.c (its dev_dbg and the walk) in
 * one function.
 */
export function install_hmem_test_wraps(loader: ModuleLoader, firmware: Firmware, core: DeviceCore): void {
  const range = hmemTestRange(firmware);
  if (range === null) return;
  const isTestHost = (host: device): boolean => dev_name(host) === 'hmem_platform.1';
  loader.wrap('dax_hmem', 'walk_hmem_resources', (real: (host: device, fn: WalkFn) => Promise<number>) => {
    return async function mock_walk_hmem_resources(host: device, fn: WalkFn): Promise<number> {
      if (isTestHost(host)) {
        core.dynamic_dev_dbg(CXL_TEST_C, host, 'walk cxl_test resource: %pr\n', [range]);
        return await fn(host, 0, range);
      }
      return await real(host, fn);
    };
  });
  loader.wrap('dax_hmem', 'region_intersects_soft_reserve', (real: (start: number, size: number) => number) => {
    return function mock_region_intersects_soft_reserve(start: number, size: number): number {
      if (start <= range.end && start + size - 1 >= range.start) return REGION_INTERSECTS;
      return real(start, size);
    };
  });
}
