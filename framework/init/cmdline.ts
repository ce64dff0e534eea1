// SPDX-License-Identifier: GPL-2.0-only
/**
 * The kernel command line as kernel/params.c splits it: next_arg() takes
 * one `param` or `param=value` at a time, double quotes keep spaces inside
 * a word and are dropped from the value, and `--` ends the kernel's part
 * (what follows goes to init). A dotted name, `module.param`, is a module
 * parameter: applied at boot to built-in code, and read from /proc/cmdline
 * by modprobe when a loadable module is loaded.
 *
 * Deviation: next_arg() takes an unterminated quote to the end of the
 * line; here it is an error, since it is nearly always a typo in a
 * scenario.
 */
import { ContainerModule } from 'inversify';

export interface CmdlineParam {
  /** As written, dashes included ("driver_async_probe", "dax_hmem.region_idle"). */
  readonly param: string;
  /** The value after '=' with its quotes removed; null for a bare word. */
  readonly val: string | null;
  /** For a module's parameter taken from the command line: the name as written there ("dax_hmem.region_idle"). */
  readonly written?: string;
}

export class CmdlineError extends Error {}

/** next_arg(): the words of a command line, up to a lone `--`. */
export function parse_args(text: string): CmdlineParam[] {
  const out: CmdlineParam[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && isspace(text[i]!)) i++;
    if (i >= n) break;
    let j = i;
    let quoted = false;
    let inQuote = false;
    if (text[j] === '"') {
      quoted = true;
      inQuote = true;
      j++;
    }
    const start = j;
    let equals = -1;
    for (; j < n; j++) {
      const c = text[j]!;
      if (isspace(c) && !inQuote) break;
      if (equals < 0 && c === '=') equals = j;
      if (c === '"') inQuote = !inQuote;
    }
    if (inQuote) throw new CmdlineError(`unterminated quote in "${text.slice(quoted ? start - 1 : start, j)}"`);
    let word = text.slice(start, j);
    if (quoted && word.endsWith('"')) word = word.slice(0, -1);
    i = j;
    if (word === '--' && !quoted) break;
    if (equals < 0) {
      out.push({ param: word, val: null });
      continue;
    }
    const param = word.slice(0, equals - start);
    let val = word.slice(equals - start + 1);
    if (val.startsWith('"')) {
      val = val.slice(1);
      if (val.endsWith('"')) val = val.slice(0, -1);
    }
    out.push({ param, val });
  }
  return out;
}

/** parameq(): dashes and underscores in parameter names are the same. */
export function param_name(param: string): string {
  return param.replace(/-/g, '_');
}

/** For "dax_hmem.region_idle": the module ("dax_hmem") and its parameter ("region_idle"); null when undotted. */
export function module_param_of(param: string): { readonly module: string; readonly name: string } | null {
  const dot = param.indexOf('.');
  if (dot <= 0 || dot === param.length - 1) return null;
  return { module: param_name(param.slice(0, dot)), name: param_name(param.slice(dot + 1)) };
}

/**
 * kstrtobool() as param_set_bool() uses it: y/Y/t/T/1, n/N/f/F/0 and
 * on/off by their first characters; a bare parameter (no value) means true.
 */
export function param_bool(val: string | null): boolean | null {
  if (val === null) return true;
  const c0 = val[0];
  if (c0 === 'y' || c0 === 'Y' || c0 === 't' || c0 === 'T' || c0 === '1') return true;
  if (c0 === 'n' || c0 === 'N' || c0 === 'f' || c0 === 'F' || c0 === '0') return false;
  if (c0 === 'o' || c0 === 'O') {
    const c1 = val[1];
    if (c1 === 'n' || c1 === 'N') return true;
    if (c1 === 'f' || c1 === 'F') return false;
  }
  return null;
}

/**
 * saved_command_line, split once: the kernel's own parameters and each
 * module's, by module name. `given` is false for a machine booted without
 * one (kshim's verbose default: see framework/lib/dynamic_debug.ts).
 */
export class BootCommandLine {
  readonly params: readonly CmdlineParam[];
  readonly given: boolean;
  readonly text: string;

  constructor(text: string | undefined) {
    this.given = text !== undefined;
    this.text = text ?? '';
    this.params = parse_args(this.text);
  }

  /** The values of an undotted parameter, in command-line order (a later one overrides an earlier one). */
  kernelParam(name: string): (string | null)[] {
    const out: (string | null)[] = [];
    for (const p of this.params) if (!p.param.includes('.') && param_name(p.param) === name) out.push(p.val);
    return out;
  }

  /** `module.param` entries for `module`, with the module prefix stripped, as modprobe passes them. */
  moduleParams(module: string): CmdlineParam[] {
    const out: CmdlineParam[] = [];
    for (const p of this.params) {
      const m = module_param_of(p.param);
      if (m !== null && m.module === module) out.push({ param: p.param.slice(p.param.indexOf('.') + 1), val: p.val, written: p.param });
    }
    return out;
  }
}

/**
 * The DI module of the command line: the one the boot loader passed, or
 * none. The kernel image (framework/image.ts) passes a function that gives
 * the command line of the boot being resolved.
 */
export function cmdlineModule(text: string | undefined | (() => string | undefined)): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(BootCommandLine).toDynamicValue(() => new BootCommandLine(typeof text === 'function' ? text() : text));
  });
}

function isspace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
}
