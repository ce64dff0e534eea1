// SPDX-License-Identifier: GPL-2.0-only
/**
 * Port of drivers/dax/hmem/device.c as merged for 7.1: f8dc1bde1873
 * ("dax/hmem: Fix singleton confusion between dax_hmem_work and hmem
 * devices"), unchanged by 059edcc405e4.
 *
 * The C diff of f8dc1bde1873 is not in our reference set. This port
 * follows a line-by-line translation of device.c at d482bb509b7d (after
 * the fix) found in the public index: a static struct hmem_platform_device
 * named hmem_platform, its work statically initialised with the
 * placeholder hmem_work, registered on the first range with
 * platform_device_register() and no put on failure (the device is static),
 * and no global initial-probe flag. tools/testing/cxl/test/hmem_test.c
 * uses the same pattern.
 *
 * Deviations: see ./base.ts; in addition pr_err_once() is pr_err() behind
 * a flag local to this file.
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
  params: ['disable'],
  exports: [{ symbol: 'walk_hmem_resources', gpl: true }],
  create(k) {
    const { mutex_lock, mutex_unlock, __request_region, pr_debug, pr_err, platform_device_register,
      walk_soft_reserve_res, phys_to_target_node, __WORK_INITIALIZER } = k;

    const nohmem = k.module_param_named('disable', false, 'bool', 0o444);

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

    let failed_once = false;
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
        if (!failed_once) pr_err('failed to register device-dax hmem_platform device\n');
        failed_once = true;
        return;
      }
      platform_initialized = true;
    }

    async function hmem_register_resource(target_nid: number, res: resource): Promise<void> {
      if (nohmem.value) return;

      await mutex_lock(hmem_resource_lock);
      await __hmem_register_resource(target_nid, res);
      mutex_unlock(hmem_resource_lock);
    }

    // Split in two: the walk collects (it cannot sleep here), registration follows in walk order.
    async function hmem_register_one(res: resource): Promise<number> {
      await hmem_register_resource(phys_to_target_node(res.start), res);
      return 0;
    }

    async function hmem_init(): Promise<number> {
      const ranges: resource[] = [];
      walk_soft_reserve_res(0, -1, null, (res) => (ranges.push(res), 0));
      for (const res of ranges) await hmem_register_one(res);
      return 0;
    }

    return {
      initcalls: [{ level: 'device', fn: hmem_init }],
      exports: { walk_hmem_resources },
    };
  },
};
