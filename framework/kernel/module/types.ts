// SPDX-License-Identifier: GPL-2.0-only
/**
 * What a port declares about itself: the metadata the kernel build and
 * modpost extract from a C file (exports, references, aliases, softdeps,
 * initcall level) and a factory that instantiates the file's statics and
 * functions against the kernel API.
 */
import type { ModuleParamNamed } from './params.js';
import type { KernelApi } from '../../kernel.js';

export type Tristate = 'y' | 'm' | 'n';

/** Built-in initcall levels in the order do_initcalls() runs them. */
export const INITCALL_LEVELS = [
  'pure',
  'core',
  'core_sync',
  'postcore',
  'postcore_sync',
  'arch',
  'arch_sync',
  'subsys',
  'subsys_sync',
  'fs',
  'fs_sync',
  'rootfs',
  'device',
  'device_sync',
  'late',
  'late_sync',
] as const;
export type InitcallLevel = (typeof INITCALL_LEVELS)[number];

/** EXPORT_SYMBOL, EXPORT_SYMBOL_GPL, EXPORT_SYMBOL_NS(_GPL) and EXPORT_SYMBOL_FOR_MODULES. */
export interface ExportDecl {
  readonly symbol: string;
  readonly gpl?: boolean;
  readonly namespace?: string;
  /** EXPORT_SYMBOL_FOR_MODULES(sym, "dax_cxl"): comma-separated module globs allowed to link. */
  readonly forModules?: string;
}

/** The configuration as a C file sees it: CONFIG_ values and IS_* macros for this object. */
export interface KconfigView {
  value(symbol: string): Tristate;
  IS_ENABLED(symbol: string): boolean;
  IS_BUILTIN(symbol: string): boolean;
  IS_MODULE(symbol: string): boolean;
  /** Reachable from this object: built in, or a module and this object is a module. */
  IS_REACHABLE(symbol: string): boolean;
  /** True when this object is built into vmlinux. */
  readonly builtIn: boolean;
}

/** The kernel API a port sees, plus its view of the configuration and THIS_MODULE. */
export type PortApi = KernelApi &
  KconfigView & {
    /** Name of the module this code is built into, null when built in. */
    readonly THIS_MODULE: string | null;
    request_module(name: string): Promise<number>;
    /** module_param_named(): declare a parameter of this module; read its `value` where the C reads the variable. */
    module_param_named: ModuleParamNamed;
  };

/** Symbols of other objects, resolved at link or load time; accessors for exported variables. */
export type Imports = Record<string, any>;

export interface Initcall {
  readonly level: InitcallLevel;
  readonly fn: () => Promise<number> | number;
}

/** One instantiation of a C file: its initcalls, exit function and exported symbols. */
export interface UnitInstance {
  /** module_init(fn) is { level: 'device', fn } when built in, the module's init when modular. */
  readonly initcalls?: readonly Initcall[];
  readonly exit?: () => Promise<void> | void;
  /** Exported symbols: functions, or objects with get/set for exported variables (see defineExportedVariable). */
  readonly exports?: Readonly<Record<string, unknown>>;
  /** Non-exported symbols other C files of the same module link against. */
  readonly internals?: Readonly<Record<string, unknown>>;
}

/** A port of one C file. */
export interface PortUnit {
  /** Kernel path of the C file, e.g. "drivers/dax/hmem/hmem.c". */
  readonly file: string;
  /** Where the port's compiled JavaScript lives (import.meta.url), to name modules in stack traces. */
  readonly url: string;
  readonly exports?: readonly ExportDecl[];
  /** Symbols of other objects this file references under a configuration, after dead-code elimination. */
  readonly references?: (cfg: KconfigView) => readonly string[];
  /** MODULE_ALIAS patterns (globs). */
  readonly aliases?: readonly string[];
  /** Names of the parameters create() declares with module_param_named(), for checking a command line before a boot. */
  readonly params?: readonly string[];
  /** MODULE_SOFTDEP("pre: a b post: c") under a configuration. */
  readonly softdep?: (cfg: KconfigView) => string | null;
  /** MODULE_IMPORT_NS namespaces. */
  readonly importNs?: readonly string[];
  /** Whether the Makefile builds this file into its module under a configuration (cxl_core-$(CONFIG_CXL_REGION) += region.o). */
  readonly built?: (cfg: KconfigView) => boolean;
  /** Instantiate the file's statics and functions. Called once per load (once per boot when built in). */
  readonly create: (k: PortApi, sym: Imports) => UnitInstance;
}

/** A module as the Makefiles define it: a name, its Kconfig symbol and the C files linked into it. */
export interface ModuleDef {
  readonly name: string;
  /** The symbol that decides y / m / n; "always" objects (obj-y) are built in unconditionally. */
  readonly config: string | 'always';
  readonly units: readonly PortUnit[];
  /** Object path for messages: "drivers/dax/hmem/dax_hmem.ko" (the .o name is derived). */
  readonly object: string;
}
