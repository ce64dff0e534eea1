// SPDX-License-Identifier: GPL-2.0-only
/**
 * A scenario's kernel command line, checked before anything boots: each
 * parameter must be one kshim models, with a value it can take. A kernel
 * would pass an unknown word to init and boot on; kshim says which word
 * and what it knows instead, since a typo there silently changes nothing.
 */
import { CmdlineError, module_param_of, param_bool, param_name, parse_args, type CmdlineParam } from '../framework/init/cmdline.js';
import { ddebug_parse_queries, DdebugQueryError } from '../framework/lib/dynamic_debug.js';
import type { ModuleDef } from '../framework/kernel/module/types.js';
import { closest } from './suggest.js';

/** The kernel's own parameters kshim acts on, with what each takes. */
export const KERNEL_PARAMS: Readonly<Record<string, string>> = {
  initcall_debug: 'a bool (or no value)',
  driver_async_probe: 'a comma-separated list of driver names, * for every driver',
  deferred_probe_timeout: 'a number of seconds',
  module_blacklist: 'a comma-separated list of module names',
  dyndbg: 'a dynamic debug query such as "module dax_hmem +p"',
};

/** Parameters every module takes besides its own (unknown_module_param_cb() compares them exactly). */
const EVERY_MODULE = ['dyndbg', 'async_probe'];

/**
 * Words of a real /proc/cmdline that mean nothing to kshim's kernel
 * (console, root filesystem, log level on the console): accepted and
 * ignored, so that a pasted command line boots.
 */
export const IGNORED_PARAMS = ['BOOT_IMAGE', 'console', 'earlycon', 'earlyprintk', 'root', 'rootfstype', 'rootwait', 'ro', 'rw', 'quiet', 'loglevel', 'init', 'nokaslr', 'panic', 'ignore_loglevel'];

/** The problem with `text` for a tree with these objects, or undefined when kshim can boot it. */
export function cmdlineProblem(text: string, catalog: readonly ModuleDef[]): string | undefined {
  return firstProblem(text, (p) => (p.param.includes('.') ? moduleParamProblem(p.param, p.val, catalog) : kernelParamProblem(p.param, p.val, catalog)));
}

/** The words of `text` as next_arg() splits them, each checked by `check`: the first problem, or undefined. */
function firstProblem(text: string, check: (p: CmdlineParam) => string | undefined): string | undefined {
  let params: CmdlineParam[];
  try {
    params = parse_args(text);
  } catch (e) {
    if (e instanceof CmdlineError) return e.message;
    throw e;
  }
  for (const p of params) {
    const problem = check(p);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** The problem with the options of `modprobe MODULE OPTIONS`, or undefined. */
export function moduleOptionsProblem(module: string, options: string, catalog: readonly ModuleDef[]): string | undefined {
  return firstProblem(options, (p) => moduleParamProblem(`${module}.${p.param}`, p.val, catalog));
}

function kernelParamProblem(param: string, val: string | null, catalog: readonly ModuleDef[]): string | undefined {
  const name = param_name(param);
  const known = Object.keys(KERNEL_PARAMS);
  if (IGNORED_PARAMS.includes(param)) return undefined;
  if (!known.includes(name)) {
    const near = closest(name, known);
    return `unknown parameter "${param}"${near !== undefined ? ` (did you mean ${near}?)` : ''}; kshim models ${known.join(', ')} and MODULE.PARAM for a module's parameters`;
  }
  const expected = `"${param}" takes ${KERNEL_PARAMS[name]}`;
  switch (name) {
    case 'initcall_debug':
      return param_bool(val) === null ? `${expected}, not "${val}"` : undefined;
    case 'deferred_probe_timeout':
      return val === null || !/^[+-]?\d+$/.test(val) ? `${expected}, not ${val === null ? 'nothing' : `"${val}"`}` : undefined;
    case 'driver_async_probe':
      // Its names are drivers, which only a boot knows: asyncProbeDriversProblem() checks them before the run.
      return val === null ? expected : undefined;
    case 'module_blacklist': {
      if (val === null || val === '') return expected;
      // blacklisted() compares names exactly: "dax-hmem" never matches.
      const modules = catalog.filter((d) => d.config !== 'always').map((d) => d.name);
      const stray = val.split(',').find((n) => n !== '' && !modules.includes(n));
      return stray === undefined ? undefined : `"${param}": ${stray} is not a module of this tree (names as lsmod shows them: ${modules.join(', ')})`;
    }
    case 'dyndbg':
      return queryProblem(param, val, null);
  }
  return undefined;
}

/**
 * The problem with the names of driver_async_probe= in `text`, given the
 * drivers the tree's objects register (`drivers`, drv->name as
 * /sys/bus/BUS/drivers/ lists them) and its modules. The kernel compares each
 * name with a driver's name exactly (cmdline_requested_async_probing() in
 * drivers/base/dd.c) and ignores one no driver has; "*" is every driver,
 * and with it the names listed are the exceptions. A module's name is the
 * likeliest mistake: its own async_probe parameter is what takes that.
 */
export function asyncProbeDriversProblem(text: string, drivers: readonly string[], modules: readonly string[]): string | undefined {
  return firstProblem(text, (p) => {
    if (p.param.includes('.') || param_name(p.param) !== 'driver_async_probe' || p.val === null) return undefined;
    const stray = p.val.split(',').find((n) => n !== '' && n !== '*' && !drivers.includes(n));
    if (stray === undefined) return undefined;
    const valid = `driver names as /sys/bus/*/drivers/ lists them: ${drivers.join(', ')}; * for every driver`;
    if (modules.includes(stray)) return `"${p.param}": ${stray} is a module of this tree, not a driver (${valid}); when modprobe loads ${stray}, ${stray}.async_probe asks it of every driver of the module`;
    const near = closest(stray, drivers);
    return `"${p.param}": ${stray} is not a driver of this tree${near !== undefined ? `; did you mean ${near}?` : ''} (${valid})`;
  });
}

function moduleParamProblem(param: string, val: string | null, catalog: readonly ModuleDef[]): string | undefined {
  const m = module_param_of(param);
  if (m === null) return `"${param}" is not a parameter name (expected MODULE.PARAM)`;
  if (m.module === 'module' && m.name === 'async_probe') return param_bool(val) === null ? `"${param}" takes a bool (y, n, 1, 0, on, off, or no value), not "${val}"` : undefined;
  const def = catalog.find((d) => d.name === m.module);
  if (def === undefined) {
    const names = catalog.map((d) => d.name);
    const near = closest(m.module, names);
    return `"${param}": no object named ${m.module} in this tree${near !== undefined ? ` (did you mean ${near}?)` : ''}; its objects: ${names.join(', ')}`;
  }
  const written = param.slice(param.indexOf('.') + 1);
  if (written === 'dyndbg') return queryProblem(param, val, m.module);
  if (written === 'async_probe') return undefined;
  const own = def.units.flatMap((u) => u.params ?? []);
  if (!own.includes(m.name)) {
    const takes = [...own, ...EVERY_MODULE];
    return `"${param}": ${m.module} has no parameter ${m.name}; it takes ${takes.join(', ')}`;
  }
  return param_bool(val) === null ? `"${param}" takes a bool (y, n, 1, 0, on, off, or no value), not "${val}"` : undefined;
}

function queryProblem(param: string, val: string | null, module: string | null): string | undefined {
  try {
    ddebug_parse_queries(val ?? '+p', module);
    return undefined;
  } catch (e) {
    if (e instanceof DdebugQueryError) return `"${param}": ${e.message}`;
    throw e;
  }
}
