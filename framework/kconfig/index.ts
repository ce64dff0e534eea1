// SPDX-License-Identifier: GPL-2.0-only
/** The Kconfig subsystem: parser, check pass, evaluator, enumerator, kconfig.h helpers and the link check. */
export type { Kconfig, KSymbol } from './ast.js';
export { KconfigError } from './errors.js';
export { parseKconfig, parseInto, emptyKconfig, type KconfigSource, type ParseOptions } from './parser.js';
export { check, loadKconfig } from './check.js';
export { olddefconfig, assignable, writtenSymbols, type Adjustment, type WrittenConfig, type OlddefconfigResult, type Requested } from './evaluate.js';
export { enumerateValid, sweepValid, ConfigView } from './enumerate.js';
export { IS_BUILTIN, IS_MODULE, IS_ENABLED, IS_REACHABLE, ifdef, type ConfigValue } from './kconfig_h.js';
export { linkCheck, exportNamespace, moduleNamespaceAllows, type LinkExport, type LinkObject, type LinkResult } from './link.js';
export { cxlDaxObjects, type CodeState, type ConfigReader } from './cxl_dax_link.js';
export { triAnd, triOr, triNot, triName, triValue, type Tristate, type TristateName } from './tristate.js';
export { cxlDaxSources, loadCxlDaxKconfig, KCONFIG_VARIANTS, CXL_DAX_SYMBOLS, CXL_DAX_USER_SYMBOLS, type KconfigVariant } from './texts/index.js';
