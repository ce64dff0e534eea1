// SPDX-License-Identifier: GPL-2.0-only
/**
 * The Kconfig trees kshim evaluates: the environment file, drivers/cxl and
 * drivers/dax, at each state of the series.
 */
import type { Kconfig } from '../ast.js';
import { loadKconfig } from '../check.js';
import type { KconfigSource } from '../parser.js';
import { DRIVERS_CXL_KCONFIG, DRIVERS_CXL_KCONFIG_FILE } from './cxl.js';
import { DRIVERS_DAX_KCONFIG_BASE, DRIVERS_DAX_KCONFIG_FILE, DRIVERS_DAX_KCONFIG_MAINLINE, DRIVERS_DAX_KCONFIG_V8_3 } from './dax.js';
import { KCONFIG_ENV, KCONFIG_ENV_FILE } from './env.js';

/** A state of drivers/dax/Kconfig: before the series, after v8 3/9, and after 1eaef15b2349. */
export type KconfigVariant = 'base' | 'v8-3' | 'mainline';

/** Every variant, oldest first. */
export const KCONFIG_VARIANTS: readonly KconfigVariant[] = ['base', 'v8-3', 'mainline'];

/** The eight CXL/DAX symbols the series' Kconfig questions are about. */
export const CXL_DAX_SYMBOLS = ['DEV_DAX_HMEM', 'DEV_DAX_CXL', 'CXL_BUS', 'CXL_ACPI', 'CXL_PCI', 'CXL_REGION', 'CXL_MEM', 'CXL_PORT'] as const;

/** The seven of them a user can set (CXL_PORT has no prompt). */
export const CXL_DAX_USER_SYMBOLS = ['DEV_DAX_HMEM', 'DEV_DAX_CXL', 'CXL_BUS', 'CXL_ACPI', 'CXL_PCI', 'CXL_REGION', 'CXL_MEM'] as const;

const DAX_TEXT: Record<KconfigVariant, string> = {
  base: DRIVERS_DAX_KCONFIG_BASE,
  'v8-3': DRIVERS_DAX_KCONFIG_V8_3,
  mainline: DRIVERS_DAX_KCONFIG_MAINLINE,
};

/** The files of one variant, in parse order: kshim/Kconfig.env, drivers/cxl/Kconfig, drivers/dax/Kconfig. */
export function cxlDaxSources(variant: KconfigVariant): KconfigSource[] {
  const text = DAX_TEXT[variant];
  if (text === undefined) throw new Error(`unknown Kconfig variant '${String(variant)}': expected ${KCONFIG_VARIANTS.join(', ')}`);
  return [
    { file: KCONFIG_ENV_FILE, text: KCONFIG_ENV },
    { file: DRIVERS_CXL_KCONFIG_FILE, text: DRIVERS_CXL_KCONFIG },
    { file: DRIVERS_DAX_KCONFIG_FILE, text },
  ];
}

/** Parses and checks one variant (a fresh symbol table on every call). */
export function loadCxlDaxKconfig(variant: KconfigVariant): Kconfig {
  return loadKconfig(cxlDaxSources(variant));
}
