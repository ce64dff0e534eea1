// SPDX-License-Identifier: GPL-2.0-only
/**
 * The declaration of cxl_region_contains_resource() that hmem.c includes:
 * include/cxl/cxl.h as added by [PATCH v8 7/9] (8e65f99b525b), moved to
 * drivers/cxl/cxl.h by b6a61d5baf99 with the same guard. Under
 * `#ifdef CONFIG_CXL_REGION` the real function (in cxl_core) is
 * referenced; otherwise an inline stub returns false and nothing is.
 *
 * Note: #ifdef is true only for =y, and CXL_REGION is a bool that may be y
 * while cxl_core is a module; that is the v8 link error (F6).
 */
import type { Imports, KconfigView } from '../../framework/kernel/module/types.js';
import type { resource } from '../../framework/include/linux/ioport.js';

export function cxl_h(k: KconfigView, sym: Imports) {
  const cxl_region_contains_resource: (res: Readonly<resource>) => Promise<boolean> | boolean = k.IS_BUILTIN('CONFIG_CXL_REGION')
    ? (res) => sym.cxl_region_contains_resource(res)
    : () => false;
  return { cxl_region_contains_resource };
}

export function cxl_h_references(cfg: KconfigView): string[] {
  return cfg.IS_BUILTIN('CONFIG_CXL_REGION') ? ['cxl_region_contains_resource'] : [];
}
