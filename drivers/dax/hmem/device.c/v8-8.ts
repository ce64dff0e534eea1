// SPDX-License-Identifier: GPL-2.0-only
/**
 * Port of drivers/dax/hmem/device.c with [PATCH v8 8/9] dax/hmem, cxl:
 * Defer and resolve Soft Reserved ownership (mainline e4de6b910bf3; the
 * same change as [PATCH v7 6/7]): base plus the exported flag
 * dax_hmem_initial_probe, which lives in this built-in file so that it
 * survives a reload of dax_hmem.
 *
 * Deviations: see ./base.ts; the exported bool is read and written by
 * importers through accessors.
 */
import type { PortUnit } from '../../../../framework/kernel/module/types.js';
import { exportVariable } from '../../../../framework/kernel/module/symbols.js';
import { device_c as base } from './base.js';

export const device_c: PortUnit = {
  ...base,
  url: import.meta.url,
  exports: [...(base.exports ?? []), { symbol: 'dax_hmem_initial_probe', gpl: true }],
  create(k, sym) {
    const b = base.create(k, sym);

    let dax_hmem_initial_probe = false;

    return {
      ...b,
      exports: {
        ...b.exports,
        dax_hmem_initial_probe: exportVariable(
          () => dax_hmem_initial_probe,
          (v: boolean) => (dax_hmem_initial_probe = v),
        ),
      },
    };
  },
};
