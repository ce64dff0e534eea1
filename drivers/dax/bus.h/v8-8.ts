// SPDX-License-Identifier: GPL-2.0-only
/**
 * Port of drivers/dax/bus.h with [PATCH v8 8/9] (mainline e4de6b910bf3;
 * the same change as [PATCH v7 6/7]): base plus the declarations of
 * dax_hmem_initial_probe and dax_hmem_flush_work(), with an empty inline
 * stub of the latter when DEV_DAX_HMEM is disabled.
 */
import type { Imports, KconfigView } from '../../../framework/kernel/module/types.js';

export * from './base.js';

/** The inline part of the header as an including file sees it. */
export function bus_h(k: KconfigView, sym: Imports) {
  const dax_hmem_flush_work: () => Promise<void> | void = k.IS_ENABLED('CONFIG_DEV_DAX_HMEM') ? () => sym.dax_hmem_flush_work() : () => {};
  return { dax_hmem_flush_work };
}

/** The symbols an including file references through the header under a configuration. */
export function bus_h_references(cfg: KconfigView): string[] {
  return cfg.IS_ENABLED('CONFIG_DEV_DAX_HMEM') ? ['dax_hmem_flush_work'] : [];
}
