// SPDX-License-Identifier: GPL-2.0-only
/**
 * Port of drivers/dax/hmem/device.c at v7.0-rc4 (f338e7738378
 * "Linux 7.0-rc4"); unchanged by v7 1/7-5/7 and v8 1/9-7/9.
 *
 * Deviations:
 * - walk_hmem_resources() and the walk callback are async (the callback
 *   registers platform devices, which may probe and sleep).
 * - hmem_register_resource() is not exported: only hmem_init() calls it
 *   here (no ACPI HMAT).
 * - hmem_init() collects the Soft Reserved ranges first and registers them
 *   after the walk, because the walk callback cannot sleep here.
 */
import type { PortUnit } from '../../../../framework/kernel/module/types.js';
import { newResourceRoot, resource_size, type resource } from '../../../../framework/include/linux/ioport.js';
import { mutex } from '../../../../framework/kernel/locking.js';
import type { device } from '../../../../framework/include/linux/device.js';

export type walk_hmem_fn = (host: device, target_nid: number, res: resource) => Promise<number> | number;

export const device_c: PortUnit = {
  file: 'drivers/dax/hmem/device.c',
  url: import.meta.url,
  params: ['disable'],
  exports: [{ symbol: 'walk_hmem_resources', gpl: true }],
  create(k) {
    const { mutex_lock, mutex_unlock, __request_region, pr_debug, pr_err, platform_device_alloc, platform_device_add, platform_device_put,
      walk_soft_reserve_res, phys_to_target_node } = k;

    const nohmem = k.module_param_named('disable', false, 'bool', 0o444);

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

      const pdev = platform_device_alloc('hmem_platform', 0);
      if (!pdev) {
        if (!warned) pr_err('failed to register device-dax hmem_platform device\n');
        warned = true;
        return;
      }

      const rc = await platform_device_add(pdev);
      if (rc) platform_device_put(pdev);
      else platform_initialized = true;
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
