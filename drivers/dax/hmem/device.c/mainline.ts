// SPDX-License-Identifier: GPL-2.0-only
/**
 * Port of drivers/dax/hmem/device.c as merged for 7.1: f8dc1bde1873
 * ("dax/hmem: Fix singleton confusion between dax_hmem_work and hmem
 * devices"), unchanged by 059edcc405e4.
 *
 * The merged file was not available to us: this follows its known shape
 * (a static struct hmem_platform_device, work initialised statically with
 * a placeholder function, registered on the first range; no global
 * initial-probe flag) and tools/testing/cxl/test/hmem_test.c, which uses
 * the same pattern. Names of the static device and the placeholder are
 * guesses.
 *
 * Deviations: see ./base.ts.
 */
import type { PortUnit } from '../../../../framework/kernel/module/types.js';
import { newResourceRoot, resource_size, type resource } from '../../../../framework/include/linux/ioport.js';
import { mutex } from '../../../../framework/kernel/locking.js';
import type { device } from '../../../../framework/include/linux/device.js';
import { hmem_platform_device } from '../../bus.h/mainline.js';
import type { walk_hmem_fn } from './base.js';

export const device_c: PortUnit = {
  file: 'drivers/dax/hmem/device.c',
  url: import.meta.url,
  exports: [{ symbol: 'walk_hmem_resources', gpl: true }],
  create(k) {
    const { mutex_lock, mutex_unlock, __request_region, pr_debug, pr_err, platform_device_register, platform_device_put,
      walk_soft_reserve_res, phys_to_target_node, __WORK_INITIALIZER } = k;

    const nohmem = false;

    function hmem_work(): void {}

    const hmem_platform = new hmem_platform_device({
      pdev: { name: 'hmem_platform', id: 0 },
      work: __WORK_INITIALIZER(hmem_work),
    });

    let platform_initialized = false;
    const hmem_resource_lock = new mutex('hmem_resource_lock');
    const hmem_active = newResourceRoot('HMEM devices');

    async function walk_hmem_resources(host: device, fn: walk_hmem_fn): Promise<number> {
      let rc = 0;

      await mutex_lock(hmem_resource_lock);
      for (let res = hmem_active.child; res; res = res.sibling) {
        rc = await fn(host, res.desc, res);
        if (rc) break;
      }
      mutex_unlock(hmem_resource_lock);
      return rc;
    }

    let warned = false;
    async function __hmem_register_resource(target_nid: number, res: resource): Promise<void> {
      const new_ = __request_region(hmem_active, res.start, resource_size(res), '', 0);
      if (!new_) {
        pr_debug('hmem range %pr already active\n', res);
        return;
      }

      new_.desc = target_nid;

      if (platform_initialized) return;

      const rc = await platform_device_register(hmem_platform.pdev);
      if (rc) {
        if (!warned) pr_err('failed to register device-dax hmem_platform device\n');
        warned = true;
        platform_device_put(hmem_platform.pdev);
        return;
      }
      platform_initialized = true;
    }

    async function hmem_register_resource(target_nid: number, res: resource): Promise<void> {
      if (nohmem) return;

      await mutex_lock(hmem_resource_lock);
      await __hmem_register_resource(target_nid, res);
      mutex_unlock(hmem_resource_lock);
    }

    async function hmem_init(): Promise<number> {
      const ranges: resource[] = [];
      walk_soft_reserve_res(0, -1, null, (res) => (ranges.push(res), 0));
      for (const res of ranges) await hmem_register_resource(phys_to_target_node(res.start), res);
      return 0;
    }

    return {
      initcalls: [{ level: 'device', fn: hmem_init }],
      exports: { walk_hmem_resources },
    };
  },
};
