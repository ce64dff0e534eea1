// SPDX-License-Identifier: GPL-2.0-only
/**
 * Mocked drivers/cxl/core/mbox.c: cxl_memdev_state_create(), the one
 * symbol of cxl_core that cxl_pci calls before it adds the memdev. It makes
 * cxl_pci depend on cxl_core as the real driver does (modules.dep, lsmod's
 * holders), whatever else the probe mocks away.
 *
 * Deviations: the state holds only the device it is for: no mailbox, no
 * command or event state, no partitions; it cannot fail.
 */
import type { PortUnit } from '../../framework/kernel/module/types.js';
import type { device } from '../../framework/include/linux/device.js';

/** struct cxl_memdev_state, reduced to its device. */
export interface cxl_memdev_state {
  readonly dev: device;
}

export const core_mbox_c: PortUnit = {
  file: 'drivers/cxl/core/mbox.c',
  url: import.meta.url,
  exports: [{ symbol: 'cxl_memdev_state_create', gpl: true, namespace: 'CXL' }],
  create() {
    function cxl_memdev_state_create(dev: device): cxl_memdev_state {
      return { dev };
    }

    return { exports: { cxl_memdev_state_create } };
  },
};
