// SPDX-License-Identifier: GPL-2.0-only
/**
 * Module parameters (kernel/params.c, include/linux/moduleparam.h): a port
 * declares `module_param_named(name, initial, 'bool', perm)` and reads the
 * cell's `value` where the C reads the variable. The loader sets the
 * declared parameters from `module.param=` on the command line for
 * built-in code (at boot, silently ignoring names it does not know, as
 * unknown_bootoption() does) and from the arguments modprobe passes for a
 * loadable module (load_module()'s parse_args(), with
 * unknown_module_param_cb() for async_probe, dyndbg and the rest).
 *
 * Deviations: only `bool` parameters exist (the only type the ported
 * files declare); /sys/module/<name>/parameters is read-only in kshim
 * shell (it has no writes), whatever the mode.
 */
import { param_bool, param_name, type CmdlineParam } from '../../init/cmdline.js';

export type ParamType = 'bool';

/** A module parameter's storage, as the port sees it. */
export interface ParamCell<T> {
  value: T;
}

/** struct kernel_param: a declared parameter of one load (or of vmlinux). */
export interface kernel_param {
  readonly name: string;
  readonly type: ParamType;
  readonly perm: number;
  readonly cell: ParamCell<boolean>;
}

export type ModuleParamNamed = (name: string, initial: boolean, type: ParamType, perm: number) => ParamCell<boolean>;

/**
 * param_set_bool(): set `kp` from `val`; false when the value does not
 * parse as a bool (the cell keeps its value).
 */
export function param_set_bool(kp: kernel_param, val: string | null): boolean {
  const b = param_bool(val);
  if (b === null) return false;
  kp.cell.value = b;
  return true;
}

/**
 * parse_args(): for each argument, the declared parameter of that name
 * (dashes and underscores alike) is set, or `unknown` is called. A value
 * that does not parse does not stop the others; the last such argument is
 * returned (the load fails), or null.
 */
export function parse_args(args: readonly CmdlineParam[], params: readonly kernel_param[], unknown: (p: CmdlineParam) => void): BadArg | null {
  let bad: BadArg | null = null;
  for (const a of args) {
    const name = param_name(a.param);
    const kp = params.find((p) => p.name === name);
    if (kp === undefined) {
      unknown(a);
      continue;
    }
    if (!param_set_bool(kp, a.val)) bad = { param: a.param, val: a.val, written: a.written ?? a.param };
  }
  return bad;
}

/** An argument whose value did not parse: its name as the module sees it, and as the command line wrote it. */
export interface BadArg {
  readonly param: string;
  readonly val: string | null;
  readonly written: string;
}
