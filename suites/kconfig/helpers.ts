// SPDX-License-Identifier: GPL-2.0-only
/** Small Kconfig fragments for the kconfig suites. */
import { loadKconfig } from '../../framework/kconfig/check.js';
import type { Kconfig } from '../../framework/kconfig/ast.js';

/** The MODULES entry every fragment starts with, as in init/Kconfig. */
export const MODULES_ENTRY = `config MODULES
	bool "Enable loadable module support"
	default y
	modules
`;

/** Parses and checks one fragment (with MODULES prepended) as "test/Kconfig". */
export function fragment(text: string): Kconfig {
  return loadKconfig([{ file: 'test/Kconfig', text: `${MODULES_ENTRY}\n${text}` }]);
}
