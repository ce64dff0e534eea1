// SPDX-License-Identifier: GPL-2.0-only
/**
 * Port of drivers/dax/bus.h as merged for 7.1 (3cba30eed56d "dax/hmem:
 * Reduce visibility of dax_cxl coordination symbols", which changed the
 * dax_hmem_flush_work() declarations, and f8dc1bde1873 "dax/hmem: Fix
 * singleton confusion between dax_hmem_work and hmem devices"): base
 * plus struct hmem_platform_device (per-device work and did_probe, which
 * replace v8's global flag) and dax_hmem_flush_work() with its stub.
 */
import { container_of, embed } from '../../../framework/include/linux/container_of.js';
import type { device } from '../../../framework/include/linux/device.js';
import { platform_device } from '../../../framework/drivers/base/platform.js';
import type { work_struct } from '../../../framework/include/linux/workqueue_types.js';

export * from './base.js';
export { bus_h, bus_h_references } from './v8-8.js';

export class hmem_platform_device {
  readonly pdev: platform_device;
  readonly work: work_struct;
  did_probe = false;
  constructor(init: { pdev: { name: string; id: number; dev?: { release?: (dev: device) => void } }; work: work_struct }) {
    this.pdev = new platform_device(init.pdev);
    this.work = init.work;
    embed(this, 'pdev', 'work');
  }
}

export function to_hmem_platform_device(pdev: platform_device): hmem_platform_device {
  return container_of<hmem_platform_device>(pdev);
}
